/* check_agent_elf.c — the agent check's proof that osconf can run: machine, interpreter, libraries, versions. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check_agent_elf.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/elf.h"
#include "util/macros.h"

#define FIX_STATIC "install the statically linked osconf (make), built for the image's machine: osconf install --root IMAGE_TREE --binary build/osconf"
#define MAX_DIRS 48

/* Files whose machine is the image's: the init the kernel starts, else a shell (busybox counts). */
static const char *const machine_probes[] = {
	"/sbin/init", "/usr/lib/systemd/systemd", "/lib/systemd/systemd", "/usr/sbin/init", "/bin/sh", "/usr/bin/sh",
};
/* The linker's default directories, searched after the multiarch ones and /etc/ld.so.conf's. */
static const char *const default_dirs[] = { "/lib64", "/lib", "/usr/lib64", "/usr/lib" };
static const char *const multiarch_dirs[] = { "/lib/", "/usr/lib/" };   /* + the triplet */

struct elf_file {
	struct buf b;
	struct elf_info e;
	int rc;                   /* elf_parse or read result */
	char err[120];
};

static void elf_file_free(struct elf_file *f)
{
	if (!f)
		return;
	buf_free(&f->b);
	free(f);
}

static void elf_file_freep(struct elf_file **f) { elf_file_free(*f); }
#define _cleanup_elf_ _cleanup_(elf_file_freep)

/* What elf_load needs of a file: its machine (the file header), or all it links against. */
enum elf_need { ELF_MACHINE, ELF_LINKING };
#define ELF_HEAD (64u << 10)   /* read first: the headers of a static program fit in it */

static void elf_read(struct fsview *fs, const char *path, size_t len, enum elf_need need, struct elf_file *f)
{
	buf_free(&f->b);
	f->rc = len == AGENT_ELF_MAX_READ ? fs_read_file(fs, path, len, &f->b) : fs_read_head(fs, path, len, &f->b);
	if (f->rc < 0)
		snprintf(f->err, sizeof(f->err), "%s", strerror(-f->rc));
	else if (need == ELF_MACHINE)
		f->rc = elf_parse_header((const uint8_t *)f->b.data, f->b.len, &f->e, f->err, sizeof(f->err));
	else
		f->rc = elf_parse((const uint8_t *)f->b.data, f->b.len, &f->e, f->err, sizeof(f->err));
}

/* Read and parse path (following symlinks inside the view); NULL only on ENOMEM. A file
 * larger than ELF_HEAD is read whole only when its head does not show a static program:
 * a static program's program headers name no interpreter and no dynamic segment. */
static struct elf_file *elf_load(struct fsview *fs, const char *path, enum elf_need need)
{
	struct elf_file *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	elf_read(fs, path, need == ELF_MACHINE ? 4096 : ELF_HEAD, need, f);
	if (need == ELF_LINKING && f->b.len == ELF_HEAD && f->rc != -ENOEXEC && (f->rc < 0 || !elf_is_static(&f->e)))
		elf_read(fs, path, AGENT_ELF_MAX_READ, need, f);
	return f;
}

static const char *machine_name(const struct elf_info *e, char *buf, size_t len)
{
	const char *n = elf_machine_name(e);
	if (n)
		return n;
	snprintf(buf, len, "machine %u (%s, %s endian)", e->machine, e->is64 ? "64-bit" : "32-bit",
		 e->big_endian ? "big" : "little");
	return buf;
}

/* --- where the image's dynamic linker looks --------------------------------------------------- */

struct lib_dirs {
	char dir[MAX_DIRS][128];
	int n;
};

static void add_dir(struct lib_dirs *d, const char *dir, size_t len)
{
	if (d->n == MAX_DIRS || !len || dir[0] != '/' || len >= sizeof(d->dir[0]))
		return;
	for (int i = 0; i < d->n; i++)
		if (strlen(d->dir[i]) == len && !memcmp(d->dir[i], dir, len))
			return;
	memcpy(d->dir[d->n], dir, len);
	d->dir[d->n++][len] = 0;
}

static void read_ld_conf(struct fsview *fs, const char *path, struct lib_dirs *d, int depth);

