/* checks.c — the checks of `image check`: one table of functions over the inspected image. */
#define _GNU_SOURCE
#include "image/checks.h"
#include "image/check_agent_elf.h"

#include <ctype.h>
#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/agent.h"
#include "util/macros.h"
#include "util/text.h"

#define CUSTOM_DIR "aliyun_custom_image"
#define ADVICE_CONVERT "convert it to raw or an uncompressed qcow2 (qemu-img convert -O qcow2 IN OUT) so it can be inspected, or check the unpacked tree with --root DIR"

struct check {
	const char *id, *title;
	void (*run)(struct inspect *ctx, struct check_result *c);
};

/* --- shared guards: most checks depend on an earlier one having found something ------- */

static bool image_mode_only(struct inspect *ctx, struct check_result *c)
{
	if (!ctx->directory)
		return true;
	result_set(c, CHECK_SKIP, NULL, "not applicable to a directory tree");
	return false;
}

/* The container was opened and its format is one we read headers of. */
static bool image_opened(struct inspect *ctx, struct check_result *c)
{
	if (ctx->img_rc == 0 && ctx->img.format != IMG_UNSUPPORTED)
		return true;
	result_set(c, CHECK_SKIP, NULL, "the image could not be read (see format)");
	return false;
}

/* Partition contents can be read: the container was opened, is readable, and has a table. */
static bool contents_ready(struct inspect *ctx, struct check_result *c)
{
	if (!image_opened(ctx, c))
		return false;
	if (!ctx->img.readable) {
		result_set(c, CHECK_WARN, "see format", "not inspected: the image's contents cannot be read (see format)");
		return false;
	}
	if (ctx->disk_rc < 0) {
		result_set(c, CHECK_SKIP, NULL, "partitions could not be probed (see partition-table)");
		return false;
	}
	return true;
}

static bool root_ready(struct inspect *ctx, struct check_result *c)
{
	if (ctx->root)
		return true;
	if (!ctx->directory && !contents_ready(ctx, c))
		return false;
	if (ctx->root_idx < 0)
		result_set(c, CHECK_SKIP, NULL, "no root file system found (see root-fs)");
	else
		result_set(c, CHECK_WARN,
			   "check the unpacked root tree with osconf image check --root DIR (inside images osconf reads ext2/3/4 and FAT32)",
			   "not inspected: the root file system cannot be read (%s)", ctx->root_err);
	return false;
}

/* --- container and partitions ----------------------------------------------------------- */

static void check_format(struct inspect *ctx, struct check_result *c)
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

static void check_size(struct inspect *ctx, struct check_result *c)
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

static void check_table(struct inspect *ctx, struct check_result *c)
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

static void check_p1(struct inspect *ctx, struct check_result *c)
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

static void check_p1_writable(struct inspect *ctx, struct check_result *c)
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

static void check_custom_dir(struct inspect *ctx, struct check_result *c)
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

