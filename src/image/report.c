/* report.c — collect check results and render them as text or JSON. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
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

int report_import_cli(const struct report_import *imp, struct buf *out)
{
	buf_puts(out, "aliyun ecs ImportImage --RegionId REGION --ImageName NAME --OSType linux --Platform \"Customized Linux\"");
	if (imp->architecture[0])
		buf_printf(out, " --Architecture %s", imp->architecture);
	if (imp->boot_mode[0])
		buf_printf(out, " --BootMode %s", imp->boot_mode);
	if (imp->nvme[0])
		buf_printf(out, " --Features.NvmeSupport %s", imp->nvme);
	buf_puts(out, " --DiskDeviceMapping.1.OSSBucket BUCKET --DiskDeviceMapping.1.OSSObject OBJECT");
	if (imp->format[0])
		buf_printf(out, " --DiskDeviceMapping.1.Format %s", imp->format);
	if (imp->disk_gib)
		buf_printf(out, " --DiskDeviceMapping.1.DiskImageSize %llu", imp->disk_gib);
	return buf_error(out);
}

static void render_import_text(const struct report_import *imp, struct buf *out)
{
	if (!imp->known)
		return;
	buf_puts(out, "Import (the console's form, or aliyun ecs ImportImage):\n");
	buf_printf(out, "  platform Customized Linux, OS type linux, architecture %s, boot mode %s, format %s",
		   imp->architecture[0] ? imp->architecture : imp->machine[0] ? imp->machine : "not known",
		   imp->boot_mode[0] ? imp->boot_mode : "not known", imp->format[0] ? imp->format : "not known");
	if (imp->disk_gib)
		buf_printf(out, ", system disk at least %llu GiB", imp->disk_gib);
	buf_printf(out, ", NVMe %s\n", imp->nvme[0] ? imp->nvme : "not known");
	for (int i = 0; i < imp->nnotes; i++)
		buf_printf(out, "  note: %s\n", imp->notes[i]);
	buf_puts(out, "  ");
	report_import_cli(imp, out);
	buf_puts(out, "\n");
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
		bool root = p->number == r->root_partition;
		buf_printf(out, "  partition %d: %s, %s%s%s%s%s%s%s%s%s\n", p->number, size,
			   p->extended ? "extended" : p->fstype[0] ? p->fstype : "no file system",
			   p->fsversion[0] ? " " : "",
			   p->fsversion, p->label[0] ? " label " : "", p->label,
			   root ? " (root" : "", root && r->root_volume ? ": LVM " : "",
			   root && r->root_volume ? r->root_volume : "", root ? ")" : "");
	}
	for (size_t i = 0; i < r->nresults; i++) {
		const struct check_result *c = &r->results[i];
		buf_printf(out, "%s  %-21s %s\n", tags[c->status], c->id, c->message ? c->message : "");
		for (size_t j = 0; j < c->ndetails; j++)
			buf_printf(out, "      %-21s %s\n", "", c->details[j]);
		if (c->advice && (c->status == CHECK_FAIL || c->status == CHECK_WARN))
			buf_printf(out, "      %-21s -> %s\n", "", c->advice);
	}
	render_import_text(&r->import, out);
	size_t fails = report_count(r, CHECK_FAIL), warns = report_count(r, CHECK_WARN);
	buf_printf(out, "Result: %s (%zu passed, %zu failed, %zu warnings, %zu skipped)\n",
		   fails ? "FAIL" : "PASS", report_count(r, CHECK_PASS), fails, warns,
		   report_count(r, CHECK_SKIP));
	return buf_error(out);
}

static void kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s && s[0])
		json_string(j, s);
	else
		json_null(j);
}

static void render_import_json(struct json *j, const struct report_import *imp)
{
	json_key(j, "import");
	if (!imp->known) {
		json_null(j);
		return;
	}
	json_object(j);
	kv_str(j, "platform", "Customized Linux");
	kv_str(j, "os_type", "linux");
	kv_str(j, "architecture", imp->architecture);
	kv_str(j, "machine", imp->machine);
	kv_str(j, "boot_mode", imp->boot_mode);
	kv_str(j, "format", imp->format);
	json_key(j, "disk_image_size_gib");
	imp->disk_gib ? json_int(j, (long long)imp->disk_gib) : json_null(j);
	kv_str(j, "nvme_support", imp->nvme);
	json_key(j, "notes");
	json_array(j);
	for (int i = 0; i < imp->nnotes; i++)
		json_string(j, imp->notes[i]);
	json_close(j, ']');
	struct buf cli = BUF_INIT;
	report_import_cli(imp, &cli);
	kv_str(j, "cli", cli.err ? NULL : cli.data);
	buf_free(&cli);
	json_close(j, '}');
}

void report_render_json(const struct report *r, FILE *out)
{
	struct json j;
	json_begin(&j, out);
	kv_str(&j, "target", r->target);
	kv_str(&j, "mode", r->directory ? "directory" : "image");
	kv_str(&j, "format", r->format);
	kv_str(&j, "format_detail", r->format_detail);
	json_key(&j, "virtual_size");
	r->virtual_size ? json_int(&j, (long long)r->virtual_size) : json_null(&j);
	kv_str(&j, "partition_table", r->pttype);
	json_key(&j, "partitions");
	json_array(&j);
	for (int i = 0; i < r->nparts; i++) {
		const struct report_partition *p = &r->parts[i];
		json_object(&j);
		json_kv_int(&j, "number", p->number);
		json_kv_int(&j, "start", (long long)p->start);
		json_kv_int(&j, "size", (long long)p->size);
		json_kv_bool(&j, "extended", p->extended);
		kv_str(&j, "type", p->type);
		kv_str(&j, "fstype", p->fstype);
		kv_str(&j, "fsversion", p->fsversion);
		kv_str(&j, "uuid", p->uuid);
		kv_str(&j, "label", p->label);
		kv_str(&j, "partuuid", p->partuuid);
		kv_str(&j, "partname", p->partname);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_key(&j, "root");
	if (r->root_how) {
		json_object(&j);
		json_key(&j, "partition");
		r->root_partition ? json_int(&j, r->root_partition) : json_null(&j);
		kv_str(&j, "volume", r->root_volume);
		kv_str(&j, "how", r->root_how);
		json_close(&j, '}');
	} else {
		json_null(&j);
	}
	json_key(&j, "checks");
	json_array(&j);
	for (size_t i = 0; i < r->nresults; i++) {
		const struct check_result *c = &r->results[i];
		json_object(&j);
		kv_str(&j, "id", c->id);
		kv_str(&j, "title", c->title);
		kv_str(&j, "status", check_status_name(c->status));
		kv_str(&j, "message", c->message);
		kv_str(&j, "advice", c->advice);
		json_key(&j, "details");
		json_array(&j);
		for (size_t d = 0; d < c->ndetails; d++)
			json_string(&j, c->details[d]);
		json_close(&j, ']');
		json_close(&j, '}');
	}
	json_close(&j, ']');
	render_import_json(&j, &r->import);
	json_key(&j, "summary");
	json_object(&j);
	for (enum check_status st = CHECK_PASS; st <= CHECK_SKIP; st++)
		json_kv_int(&j, check_status_name(st), (long long)report_count(r, st));
	json_close(&j, '}');
	kv_str(&j, "result", report_count(r, CHECK_FAIL) ? "fail" : "pass");
	json_end(&j);
}
