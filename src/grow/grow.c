/* grow.c — the root's growth: facts from the running system, the pure decision, the plan entry. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "grow/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "locate/mountinfo.h"
#include "locate/sysfs.h"
#include "plan/plan.h"
#include "util/macros.h"

static const struct {
	const char *name;
	enum grow_fs fs;
} fs_types[] = {
	{ "ext4", GROW_FS_EXT4 }, { "ext3", GROW_FS_EXT4 }, { "xfs", GROW_FS_XFS }, { "btrfs", GROW_FS_BTRFS },
};

static void fmt_size(uint64_t bytes, char out[32])
{
	snprintf(out, 32, "%.1f GiB", (double)bytes / (1024.0 * 1024 * 1024));
}

bool grow_needed(const struct grow_plan *g) { return g->table || g->kernel || g->fs; }

/* The file-system step: when it is smaller than its device by GROW_MIN_BYTES or more. */
static void decide_fs(const struct grow_facts *f, struct grow_plan *g)
{
	if (f->fs == GROW_FS_OTHER) {
		snprintf(g->note, sizeof(g->note), "%s cannot be grown online", f->fstype);
		return;
	}
	uint64_t target = f->fs_block ? g->part_bytes / f->fs_block * f->fs_block : 0;
	if (target > f->fs_bytes && target - f->fs_bytes >= GROW_MIN_BYTES) {
		g->fs = true;
		g->fs_new_bytes = target;
	}
}

int grow_decide(struct grow_facts *f, struct grow_plan *out, char *err, size_t errsize)
{
	struct grow_plan g = { .f = *f };
	if (f->kind == GROW_LVM) {
		snprintf(g.warning, sizeof(g.warning),
			 "/ is on LVM (%s): not grown; to use a larger disk, grow the partition of the physical "
			 "volume, then `pvresize` it and `lvextend -r -l +100%%FREE` the root volume", f->other);
		*out = g;
		return 0;
	}
	if (f->kind == GROW_OTHER) {
		snprintf(g.note, sizeof(g.note), "/ is %s", f->other);
		*out = g;
		return 0;
	}
	g.part_bytes = f->ksize;
	if (f->kind == GROW_PARTITION && !f->have_pt) {
		snprintf(g.note, sizeof(g.note), "partition %u of %s ends at the end of the disk", f->partno, f->disk);
		decide_fs(f, &g);
		*out = g;
		return 0;
	}
	if (f->kind == GROW_PARTITION && f->pt.type == PT_DOS && f->partno > 4) {
		snprintf(g.note, sizeof(g.note), "/ is on %s, a logical partition: not grown", f->part);
		*out = g;
		f->have_pt = false;
		return 0;
	}
	if (f->kind == GROW_PARTITION) {
		const struct ptable *pt = &f->pt;
		int r = ptable_growth(pt, f->partno, GROW_MIN_BYTES, &g.g, err, errsize);
		if (r < 0)
			return r;
		uint64_t tstart = g.g.start * pt->sector, tbytes = (g.g.old_last - g.g.start + 1) * pt->sector;
		if (tstart != f->kstart || tbytes < f->ksize) {
			snprintf(err, errsize,
				 "the %s table of %s says partition %u is %llu bytes at %llu, the kernel %llu at %llu: not grown",
				 ptable_type_name(pt->type), f->disk, f->partno, (unsigned long long)tbytes,
				 (unsigned long long)tstart, (unsigned long long)f->ksize, (unsigned long long)f->kstart);
			return -EUCLEAN;
		}
		g.table = g.g.grows;
		g.part_bytes = (g.g.new_last - g.g.start + 1) * pt->sector;
		g.kernel = g.part_bytes > f->ksize; /* also after a run stopped between table and kernel */
		if (!g.table)
			snprintf(g.note, sizeof(g.note), "partition %u of %s ends at %s", f->partno, f->disk,
				 g.g.why);
	}
	decide_fs(f, &g);
	*out = g;
	f->have_pt = false; /* the table moved into out */
	return 0;
}