static void check_root(struct inspect *ctx, struct check_result *c)
{
	if (ctx->directory) {
		result_set(c, CHECK_PASS, NULL, "%s", ctx->root_how);
		return;
	}
	if (!contents_ready(ctx, c))
		return;
	if (!ctx->disk.pttype[0]) {
		result_set(c, CHECK_SKIP, NULL, "no partition table (see partition-table)");
		return;
	}
	if (ctx->root_idx < 0) {
		result_set(c, CHECK_FAIL,
			   "make sure the root file system is in the image (ext2/3/4 or FAT can be inspected), or label its partition root",
			   "no root file system found: %s", ctx->root_how);
		return;
	}
	const struct partition *p = &ctx->disk.parts[ctx->root_idx];
	if (!ctx->root) {
		result_set(c, CHECK_WARN, "inspect the root file system by hand, or check the unpacked tree with --root DIR",
			   "partition %d (%s) holds the root file system, but it cannot be read: %s", p->number,
			   p->fstype[0] ? p->fstype : "unknown", ctx->root_err);
		result_detail(c, "determined by: %s", ctx->root_how);
		return;
	}
	result_set(c, CHECK_PASS, NULL, "partition %d (%s): %s", p->number, p->fstype, ctx->root_how);
	struct fstab_entry e;
	_cleanup_buf_ struct buf b = BUF_INIT;
	if (fs_read_file(ctx->root, "/etc/fstab", 1 << 20, &b) < 0)
		return;
	size_t pos = 0;
	int line = 0;
	while (fstab_next(&b, &pos, &line, &e)) {
		if (!streq(e.dir, "/") || fstab_spec_is_device_name(e.spec))
			continue;
		bool matched = false;
		for (int j = 0; j < ctx->disk.nparts; j++) {
			if (!spec_names_partition(e.spec, &ctx->disk.parts[j]))
				continue;
			matched = true;
			result_detail(c, "/etc/fstab mounts / from %s = partition %d", e.spec,
				      ctx->disk.parts[j].number);
			if (j != ctx->root_idx)
				result_set(c, CHECK_WARN, "make /etc/fstab's \"/\" line name the partition that holds this system",
					   "partition %d (%s): %s; but its /etc/fstab mounts / from partition %d",
					   p->number, p->fstype, ctx->root_how, ctx->disk.parts[j].number);
		}
		if (!matched && strchr(e.spec, '='))
			result_set(c, CHECK_WARN, "correct the \"/\" line of /etc/fstab to the root partition's UUID",
				   "partition %d (%s): %s; but /etc/fstab mounts / from %s, which matches no partition",
				   p->number, p->fstype, ctx->root_how, e.spec);
	}
}

/* --- osconf (or another agent) installed and enabled ------------------------------------ */

struct dir_scan {
	struct fsview *fs;
	const char *dir;
	const char *pattern;      /* fnmatch pattern of names to collect */
	char found[256];
	int count;
};

static int match_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct dir_scan *s = userdata;
	if (fnmatch(s->pattern, name, 0) != 0)
		return 0;
	if (!s->count++)
		snprintf(s->found, sizeof(s->found), "%s/%s", s->dir, name);
	return 0;
}

static int scan(struct fsview *fs, const char *dir, const char *pattern, char *found, size_t len)
{
	struct dir_scan s = { .fs = fs, .dir = dir, .pattern = pattern };
	fs_list_dir(fs, dir, match_cb, &s);
	if (s.count && found)
		snprintf(found, len, "%s", s.found);
	return s.count;
}

struct wants_scan {
	struct fsview *fs;
	char found[300];
};

static int wants_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct wants_scan *w = userdata;
	size_t n = strlen(name);
	if (n < 6 || !streq(name + n - 6, ".wants"))
		return 0;
	char path[300];
	snprintf(path, sizeof(path), "/etc/systemd/system/%s/osconf.service", name);
	if (!fs_exists(w->fs, path))
		return 0;
	snprintf(w->found, sizeof(w->found), "%s", path);
	return 1;
}

/* Init scripts and units that mention aliyun_custom_image: another os.conf agent. */
struct agent_scan {
	struct fsview *fs;
	const char *dir;
	char found[300];
	int files;
};

static int agent_cb(const char *name, enum fs_type type, void *userdata)
{
	struct agent_scan *a = userdata;
	if (type == FS_DIR || strncmp(name, "osconf", 6) == 0 || a->files++ > 4000)
		return 0;
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", a->dir, name);
	_cleanup_buf_ struct buf b = BUF_INIT;
	if (fs_read_file(a->fs, path, 256 << 10, &b) < 0 || !memmem(b.data, b.len, CUSTOM_DIR, strlen(CUSTOM_DIR)))
		return 0;
	snprintf(a->found, sizeof(a->found), "%s", path);
	return 1;
}

static const char *other_agent(struct fsview *fs, char *found, size_t len)
{
	static const char *const dirs[] = {
		"/etc/init.d", "/etc/rc.d/init.d", "/etc/systemd/system", "/usr/lib/systemd/system",
		"/lib/systemd/system", "/etc/rc.d", "/etc/local.d",
	};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct agent_scan a = { .fs = fs, .dir = dirs[i] };
		fs_list_dir(fs, dirs[i], agent_cb, &a);
		if (a.found[0]) {
			snprintf(found, len, "%s", a.found);
			return found;
		}
	}
	static const char *const files[] = { "/etc/rc.local", "/etc/rc.d/rc.local" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		if (fs_read_file(fs, files[i], 256 << 10, &b) == 0 && memmem(b.data, b.len, CUSTOM_DIR, strlen(CUSTOM_DIR))) {
			snprintf(found, len, "%s", files[i]);
			return found;
		}
	}
	return NULL;
}

