/* json.c — minimal JSON writer with correct string escaping. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "util/json.h"

static void sep(struct json *j)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
}

static void open_(struct json *j, char c)
{
	fputc(c, j->out);
	if (j->depth < 31)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void json_begin(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
	open_(j, '{');
}

void json_end(struct json *j)
{
	json_close(j, '}');
	fputc('\n', j->out);
}

void json_key(struct json *j, const char *key)
{
	json_string(j, key);
	fputc(':', j->out);
	j->need_comma[j->depth] = false;
}

void json_object(struct json *j)
{
	sep(j);
	open_(j, '{');
}

void json_array(struct json *j)
{
	sep(j);
	open_(j, '[');
}

void json_close(struct json *j, char bracket)
{
	fputc(bracket, j->out);
	if (j->depth > 0)
		j->depth--;
	j->need_comma[j->depth] = true;
}

void json_string(struct json *j, const char *s)
{
	sep(j);
	fputc('"', j->out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(j->out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", j->out);
		else if (*p == '\t')
			fputs("\\t", j->out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(j->out, "\\u%04x", *p);
		else
			fputc(*p, j->out);
	}
	fputc('"', j->out);
}

void json_int(struct json *j, long long v)
{
	sep(j);
	fprintf(j->out, "%lld", v);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->out);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
