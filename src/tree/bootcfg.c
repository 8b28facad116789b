/* bootcfg.c — boot loader configurations of a target root: grub.cfg, BLS entries, grubenv, extlinux/syslinux; the one parser and reader of each. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/bootcfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tree/fsview.h"
#include "tree/fstab.h"
#include "util/buf.h"
#include "util/macros.h"

/* Copy s into out, cut to len-1 bytes. */
static void copy(char *out, size_t len, const char *s)
{
	size_t n = strlen(s);
	n = n < len ? n : len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* The next shell-quoted word of [*p, end) into out (cut to len-1); false at the end or a #. */
static bool word(const char **p, const char *end, char *out, size_t len)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	if (s >= end || *s == '#') {
		*p = end;
		return false;
	}
	size_t n = 0;
	char q = 0;
	for (; s < end && (q || !strchr(" \t\r", *s)); s++) {
		if (!q && (*s == '\'' || *s == '"')) {
			q = *s;
			continue;
		}
		if (q && *s == q) {
			q = 0;
			continue;
		}
		if (*s == '\\' && q != '\'' && s + 1 < end)
			s++;
		if (n + 1 < len)
			out[n++] = *s;
	}
	out[n] = '\0';
	*p = s;
	return true;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Copy [p, end) without trailing blanks. */
static void copy_rest(const char *p, const char *end, char *out, size_t len)
{
	p = skip_blanks(p, end);
	while (end > p && strchr(" \t\r", end[-1]))
		end--;
	snprintf(out, len, "%.*s", (int)(end - p), p);
}

/* A GRUB path without its (device) prefix: "($root)/vmlinuz" → "/vmlinuz". */
static void grub_path(const char *w, char *out, size_t len)
{
	if (w[0] == '(') {
		const char *c = strchr(w, ')');
		w = c ? c + 1 : w;
	}
	copy(out, len, w);
}

/* The version in a kernel file name: "/boot/vmlinuz-6.1.0-18-amd64" → "6.1.0-18-amd64". */
static void kernel_version(const char *kernel, char *out, size_t len)
{
	const char *b = strrchr(kernel, '/');
	b = b ? b + 1 : kernel;
	const char *dash = strchr(b, '-');
	copy(out, len, dash && (!strncmp(b, "vmlinuz", 7) || !strncmp(b, "vmlinux", 7) ||
					  !strncmp(b, "Image", 5) || !strncmp(b, "kernel", 6)) ? dash + 1 : "");
}

void grubenv_parse(const char *data, size_t len, struct grubenv *out)
{
	struct grubenv e = { 0 };
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		if (le - p > 12 && !strncmp(p, "saved_entry=", 12))
			copy_rest(p + 12, le, e.saved_entry, sizeof(e.saved_entry));
		else if (le - p > 11 && !strncmp(p, "kernelopts=", 11))
			copy_rest(p + 11, le, e.kernelopts, sizeof(e.kernelopts));
		p = le + 1;
	}
	*out = e;
}

/* --- grub.cfg -------------------------------------------------------------------------------- */

struct grub_state {
	struct boot_entry *entries;  /* BOOT_ENTRIES_MAX */
	int n;
	int depth;                   /* braces open */
	int entry_depth;             /* depth of the open menuentry's body, 0 when none */
	int submenu_depth;           /* depth of the open submenu's body, 0 when none */
	int top, sub;                /* top-level items so far, entries in the open submenu */
	char def[256];
	bool blscfg;
};

static void grub_block(struct grub_state *g, const char *kw, const char *p, const char *end)
{
	char w[256], title[128] = "", id[128] = "";
	bool first = true, next_id = false;
	while (word(&p, end, w, sizeof(w))) {
		if (streq(w, "{"))
			break;
		if (first)
			copy(title, sizeof(title), w);
		else if (next_id)
			copy(id, sizeof(id), w);
		next_id = !first && (streq(w, "--id") || streq(w, "$menuentry_id_option"));
		first = false;
	}
	g->depth++;
	if (streq(kw, "submenu") && !g->submenu_depth && !g->entry_depth) {
		g->submenu_depth = g->depth;
		g->sub = 0;
		g->top++;
		return;
	}
	if (!streq(kw, "menuentry") || g->entry_depth || g->n >= BOOT_ENTRIES_MAX)
		return;
	g->entry_depth = g->depth;
	struct boot_entry *e = &g->entries[g->n++];
	*e = (struct boot_entry){ .top = g->submenu_depth ? g->top - 1 : g->top++, .sub = g->submenu_depth ? g->sub++ : -1 };
	copy(e->title, sizeof(e->title), title);
	copy(e->id, sizeof(e->id), id);
}