static const char *init_system(struct fsview *fs)
{
	if (fs_is_file(fs, "/usr/lib/systemd/systemd") || fs_is_file(fs, "/lib/systemd/systemd"))
		return "systemd";
	if (fs_is_file(fs, "/sbin/openrc") || fs_is_file(fs, "/usr/sbin/openrc") || fs_is_dir(fs, "/etc/runlevels"))
		return "openrc";
	if (fs_is_file(fs, "/etc/inittab"))
		return "sysvinit";
	return NULL;
}

/* /etc/osconf.conf partition=SPEC compared with partition 1. */
static void check_recorded_partition(struct inspect *ctx, struct check_result *c)
{
	struct agent_conf ac;
	if (agent_conf_read(ctx->root, &ac) < 0)
		return;
	if (ac.partition_error[0]) {
		result_set(c, CHECK_FAIL, "run osconf install --root on the image tree again, or correct partition= in /etc/osconf.conf",
			   "%s", ac.partition_error);
		return;
	}
	const char *spec = ac.partition;
	if (!spec[0])
		return;
	int i = ctx->directory ? -1 : inspect_part_index(ctx, 1);
	const struct partition *p1 = i >= 0 ? &ctx->disk.parts[i] : NULL;
	if (!p1 || !fstype_allowed(p1->fstype, p1->fsversion))   /* see partition-1 */
		result_detail(c, "/etc/osconf.conf records partition=%s", spec);
	else if (spec_names_partition(spec, p1))
		result_detail(c, "/etc/osconf.conf records partition=%s (partition 1)", spec);
	else
		result_set(c, CHECK_FAIL, "run osconf install --root on the image tree again, or correct partition= in /etc/osconf.conf",
			   "/etc/osconf.conf records partition=%s, which is not partition 1", spec);
}

static void check_agent(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct fsview *fs = ctx->root;
	const char *init = init_system(fs);
	bool bin = fs_is_file(fs, "/usr/sbin/osconf");
	bool sysv_script = fs_is_file(fs, "/etc/init.d/osconf");
	char how[3][320] = { "", "", "" };   /* systemd, sysvinit, openrc */
	bool unit = fs_is_file(fs, "/usr/lib/systemd/system/osconf.service") ||
		    fs_is_file(fs, "/etc/systemd/system/osconf.service") ||
		    fs_is_file(fs, "/lib/systemd/system/osconf.service");
	struct wants_scan w = { .fs = fs };
	if (unit) {
		fs_list_dir(fs, "/etc/systemd/system", wants_cb, &w);
		if (w.found[0])
			snprintf(how[0], sizeof(how[0]), "systemd: %s", w.found);
	}
	if (sysv_script) {
		static const char *const rcdirs[] = { "/etc/rcS.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d" };
		char found[256];
		for (size_t i = 0; i < ARRAY_SIZE(rcdirs) && !how[1][0]; i++)
			if (scan(fs, rcdirs[i], "S[0-9][0-9]osconf", found, sizeof(found)))
				snprintf(how[1], sizeof(how[1]), "sysvinit: %s", found);
		static const char *const levels[] = { "/etc/runlevels/sysinit/osconf", "/etc/runlevels/boot/osconf",
						      "/etc/runlevels/default/osconf" };
		for (size_t i = 0; i < ARRAY_SIZE(levels) && !how[2][0]; i++)
			if (fs_exists(fs, levels[i]))
				snprintf(how[2], sizeof(how[2]), "openrc: %s", levels[i]);
	}
	bool enabled = how[0][0] || how[1][0] || how[2][0];
	/* the method the image's init system runs (systemd also runs sysvinit rc links) */
	bool fits = !init || (streq(init, "systemd") && (how[0][0] || how[1][0])) ||
		    (streq(init, "sysvinit") && how[1][0]) || (streq(init, "openrc") && how[2][0]);
	const char *install = "install and enable osconf in the image: osconf install --root IMAGE_TREE";
	if (bin && enabled) {
		agent_elf_result(fs, "/usr/sbin/osconf", fits, init, c);   /* can it run there? */
		for (int i = 0; i < 3; i++)
			if (how[i][0])
				result_detail(c, "enabled by %s", how[i]);
		check_recorded_partition(ctx, c);
		return;
	}
	char other[300];
	if (other_agent(fs, other, sizeof(other))) {
		result_set(c, CHECK_WARN, "make sure that agent runs at every boot, or replace it with osconf (osconf install --root)",
			   "osconf is not %s, but %s handles aliyun_custom_image (another os.conf agent)",
			   bin ? "enabled" : "installed", other);
		return;
	}
	if (!bin && (unit || sysv_script))
		result_set(c, CHECK_FAIL, install, "osconf's %s is there, but /usr/sbin/osconf is missing",
			   unit ? "systemd unit" : "init script");
	else if (bin)
		result_set(c, CHECK_FAIL, install, "/usr/sbin/osconf is installed but not enabled for %s%s%s",
			   init ? init : "any init system",
			   unit ? " (osconf.service has no .wants link)" : "",
			   sysv_script ? " (/etc/init.d/osconf has no rc or runlevel link)" : "");
	else
		result_set(c, CHECK_FAIL, install,
			   "no os.conf agent: neither osconf nor another script that handles aliyun_custom_image");
}

