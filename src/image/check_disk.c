/* check_disk.c — `image check`: the container format, the virtual size, the partitions and the root file system. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"

#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <stdio.h>
#include <string.h>

#include "util/macros.h"
#include "tree/fstab.h"
#include "tree/init.h"
#include "tree/osrelease.h"

/* --- container and partitions ----------------------------------------------------------- */

void check_format(struct inspect *ctx, struct check_result *c)
{
	if (!image_mode_only(ctx, c))
		return;
	struct image *img = &ctx->img;
	if (ctx->img_rc < 0) {
		result_set(c, CHECK_FAIL, "check that the file is a complete raw, qcow2, VHD or VMDK disk image",
			   "%s", ctx->img_err);
	} else if (img->format == IMG_UNSUPPORTED) {
		result_set(c, CHECK_FAIL, "convert it to raw, qcow2, VHD or VMDK (qemu-img convert -O qcow2 IN OUT)",
			   "the file is %s, which cannot be imported or checked", img->detail);
	} else if (img->backing_file) {
		result_set(c, CHECK_FAIL, "flatten it into a standalone image: qemu-img convert -O qcow2 IN OUT",
			   "the qcow2 image depends on the backing file %s, which is not uploaded with it",
			   img->backing_file);
	} else if (img->format == IMG_VMDK_DESCRIPTOR) {
		result_set(c, CHECK_FAIL, "make a single-file image: qemu-img convert -O vmdk -o subformat=streamOptimized IN OUT (or -O qcow2)",
			   "the VMDK is a text descriptor whose data lies in separate extent files, which are not uploaded with it");
	} else if (!img->readable) {
		result_set(c, CHECK_WARN, ADVICE_CONVERT, "%s %s: header read, contents not inspected: %s",
			   image_format_name(img->format), img->detail ? img->detail : "", img->why_unreadable);
	} else {
		result_set(c, CHECK_PASS, NULL, "%s%s%s, contents readable", image_format_name(img->format),
			   img->detail ? " " : "", img->detail ? img->detail : "");
	}
}

void check_size(struct inspect *ctx, struct check_result *c)
{
	if (!image_mode_only(ctx, c) || !image_opened(ctx, c))
		return;
	uint64_t v = ctx->img.virtual_size;
	double gib = (double)v / (double)(1ULL << 30);
	if (v > IMAGE_MIN_VIRTUAL_SIZE)
		result_set(c, CHECK_PASS, NULL, "%.2f GiB (%llu bytes), larger than 5 GiB", gib,
			   (unsigned long long)v);
	else
		result_set(c, CHECK_FAIL,
			   "grow the disk beyond 5 GiB (qemu-img resize IMAGE 6G; the partitions may stay as they are)",
			   "%.2f GiB (%llu bytes); the virtual size must be larger than 5 GiB", gib,
			   (unsigned long long)v);
}

void check_table(struct inspect *ctx, struct check_result *c)
{
	if (!image_mode_only(ctx, c) || !image_opened(ctx, c))
		return;
	const struct disk *d = &ctx->disk;
	if (!ctx->img.readable)
		result_set(c, CHECK_WARN, "see format", "not inspected: the image's contents cannot be read (see format)");
	else if (ctx->disk_rc < 0)
		result_set(c, CHECK_FAIL, "check that the image is not truncated or damaged", "%s", ctx->disk_err);
	else if (!d->pttype[0] && d->whole_fstype[0])
		result_set(c, CHECK_FAIL, "put the file system in partition 1 of an MBR or GPT partition table",
			   "no partition table: the whole disk is a %s file system", d->whole_fstype);
	else if (!d->pttype[0])
		result_set(c, CHECK_FAIL, "partition the disk with an MBR (dos) or GPT table",
			   "no partition table found");
	else if (!streq(d->pttype, "dos") && !streq(d->pttype, "gpt"))
		result_set(c, CHECK_FAIL, "use an MBR (dos) or GPT partition table",
			   "%s partition table; only MBR and GPT are supported", d->pttype);
	else
		result_set(c, CHECK_PASS, NULL, "%s (%s), %d partition%s", streq(d->pttype, "dos") ? "MBR" : "GPT",
			   d->pttype, d->nparts, d->nparts == 1 ? "" : "s");
}

/* Partition 1 exists and is FAT32/ext2/ext3/ext4/UFS; else NULL after setting c. */
static const struct partition *usable_p1(struct inspect *ctx, struct check_result *c, int *idx)
{
	if (!contents_ready(ctx, c))
		return NULL;
	*idx = inspect_part_index(ctx, 1);
	const struct partition *p = *idx >= 0 ? &ctx->disk.parts[*idx] : NULL;
	if (!ctx->disk.pttype[0] || !p || !fstype_allowed(p->fstype, p->fsversion)) {
		result_set(c, CHECK_SKIP, NULL, "partition 1 is not usable (see partition-1)");
		return NULL;
	}
	return p;
}