static void grub_line(struct grub_state *g, const char *p, const char *end)
{
	char kw[64], w[256];
	const char *rest = p;
	if (!word(&rest, end, kw, sizeof(kw)))
		return;
	if (streq(kw, "}")) {
		if (g->depth == g->entry_depth)
			g->entry_depth = 0;
		if (g->depth == g->submenu_depth)
			g->submenu_depth = 0;
		g->depth -= g->depth > 0;
		return;
	}
	if (streq(kw, "menuentry") || streq(kw, "submenu") || (end > p && end[-1] == '{' && strcmp(kw, "if"))) {
		grub_block(g, kw, rest, end);
		return;
	}
	if (streq(kw, "blscfg"))
		g->blscfg = true;
	if (streq(kw, "set") && word(&rest, end, w, sizeof(w)) && !strncmp(w, "default=", 8) &&
	    !strstr(w, "next_entry"))
		copy(g->def, sizeof(g->def), w + 8);
	struct boot_entry *e = g->entry_depth ? &g->entries[g->n - 1] : NULL;
	if (!e)
		return;
	if ((streq(kw, "linux") || streq(kw, "linux16") || streq(kw, "linuxefi")) && word(&rest, end, w, sizeof(w))) {
		grub_path(w, e->kernel, sizeof(e->kernel));
		copy_rest(rest, end, e->cmdline, sizeof(e->cmdline));
		kernel_version(e->kernel, e->version, sizeof(e->version));
	} else if (streq(kw, "initrd") || streq(kw, "initrd16") || streq(kw, "initrdefi")) {
		e->ninitrd = 0;
		while (e->ninitrd < BOOT_INITRDS_MAX && word(&rest, end, w, sizeof(w)))
			grub_path(w, e->initrd[e->ninitrd++], sizeof(e->initrd[0]));
	}
}

/* The entry GRUB's default names: "2", "1>0", a title or an id (also "A>B"). */
static const struct boot_entry *grub_pick(const struct boot_entry *es, int n, const char *def)
{
	char first[256];
	const char *gt = strchr(def, '>');
	snprintf(first, sizeof(first), "%.*s", (int)(gt ? (size_t)(gt - def) : strlen(def)), def);
	const char *second = gt ? gt + 1 : NULL;
	char *endp;
	long top = strtol(first, &endp, 10);
	bool numeric = first[0] && !*endp;
	int want_top = -1;
	for (int i = 0; i < n && want_top < 0; i++)
		if (numeric ? es[i].top == top : (streq(es[i].title, first) || streq(es[i].id, first)))
			want_top = es[i].top;
	if (want_top < 0 && !numeric) {   /* a submenu's title has no entry of its own: look inside */
		for (int i = 0; i < n; i++)
			if (streq(es[i].title, first) || streq(es[i].id, first))
				return &es[i];
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		if (es[i].top != want_top)
			continue;
		if (es[i].sub < 0 || !second)
			return &es[i];
		long sub = strtol(second, &endp, 10);
		if (*endp ? streq(es[i].title, second) || streq(es[i].id, second) : es[i].sub == sub)
			return &es[i];
	}
	return NULL;
}

void grub_cfg_parse(const char *data, size_t len, const struct grubenv *env, struct bootcfg *out)
{
	static struct boot_entry none;
	struct boot_entry *es = calloc(BOOT_ENTRIES_MAX, sizeof(*es));
	struct grub_state g = { .entries = es ? es : &none };
	const char *p = data, *end = data + len;
	while (es && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		grub_line(&g, p, le);
		p = le + 1;
	}
	struct bootcfg c = { .loader = g.blscfg ? BOOT_BLS : BOOT_GRUB, .nentries = g.n };
	const char *def = g.def[0] ? g.def : "0";
	if (strstr(def, "saved_entry"))
		def = env && env->saved_entry[0] ? env->saved_entry : "0";
	const struct boot_entry *e = grub_pick(g.entries, g.n, def);
	if (e) {
		c.has_default = true;
		c.def = *e;
	}
	snprintf(c.how, sizeof(c.how), "default %.120s%s%s", def, g.def[0] ? "" : " (no set default)",
		 strstr(g.def, "saved_entry") ? " (saved_entry)" : "");
	free(es);
	*out = c;
}