/* --- credentials ------------------------------------------------------------------------ */

enum check_status root_password_status(const char *hash, const char *lastchg, const char **why)
{
	if (!hash[0]) {
		*why = "root has an empty password field: anyone can log in as root without a password";
		return CHECK_FAIL;
	}
	if (hash[0] == '!' || hash[0] == '*') {
		*why = "root's password is locked";
		return CHECK_PASS;
	}
	bool des = strlen(hash) == 13 && strspn(hash, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 13;
	if (hash[0] != '$' && !des) {
		*why = "root's password field holds no valid hash, so no password matches it";
		return CHECK_PASS;
	}
	if (streq(lastchg, "0")) {
		*why = "root has a password that must be changed at first login (last change 0)";
		return CHECK_PASS;
	}
	*why = "root has a usable default password that need not be changed at first login";
	return CHECK_FAIL;
}

/* Field n (0-based) of a colon-separated line, copied into out. */
static void field(const char *line, size_t len, int n, char *out, size_t size)
{
	const char *p = line, *end = line + len;
	for (int i = 0; i < n && p < end; i++) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		p = colon ? colon + 1 : end;
	}
	const char *colon = memchr(p, ':', (size_t)(end - p));
	size_t flen = (size_t)((colon ? colon : end) - p);
	snprintf(out, size, "%.*s", (int)(flen < size ? flen : size - 1), p);
}

static bool find_user_line(const struct buf *b, const char *user, const char **line, size_t *len)
{
	size_t pos = 0, ulen = strlen(user);
	while (buf_next_line(b, &pos, line, len))
		if (*len > ulen && strncmp(*line, user, ulen) == 0 && (*line)[ulen] == ':')
			return true;
	return false;
}

static void check_password(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	const char *advice = "lock root's password (usermod -p '!' root) or force a change at first login (chage -d 0 root); os.conf sets the real one";
	_cleanup_buf_ struct buf shadow = { .secret = true };
	const char *line;
	size_t len;
	char hash[512], lastchg[32];
	int r = fs_read_file(ctx->root, "/etc/shadow", 16 << 20, &shadow);
	if (r == 0 && find_user_line(&shadow, "root", &line, &len)) {
		field(line, len, 1, hash, sizeof(hash));
		field(line, len, 2, lastchg, sizeof(lastchg));
		const char *why;
		enum check_status st = root_password_status(hash, lastchg, &why);
		explicit_bzero(hash, sizeof(hash));
		result_set(c, st, st == CHECK_FAIL ? advice : NULL, "%s", why);
		return;
	}
	_cleanup_buf_ struct buf passwd = BUF_INIT;
	if (fs_read_file(ctx->root, "/etc/passwd", 16 << 20, &passwd) == 0 &&
	    find_user_line(&passwd, "root", &line, &len)) {
		field(line, len, 1, hash, sizeof(hash));
		if (!hash[0]) {
			result_set(c, CHECK_FAIL, advice, "root has an empty password in /etc/passwd (passwordless)");
			return;
		}
	}
	result_set(c, CHECK_WARN, "check root's password by hand",
		   r == 0 ? "/etc/shadow has no line for root" : "cannot read /etc/shadow: %s", strerror(-r));
}