void check_p1(struct inspect *ctx, struct check_result *c)
{
	if (!image_mode_only(ctx, c) || !contents_ready(ctx, c))
		return;
	if (!ctx->disk.pttype[0]) {
		result_set(c, CHECK_SKIP, NULL, "no partition table (see partition-table)");
		return;
	}
	int i = inspect_part_index(ctx, 1);
	const char *advice = "make partition 1 FAT32, ext2, ext3, ext4 or UFS (the cloud writes aliyun_custom_image/os.conf there)";
	if (i < 0) {
		result_set(c, CHECK_FAIL, advice, "there is no partition 1");
		return;
	}
	const struct partition *p = &ctx->disk.parts[i];
	if (p->extended)
		result_set(c, CHECK_FAIL, advice, "partition 1 is an extended partition");
	else if (!p->fstype[0])
		result_set(c, CHECK_FAIL, advice, "partition 1 has no file system libblkid recognises");
	else if (!fstype_allowed(p->fstype, p->fsversion))
		result_set(c, CHECK_FAIL, advice, "partition 1 is %s%s%s, not FAT32, ext2, ext3, ext4 or UFS",
			   p->fstype, p->fsversion[0] ? " " : "", p->fsversion);
	else
		result_set(c, CHECK_PASS, NULL, "partition 1 is %s%s%s", p->fstype, p->fsversion[0] ? " " : "",
			   p->fsversion);
}

int ext_superblock_unwritable(const uint8_t *sb, char *why, size_t whylen)
{
	if (get_le16(sb + 0x38) != EXT2_SUPER_MAGIC)
		return -EINVAL;
	uint16_t state = get_le16(sb + 0x3a);
	uint32_t ro = get_le32(sb + 0x64);
	if (ro & EXT4_FEATURE_RO_COMPAT_READONLY) {
		snprintf(why, whylen, "the file system has the read-only feature set");
		return 1;
	}
	if (ro & EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS) {
		snprintf(why, whylen, "the file system has shared blocks (shared_blocks), which the kernel mounts read-only");
		return 1;
	}
	if (ro & ~(uint32_t)EXT2_LIB_FEATURE_RO_COMPAT_SUPP) {
		snprintf(why, whylen, "the file system has read-only-compatible features 0x%x unknown to e2fsprogs",
			 ro & ~(uint32_t)EXT2_LIB_FEATURE_RO_COMPAT_SUPP);
		return 1;
	}
	if (state & EXT2_ERROR_FS) {
		snprintf(why, whylen, "the file system is marked as having errors (it may be remounted read-only)");
		return 2;
	}
	return 0;
}

void check_p1_writable(struct inspect *ctx, struct check_result *c)
{
	int i;
	if (!image_mode_only(ctx, c))
		return;
	const struct partition *p = usable_p1(ctx, c, &i);
	if (!p)
		return;
	if (streq(p->fstype, "ufs")) {
		result_set(c, CHECK_WARN, "prefer FAT32 or ext4 for partition 1 so osconf can remove os.conf after applying it",
			   "Linux mounts UFS read-only: os.conf can be read but not removed");
		return;
	}
	if (streq(p->fstype, "vfat")) {
		result_set(c, CHECK_PASS, NULL, "FAT32 is writable");
		return;
	}
	uint8_t sb[1024];
	char why[160];
	int r = image_pread(&ctx->img, sb, sizeof(sb), p->start + 1024);
	r = r < 0 ? r : ext_superblock_unwritable(sb, why, sizeof(why));
	const char *advice = "clear it: tune2fs -O ^read-only (or e2fsck -E unshare_blocks) on the partition";
	if (r < 0)
		result_set(c, CHECK_FAIL, "check the file system with e2fsck", "cannot read the ext superblock");
	else if (r == 1)
		result_set(c, CHECK_FAIL, advice, "%s", why);
	else if (r == 2)
		result_set(c, CHECK_WARN, "run e2fsck -f on the partition", "%s", why);
	else
		result_set(c, CHECK_PASS, NULL, "%s has no read-only features", p->fstype);
}