/* --- BLS entries and extlinux ------------------------------------------------------------------ */

void bls_entry_parse(const char *id, const char *data, size_t len, const struct grubenv *env, struct boot_entry *out)
{
	struct boot_entry e = { .top = -1, .sub = -1 };
	copy(e.id, sizeof(e.id), id);
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *q = p;
		char kw[32], w[256];
		p = le + 1;
		if (!word(&q, le, kw, sizeof(kw)))
			continue;
		if (streq(kw, "title"))
			copy_rest(q, le, e.title, sizeof(e.title));
		else if (streq(kw, "version"))
			copy_rest(q, le, e.version, sizeof(e.version));
		else if (streq(kw, "linux") && word(&q, le, w, sizeof(w)))
			copy(e.kernel, sizeof(e.kernel), w);
		else if (streq(kw, "initrd") && e.ninitrd < BOOT_INITRDS_MAX && word(&q, le, w, sizeof(w)))
			copy(e.initrd[e.ninitrd++], sizeof(e.initrd[0]), w);
		else if (streq(kw, "options"))
			copy_rest(q, le, e.cmdline, sizeof(e.cmdline));
	}
	char *ko = strstr(e.cmdline, "$kernelopts");
	if (ko && env) {
		char tmp[sizeof(e.cmdline)];
		if (snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(ko - e.cmdline), e.cmdline, env->kernelopts, ko + 11) >= 0)
			memcpy(e.cmdline, tmp, sizeof(tmp));
	}
	if (!e.version[0])
		kernel_version(e.kernel, e.version, sizeof(e.version));
	*out = e;
}

static void extlinux_path(const char *dir, const char *w, char *out, size_t len)
{
	if (snprintf(out, len, "%s%s%s", w[0] == '/' ? "" : dir, w[0] == '/' || !dir[0] ? "" : "/", w) < 0)
		out[0] = '\0';
}

/* One line of a LABEL's block into e. */
static void extlinux_line(const char *kw, const char *q, const char *le, const char *dir, struct boot_entry *e)
{
	char w[256];
	if ((!strcasecmp(kw, "kernel") || !strcasecmp(kw, "linux")) && word(&q, le, w, sizeof(w))) {
		extlinux_path(dir, w, e->kernel, sizeof(e->kernel));
		kernel_version(e->kernel, e->version, sizeof(e->version));
	} else if (!strcasecmp(kw, "initrd") && word(&q, le, w, sizeof(w))) {
		extlinux_path(dir, w, e->initrd[0], sizeof(e->initrd[0]));
		e->ninitrd = 1;
	} else if (!strcasecmp(kw, "append")) {
		copy_rest(q, le, e->cmdline, sizeof(e->cmdline));
		const char *i = strstr(e->cmdline, "initrd=");
		if (i && (i == e->cmdline || i[-1] == ' ')) {
			const char *v = i + 7;
			if (word(&v, i + strlen(i), w, sizeof(w))) {
				w[strcspn(w, ",")] = '\0';   /* initrd=a,b: the first one */
				extlinux_path(dir, w, e->initrd[0], sizeof(e->initrd[0]));
				e->ninitrd = 1;
			}
		}
	}
}