struct include_scan {
	struct fsview *fs;
	struct lib_dirs *d;
	const char *dir, *pattern;
	int depth, files;
};

static int include_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct include_scan *s = userdata;
	if (fnmatch(s->pattern, name, 0) != 0 || s->files++ > 200)
		return 0;
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	read_ld_conf(s->fs, path, s->d, s->depth + 1);
	return 0;
}

/* "include DIR/PATTERN": a glob in the last component only (what distributions ship). */
static void ld_include(struct fsview *fs, const char *conf, const char *arg, size_t len, struct lib_dirs *d, int depth)
{
	char pat[512];
	const char *slash = strrchr(conf, '/');
	int dirlen = arg[0] == '/' || !slash ? 0 : (int)(slash - conf) + 1;   /* relative: to conf's dir */
	int n = snprintf(pat, sizeof(pat), "%.*s%.*s", dirlen, conf, (int)len, arg);
	if (n < 0 || (size_t)n >= sizeof(pat) || !strchr(pat, '/'))
		return;
	char *last = strrchr(pat, '/');
	*last = 0;
	struct include_scan s = { fs, d, pat[0] ? pat : "/", last + 1, depth, 0 };
	fs_list_dir(fs, s.dir, include_cb, &s);
}

static void read_ld_conf(struct fsview *fs, const char *path, struct lib_dirs *d, int depth)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	if (depth > 2 || fs_read_file(fs, path, 64 << 10, &b) < 0)
		return;
	size_t pos = 0, len;
	const char *line;
	while (buf_next_line(&b, &pos, &line, &len)) {
		const char *hash = memchr(line, '#', len);
		if (hash)
			len = (size_t)(hash - line);
		while (len && strchr(" \t\r", line[len - 1]))
			len--;
		while (len && strchr(" \t", *line))
			line++, len--;
		if (len > 8 && !memcmp(line, "include", 7) && strchr(" \t", line[7])) {
			size_t skip = 8;
			while (skip < len && strchr(" \t", line[skip]))
				skip++;
			ld_include(fs, path, line + skip, len - skip, d, depth);
		} else {
			add_dir(d, line, len);
		}
	}
}

static void lib_dirs_init(struct fsview *fs, const struct elf_info *e, struct lib_dirs *d)
{
	const char *triplet = elf_machine_multiarch(e);
	char dir[128];
	for (size_t i = 0; triplet && i < ARRAY_SIZE(multiarch_dirs); i++) {
		snprintf(dir, sizeof(dir), "%s%s", multiarch_dirs[i], triplet);
		add_dir(d, dir, strlen(dir));
	}
	read_ld_conf(fs, "/etc/ld.so.conf", d, 0);
	for (size_t i = 0; i < ARRAY_SIZE(default_dirs); i++)
		add_dir(d, default_dirs[i], strlen(default_dirs[i]));
}

/* --- the interpreter and DT_NEEDED libraries ---------------------------------------------------- */

/* An ELF of want's machine at path (the linker skips other machines'); a file too large to
 * read counts as there, its versions unknown. NULL when none (or ENOMEM). */
static struct elf_file *compatible(struct fsview *fs, const char *path, const struct elf_info *want)
{
	if (!fs_is_file(fs, path))
		return NULL;
	struct elf_file *f = elf_load(fs, path, ELF_LINKING);
	if (f && (f->rc == -EFBIG || (f->rc == 0 && elf_same_machine(&f->e, want))))
		return f;
	elf_file_free(f);
	return NULL;
}

static struct elf_file *find_lib(struct fsview *fs, const struct lib_dirs *d, const char *name,
				 const struct elf_info *want, char *path, size_t len)
{
	if (strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return compatible(fs, path, want);
	}
	for (int i = 0; i < d->n; i++) {
		snprintf(path, len, "%s/%s", d->dir[i], name);
		struct elf_file *f = compatible(fs, path, want);
		if (f)
			return f;
	}
	return NULL;
}

struct deps {
	struct elf_file *lib[ELF_MAX_NEEDED];   /* per DT_NEEDED entry, NULL when missing */
	const char *missing[ELF_MAX_NEEDED + 1];
	size_t nmissing;
};

static void deps_free(struct deps *d)
{
	for (size_t i = 0; i < ELF_MAX_NEEDED; i++)
		elf_file_free(d->lib[i]);
}