bool authorized_keys_has_key(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		size_t s = i;
		while (s < e && isspace((unsigned char)text[s]))
			s++;
		if (s < e && text[s] != '#')
			return true;
		i = e + 1;
	}
	return false;
}

struct keys_scan {
	struct fsview *fs;
	struct check_result *c;
	char homes[64][256];
	int nhomes;
	int found;
};

static void add_home(struct keys_scan *k, const char *home)
{
	if (!home[0] || streq(home, "/"))
		return;
	for (int i = 0; i < k->nhomes; i++)
		if (streq(k->homes[i], home))
			return;
	if (k->nhomes < (int)ARRAY_SIZE(k->homes))
		snprintf(k->homes[k->nhomes++], sizeof(k->homes[0]), "%s", home);
}

static int home_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	char path[300];
	snprintf(path, sizeof(path), "/home/%s", name);
	add_home(userdata, path);
	return 0;
}

static void check_authorized_keys(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct keys_scan k = { .fs = ctx->root, .c = c };
	add_home(&k, "/root");
	fs_list_dir(ctx->root, "/home", home_cb, &k);
	_cleanup_buf_ struct buf passwd = BUF_INIT;
	if (fs_read_file(ctx->root, "/etc/passwd", 16 << 20, &passwd) == 0) {
		size_t pos = 0, len;
		const char *line;
		while (buf_next_line(&passwd, &pos, &line, &len)) {
			char home[256];
			field(line, len, 5, home, sizeof(home));
			add_home(&k, home);
		}
	}
	int empty = 0;
	for (int i = 0; i < k.nhomes; i++)
		for (int j = 0; j < 2; j++) {
			char path[300];
			snprintf(path, sizeof(path), "%s/.ssh/authorized_keys%s", k.homes[i], j ? "2" : "");
			_cleanup_buf_ struct buf b = BUF_INIT;
			if (fs_read_file(ctx->root, path, 16 << 20, &b) < 0)
				continue;
			if (authorized_keys_has_key(b.data, b.len)) {
				result_detail(c, "%s", path);
				k.found++;
			} else {
				empty++;
			}
		}
	if (k.found)
		result_set(c, CHECK_FAIL,
			   "delete these files from the image; keys are given per instance (key pair at creation, or os.conf password)",
			   "%d authorized_keys file%s with keys baked into the image", k.found, k.found == 1 ? "" : "s");
	else
		result_set(c, CHECK_PASS, NULL, "no authorized_keys with keys (%d home director%s looked at%s)",
			   k.nhomes, k.nhomes == 1 ? "y" : "ies", empty ? "; empty files ignored" : "");
}

struct hostkey_scan {
	struct check_result *c;
	int found;
};

static int hostkey_cb(const char *name, enum fs_type type, void *userdata)
{
	struct hostkey_scan *h = userdata;
	if (type != FS_DIR && fnmatch("ssh_host_*_key", name, 0) == 0) {
		result_detail(h->c, "/etc/ssh/%s", name);
		h->found++;
	}
	return 0;
}

static void check_host_keys(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct hostkey_scan h = { .c = c };
	fs_list_dir(ctx->root, "/etc/ssh", hostkey_cb, &h);
	if (h.found)
		result_set(c, CHECK_FAIL,
			   "delete /etc/ssh/ssh_host_*_key* from the image; sshd (or ssh-keygen -A at boot) makes them per instance",
			   "%d private SSH host key%s baked into the image: every instance would share %s", h.found,
			   h.found == 1 ? "" : "s", h.found == 1 ? "it" : "them");
	else
		result_set(c, CHECK_PASS, NULL, "no private SSH host keys in /etc/ssh");
}