void extlinux_parse(const char *data, size_t len, const char *dir, struct bootcfg *out)
{
	struct bootcfg c = { .loader = BOOT_EXTLINUX };
	struct boot_entry *es = calloc(BOOT_ENTRIES_MAX, sizeof(*es)), *cur = NULL;
	char def[128] = "";
	const char *p = data, *end = data + len;
	while (es && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *q = p;
		char kw[32], w[128];
		p = le + 1;
		if (!word(&q, le, kw, sizeof(kw)))
			continue;
		if (!strcasecmp(kw, "label")) {
			cur = c.nentries < BOOT_ENTRIES_MAX ? &es[c.nentries++] : NULL;
			if (cur) {
				*cur = (struct boot_entry){ .top = c.nentries - 1, .sub = -1 };
				word(&q, le, cur->title, sizeof(cur->title));
			}
		} else if (!strcasecmp(kw, "default") && word(&q, le, w, sizeof(w))) {
			copy(def, sizeof(def), w);
		} else if (!strcasecmp(kw, "menu") && word(&q, le, w, sizeof(w)) && !strcasecmp(w, "default") && cur) {
			copy(def, sizeof(def), cur->title);
		} else if (cur) {
			extlinux_line(kw, q, le, dir, cur);
		}
	}
	for (int i = 0; i < c.nentries && !c.has_default; i++)
		if (!def[0] || streq(es[i].title, def))
			c.def = es[i], c.has_default = true;
	snprintf(c.how, sizeof(c.how), def[0] ? "DEFAULT %s" : "the first LABEL%s", def);
	free(es);
	*out = c;
}

/* --- the kernel's root= ---------------------------------------------------------------------- */

void cmdline_root(const char *cmdline, char *out, size_t len)
{
	out[0] = '\0';
	for (const char *p = cmdline; (p = strstr(p, "root=")); p += 5)   /* the last one counts */
		if (p == cmdline || p[-1] == ' ' || p[-1] == '\t') {
			size_t n = strcspn(p + 5, " \t");
			snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p + 5);
		}
}

bool cmdline_has_word(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = cmdline; (p = strstr(p, word)); p += n)
		if ((p == cmdline || p[-1] == ' ' || p[-1] == '\t') && (!p[n] || p[n] == ' ' || p[n] == '\t'))
			return true;
	return false;
}