static void find_deps(struct fsview *fs, const struct elf_info *e, struct deps *dp, struct check_result *c)
{
	char path[300];
	if (e->interp) {
		_cleanup_elf_ struct elf_file *f = compatible(fs, e->interp, e);
		if (!f)
			dp->missing[dp->nmissing++] = e->interp;
	}
	struct lib_dirs *dirs = calloc(1, sizeof(*dirs));
	if (!dirs)
		return;
	lib_dirs_init(fs, e, dirs);
	for (size_t i = 0; i < e->nneeded; i++) {
		dp->lib[i] = find_lib(fs, dirs, e->needed[i], e, path, sizeof(path));
		if (!dp->lib[i])
			dp->missing[dp->nmissing++] = e->needed[i];
		else
			result_detail(c, "needs %s: %s%s", e->needed[i], path,
				      dp->lib[i]->rc ? " (too large to read its versions)" : "");
	}
	free(dirs);
}

/* "a", "a and b", "a, b and c" */
static void join(char *out, size_t len, const char *const *v, size_t n)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
		int k = snprintf(out + used, len - used, "%s%s", sep, v[i]);
		used += k > 0 ? (size_t)k : 0;
	}
}

/* --- symbol versions -------------------------------------------------------------------------- */

static bool defines(const struct elf_info *lib, const char *version)
{
	for (size_t i = 0; i < lib->nverdef; i++)
		if (streq(lib->verdef[i], version))
			return true;
	return false;
}

/* The newest version lib defines with the prefix of version, or NULL. */
static const char *newest_like(const struct elf_info *lib, const char *version)
{
	size_t p = elf_version_prefix(version);
	const char *best = NULL;
	for (size_t i = 0; p && i < lib->nverdef; i++)
		if (elf_version_prefix(lib->verdef[i]) == p && !strncmp(lib->verdef[i], version, p) &&
		    (!best || elf_version_cmp(lib->verdef[i], best) > 0))
			best = lib->verdef[i];
	return best;
}

/* Every version e needs from a library that was found must be defined by it. The message
 * names the newest missing version of the first library lacking one. Returns the count. */
static size_t missing_versions(const struct elf_info *e, const struct deps *dp, struct check_result *c,
			       char *msg, size_t len)
{
	size_t missing = 0;
	const char *file = NULL, *worst = NULL;
	const struct elf_info *worst_lib = NULL;
	for (size_t i = 0; i < e->nverneed; i++) {
		const struct elf_verneed *v = &e->verneed[i];
		const struct elf_file *lib = NULL;
		for (size_t k = 0; k < e->nneeded && !lib; k++)
			if (streq(e->needed[k], v->file) && dp->lib[k] && dp->lib[k]->rc == 0)
				lib = dp->lib[k];
		if (!lib || defines(&lib->e, v->name))
			continue;
		missing++;
		result_detail(c, "%s in the image lacks %s", v->file, v->name);
		if (!file)
			file = v->file, worst_lib = &lib->e;
		if (streq(file, v->file) && (!worst || elf_version_cmp(v->name, worst) > 0))
			worst = v->name;
	}
	if (!missing)
		return 0;
	const char *newest = newest_like(worst_lib, worst);
	char whose[160];
	if (!strncmp(file, "libc.so", 7) || !strncmp(file, "libc.musl", 9))
		snprintf(whose, sizeof(whose), "the image's C library (%s)", file);
	else
		snprintf(whose, sizeof(whose), "the image's %s", file);
	if (newest)
		snprintf(msg, len, "osconf needs %s; %s provides up to %s", worst, whose, newest);
	else
		snprintf(msg, len, "osconf needs %s, which %s does not provide", worst, whose);
	return missing;
}

/* --- the verdict ---------------------------------------------------------------------------- */

/* The image's machine: the first probe that is an ELF file; NULL when none is. */
static struct elf_file *image_machine(struct fsview *fs, const char **from)
{
	for (size_t i = 0; i < ARRAY_SIZE(machine_probes); i++) {
		if (!fs_is_file(fs, machine_probes[i]))
			continue;
		struct elf_file *f = elf_load(fs, machine_probes[i], ELF_MACHINE);
		if (f && f->rc == 0) {
			*from = machine_probes[i];
			return f;
		}
		elf_file_free(f);
	}
	return NULL;
}

