/* fsgrow.c — the kernel steps of growing: file-system sizes, BLKPG resize, online grow ioctls. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <linux/blkpg.h>
#include <linux/btrfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ext2fs/ext2_fs.h>

#include "grow/grow.h"
#include "util/macros.h"

/* XFS's ioctl ABI (the kernel's fs/xfs/libxfs/xfs_fs.h: version 1 geometry, growfs data);
 * xfslibs-dev's header drags in libuuid's and more, so only these two are spelled out. */
struct osconf_xfs_geom_v1 {
	uint32_t blocksize, rtextsize, agblocks, agcount, logblocks, sectsize, inodesize, imaxpct;
	uint64_t datablocks, rtblocks, rtextents, logstart;
	unsigned char uuid[16];
	uint32_t sunit, swidth;
	int32_t version;
	uint32_t flags, logsectsize, rtsectsize, dirblocksize;
};
struct osconf_xfs_growfs_data {
	uint64_t newblocks;
	uint32_t imaxpct;
};
#define OSCONF_XFS_IOC_FSGEOMETRY_V1 _IOR('X', 100, struct osconf_xfs_geom_v1)
#define OSCONF_XFS_IOC_FSGROWFSDATA _IOW('X', 110, struct osconf_xfs_growfs_data)

int grow_open_dev(const char *dev_dir, const char *name, dev_t dev, int flags)
{
	char path[256];
	if (snprintf(path, sizeof(path), "%s/%s", dev_dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return negerrno();
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != dev) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

/* ext2/3/4: the block count and size from the superblock (1024 bytes in). */
static int ext_size(int fd, struct grow_facts *f, char *err, size_t errsize)
{
	uint8_t sb[1024];
	ssize_t n = pread(fd, sb, sizeof(sb), 1024);
	if (n != (ssize_t)sizeof(sb))
		return snprintf(err, errsize, "reading the ext4 superblock of %s: %s", f->part,
				n < 0 ? strerror(errno) : "short read"), n < 0 ? negerrno() : -EIO;
	struct ext2_super_block s;
	memcpy(&s, sb, sizeof(s) < sizeof(sb) ? sizeof(s) : sizeof(sb));
	if (s.s_magic != EXT2_SUPER_MAGIC || s.s_log_block_size > 6)
		return snprintf(err, errsize, "%s: no ext4 superblock", f->part), -EUCLEAN;
	uint64_t blocks = s.s_blocks_count;
	if (s.s_feature_incompat & EXT4_FEATURE_INCOMPAT_64BIT)
		blocks |= (uint64_t)s.s_blocks_count_hi << 32;
	f->fs_block = 1024u << s.s_log_block_size;
	f->fs_bytes = blocks * f->fs_block;
	return 0;
}

static int xfs_size(int rootfd, struct grow_facts *f, char *err, size_t errsize)
{
	struct osconf_xfs_geom_v1 g = { 0 };
	if (ioctl(rootfd, OSCONF_XFS_IOC_FSGEOMETRY_V1, &g) < 0)
		return snprintf(err, errsize, "XFS geometry of %s: %s", f->part, strerror(errno)), negerrno();
	f->fs_block = g.blocksize;
	f->fs_bytes = g.datablocks * g.blocksize;
	f->xfs_imaxpct = g.imaxpct;
	return 0;
}

static int btrfs_size(int rootfd, struct grow_facts *f, char *err, size_t errsize)
{
	struct btrfs_ioctl_fs_info_args fi = { 0 };
	if (ioctl(rootfd, BTRFS_IOC_FS_INFO, &fi) < 0)
		return snprintf(err, errsize, "btrfs info of %s: %s", f->part, strerror(errno)), negerrno();
	if (fi.num_devices != 1)
		return snprintf(err, errsize, "btrfs on %llu devices: not grown", (unsigned long long)fi.num_devices),
		       -EUCLEAN;
	for (uint64_t id = 1; id <= fi.max_id; id++) {
		static struct btrfs_ioctl_dev_info_args di;
		memset(&di, 0, sizeof(di));
		di.devid = id;
		if (ioctl(rootfd, BTRFS_IOC_DEV_INFO, &di) < 0)
			continue;
		f->btrfs_devid = id;
		f->fs_bytes = di.total_bytes;
		f->fs_block = fi.sectorsize;
		return 0;
	}
	return snprintf(err, errsize, "btrfs: no device found"), -ENODEV;
}

int grow_fs_size(const char *dev_dir, const char *mnt, struct grow_facts *f, char *err, size_t errsize)
{
	if (f->fs == GROW_FS_EXT4) {
		_cleanup_close_ int fd = grow_open_dev(dev_dir, f->part, f->part_dev, O_RDONLY);
		if (fd < 0)
			return snprintf(err, errsize, "opening %s/%s: %s", dev_dir, f->part, strerror(-fd)), fd;
		return ext_size(fd, f, err, errsize);
	}
	if (f->fs == GROW_FS_OTHER)
		return 0;
	_cleanup_close_ int root = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return snprintf(err, errsize, "opening %s: %s", mnt, strerror(errno)), negerrno();
	return f->fs == GROW_FS_XFS ? xfs_size(root, f, err, errsize) : btrfs_size(root, f, err, errsize);
}

int grow_blkpg_resize(int diskfd, const struct grow_plan *g, char *err, size_t errsize)
{
	struct blkpg_partition part = { .start = (long long)g->f.kstart, .length = (long long)g->part_bytes,
					.pno = (int)g->f.partno };
	struct blkpg_ioctl_arg arg = { .op = BLKPG_RESIZE_PARTITION, .datalen = sizeof(part), .data = &part };
	if (ioctl(diskfd, BLKPG, &arg) < 0) {
		int r = negerrno();
		snprintf(err, errsize, "telling the kernel %s is %llu bytes (BLKPG): %s", g->f.part,
			 (unsigned long long)g->part_bytes, strerror(-r));
		return r;
	}
	return 0;
}

/* The mounted root file system grown to fs_new_bytes, online, with its own ioctl. */
int grow_fs_apply(const struct grow_plan *g, char *err, size_t errsize)
{
	_cleanup_close_ int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return snprintf(err, errsize, "opening /: %s", strerror(errno)), negerrno();
	int rc;
	const char *how;
	if (g->f.fs == GROW_FS_EXT4) {
		uint64_t blocks = g->fs_new_bytes / g->f.fs_block;
		how = "EXT4_IOC_RESIZE_FS";
		rc = ioctl(root, EXT4_IOC_RESIZE_FS, &blocks);
	} else if (g->f.fs == GROW_FS_XFS) {
		struct osconf_xfs_growfs_data in = { .newblocks = g->fs_new_bytes / g->f.fs_block,
						     .imaxpct = g->f.xfs_imaxpct };
		how = "XFS_IOC_FSGROWFSDATA";
		rc = ioctl(root, OSCONF_XFS_IOC_FSGROWFSDATA, &in);
	} else if (g->f.fs == GROW_FS_BTRFS) {
		static struct btrfs_ioctl_vol_args va;
		memset(&va, 0, sizeof(va));
		snprintf(va.name, sizeof(va.name), "%llu:max", (unsigned long long)g->f.btrfs_devid);
		how = "BTRFS_IOC_RESIZE";
		rc = ioctl(root, BTRFS_IOC_RESIZE, &va);
	} else {
		return snprintf(err, errsize, "%s cannot be grown", g->f.fstype), -EOPNOTSUPP;
	}
	if (rc < 0) {
		int r = negerrno();
		snprintf(err, errsize, "growing %s on / (%s): %s", g->f.fstype, how, strerror(-r));
		return r;
	}
	return 0;
}
