/* report.c — collect check results and render them as text or JSON. */
#define _GNU_SOURCE
#include "image/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

struct check_result *report_begin(struct report *r, const char *id, const char *title)
{
	struct check_result *n = realloc(r->results, (r->nresults + 1) * sizeof(*n));
	if (!n)
		return NULL;
	r->results = n;
	struct check_result *c = &n[r->nresults++];
	*c = (struct check_result){ .id = id, .title = title, .status = CHECK_SKIP };
	return c;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void result_set(struct check_result *c, enum check_status st, const char *advice, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(c->message);
	c->message = vformat(fmt, ap);
	va_end(ap);
	free(c->advice);
	c->advice = advice ? strdup(advice) : NULL;
	c->status = st;
}

void result_detail(struct check_result *c, const char *fmt, ...)
{
	char **n = realloc(c->details, (c->ndetails + 1) * sizeof(*n));
	if (!n)
		return;
	c->details = n;
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	if (s)
		c->details[c->ndetails++] = s;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nresults; i++) {
		struct check_result *c = &r->results[i];
		free(c->message);
		free(c->advice);
		for (size_t j = 0; j < c->ndetails; j++)
			free(c->details[j]);
		free(c->details);
	}
	free(r->results);
	free(r->parts);
	r->results = NULL;
	r->nresults = 0;
	r->parts = NULL;
	r->nparts = 0;
}

const char *check_status_name(enum check_status st)
{
	static const char *names[] = { "pass", "warn", "fail", "skip" };
	return names[st];
}

size_t report_count(const struct report *r, enum check_status st)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nresults; i++)
		n += r->results[i].status == st;
	return n;
}

static void human_size(unsigned long long bytes, char *out, size_t len)
{
	if (bytes < (1ULL << 30))
		snprintf(out, len, "%.0f MiB", (double)bytes / (1024.0 * 1024));
	else
		snprintf(out, len, "%.1f GiB", (double)bytes / (1024.0 * 1024 * 1024));
}

int report_render_text(const struct report *r, struct buf *out)
{
	static const char *tags[] = { "PASS", "WARN", "FAIL", "SKIP" };
	char size[32];
	buf_printf(out, "osconf image check: %s", r->target);
	if (r->directory) {
		buf_puts(out, " (directory tree)\n");
	} else if (r->format) {
		buf_printf(out, " (%s%s%s", r->format, r->format_detail ? " " : "",
			   r->format_detail ? r->format_detail : "");
		if (r->virtual_size) {
			human_size(r->virtual_size, size, sizeof(size));
			buf_printf(out, ", virtual size %s", size);
		}
		buf_puts(out, ")\n");
	} else {
		buf_puts(out, "\n");
	}
	for (int i = 0; i < r->nparts; i++) {
		const struct report_partition *p = &r->parts[i];
		human_size(p->size, size, sizeof(size));
		buf_printf(out, "  partition %d: %s, %s%s%s%s%s%s\n", p->number, size,
			   p->fstype[0] ? p->fstype : "no file system", p->fsversion[0] ? " " : "",
			   p->fsversion, p->label[0] ? " label " : "", p->label,
			   p->number == r->root_partition ? " (root)" : "");
	}
	for (size_t i = 0; i < r->nresults; i++) {
		const struct check_result *c = &r->results[i];
		buf_printf(out, "%s  %-21s %s\n", tags[c->status], c->id, c->message ? c->message : "");
		for (size_t j = 0; j < c->ndetails; j++)
			buf_printf(out, "      %-21s %s\n", "", c->details[j]);
		if (c->advice && (c->status == CHECK_FAIL || c->status == CHECK_WARN))
			buf_printf(out, "      %-21s -> %s\n", "", c->advice);
	}
	size_t fails = report_count(r, CHECK_FAIL), warns = report_count(r, CHECK_WARN);
	buf_printf(out, "Result: %s (%zu passed, %zu failed, %zu warnings, %zu skipped)\n",
		   fails ? "FAIL" : "PASS", report_count(r, CHECK_PASS), fails, warns,
		   report_count(r, CHECK_SKIP));
	return out->data ? 0 : -ENOMEM;
}

