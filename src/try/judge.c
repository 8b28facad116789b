/* judge.c — image try's verdicts: console prompts and failures, the guest probe's answers, the report (text and JSON). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "try/judge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/json.h"
#include "util/macros.h"

#define CONSOLE_MAX (8u << 20)

void try_item_add(struct try_report *r, int boot, bool pass, const char *name, const char *fmt, ...)
{
	if (r->n >= TRY_MAX_ITEMS)
		return;
	struct try_item *it = &r->items[r->n++];
	va_list ap;
	it->boot = boot;
	it->pass = pass;
	snprintf(it->name, sizeof(it->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(it->evidence, sizeof(it->evidence), fmt, ap);
	va_end(ap);
}

bool try_report_pass(const struct try_report *r)
{
	for (int i = 0; i < r->n; i++)
		if (!r->items[i].pass)
			return false;
	return r->n > 0;
}

void try_report_text(const struct try_report *r, FILE *out)
{
	fprintf(out, "osconf image try %s\n  %s\n", r->image, r->machine);
	for (int i = 0; i < r->n; i++) {
		const struct try_item *it = &r->items[i];
		fprintf(out, "%s  boot %d: %s\n", it->pass ? "PASS" : "FAIL", it->boot, it->name);
		const char *e = it->evidence;
		while (*e) {
			size_t n = strcspn(e, "\n");
			fprintf(out, "        | %.*s\n", (int)n, e);
			e += n + (e[n] == '\n');
		}
	}
	for (int b = 1; b <= 2; b++)
		if (r->to_ssh_ms[b] >= 0)
			fprintf(out, "boot %d: power-on to SSH login %.1f s\n", b, (double)r->to_ssh_ms[b] / 1000);
	fprintf(out, "result: %s\n", try_report_pass(r) ? "PASS" : "FAIL");
}

void try_report_json(const struct try_report *r, FILE *out)
{
	struct json j;
	json_begin(&j, out);
	json_kv_string(&j, "image", r->image);
	json_kv_string(&j, "machine", r->machine);
	json_kv_string(&j, "result", try_report_pass(r) ? "pass" : "fail");
	json_key(&j, "seconds_to_ssh");
	json_array(&j);
	for (int b = 1; b <= 2; b++)
		if (r->to_ssh_ms[b] >= 0)
			json_int(&j, (r->to_ssh_ms[b] + 500) / 1000);
		else
			json_null(&j);
	json_close(&j, ']');
	json_key(&j, "items");
	json_array(&j);
	for (int i = 0; i < r->n; i++) {
		json_object(&j);
		json_kv_int(&j, "boot", r->items[i].boot);
		json_kv_string(&j, "item", r->items[i].name);
		json_kv_string(&j, "result", r->items[i].pass ? "pass" : "fail");
		json_kv_string(&j, "evidence", r->items[i].evidence);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_end(&j);
}

/* The file's text with escape sequences, carriage returns and other control characters removed. */
static int read_clean(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	_cleanup_buf_ struct buf raw = BUF_INIT;
	int r = 0;
	while (raw.len < CONSOLE_MAX && (r = buf_reserve(&raw, 65536)) == 0) {
		ssize_t n = read(fd, raw.data + raw.len, 65536);
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		raw.len += (size_t)n;
	}
	close(fd);
	for (size_t i = 0; r == 0 && i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.data[i];
		if (c == 0x1b) {   /* ESC [ parameters final-byte, or ESC and one character */
			if (i + 1 < raw.len && raw.data[i + 1] == '[')
				for (i += 2; i < raw.len && !(raw.data[i] >= 0x40 && raw.data[i] <= 0x7e); i++)
					;
			else
				i++;
			continue;
		}
		if (c == '\n' || c == '\t' || c >= 0x20)
			r = buf_append(out, &raw.data[i], 1);
	}
	return r;
}

/* Up to `lines` non-blank lines of text ending before end, into out. */
static void lines_before(const char *text, size_t end, int lines, char *out, size_t outlen)
{
	size_t start = end;
	int n = 0;
	while (start > 0 && n < lines) {
		size_t s = start - 1;
		while (s > 0 && text[s - 1] != '\n')
			s--;
		bool blank = true;
		for (size_t k = s; k < start; k++)
			blank &= text[k] == ' ' || text[k] == '\n' || text[k] == '\t';
		n += !blank;
		start = s;
	}
	size_t o = 0;
	for (size_t i = start; i < end && o + 1 < outlen; i++) {
		if (text[i] == '\n' && (o == 0 || out[o - 1] == '\n'))
			continue;   /* blank lines dropped */
		out[o++] = text[i];
	}
	while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == ' '))
		o--;
	out[o] = '\0';
}

void console_tail(const char *path, int lines, char *out, size_t outlen)
{
	_cleanup_buf_ struct buf t = BUF_INIT;
	out[0] = '\0';
	if (read_clean(path, &t) == 0 && t.len)
		lines_before(t.data, t.len, lines, out, outlen);
}