void grow_describe(const struct grow_plan *g, char *out, size_t size)
{
	char a[32], b[32];
	size_t n = 0;
	n += (size_t)snprintf(out + n, size - n, "%s on %s", g->f.fstype, g->f.part);
	if (g->table && n < size)
		n += (size_t)snprintf(out + n, size - n, "; %s partition %u of %s: sectors %llu-%llu -> %llu-%llu (to %s)%s",
				      ptable_type_name(g->f.pt.type), g->f.partno, g->f.disk,
				      (unsigned long long)g->g.start, (unsigned long long)g->g.old_last,
				      (unsigned long long)g->g.start, (unsigned long long)g->g.new_last, g->g.why,
				      g->f.pt.type == PT_GPT ? ", backup GPT header moved to the disk's end" : "");
	if (g->kernel && n < size)
		n += (size_t)snprintf(out + n, size - n, "; kernel told the new size (BLKPG)");
	fmt_size(g->f.fs_bytes, a);
	fmt_size(g->fs_new_bytes, b);
	if (g->fs && n < size)
		snprintf(out + n, size - n, "; %s grown online %s -> %s", g->f.fstype, a, b);
}

/* ---- reading the facts ---- */

struct root_mount {
	const char *mnt;
	struct mount_entry e;
	bool found;
};

static int take_root(const struct mount_entry *e, void *ctx)
{
	struct root_mount *m = ctx;
	if (streq(e->mountpoint, m->mnt)) {
		m->e = *e; /* the last one mounted there is what is seen */
		m->found = true;
	}
	return 0;
}

static int pt_pread(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);
	return n == (ssize_t)len ? 0 : n < 0 ? negerrno() : -EIO;
}

/* A device-mapper root: LVM (its uuid starts with LVM-) or something else. */
static void classify_dm(const struct blockdev *b, struct grow_facts *f)
{
	char uuid[160] = "", name[128] = "";
	struct blockdev pv;
	sysfs_attr(b, "dm/uuid", uuid, sizeof(uuid));
	sysfs_attr(b, "dm/name", name, sizeof(name));
	bool lvm = strncmp(uuid, "LVM-", 4) == 0;
	f->kind = lvm ? GROW_LVM : GROW_OTHER;
	if (sysfs_first_slave(b, &pv) > 0)
		snprintf(f->other, sizeof(f->other), "%s %s on %s", lvm ? "logical volume" : "device-mapper device",
			 name[0] ? name : b->name, pv.name);
	else
		snprintf(f->other, sizeof(f->other), "device-mapper device %s", name[0] ? name : b->name);
}