/* --- fstab ------------------------------------------------------------------------------ */

bool fstab_spec_is_device_name(const char *spec)
{
	static const char *const prefixes[] = { "/dev/sd", "/dev/vd", "/dev/xvd", "/dev/hd", "/dev/nvme" };
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (strncmp(spec, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static void check_fstab(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r = fs_read_file(ctx->root, "/etc/fstab", 1 << 20, &b);
	if (r == -ENOENT) {
		result_set(c, CHECK_PASS, NULL, "no /etc/fstab");
		return;
	}
	if (r < 0) {
		result_set(c, CHECK_WARN, "check /etc/fstab by hand", "cannot read /etc/fstab: %s", strerror(-r));
		return;
	}
	struct fstab_entry e;
	size_t pos = 0;
	int line = 0, bad = 0, total = 0;
	while (fstab_next(&b, &pos, &line, &e)) {
		total++;
		if (fstab_spec_is_device_name(e.spec)) {
			result_detail(c, "/etc/fstab:%d: %s %s", e.line, e.spec, e.dir);
			bad++;
		}
	}
	if (bad)
		result_set(c, CHECK_FAIL,
			   "refer to these file systems by UUID= or LABEL= (blkid shows them); device names change between instance types",
			   "%d /etc/fstab entr%s by kernel device name", bad, bad == 1 ? "y" : "ies");
	else
		result_set(c, CHECK_PASS, NULL, "%d /etc/fstab entr%s, none by kernel device name", total,
			   total == 1 ? "y" : "ies");
}

static const struct check checks[] = {
	{ "format", "Container format", check_format },
	{ "virtual-size", "Virtual size larger than 5 GiB", check_size },
	{ "partition-table", "MBR or GPT partition table", check_table },
	{ "partition-1", "Partition 1 is FAT32, ext2/3/4 or UFS", check_p1 },
	{ "partition-1-writable", "Partition 1 is writable", check_p1_writable },
	{ "custom-dir", "aliyun_custom_image/ on partition 1", check_custom_dir },
	{ "root-fs", "Root file system found", check_root },
	{ "agent", "osconf installed, enabled and able to run", check_agent },
	{ "root-password", "No usable default root password", check_password },
	{ "ssh-authorized-keys", "No baked-in authorized_keys", check_authorized_keys },
	{ "ssh-host-keys", "No baked-in SSH host private keys", check_host_keys },
	{ "fstab", "fstab by UUID/LABEL, not device name", check_fstab },
};

int image_checks_run(struct inspect *ctx, struct report *r)
{
	r->target = ctx->target;
	r->directory = ctx->directory;
	if (!ctx->directory && ctx->img_rc == 0) {
		r->format = ctx->img.format == IMG_UNSUPPORTED ? NULL : image_format_name(ctx->img.format);
		r->format_detail = ctx->img.detail;
		r->virtual_size = ctx->img.format == IMG_UNSUPPORTED ? 0 : ctx->img.virtual_size;
	}
	if (ctx->disk_rc == 0) {
		r->pttype = ctx->disk.pttype;
		r->parts = calloc((size_t)(ctx->disk.nparts ? ctx->disk.nparts : 1), sizeof(*r->parts));
		if (!r->parts)
			return -ENOMEM;
		for (int i = 0; i < ctx->disk.nparts; i++) {
			const struct partition *p = &ctx->disk.parts[i];
			r->parts[i] = (struct report_partition){
				p->number, p->extended, p->start, p->size, p->type, p->fstype, p->fsversion,
				p->uuid, p->label, p->partuuid, p->partname,
			};
		}
		r->nparts = ctx->disk.nparts;
	}
	if (ctx->root_idx >= 0)
		r->root_partition = ctx->disk.parts[ctx->root_idx].number;
	if (ctx->directory || ctx->disk_rc == 0)
		r->root_how = ctx->root_how;
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		struct check_result *c = report_begin(r, checks[i].id, checks[i].title);
		if (!c)
			return -ENOMEM;
		checks[i].run(ctx, c);
	}
	return 0;
}