/* What on a console means the boot cannot reach a login. */
static const char *const boot_failures[] = {
	"Kernel panic", "Gave up waiting for", "Dropping to a shell", "(initramfs)", "You are in emergency mode",
	"Give root password for maintenance", "No bootable device", "Boot failed", "grub rescue>", "Failed to mount /sysroot",
	NULL,
};

enum console_state console_scan(const char *path, char *evidence, size_t len)
{
	_cleanup_buf_ struct buf t = BUF_INIT;
	evidence[0] = '\0';
	if (read_clean(path, &t) < 0 || !t.len)
		return CONSOLE_WAIT;
	for (const char *const *f = boot_failures; *f; f++) {
		const char *hit = memmem(t.data, t.len, *f, strlen(*f));
		if (hit) {   /* what led there and what follows */
			size_t at = (size_t)(hit - t.data), end = at;
			for (int n = 0; end < t.len && n < 8; end++)
				n += t.data[end] == '\n';
			lines_before(t.data, end, 14, evidence, len);
			return CONSOLE_FAILED;
		}
	}
	const char *p = t.data, *login = NULL;
	while ((p = memmem(p, t.len - (size_t)(p - t.data), "login:", 6))) {
		login = p;
		p += 6;
	}
	if (!login)
		return CONSOLE_WAIT;
	size_t end = (size_t)(login - t.data) + 6;
	lines_before(t.data, end, 2, evidence, len);
	return CONSOLE_LOGIN;
}

const char try_probe_cmd[] =
	"echo \"TRY hostname $(hostname)\"; "
	"ip -4 -o addr show scope global | while read -r i dev fam addr rest; do echo \"TRY addr $dev $addr\"; done; "
	"ip -4 route show default | sed 's/^/TRY route /'; "
	"sed -n 's/^nameserver[[:space:]]*/TRY dns /p' /etc/resolv.conf; echo 'TRY end'";

/* The values of the probe's "TRY key …" lines, joined by sep, into out. */
static void probe_values(const struct buf *t, const char *key, const char *sep, char *out, size_t outlen)
{
	size_t pos = 0, o = 0, kl = strlen(key);
	const char *line;
	size_t len;
	out[0] = '\0';
	while (buf_next_line(t, &pos, &line, &len)) {
		if (len > 4 + kl && !memcmp(line, "TRY ", 4) && !memcmp(line + 4, key, kl) && line[4 + kl] == ' ' &&
		    o + len + strlen(sep) < outlen)
			o += (size_t)snprintf(out + o, outlen - o, "%s%.*s", o ? sep : "", (int)(len - 5 - kl), line + 5 + kl);
	}
}

void judge_guest(struct try_report *r, int boot, const struct try_conf *c, const char *probe_out, bool network)
{
	_cleanup_buf_ struct buf t = BUF_INIT;
	char got[512], want[256];
	read_clean(probe_out, &t);
	probe_values(&t, "hostname", " ", got, sizeof(got));
	try_item_add(r, boot, !strcmp(got, c->hostname), "host name is os.conf's",
		     "guest: hostname %s; os.conf: hostname=%s", got, c->hostname);
	if (!network)
		return;
	probe_values(&t, "addr", "; ", got, sizeof(got));
	snprintf(want, sizeof(want), " %s/%d", c->addr, c->prefix);
	bool found = false;
	for (const char *p = got; (p = strstr(p, want)); p += strlen(want))
		found |= p[strlen(want)] == '\0' || p[strlen(want)] == ';';
	try_item_add(r, boot, found, "address is os.conf's", "guest: %s; os.conf: %s/%d", got[0] ? got : "(no address)",
		     c->addr, c->prefix);
	probe_values(&t, "route", "\n", got, sizeof(got));
	snprintf(want, sizeof(want), "default via %s ", c->gw);
	bool one = !strchr(got, '\n') && !strncmp(got, want, strlen(want));
	try_item_add(r, boot, c->gw[0] ? one : !got[0], "default route is os.conf's", "guest: %s; os.conf: via %s",
		     got[0] ? got : "(no default route)", c->gw[0] ? c->gw : "(none)");
	probe_values(&t, "dns", " ", got, sizeof(got));
	size_t o = 0;
	want[0] = '\0';
	for (size_t i = 0; i < c->ndns && i < 3 && o < sizeof(want); i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%s%s", i ? " " : "", c->dns[i]);
	bool dns_ok = !strncmp(got, want, strlen(want)) && (got[strlen(want)] == '\0' || got[strlen(want)] == ' ');
	try_item_add(r, boot, dns_ok, "DNS servers are os.conf's", "guest /etc/resolv.conf: %s; os.conf: %s",
		     got[0] ? got : "(none)", want[0] ? want : "(none)");
}
