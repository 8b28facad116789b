/* inspect.c — open an image or tree, probe it, open its file systems, find the root. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/inspect.h"
#include "tree/fstab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/macros.h"

/* GPT partition types of a root file system, from the Discoverable Partitions Specification. */
static const char *const root_gpt_types[] = {
	"4f68bce3-e8cd-4db1-96e7-fbcaf984b709",   /* x86-64 */
	"b921b045-1df0-41c3-af44-4c6f280d3fae",   /* arm64 */
	"44479540-f297-41b2-9af7-d131d5f0458a",   /* x86 */
};

bool fstype_allowed(const char *fstype, const char *version)
{
	if (streq(fstype, "vfat"))
		return streq(version, "FAT32");
	return streq(fstype, "ext2") || streq(fstype, "ext3") || streq(fstype, "ext4") ||
	       streq(fstype, "ufs");
}

/* Open the file system of type fstype (as libblkid names it) at [off, off+size) of img. */
static void open_fs(struct image *img, uint64_t off, uint64_t size, const char *fstype, struct part_fs *pf)
{
	int r;
	if (streq(fstype, "ext2") || streq(fstype, "ext3") || streq(fstype, "ext4"))
		r = fs_open_ext(img, off, size, &pf->fs, pf->err, sizeof(pf->err));
	else if (streq(fstype, "vfat"))
		r = fs_open_fat(img, off, size, &pf->fs, pf->err, sizeof(pf->err));
	else if (streq(fstype, "xfs"))
		r = fs_open_xfs(img, off, size, &pf->fs, pf->err, sizeof(pf->err));
	else if (streq(fstype, "btrfs"))
		r = fs_open_btrfs(img, off, size, &pf->fs, pf->err, sizeof(pf->err));
	else if (!fstype[0])
		r = -ENOTSUP, snprintf(pf->err, sizeof(pf->err), "no file system found");
	else
		r = -ENOTSUP, snprintf(pf->err, sizeof(pf->err), "contents of %s file systems are not read", fstype);
	if (r < 0)
		pf->fs = NULL;
}

struct fsview *inspect_fs(struct inspect *ctx, int i, const char **err)
{
	struct part_fs *pf = &ctx->pfs[i];
	const struct partition *p = &ctx->disk.parts[i];
	*err = pf->err;
	if (!pf->tried) {
		pf->tried = true;
		open_fs(&ctx->img, p->start, p->size, p->fstype, pf);
	}
	return pf->fs;
}

static struct fsview *volume_fs(struct inspect *ctx, int i, const char **err)
{
	struct part_fs *pf = &ctx->lvfs[i];
	struct lvm_volume *v = &ctx->lvm.vols[i];
	*err = pf->err;
	if (pf->tried)
		return pf->fs;
	pf->tried = true;
	if (v->readable)
		open_fs(&v->img, 0, v->img.virtual_size, v->info.fstype, pf);
	else
		snprintf(pf->err, sizeof(pf->err), "%s", v->why);
	return pf->fs;
}

void inspect_root_name(const struct inspect *ctx, char *out, size_t len)
{
	if (ctx->root_lv >= 0) {
		const struct lvm_volume *v = &ctx->lvm.vols[ctx->root_lv];
		const char *t = v->info.fstype[0] ? v->info.fstype : "unknown";
		if (v->part_idx >= 0)
			snprintf(out, len, "LVM %s (%s) on partition %d", v->name, t, ctx->disk.parts[v->part_idx].number);
		else
			snprintf(out, len, "LVM %s (%s)", v->name, t);
	} else if (ctx->root_idx >= 0) {
		const struct partition *p = &ctx->disk.parts[ctx->root_idx];
		snprintf(out, len, "partition %d (%s)", p->number, p->fstype[0] ? p->fstype : "unknown");
	} else {
		snprintf(out, len, "none");
	}
}

int inspect_part_index(const struct inspect *ctx, int number)
{
	for (int i = 0; i < ctx->disk.nparts; i++)
		if (ctx->disk.parts[i].number == number)
			return i;
	return -1;
}

static bool value_eq(const char *v, const char *want, bool icase)
{
	char tmp[256];
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n - 2), v + 1);
		v = tmp;
	}
	return want[0] && (icase ? strcasecmp(v, want) : strcmp(v, want)) == 0;
}

