/* fs_xfs_dir.c — XFS directories: short-form in the inode, and the data blocks of block, leaf and node forms. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/xfs.h"
#include "image/fs_walk.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define XFS_DIR2_BLOCK_MAGIC 0x58443242   /* "XD2B" */
#define XFS_DIR3_BLOCK_MAGIC 0x58444233   /* "XDB3" */
#define XFS_DIR2_DATA_MAGIC 0x58443244    /* "XD2D" */
#define XFS_DIR3_DATA_MAGIC 0x58444433    /* "XDD3" */
#define XFS_DIR2_LEAF_OFFSET (32ull << 30) /* leaf and free blocks live from here on */
#define XFS_DIR2_FREE_TAG 0xffff

/* Every entry, "." and ".." included (block forms store them; short form does not). */
typedef int (*raw_cb)(const uint8_t *name, size_t len, uint64_t ino, int ftype, void *userdata);

static int shortform(const struct xfs *x, const struct xfs_inode *in, raw_cb cb, void *userdata)
{
	const uint8_t *p = in->fork, *end = in->fork + (in->size < in->forklen ? in->size : in->forklen);
	if (end - p < 2)
		return -EIO;
	unsigned count = p[0], isize = p[1] ? 8 : 4;
	if (end - p < 2 + (ptrdiff_t)isize)
		return -EIO;
	p += 2 + isize;
	for (unsigned i = 0; i < count; i++) {
		if (end - p < 3)
			return -EIO;
		size_t len = p[0], ft = x->ftype ? 1 : 0;
		if (!len || (size_t)(end - p) < 3 + len + ft + isize)
			return -EIO;
		const uint8_t *name = p + 3, *ip = name + len + ft;
		uint64_t ino = isize == 8 ? get_be64(ip) : get_be32(ip);
		int r = cb(name, len, ino, x->ftype ? name[len] : 0, userdata);
		if (r)
			return r;
		p = ip + isize;
	}
	return 0;
}

/* One directory data block (or the single block of a block directory). */
static int data_block(const struct xfs *x, const uint8_t *b, size_t blen, raw_cb cb, void *userdata)
{
	uint32_t magic = get_be32(b);
	size_t hdr = x->v5 ? 64 : 16, end;
	if (magic == (x->v5 ? XFS_DIR3_BLOCK_MAGIC : XFS_DIR2_BLOCK_MAGIC)) {
		uint32_t leaves = get_be32(b + blen - 8);
		if (leaves > (blen - hdr - 8) / 8)
			return -EIO;
		end = blen - 8 - (size_t)leaves * 8;
	} else if (magic == (x->v5 ? XFS_DIR3_DATA_MAGIC : XFS_DIR2_DATA_MAGIC)) {
		end = blen;
	} else {
		return -EIO;
	}
	for (size_t pos = hdr; pos < end;) {
		const uint8_t *e = b + pos;
		if (end - pos < 8)
			return -EIO;
		if (get_be16(e) == XFS_DIR2_FREE_TAG) {
			size_t len = get_be16(e + 2);
			if (len < 8 || len % 8 || len > end - pos)
				return -EIO;
			pos += len;
			continue;
		}
		size_t nlen = e[8], size = (9 + nlen + (x->ftype ? 1 : 0) + 2 + 7) & ~(size_t)7;
		if (!nlen || size > end - pos)
			return -EIO;
		int r = cb(e + 9, nlen, get_be64(e), x->ftype ? e[9 + nlen] : 0, userdata);
		if (r)
			return r;
		pos += size;
	}
	return 0;
}

/* The data blocks of the fork (below the leaf offset), each read whole. */
static int blocks(struct xfs *x, const struct xfs_inode *in, raw_cb cb, void *userdata)
{
	struct xfs_exts ex;
	int r = xfs_fork_extents(x, in, &ex);
	if (r < 0)
		return r;
	uint64_t per = x->dirblksize / x->blocksize, leaf = XFS_DIR2_LEAF_OFFSET / x->blocksize;
	unsigned count = 0;
	uint8_t *buf = malloc(x->dirblksize);
	r = buf ? 0 : -ENOMEM;
	for (size_t i = 0; i < ex.n && r == 0; i++) {
		const struct xfs_ext *e = &ex.e[i];
		for (uint64_t fsb = (e->off + per - 1) / per * per; r == 0 && fsb < e->off + e->len && fsb < leaf;
		     fsb += per) {
			if (++count > XFS_MAX_DIR_BLOCKS)
				r = -EIO;
			else if ((r = xfs_read_range(x, &ex, fsb * x->blocksize, x->dirblksize, buf)) == 0)
				r = data_block(x, buf, x->dirblksize, cb, userdata);
		}
	}
	free(buf);
	free(ex.e);
	return r;
}

static int dir_raw(struct xfs *x, const struct xfs_inode *dir, raw_cb cb, void *userdata)
{
	if (fs_mode_type(dir->mode) != FS_DIR)
		return -ENOTDIR;
	if (dir->format == XFS_FMT_LOCAL)
		return shortform(x, dir, cb, userdata);
	if (dir->format == XFS_FMT_EXTENTS || dir->format == XFS_FMT_BTREE)
		return blocks(x, dir, cb, userdata);
	return -EIO;
}

struct named {
	xfs_dirent_cb cb;
	void *userdata;
};

static bool is_dot(const uint8_t *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

static int named_cb(const uint8_t *name, size_t len, uint64_t ino, int ftype, void *userdata)
{
	struct named *n = userdata;
	if (is_dot(name, len))
		return 0;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return -EIO;
	return n->cb((const char *)name, len, ino, ftype, n->userdata);
}

int xfs_dir_iterate(struct xfs *x, const struct xfs_inode *dir, xfs_dirent_cb cb, void *userdata)
{
	struct named n = { cb, userdata };
	return dir_raw(x, dir, named_cb, &n);
}

static int dotdot_cb(const uint8_t *name, size_t len, uint64_t ino, int ftype, void *userdata)
{
	(void)ftype;
	if (len != 2 || name[0] != '.' || name[1] != '.')
		return 0;
	*(uint64_t *)userdata = ino;
	return 1;
}

int xfs_dir_parent(struct xfs *x, const struct xfs_inode *dir, uint64_t *ino)
{
	if (fs_mode_type(dir->mode) != FS_DIR)
		return -ENOTDIR;
	if (dir->format == XFS_FMT_LOCAL) {
		if (dir->forklen < 6)
			return -EIO;
		*ino = dir->fork[1] ? get_be64(dir->fork + 2) : get_be32(dir->fork + 2);
		return 0;
	}
	uint64_t p = 0;
	int r = dir_raw(x, dir, dotdot_cb, &p);
	if (r < 0)
		return r;
	if (r == 0)
		return -EIO;   /* no ".." entry */
	*ino = p;
	return 0;
}
