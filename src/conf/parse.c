/* parse.c — tokenise os.conf as literal KEY=value lines; anything bash would expand is refused. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "conf/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"
#include "util/buf.h"

struct line_ctx {
	struct diags *d;
	unsigned line;
	int section;   /* of the key being parsed, -1 if unknown */
	char key[64];  /* the key being parsed, "" before it is known */
};

#define ERR(c, fmt, ...)                                                                              \
	diags_add((c)->d, DIAG_ERROR, (c)->line, (c)->section, "%s%s" fmt, (c)->key, (c)->key[0] ? ": " : "", \
		  ##__VA_ARGS__)

static bool is_key_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool is_key_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Characters allowed in an unquoted value: nothing the shell would treat specially. */
static bool is_plain_char(char c)
{
	return isalnum((unsigned char)c) || strchr("._-:/+=,@%", c) != NULL;
}

static const char *describe_char(char c, char *buf, size_t size)
{
	switch (c) {
	case '$': return "'$' (expansion)";
	case '`': return "'`' (command substitution)";
	case ';': return "';' (command separator)";
	case '&': return "'&'";
	case '|': return "'|' (pipe)";
	case '<': case '>': return "a redirection";
	case '(': case ')': return "a parenthesis";
	case '\\': return "a backslash";
	case '~': return "'~' (tilde expansion)";
	default:
		if ((unsigned char)c < 0x20 || c == 0x7f)
			snprintf(buf, size, "control character 0x%02x", (unsigned char)c);
		else
			snprintf(buf, size, "'%c'", c);
		return buf;
	}
}

/* After a value: only blanks, then optionally a comment. */
static int expect_end(struct line_ctx *c, const char *p, const char *end, const char *what)
{
	bool blank = false;
	while (p < end && (*p == ' ' || *p == '\t')) {
		p++;
		blank = true;
	}
	if (p == end || (blank && *p == '#'))
		return 0;
	char tmp[32];
	if (!blank && strchr(";&|<>()", *p))
		ERR(c, "%s after %s: the shell would run what follows as a command",
		    describe_char(*p, tmp, sizeof(tmp)), what);
	else if (!blank)
		ERR(c, "unexpected text after %s; the value must be one word or quoted", what);
	else
		ERR(c, "unexpected text after %s (the shell would run it as a command); quote the whole value",
		    what);
	return -EINVAL;
}

static int parse_double(struct line_ctx *c, const char *p, const char *end, struct buf *v)
{
	char tmp[32];
	for (p++; p < end; p++) {
		char ch = *p;
		if (ch == '"')
			return expect_end(c, p + 1, end, "the closing quote");
		if (ch == '$' || ch == '`') {
			ERR(c, "%s is not allowed: os.conf values are literal", describe_char(ch, tmp, sizeof(tmp)));
			return -EINVAL;
		}
		if (ch == '\\') {
			if (p + 1 < end && strchr("\"\\$`", p[1])) {
				ch = *++p;
			} else {
				ERR(c, "a backslash is only allowed before \" \\ $ or ` inside double quotes");
				return -EINVAL;
			}
		} else if ((unsigned char)ch < 0x20 && ch != '\t') {
			ERR(c, "%s inside quotes", describe_char(ch, tmp, sizeof(tmp)));
			return -EINVAL;
		}
		if (buf_append(v, &ch, 1) < 0)
			return -ENOMEM;
	}
	ERR(c, "unterminated double quote (values cannot span lines)");
	return -EINVAL;
}

static int parse_single(struct line_ctx *c, const char *p, const char *end, struct buf *v)
{
	char tmp[32];
	const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));
	if (!q) {
		ERR(c, "unterminated single quote (values cannot span lines)");
		return -EINVAL;
	}
	for (const char *s = p + 1; s < q; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t') {
			ERR(c, "%s inside quotes", describe_char(*s, tmp, sizeof(tmp)));
			return -EINVAL;
		}
	if (buf_append(v, p + 1, (size_t)(q - p - 1)) < 0)
		return -ENOMEM;
	return expect_end(c, q + 1, end, "the closing quote");
}

static int parse_plain(struct line_ctx *c, const char *p, const char *end, struct buf *v)
{
	char tmp[32];
	const char *s = p;
	while (s < end && is_plain_char(*s))
		s++;
	if (s < end && *s != ' ' && *s != '\t') {
		if (*s == '"' || *s == '\'')
			ERR(c, "a quote in the middle of a value; quote the whole value");
		else if (*s == '#')
			ERR(c, "'#' inside an unquoted value; quote the value");
		else
			ERR(c, "%s is not allowed in a value", describe_char(*s, tmp, sizeof(tmp)));
		return -EINVAL;
	}
	if (buf_append(v, p, (size_t)(s - p)) < 0)
		return -ENOMEM;
	return expect_end(c, s, end, "the value");
}