int image_machine_name(struct fsview *fs, char *out, size_t len)
{
	const char *from;
	_cleanup_elf_ struct elf_file *f = image_machine(fs, &from);
	const char *n = f ? elf_machine_name(&f->e) : NULL;
	if (!n)
		return -ENOENT;
	snprintf(out, len, "%s", n);
	return 0;
}

/* Dynamic: FAIL (msg set) when the interpreter, a library or a version is missing. */
static enum check_status check_deps(struct fsview *fs, const struct elf_info *e, struct check_result *c,
				    char *msg, size_t len)
{
	struct deps *dp = calloc(1, sizeof(*dp));
	if (!dp) {
		snprintf(msg, len, "osconf's libraries could not be checked: %s", strerror(ENOMEM));
		return CHECK_WARN;
	}
	find_deps(fs, e, dp, c);
	enum check_status st = CHECK_PASS;
	if (dp->nmissing) {
		char names[400];
		join(names, sizeof(names), dp->missing, dp->nmissing);
		snprintf(msg, len, "osconf is dynamically linked and needs %s, which the image lacks", names);
		st = CHECK_FAIL;
	}
	if (missing_versions(e, dp, c, dp->nmissing ? NULL : msg, dp->nmissing ? 0 : len))
		st = CHECK_FAIL;
	deps_free(dp);
	free(dp);
	return st;
}

static enum check_status agent_runs(struct fsview *fs, const char *bin, struct check_result *c,
				    char *msg, size_t len, const char **advice)
{
	*advice = FIX_STATIC;
	_cleanup_elf_ struct elf_file *o = elf_load(fs, bin, ELF_LINKING);
	if (!o || o->rc < 0) {
		snprintf(msg, len, "%s is not an ELF program that can run (%s)", bin,
			 o ? o->err : strerror(ENOMEM));
		return CHECK_FAIL;
	}
	char mbuf[2][64];
	const char *mine = machine_name(&o->e, mbuf[0], sizeof(mbuf[0])), *from = NULL;
	_cleanup_elf_ struct elf_file *img = image_machine(fs, &from);
	if (img && !elf_same_machine(&o->e, &img->e)) {
		snprintf(msg, len, "osconf is built for %s, the image is %s (%s)", mine,
			 machine_name(&img->e, mbuf[1], sizeof(mbuf[1])), from);
		*advice = "install an osconf built for the image's machine (statically linked): osconf install --root IMAGE_TREE --binary PATH";
		return CHECK_FAIL;
	}
	bool stat = elf_is_static(&o->e);
	if (!stat && check_deps(fs, &o->e, c, msg, len) != CHECK_PASS)
		return CHECK_FAIL;
	if (!img) {
		snprintf(msg, len, "osconf is %s, %s, but the image's machine is unknown: none of /sbin/init, "
			 "systemd or /bin/sh is an ELF file", stat ? "static" : "dynamic", mine);
		*advice = "make sure the tree is a complete root file system, with its init or /bin/sh";
		return CHECK_WARN;
	}
	snprintf(msg, len, stat ? "static, %s" : "dynamic, %s, its libraries in the image", mine);
	return CHECK_PASS;
}

void agent_elf_result(struct fsview *fs, const char *bin, bool fits, const char *init, struct check_result *c)
{
	const char *install = "install and enable osconf in the image: osconf install --root IMAGE_TREE";
	const char *advice;
	char msg[600];
	enum check_status st = agent_runs(fs, bin, c, msg, sizeof(msg), &advice);
	if (st == CHECK_FAIL || (st == CHECK_WARN && fits)) {
		result_set(c, st, advice, "%s", msg);
	} else if (!fits) {
		result_set(c, CHECK_WARN, install, "osconf is enabled, but not for the image's init system, %s", init);
		if (st == CHECK_WARN)
			result_detail(c, "%s", msg);
	} else {
		result_set(c, CHECK_PASS, NULL, "osconf is installed (%s: %s) and enabled%s%s", bin, msg,
			   init ? " for " : "", init ? init : "");
	}
}