const char *root_spec_kind(const char *spec)
{
	static const struct {
		const char *prefix, *kind;
	} kinds[] = {
		{ "UUID=", "UUID" }, { "LABEL=", "LABEL" }, { "PARTUUID=", "PARTUUID" }, { "PARTLABEL=", "PARTLABEL" },
		{ "/dev/disk/by-uuid/", "UUID" }, { "/dev/disk/by-label/", "LABEL" },
		{ "/dev/disk/by-partuuid/", "PARTUUID" }, { "/dev/disk/by-partlabel/", "PARTLABEL" },
		{ "/dev/mapper/", "LVM" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strncmp(spec, kinds[i].prefix, strlen(kinds[i].prefix)))
			return kinds[i].kind;
	if (fstab_spec_is_device_name(spec))
		return NULL;
	const char *vg = !strncmp(spec, "/dev/", 5) ? spec + 5 : NULL, *slash = vg ? strchr(vg, '/') : NULL;
	if (slash && slash > vg && slash[1] && !strchr(slash + 1, '/') && strncmp(vg, "disk/", 5))
		return "LVM";   /* /dev/VG/LV */
	return "other";
}

/* --- reading through a view ---------------------------------------------------------------- */

static int read_cfg(struct fsview *fs, const char *path, struct buf *b)
{
	return fs_read_file(fs, path, BOOTCFG_MAX, b);
}

struct bls_scan {
	struct fsview *fs;
	const char *dir;
	const struct grubenv *env;
	struct bootcfg *cfg;
	int err;
};

static int bls_cb(const char *name, enum fs_type type, void *userdata)
{
	struct bls_scan *s = userdata;
	size_t n = strlen(name);
	if (type == FS_DIR || n < 6 || strcmp(name + n - 5, ".conf") || s->cfg->nentries >= BOOT_ENTRIES_MAX)
		return 0;
	char path[512], id[128];
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	snprintf(id, sizeof(id), "%.*s", (int)(n - 5 < sizeof(id) ? n - 5 : sizeof(id) - 1), name);
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r = read_cfg(s->fs, path, &b);
	if (r < 0) {
		s->err = r;
		return r;
	}
	struct boot_entry e;
	bls_entry_parse(id, b.data ? b.data : "", b.len, s->env, &e);
	s->cfg->nentries++;
	/* the saved entry, else the newest as GRUB's blscfg sorts them (by version, descending) */
	bool saved = s->env->saved_entry[0] && streq(id, s->env->saved_entry);
	bool newer = !s->cfg->has_default || strverscmp(id, s->cfg->def.id) > 0;
	if (saved || (newer && !strstr(s->cfg->how, "saved_entry=") )) {
		s->cfg->def = e;
		s->cfg->has_default = true;
		snprintf(s->cfg->how, sizeof(s->cfg->how), saved ? "saved_entry=%.100s" : "the newest BLS entry (%.100s)", id);
	}
	return 0;
}

static int read_bls(struct fsview *fs, const char *prefix, const struct grubenv *env, struct bootcfg *cfg)
{
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/loader/entries", prefix);
	cfg->nentries = 0;
	cfg->has_default = false;
	cfg->how[0] = '\0';
	struct bls_scan s = { fs, dir, env, cfg, 0 };
	int r = fs_list_dir(fs, dir, bls_cb, &s);
	return r == -ENOENT ? 0 : s.err ? s.err : r < 0 ? r : 0;
}

/* grub.cfg and grubenv in dir of cfgfs (BLS entries in boot): 1 when read, 0 when absent. */
static int read_grub(struct fsview *cfgfs, const char *dir, struct fsview *boot, const char *prefix, struct bootcfg *out)
{
	_cleanup_buf_ struct buf b = BUF_INIT, envb = BUF_INIT;
	char path[300], envpath[300];
	snprintf(path, sizeof(path), "%s/grub.cfg", dir);
	int r = read_cfg(cfgfs, path, &b);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	struct grubenv env = { 0 };
	snprintf(envpath, sizeof(envpath), "%s/grubenv", dir);
	if ((r = fs_read_file(cfgfs, envpath, 64 * 1024, &envb)) == 0)
		grubenv_parse(envb.data ? envb.data : "", envb.len, &env);
	else if (r != -ENOENT)
		return r;
	struct bootcfg c;
	grub_cfg_parse(b.data ? b.data : "", b.len, &env, &c);
	if (c.loader == BOOT_BLS && (r = read_bls(boot, prefix, &env, &c)) < 0)
		return r;
	copy(c.path, sizeof(c.path), path);
	*out = c;
	return 1;
}

struct esp_scan {
	struct fsview *esp, *boot;
	const char *esp_prefix, *prefix;
	struct bootcfg *out;
	int r;
};

/* A vendor directory of the ESP's EFI/ with a grub.cfg (RHEL 8's UEFI configuration). */
static int esp_cb(const char *name, enum fs_type type, void *userdata)
{
	struct esp_scan *s = userdata;
	if (type != FS_DIR || !strcasecmp(name, "BOOT"))
		return 0;
	char dir[300];
	snprintf(dir, sizeof(dir), "%s/EFI/%s", s->esp_prefix, name);
	s->r = read_grub(s->esp, dir, s->boot, s->prefix, s->out);
	return s->r != 0;
}

int bootcfg_read(struct fsview *boot, const char *prefix, struct fsview *esp, const char *esp_prefix,
		 struct bootcfg *out)
{
	static const char *const grubs[] = { "grub2", "grub" };
	static const char *const exts[] = { "/extlinux/extlinux.conf", "/syslinux/syslinux.cfg", "/extlinux.conf",
					    "/syslinux.cfg" };
	char path[128];
	for (size_t i = 0; i < ARRAY_SIZE(grubs); i++) {
		snprintf(path, sizeof(path), "%s/%s", prefix, grubs[i]);
		int r = read_grub(boot, path, boot, prefix, out);
		if (r)
			return r < 0 ? r : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		snprintf(path, sizeof(path), "%s%s", prefix, exts[i]);
		int r = read_cfg(boot, path, &b);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		char dir[128];
		snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
		struct bootcfg c;
		extlinux_parse(b.data ? b.data : "", b.len, dir, &c);
		snprintf(c.path, sizeof(c.path), "%s", path);
		*out = c;
		return 0;
	}
	if (esp) {
		struct esp_scan s = { esp, boot, esp_prefix, prefix, out, 0 };
		snprintf(path, sizeof(path), "%s/EFI", esp_prefix);
		int r = fs_list_dir(esp, path, esp_cb, &s);
		if (s.r)
			return s.r < 0 ? s.r : 0;
		if (r < 0 && r != -ENOENT)
			return r;
	}
	*out = (struct bootcfg){ 0 };
	return 0;
}