bool spec_names_partition(const char *spec, const struct partition *p)
{
	static const struct {
		const char *prefix, *by;
		size_t field;
		bool icase;
	} forms[] = {
		{ "UUID=", "/dev/disk/by-uuid/", offsetof(struct partition, uuid), true },
		{ "LABEL=", "/dev/disk/by-label/", offsetof(struct partition, label), false },
		{ "PARTUUID=", "/dev/disk/by-partuuid/", offsetof(struct partition, partuuid), true },
		{ "PARTLABEL=", "/dev/disk/by-partlabel/", offsetof(struct partition, partname), false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		const char *want = (const char *)p + forms[i].field;
		size_t a = strlen(forms[i].prefix), b = strlen(forms[i].by);
		if (strncmp(spec, forms[i].prefix, a) == 0)
			return value_eq(spec + a, want, forms[i].icase);
		if (strncmp(spec, forms[i].by, b) == 0)
			return value_eq(spec + b, want, forms[i].icase);
	}
	return false;
}

static size_t put_doubling_dashes(char *out, size_t n, size_t len, const char *s)
{
	for (; *s; s++)
		for (int k = *s == '-' ? 2 : 1; k > 0 && n + 1 < len; k--)
			out[n++] = *s;
	return n;
}

/* Where device-mapper names a volume: /dev/mapper/VG-LV, each '-' in a name doubled. */
static void mapper_name(const struct lvm_volume *v, char *out, size_t len)
{
	size_t n = put_doubling_dashes(out, 0, len, "/dev/mapper/");
	n = put_doubling_dashes(out, n, len, v->vg);
	if (n + 1 < len)
		out[n++] = '-';
	n = put_doubling_dashes(out, n, len, v->lv);
	out[n] = '\0';
}

bool spec_names_volume(const char *spec, const struct lvm_volume *v)
{
	char dev[300], mapper[600];
	if (spec_names_partition(spec, &v->info))
		return true;
	snprintf(dev, sizeof(dev), "/dev/%s/%s", v->vg, v->lv);
	mapper_name(v, mapper, sizeof(mapper));
	return streq(spec, dev) || streq(spec, mapper);
}

/* The fstab "/" entry of a file system, if any. */
static bool fstab_root(struct fsview *fs, struct fstab_entry *e)
{
	_cleanup_(fstab_free) struct fstab f = FSTAB_INIT;
	const struct fstab_entry *r = fstab_read(fs, &f) == 0 ? fstab_find_dir(&f, "/") : NULL;
	if (r)
		*e = *r;
	return r != NULL;
}

static bool labelled_root(const struct partition *p)
{
	if (!strcasecmp(p->label, "root") || !strcasecmp(p->label, "rootfs") ||
	    !strcasecmp(p->partname, "root") || !strcasecmp(p->partname, "rootfs"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(root_gpt_types); i++)
		if (!strcasecmp(p->type, root_gpt_types[i]))
			return true;
	return false;
}

/* Candidates for the root: the partitions (k < nparts), then the logical volumes. */
static int ncand(const struct inspect *ctx)
{
	return ctx->disk.nparts + ctx->lvm.nvols;
}

static struct fsview *cand_fs(struct inspect *ctx, int k, const char **err)
{
	int np = ctx->disk.nparts;
	return k < np ? inspect_fs(ctx, k, err) : volume_fs(ctx, k - np, err);
}

static bool cand_named(const struct inspect *ctx, int k, const char *spec)
{
	int np = ctx->disk.nparts;
	return k < np ? spec_names_partition(spec, &ctx->disk.parts[k]) : spec_names_volume(spec, &ctx->lvm.vols[k - np]);
}

static bool cand_labelled(const struct inspect *ctx, int k)
{
	int np = ctx->disk.nparts;
	if (k < np)
		return labelled_root(&ctx->disk.parts[k]);
	const struct lvm_volume *v = &ctx->lvm.vols[k - np];
	return !strcasecmp(v->lv, "root") || labelled_root(&v->info);
}

static void cand_name(const struct inspect *ctx, int k, char *out, size_t len)
{
	int np = ctx->disk.nparts;
	if (k < np)
		snprintf(out, len, "partition %d", ctx->disk.parts[k].number);
	else
		snprintf(out, len, "LVM %s", ctx->lvm.vols[k - np].name);
}

static void set_root(struct inspect *ctx, int k)
{
	int np = ctx->disk.nparts;
	ctx->root_lv = k < np ? -1 : k - np;
	ctx->root_idx = k < np ? k : ctx->lvm.vols[k - np].part_idx;
}

int inspect_spec_lookup(const struct inspect *ctx, const char *spec, char *name, size_t len)
{
	int root = ctx->root_lv >= 0 ? ctx->disk.nparts + ctx->root_lv : ctx->root_idx;
	for (int k = 0; k < ncand(ctx); k++)
		if (cand_named(ctx, k, spec)) {
			cand_name(ctx, k, name, len);
			return k == root;
		}
	return -ENOENT;
}

/* Several systems: the one an fstab's "/" entry names, else the first. */
static int root_by_fstab(struct inspect *ctx, int found, int count)
{
	for (int i = 0; i < ncand(ctx); i++) {
		struct fstab_entry e;
		const char *err;
		char where[300];
		struct fsview *fs = cand_fs(ctx, i, &err);
		if (!fs || !fs_exists(fs, "/etc/os-release") || !fstab_root(fs, &e))
			continue;
		for (int j = 0; j < ncand(ctx); j++)
			if (cand_named(ctx, j, e.spec)) {
				cand_name(ctx, i, where, sizeof(where));
				snprintf(ctx->root_how, sizeof(ctx->root_how),
					 "named by the \"/\" entry of /etc/fstab (%.160s) on %.100s", e.spec, where);
				return j;
			}
	}
	snprintf(ctx->root_how, sizeof(ctx->root_how),
		 "the first of %d file systems with /etc/os-release (no fstab \"/\" entry told them apart)", count);
	return found;
}

/* Why no logical volume could be the root, appended to root_how. */
static void note_volumes(struct inspect *ctx)
{
	size_t n = strlen(ctx->root_how);
	for (int i = -1; i < ctx->lvm.nvols && n < sizeof(ctx->root_how); i++) {
		const struct lvm_volume *v = i >= 0 ? &ctx->lvm.vols[i] : NULL;
		if (v ? v->readable : !ctx->lvm.err[0])
			continue;
		int w = v ? snprintf(ctx->root_how + n, sizeof(ctx->root_how) - n, "; LVM %s not read: %s", v->name, v->why)
			  : snprintf(ctx->root_how + n, sizeof(ctx->root_how) - n, "; %s", ctx->lvm.err);
		n += w > 0 ? (size_t)w : 0;
	}
}

static void find_root(struct inspect *ctx)
{
	int n = ncand(ctx), found = -1, count = 0, k = -1;
	for (int i = 0; i < n; i++) {
		const char *err;
		struct fsview *fs = cand_fs(ctx, i, &err);
		if (fs && fs_exists(fs, "/etc/os-release")) {
			found = found < 0 ? i : found;
			count++;
		}
	}
	if (count == 1) {
		k = found;
		snprintf(ctx->root_how, sizeof(ctx->root_how), "the only file system with /etc/os-release");
	} else if (count > 1) {
		k = root_by_fstab(ctx, found, count);
	} else {
		for (int i = 0; i < n && k < 0; i++)
			if (cand_labelled(ctx, i)) {
				k = i;
				snprintf(ctx->root_how, sizeof(ctx->root_how),
					 "labelled or typed as a root partition (no readable file system has /etc/os-release)");
			}
	}
	if (k < 0) {
		snprintf(ctx->root_how, sizeof(ctx->root_how),
			 "no readable file system has /etc/os-release and no partition is labelled root");
		note_volumes(ctx);
		return;
	}
	set_root(ctx, k);
	const char *err;
	ctx->root = cand_fs(ctx, k, &err);
	if (!ctx->root)
		snprintf(ctx->root_err, sizeof(ctx->root_err), "%s", err);
}

int inspect_image(const char *path, struct inspect *ctx)
{
	*ctx = (struct inspect){ .target = path, .img = IMAGE_INIT, .disk_rc = 1, .root_idx = -1, .root_lv = -1 };
	ctx->img_rc = image_open(path, &ctx->img, ctx->img_err, sizeof(ctx->img_err));
	if (ctx->img_rc < 0 || ctx->img.format == IMG_UNSUPPORTED || !ctx->img.readable)
		return 0;
	ctx->disk_rc = disk_probe(&ctx->img, &ctx->disk, ctx->disk_err, sizeof(ctx->disk_err));
	if (ctx->disk_rc < 0)
		return 0;
	ctx->pfs = calloc((size_t)(ctx->disk.nparts ? ctx->disk.nparts : 1), sizeof(*ctx->pfs));
	if (!ctx->pfs || lvm_scan(&ctx->img, &ctx->disk, &ctx->lvm) < 0)
		return -ENOMEM;
	ctx->lvfs = calloc((size_t)(ctx->lvm.nvols ? ctx->lvm.nvols : 1), sizeof(*ctx->lvfs));
	if (!ctx->lvfs)
		return -ENOMEM;
	find_root(ctx);
	return 0;
}

int inspect_dir(const char *path, struct inspect *ctx, char *err, size_t errlen)
{
	*ctx = (struct inspect){ .target = path, .directory = true, .img = IMAGE_INIT, .disk_rc = 1,
				 .root_idx = -1, .root_lv = -1 };
	int r = fs_open_dir(path, &ctx->root, err, errlen);
	if (r < 0)
		return r;
	snprintf(ctx->root_how, sizeof(ctx->root_how), "the directory given with --root");
	return 0;
}

void inspect_free(struct inspect *ctx)
{
	if (!ctx)
		return;
	if (ctx->directory)
		fs_close(ctx->root);
	for (int i = 0; ctx->pfs && i < ctx->disk.nparts; i++)
		fs_close(ctx->pfs[i].fs);
	for (int i = 0; ctx->lvfs && i < ctx->lvm.nvols; i++)
		fs_close(ctx->lvfs[i].fs);
	free(ctx->pfs);
	free(ctx->lvfs);
	lvm_free(&ctx->lvm);
	free(ctx->boot);
	ctx->boot = NULL;
	disk_free(&ctx->disk);
	image_close(&ctx->img);
	ctx->root = NULL;
	ctx->pfs = NULL;
	ctx->lvfs = NULL;
}
