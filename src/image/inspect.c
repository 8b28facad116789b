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

struct fsview *inspect_fs(struct inspect *ctx, int i, const char **err)
{
	struct part_fs *pf = &ctx->pfs[i];
	const struct partition *p = &ctx->disk.parts[i];
	*err = pf->err;
	if (pf->tried)
		return pf->fs;
	pf->tried = true;
	int r;
	if (streq(p->fstype, "ext2") || streq(p->fstype, "ext3") || streq(p->fstype, "ext4"))
		r = fs_open_ext(&ctx->img, p->start, p->size, &pf->fs, pf->err, sizeof(pf->err));
	else if (streq(p->fstype, "vfat"))
		r = fs_open_fat(&ctx->img, p->start, p->size, &pf->fs, pf->err, sizeof(pf->err));
	else if (!p->fstype[0])
		r = -ENOTSUP, snprintf(pf->err, sizeof(pf->err), "no file system found");
	else
		r = -ENOTSUP, snprintf(pf->err, sizeof(pf->err), "contents of %s file systems are not read",
				       p->fstype);
	if (r < 0)
		pf->fs = NULL;
	return pf->fs;
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

static void find_root(struct inspect *ctx)
{
	int n = ctx->disk.nparts, found = -1, count = 0;
	for (int i = 0; i < n; i++) {
		const char *err;
		struct fsview *fs = inspect_fs(ctx, i, &err);
		if (fs && fs_exists(fs, "/etc/os-release")) {
			found = found < 0 ? i : found;
			count++;
		}
	}
	if (count == 1) {
		ctx->root_idx = found;
		snprintf(ctx->root_how, sizeof(ctx->root_how),
			 "the only file system with /etc/os-release");
	} else if (count > 1) {
		/* Several systems: the one an fstab's "/" entry names. */
		for (int i = 0; i < n && ctx->root_idx < 0; i++) {
			struct fstab_entry e;
			const char *err;
			struct fsview *fs = inspect_fs(ctx, i, &err);
			if (!fs || !fs_exists(fs, "/etc/os-release") || !fstab_root(fs, &e))
				continue;
			for (int j = 0; j < n; j++)
				if (spec_names_partition(e.spec, &ctx->disk.parts[j])) {
					ctx->root_idx = j;
					snprintf(ctx->root_how, sizeof(ctx->root_how),
						 "named by the \"/\" entry of /etc/fstab (%s) on partition %d",
						 e.spec, ctx->disk.parts[i].number);
					break;
				}
		}
		if (ctx->root_idx < 0) {
			ctx->root_idx = found;
			snprintf(ctx->root_how, sizeof(ctx->root_how),
				 "the first of %d file systems with /etc/os-release (no fstab \"/\" entry told them apart)",
				 count);
		}
	} else {
		for (int i = 0; i < n && ctx->root_idx < 0; i++)
			if (labelled_root(&ctx->disk.parts[i])) {
				ctx->root_idx = i;
				snprintf(ctx->root_how, sizeof(ctx->root_how),
					 "labelled or typed as a root partition (no readable file system has /etc/os-release)");
			}
	}
	if (ctx->root_idx < 0) {
		snprintf(ctx->root_how, sizeof(ctx->root_how),
			 "no readable file system has /etc/os-release and no partition is labelled root");
		return;
	}
	const char *err;
	ctx->root = inspect_fs(ctx, ctx->root_idx, &err);
	if (!ctx->root)
		snprintf(ctx->root_err, sizeof(ctx->root_err), "%s", err);
}

int inspect_image(const char *path, struct inspect *ctx)
{
	*ctx = (struct inspect){ .target = path, .img = IMAGE_INIT, .disk_rc = 1, .root_idx = -1 };
	ctx->img_rc = image_open(path, &ctx->img, ctx->img_err, sizeof(ctx->img_err));
	if (ctx->img_rc < 0 || ctx->img.format == IMG_UNSUPPORTED || !ctx->img.readable)
		return 0;
	ctx->disk_rc = disk_probe(&ctx->img, &ctx->disk, ctx->disk_err, sizeof(ctx->disk_err));
	if (ctx->disk_rc < 0)
		return 0;
	ctx->pfs = calloc((size_t)(ctx->disk.nparts ? ctx->disk.nparts : 1), sizeof(*ctx->pfs));
	if (!ctx->pfs)
		return -ENOMEM;
	find_root(ctx);
	return 0;
}

int inspect_dir(const char *path, struct inspect *ctx, char *err, size_t errlen)
{
	*ctx = (struct inspect){ .target = path, .directory = true, .img = IMAGE_INIT, .disk_rc = 1,
				 .root_idx = -1 };
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
	free(ctx->pfs);
	free(ctx->boot);
	ctx->boot = NULL;
	disk_free(&ctx->disk);
	image_close(&ctx->img);
	ctx->root = NULL;
	ctx->pfs = NULL;
}