static int add_assignment(struct assignments *out, const char *key, size_t keylen, struct buf *v, unsigned line)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct assignment *n = realloc(out->items, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		out->items = n;
		out->cap = cap;
	}
	char *k = strndup(key, keylen);
	if (!k)
		return -ENOMEM;
	if (!v->data && buf_reserve(v, 0) < 0) {
		free(k);
		return -ENOMEM;
	}
	out->items[out->n++] = (struct assignment){ .key = k, .value = v->data, .line = line };
	*v = (struct buf){ 0 }; /* ownership moved; the value is wiped by assignments_free */
	return 0;
}

static int parse_line(struct line_ctx *c, const char *p, const char *end, struct assignments *out)
{
	char tmp[32];
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return 0;
	for (const char *s = p; s < end; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t') {
			ERR(c, "%s", describe_char(*s, tmp, sizeof(tmp)));
			return 0;
		}
	if (!is_key_start(*p)) {
		ERR(c, "not an assignment (expected KEY=value)");
		return 0;
	}
	const char *k = p;
	while (p < end && is_key_char(*p))
		p++;
	size_t keylen = (size_t)(p - k);
	char key[64];
	snprintf(key, sizeof(key), "%.*s", (int)(keylen < 63 ? keylen : 63), k);
	int nic;
	const struct key_spec *spec = schema_lookup(key, &nic);
	c->section = spec ? (int)spec->section : -1;
	if (p == end || *p != '=') {
		ERR(c, "expected '=' right after %s (the shell would run this line as a command)", key);
		return 0;
	}
	memcpy(c->key, key, sizeof(key));
	p++;
	struct buf v = { .secret = true };
	int r;
	if (p < end && *p == '"')
		r = parse_double(c, p, end, &v);
	else if (p < end && *p == '\'')
		r = parse_single(c, p, end, &v);
	else
		r = parse_plain(c, p, end, &v);
	if (r == 0)
		r = add_assignment(out, k, keylen, &v, c->line);
	buf_free(&v);
	return r == -ENOMEM ? r : 0;
}

/* When the line starts with KEY=, remember the key and its section first, so that any
 * error on the line (control character, length, NUL) disables the right section. */
static void identify_key(struct line_ctx *c, const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *k = p;
	while (p < end && is_key_char(*p) && p - k < 63)
		p++;
	if (p == k || !is_key_start(*k) || p == end || *p != '=')
		return;
	snprintf(c->key, sizeof(c->key), "%.*s", (int)(p - k), k);
	int nic;
	const struct key_spec *spec = schema_lookup(c->key, &nic);
	c->section = spec ? (int)spec->section : -1;
}

int conf_parse(const char *data, size_t len, struct assignments *out, struct diags *d)
{
	struct line_ctx c = { .d = d, .line = 0, .section = -1 };
	if (len > OSCONF_MAX_FILE) {
		diags_add(d, DIAG_ERROR, 0, -1, "file is larger than %d bytes", OSCONF_MAX_FILE);
		for (int s = 0; s < SEC_COUNT; s++)
			diags_add(d, DIAG_ERROR, 0, s, "%s not applied: the file is too large", section_name(s));
		return 0;
	}
	size_t pos = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* UTF-8 byte order mark */
	while (pos < len) {
		c.line++;
		c.section = -1;
		c.key[0] = '\0';
		const char *start = data + pos;
		const char *nl = memchr(start, '\n', len - pos);
		const char *end = nl ? nl : data + len;
		pos = (size_t)(end - data) + (nl ? 1 : 0);
		if (end > start && end[-1] == '\r')
			end--; /* CRLF */
		identify_key(&c, start, end < start + OSCONF_MAX_LINE ? end : start + OSCONF_MAX_LINE);
		if ((size_t)(end - start) > OSCONF_MAX_LINE) {
			ERR(&c, "line longer than %d bytes", OSCONF_MAX_LINE);
			continue;
		}
		if (memchr(start, '\0', (size_t)(end - start))) {
			ERR(&c, "NUL byte in line");
			continue;
		}
		int r = parse_line(&c, start, end, out);
		if (r < 0)
			return r;
	}
	return 0;
}

void assignments_free(struct assignments *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->items[i].key);
		if (a->items[i].value) {
			explicit_bzero(a->items[i].value, strlen(a->items[i].value));
			free(a->items[i].value);
		}
	}
	free(a->items);
	*a = (struct assignments){ 0 };
}