/* The root's block device, partition and disk from /proc/self/mountinfo and /sys. */
static int read_device(const char *mnt, struct grow_facts *f, struct blockdev *part, struct blockdev *disk, char *err,
		       size_t errsize)
{
	struct root_mount m = { .mnt = mnt };
	int r = mountinfo_foreach("/proc/self/mountinfo", take_root, &m);
	if (r == 0 && !m.found && !streq(mnt, "/")) {
		f->kind = GROW_OTHER;
		snprintf(f->other, sizeof(f->other), "not a mount point (%.100s is a directory of another file system)", mnt);
		return 0;
	}
	if (r < 0 || !m.found)
		return snprintf(err, errsize, "/proc/self/mountinfo: %s", r < 0 ? strerror(-r) : "no / entry"),
		       r < 0 ? r : -ENOENT;
	snprintf(f->fstype, sizeof(f->fstype), "%s", m.e.fstype);
	f->fs = GROW_FS_OTHER;
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (streq(m.e.fstype, fs_types[i].name))
			f->fs = fs_types[i].fs;
	dev_t dev = m.e.dev;
	struct stat st;
	if (major(dev) == 0 && m.e.source[0] == '/' && stat(m.e.source, &st) == 0 && S_ISBLK(st.st_mode))
		dev = st.st_rdev; /* btrfs: an anonymous st_dev, the device is the mount's source */
	if (major(dev) == 0 || sysfs_by_devno("/sys", dev, part) < 0) {
		f->kind = GROW_OTHER;
		snprintf(f->other, sizeof(f->other), "%s from %.100s, not a block device", m.e.fstype, m.e.source);
		return 0;
	}
	/* a loop device's partitions are a disk's (an image attached with partx); the loop device
	 * itself is a file's */
	if (strncmp(part->name, "dm-", 3) == 0 || strncmp(part->name, "md", 2) == 0 ||
	    (strncmp(part->name, "loop", 4) == 0 && !part->partno)) {
		if (strncmp(part->name, "dm-", 3) == 0)
			classify_dm(part, f);
		else
			f->kind = GROW_OTHER, snprintf(f->other, sizeof(f->other), "on %s", part->name);
		return 0;
	}
	f->kind = part->partno ? GROW_PARTITION : GROW_WHOLE_DISK;
	if (part->partno && (r = sysfs_whole_disk(part, disk)) < 0)
		return snprintf(err, errsize, "the disk of %s: %s", part->name, strerror(-r)), r;
	if (!part->partno)
		*disk = *part;
	return 0;
}

/* The kernel's sizes (sysfs counts 512-byte sectors) and the disk's table. */
static int read_table(const char *dev_dir, struct grow_facts *f, const struct blockdev *part,
		      const struct blockdev *disk, char *err, size_t errsize)
{
	unsigned long long size = 0, start = 0, dsize = 0, lbs = 0;
	int r = sysfs_attr_u64(part, "size", &size);
	if (r == 0 && part->partno)
		r = sysfs_attr_u64(part, "start", &start);
	if (r == 0)
		r = sysfs_attr_u64(disk, "size", &dsize);
	if (r == 0)
		r = sysfs_attr_u64(disk, "queue/logical_block_size", &lbs);
	if (r < 0)
		return snprintf(err, errsize, "sysfs sizes of %s: %s", part->name, strerror(-r)), r;
	f->ksize = size * 512, f->kstart = start * 512, f->disk_bytes = dsize * 512, f->sector = (unsigned)lbs;
	/* Less than GROW_MIN_BYTES left after the partition: no table can give it more, so the
	 * table is not read (every boot after the first; the disk is cold then). */
	if (f->kind != GROW_PARTITION || f->kstart + f->ksize + GROW_MIN_BYTES > f->disk_bytes)
		return 0;
	_cleanup_close_ int fd = grow_open_dev(dev_dir, disk->name, disk->dev, O_RDONLY);
	if (fd < 0)
		return snprintf(err, errsize, "opening %s/%s: %s", dev_dir, disk->name, strerror(-fd)), fd;
	char why[200] = "";
	r = ptable_read(pt_pread, &fd, f->disk_bytes, f->sector, &f->pt, why, sizeof(why));
	if (r < 0)
		return snprintf(err, errsize, "the partition table of %s: %s", disk->name, why[0] ? why : strerror(-r)), r;
	f->have_pt = true;
	return 0;
}

int grow_read_facts(const char *dev_dir, const char *mnt, struct grow_facts *out, char *err, size_t errsize)
{
	struct grow_facts f = { 0 };
	struct blockdev part = { 0 }, disk = { 0 };
	int r = read_device(mnt, &f, &part, &disk, err, errsize);
	if (r < 0)
		return r;
	if (f.kind == GROW_PARTITION || f.kind == GROW_WHOLE_DISK) {
		snprintf(f.part, sizeof(f.part), "%s", part.name);
		snprintf(f.disk, sizeof(f.disk), "%s", disk.name);
		f.part_dev = part.dev, f.disk_dev = disk.dev, f.partno = part.partno;
		r = read_table(dev_dir, &f, &part, &disk, err, errsize);
		if (r == 0)
			r = grow_fs_size(dev_dir, mnt, &f, err, errsize);
	}
	if (r < 0) {
		grow_facts_free(&f);
		return r;
	}
	*out = f;
	return 0;
}