static void json_str(struct buf *out, const char *s)
{
	if (!s) {
		buf_puts(out, "null");
		return;
	}
	buf_puts(out, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			buf_puts(out, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(out, "\\u%04x", *p);
		else
			buf_append(out, p, 1);
	}
	buf_puts(out, "\"");
}

int report_render_json(const struct report *r, struct buf *out)
{
	buf_puts(out, "{\n  \"target\": ");
	json_str(out, r->target);
	buf_printf(out, ",\n  \"mode\": \"%s\",\n  \"format\": ", r->directory ? "directory" : "image");
	json_str(out, r->format);
	buf_puts(out, ",\n  \"format_detail\": ");
	json_str(out, r->format_detail);
	if (r->virtual_size)
		buf_printf(out, ",\n  \"virtual_size\": %llu", r->virtual_size);
	else
		buf_puts(out, ",\n  \"virtual_size\": null");
	buf_puts(out, ",\n  \"partition_table\": ");
	json_str(out, r->pttype && r->pttype[0] ? r->pttype : NULL);
	buf_puts(out, ",\n  \"partitions\": [");
	for (int i = 0; i < r->nparts; i++) {
		const struct report_partition *p = &r->parts[i];
		buf_printf(out, "%s\n    {\"number\": %d, \"start\": %llu, \"size\": %llu, \"type\": ",
			   i ? "," : "", p->number, p->start, p->size);
		const char *fields[][2] = {
			{ "fstype", p->fstype }, { "fsversion", p->fsversion }, { "uuid", p->uuid },
			{ "label", p->label }, { "partuuid", p->partuuid }, { "partname", p->partname },
		};
		json_str(out, p->type);
		for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
			buf_printf(out, ", \"%s\": ", fields[f][0]);
			json_str(out, fields[f][1][0] ? fields[f][1] : NULL);
		}
		buf_puts(out, "}");
	}
	buf_puts(out, r->nparts ? "\n  ],\n  \"root\": " : "],\n  \"root\": ");
	if (r->root_how) {
		if (r->root_partition)
			buf_printf(out, "{\"partition\": %d, \"how\": ", r->root_partition);
		else
			buf_puts(out, "{\"partition\": null, \"how\": ");
		json_str(out, r->root_how);
		buf_puts(out, "}");
	} else {
		buf_puts(out, "null");
	}
	buf_puts(out, ",\n  \"checks\": [");
	for (size_t i = 0; i < r->nresults; i++) {
		const struct check_result *c = &r->results[i];
		buf_printf(out, "%s\n    {\"id\": \"%s\", \"title\": ", i ? "," : "", c->id);
		json_str(out, c->title);
		buf_printf(out, ", \"status\": \"%s\", \"message\": ", check_status_name(c->status));
		json_str(out, c->message);
		buf_puts(out, ", \"advice\": ");
		json_str(out, c->advice);
		buf_puts(out, ", \"details\": [");
		for (size_t j = 0; j < c->ndetails; j++) {
			if (j)
				buf_puts(out, ", ");
			json_str(out, c->details[j]);
		}
		buf_puts(out, "]}");
	}
	size_t fails = report_count(r, CHECK_FAIL);
	buf_printf(out, "\n  ],\n  \"summary\": {\"pass\": %zu, \"warn\": %zu, \"fail\": %zu, \"skip\": %zu},\n"
			"  \"result\": \"%s\"\n}\n",
		   report_count(r, CHECK_PASS), report_count(r, CHECK_WARN), fails,
		   report_count(r, CHECK_SKIP), fails ? "fail" : "pass");
	return out->data ? 0 : -ENOMEM;
}