void check_custom_dir(struct inspect *ctx, struct check_result *c)
{
	const char *advice = "create the directory aliyun_custom_image in the root of partition 1";
	if (ctx->directory) {
		static const char *const where[] = { "/" CUSTOM_DIR, "/boot/" CUSTOM_DIR, "/boot/efi/" CUSTOM_DIR };
		for (size_t i = 0; i < ARRAY_SIZE(where); i++)
			if (fs_is_dir(ctx->root, where[i])) {
				result_set(c, CHECK_PASS, NULL, "%s exists (partition 1 cannot be told apart in a tree)",
					   where[i]);
				return;
			}
		result_set(c, CHECK_FAIL, advice, "no aliyun_custom_image/ at /, /boot or /boot/efi of the tree");
		return;
	}
	int i;
	if (!usable_p1(ctx, c, &i))
		return;
	const char *err;
	struct fsview *fs = inspect_fs(ctx, i, &err);
	struct fs_stat st;
	if (!fs) {
		result_set(c, CHECK_WARN, "check by hand that partition 1 has aliyun_custom_image/",
			   "partition 1 not inspected: %s", err);
		return;
	}
	int r = fs_stat(fs, "/" CUSTOM_DIR, true, &st);
	if (r == 0 && st.type == FS_DIR)
		result_set(c, CHECK_PASS, NULL, "partition 1 has /aliyun_custom_image/");
	else if (r == 0)
		result_set(c, CHECK_FAIL, advice, "/aliyun_custom_image on partition 1 is not a directory");
	else if (r == -ENOENT)
		result_set(c, CHECK_FAIL, advice, "partition 1 has no /aliyun_custom_image/");
	else
		result_set(c, CHECK_FAIL, "check the file system of partition 1",
			   "cannot read partition 1: %s", strerror(-r));
}

/* --- the root file system ---------------------------------------------------------------- */

/* What the root holds: the distro (os-release) and the init system, as every command reads them. */
static void root_facts(struct fsview *fs, struct check_result *c)
{
	struct osrelease o;
	int r = osrelease_read(fs, &o);
	if (r < 0)
		result_detail(c, "os-release: cannot read it: %s", strerror(-r));
	else if (o.exists)
		result_detail(c, "%s: %s (ID=%s%s%s)", o.path, o.pretty_name[0] ? o.pretty_name : "no PRETTY_NAME",
			      o.id[0] ? o.id : "-", o.version_id[0] ? " VERSION_ID=" : "", o.version_id);
	struct init_info ii;
	if (init_read(fs, &ii) == 0 && ii.system)
		result_detail(c, "init system: %s (%s)", init_system_title(ii.system), ii.how);
}

void check_root(struct inspect *ctx, struct check_result *c)
{
	if (ctx->directory) {
		result_set(c, CHECK_PASS, NULL, "%s", ctx->root_how);
		root_facts(ctx->root, c);
		return;
	}
	if (!contents_ready(ctx, c))
		return;
	if (!ctx->disk.pttype[0]) {
		result_set(c, CHECK_SKIP, NULL, "no partition table (see partition-table)");
		return;
	}
	if (ctx->root_idx < 0 && ctx->root_lv < 0) {
		result_set(c, CHECK_FAIL,
			   "make sure the root file system is in the image (ext2/3/4, XFS, btrfs or FAT, also in linear LVM volumes, can be inspected), or label its partition root",
			   "no root file system found: %s", ctx->root_how);
		return;
	}
	char where[300];
	inspect_root_name(ctx, where, sizeof(where));
	if (!ctx->root) {
		result_set(c, CHECK_WARN, "inspect the root file system by hand, or check the unpacked tree with --root DIR",
			   "%s holds the root file system, but it cannot be read: %s", where, ctx->root_err);
		result_detail(c, "determined by: %s", ctx->root_how);
		return;
	}
	result_set(c, CHECK_PASS, NULL, "%s: %s", where, ctx->root_how);
	root_facts(ctx->root, c);
	_cleanup_(fstab_free) struct fstab f = FSTAB_INIT;
	if (fstab_read(ctx->root, &f) < 0)
		return;
	for (size_t k = 0; k < f.n; k++) {
		const struct fstab_entry e = f.entries[k];
		if (!streq(e.dir, "/") || fstab_spec_is_device_name(e.spec))
			continue;
		char named[300];
		int m = inspect_spec_lookup(ctx, e.spec, named, sizeof(named));
		if (m >= 0)
			result_detail(c, "/etc/fstab mounts / from %s = %s", e.spec, named);
		if (m == 0)
			result_set(c, CHECK_WARN, "make /etc/fstab's \"/\" line name the partition that holds this system",
				   "%s: %s; but its /etc/fstab mounts / from %s", where, ctx->root_how, named);
		else if (m < 0 && strchr(e.spec, '='))
			result_set(c, CHECK_WARN, "correct the \"/\" line of /etc/fstab to the root partition's UUID",
				   "%s: %s; but /etc/fstab mounts / from %s, which matches no partition", where,
				   ctx->root_how, e.spec);
	}
}