void grow_facts_free(struct grow_facts *f)
{
	if (f && f->have_pt)
		ptable_free(&f->pt);
	if (f)
		f->have_pt = false;
}

/* ---- the plan entry ---- */

static void entry_describe(const struct plan_entry *e, FILE *out)
{
	char line[700];
	grow_describe(e->data, line, sizeof(line));
	fprintf(out, "%s\n", line);
}

/* The table's new sectors written in order, each barrier an fdatasync. */
static int write_table(int fd, const struct grow_plan *g, char *err, size_t errsize)
{
	struct pt_writes w = { 0 };
	int r = ptable_render_growth(&g->f.pt, g->f.partno, g->g.new_last, &w);
	for (size_t i = 0; r == 0 && i < w.n; i++) {
		ssize_t n = pwrite(fd, w.w[i].data, w.w[i].len, (off_t)w.w[i].off);
		if (n != (ssize_t)w.w[i].len)
			r = n < 0 ? negerrno() : -EIO;
		else if (w.w[i].barrier_after && fdatasync(fd) < 0)
			r = negerrno();
	}
	pt_writes_free(&w);
	if (r < 0)
		snprintf(err, errsize, "writing the partition table of %s: %s", g->f.disk, strerror(-r));
	return r;
}

/* Apply reads everything again: the plan is done only if the disk still looks as planned. */
static int entry_apply(struct plan_entry *e, struct apply_ctx *ctx)
{
	const struct grow_plan *g = e->data;
	struct grow_facts now = { 0 };
	struct grow_plan again = { 0 };
	int r = grow_read_facts("/dev", "/", &now, ctx->err, sizeof(ctx->err));
	if (r == 0)
		r = grow_decide(&now, &again, ctx->err, sizeof(ctx->err));
	grow_facts_free(&now);
	grow_facts_free(&again.f);
	if (r == 0 && (again.table != g->table || again.kernel != g->kernel || again.g.new_last != g->g.new_last ||
		       again.f.disk_dev != g->f.disk_dev || again.f.partno != g->f.partno)) {
		snprintf(ctx->err, sizeof(ctx->err), "%s changed since it was planned: not grown", g->f.disk);
		r = -ESTALE;
	}
	if (r < 0)
		return r;
	if (g->table || g->kernel) {
		_cleanup_close_ int fd = grow_open_dev("/dev", g->f.disk, g->f.disk_dev, O_RDWR);
		if (fd < 0)
			return snprintf(ctx->err, sizeof(ctx->err), "opening /dev/%s: %s", g->f.disk, strerror(-fd)), fd;
		if (g->table && (r = write_table(fd, g, ctx->err, sizeof(ctx->err))) < 0)
			return r;
		if (g->kernel && (r = grow_blkpg_resize(fd, g, ctx->err, sizeof(ctx->err))) < 0)
			return r;
	}
	return g->fs ? grow_fs_apply(g, ctx->err, sizeof(ctx->err)) : 0;
}

static void entry_summary(const struct plan_entry *e, char *out, size_t size) { grow_describe(e->data, out, size); }

static void entry_destroy(void *data)
{
	struct grow_plan *g = data;
	if (g)
		grow_facts_free(&g->f);
	free(g);
}

static const struct plan_entry_ops grow_ops = {
	.describe = entry_describe,
	.apply = entry_apply,
	.summary = entry_summary,
	.destroy = entry_destroy,
};

int grow_plan_add(struct plan *p, struct grow_plan *g)
{
	struct grow_plan *copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *g;
	return plan_add(p, &grow_ops, 0, copy);
}
