/* fs_xfs.c — a small read-only XFS (v4 and v5) reader: superblock, inodes, extent and B+tree forks. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/xfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/fs_walk.h"
#include "util/macros.h"

#define XFS_SB_VERSION_DIRV2 0x2000
#define XFS_SB_VERSION_MOREBITS 0x8000
#define XFS_SB_VERSION2_FTYPE 0x0200
#define XFS_INCOMPAT_FTYPE 0x1
#define XFS_INCOMPAT_NREXT64 0x20
#define XFS_INCOMPAT_KNOWN 0x3f     /* ftype, sparse inodes, meta uuid, bigtime, needsrepair, nrext64 */
#define XFS_DIFLAG_IMMUTABLE 0x0008
#define XFS_DIFLAG_APPEND 0x0010
#define XFS_DIFLAG2_NREXT64 0x0010
#define XFS_BMAP_MAGIC 0x424d4150   /* "BMAP" */
#define XFS_BMAP3_MAGIC 0x424d4133  /* "BMA3" */
#define XFS_SYMLINK_MAGIC 0x58534c4d /* "XSLM" */
#define XFS_SYMLINK_MAXLEN 1024
#define XFS_BTREE_MAX_LEVELS 9
#define XFS_BTREE_MAX_READS 4096

int xfs_fsb_offset(const struct xfs *x, uint64_t fsb, uint64_t *off)
{
	uint64_t agno = fsb >> x->agblklog, agbno = fsb & ((1ull << x->agblklog) - 1);
	if (agno >= x->agcount || agbno >= x->agblocks)
		return -EIO;
	*off = (agno * x->agblocks + agbno) * x->blocksize;
	return 0;
}

int xfs_read(struct xfs *x, void *buf, size_t len, uint64_t off)
{
	if (off > x->size || len > x->size - off)
		return -EIO;
	return image_pread(x->img, buf, len, x->off + off);
}

int xfs_read_inode(struct xfs *x, uint64_t ino, struct xfs_inode *in)
{
	uint8_t d[XFS_MAX_INODE];
	uint64_t agno = ino >> (x->agblklog + x->inopblog);
	uint64_t agbno = (ino >> x->inopblog) & ((1ull << x->agblklog) - 1);
	uint64_t slot = ino & ((1ull << x->inopblog) - 1);
	if (agno >= x->agcount || agbno >= x->agblocks)
		return -EIO;
	int r = xfs_read(x, d, x->inodesize, (agno * x->agblocks + agbno) * x->blocksize + slot * x->inodesize);
	if (r < 0)
		return r;
	uint8_t version = d[4];
	uint32_t core = version == 3 ? 176 : 100, lit = x->inodesize - core;
	if (get_be16(d) != 0x494e || version < 1 || version > 3 || (x->v5 && version != 3) ||
	    (version == 3 && get_be64(d + 152) != ino) || d[5] > XFS_FMT_BTREE || (uint32_t)d[82] * 8 > lit ||
	    (int64_t)get_be64(d + 56) < 0)
		return -EIO;   /* not an inode, or not this one */
	in->ino = ino;
	in->mode = get_be16(d + 2);
	in->format = d[5];
	in->flags = get_be16(d + 90);
	in->size = get_be64(d + 56);
	bool big = version == 3 && (get_be64(d + 120) & XFS_DIFLAG2_NREXT64);
	in->nextents = big ? get_be64(d + 24) : get_be32(d + 76);
	in->forklen = d[82] ? (uint32_t)d[82] * 8 : lit;
	memcpy(in->fork, d + core, in->forklen);
	return 0;
}

/* --- extents ------------------------------------------------------------------------------- */

static int add_extent(const struct xfs *x, const uint8_t *rec, struct xfs_exts *out, size_t cap)
{
	uint64_t l0 = get_be64(rec), l1 = get_be64(rec + 8);
	uint64_t fsb = (l0 & 0x1ff) << 43 | l1 >> 21;
	struct xfs_ext e = { .off = (l0 & ~(1ull << 63)) >> 9, .len = l1 & 0x1fffff, .unwritten = l0 >> 63 };
	if (out->n >= cap)
		return -E2BIG;
	if (!e.len || xfs_fsb_offset(x, fsb, &e.block) < 0 || xfs_fsb_offset(x, fsb + e.len - 1, &(uint64_t){ 0 }) < 0)
		return -EIO;
	out->e[out->n++] = e;
	return 0;
}

struct bt_walk {
	uint8_t *block;
	unsigned reads;
	size_t cap;
};

/* A B+tree block at fsb of the given level: its records, or its children in turn. */
static int bmbt_block(struct xfs *x, uint64_t fsb, unsigned level, struct bt_walk *w, struct xfs_exts *out)
{
	uint64_t off;
	uint32_t hdr = x->v5 ? 72 : 24, maxrecs = (x->blocksize - hdr) / 16;
	if (++w->reads > XFS_BTREE_MAX_READS || xfs_fsb_offset(x, fsb, &off) < 0)
		return -EIO;
	int r = xfs_read(x, w->block, x->blocksize, off);
	if (r < 0)
		return r;
	uint32_t magic = get_be32(w->block);
	uint16_t lvl = get_be16(w->block + 4), n = get_be16(w->block + 6);
	if (magic != (x->v5 ? XFS_BMAP3_MAGIC : XFS_BMAP_MAGIC) || lvl != level || n > maxrecs)
		return -EIO;
	if (level == 0) {
		for (uint16_t i = 0; i < n && r == 0; i++)
			r = add_extent(x, w->block + hdr + 16 * i, out, w->cap);
		return r;
	}
	/* the block is reused below: keep this level's pointers */
	_cleanup_free_ uint64_t *ptrs = malloc((size_t)(n ? n : 1) * sizeof(*ptrs));
	if (!ptrs)
		return -ENOMEM;
	for (uint16_t i = 0; i < n; i++)
		ptrs[i] = get_be64(w->block + hdr + maxrecs * 8 + 8 * i);
	for (uint16_t i = 0; i < n && r == 0; i++)
		r = bmbt_block(x, ptrs[i], level - 1, w, out);
	return r;
}

/* The root of a B+tree fork in the inode: level, count, keys, then pointers. */
static int bmbt_root(struct xfs *x, const struct xfs_inode *in, struct xfs_exts *out, size_t cap)
{
	uint16_t level = get_be16(in->fork), n = get_be16(in->fork + 2);
	uint32_t maxrecs = (in->forklen - 4) / 16;
	if (!level || level >= XFS_BTREE_MAX_LEVELS || n > maxrecs)
		return -EIO;
	struct bt_walk w = { malloc(x->blocksize), 0, cap };
	if (!w.block)
		return -ENOMEM;
	int r = 0;
	for (uint16_t i = 0; i < n && r == 0; i++)
		r = bmbt_block(x, get_be64(in->fork + 4 + maxrecs * 8 + 8 * i), level - 1u, &w, out);
	free(w.block);
	return r;
}

int xfs_fork_extents(struct xfs *x, const struct xfs_inode *in, struct xfs_exts *out)
{
	*out = (struct xfs_exts){ 0 };
	if (in->format != XFS_FMT_EXTENTS && in->format != XFS_FMT_BTREE)
		return 0;
	size_t cap = in->nextents < XFS_MAX_EXTENTS ? (size_t)in->nextents : XFS_MAX_EXTENTS;
	if (in->format == XFS_FMT_EXTENTS && cap > in->forklen / 16)
		return -EIO;
	struct xfs_exts ex = { calloc(cap ? cap : 1, sizeof(*ex.e)), 0 };
	if (!ex.e)
		return -ENOMEM;
	int r = 0;
	if (in->format == XFS_FMT_EXTENTS)
		for (size_t i = 0; i < cap && r == 0; i++)
			r = add_extent(x, in->fork + 16 * i, &ex, cap);
	else
		r = bmbt_root(x, in, &ex, cap);
	if (r < 0) {
		free(ex.e);
		return r == -E2BIG ? -EIO : r;   /* more extents than the inode says */
	}
	*out = ex;
	return 0;
}

int xfs_read_range(struct xfs *x, const struct xfs_exts *ex, uint64_t off, size_t len, uint8_t *buf)
{
	memset(buf, 0, len);
	uint64_t bs = x->blocksize, end = off + len;
	for (size_t i = 0; i < ex->n; i++) {
		const struct xfs_ext *e = &ex->e[i];
		uint64_t s = e->off * bs, t = s + e->len * bs;
		uint64_t a = s > off ? s : off, b = t < end ? t : end;
		if (a >= b || e->unwritten)
			continue;
		int r = xfs_read(x, buf + (a - off), (size_t)(b - a), e->block + (a - s));
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- symlinks ------------------------------------------------------------------------------ */

static int link_target(struct xfs *x, const struct xfs_inode *in, char *out, size_t len)
{
	if (in->size >= len)
		return -ENAMETOOLONG;
	if (!in->size || in->size > XFS_SYMLINK_MAXLEN)
		return -EIO;
	size_t size = (size_t)in->size;
	if (in->format == XFS_FMT_LOCAL) {
		if (size > in->forklen)
			return -EIO;
		memcpy(out, in->fork, size);
		out[size] = '\0';
		return 0;
	}
	struct xfs_exts ex;
	int r = xfs_fork_extents(x, in, &ex);
	if (r < 0)
		return r;
	/* v5: each block starts with a header (magic, offset, bytes, crc, uuid, owner, blkno, lsn) */
	size_t hdr = x->v5 ? 56 : 0, per = x->blocksize - hdr, done = 0;
	_cleanup_free_ uint8_t *blk = malloc(x->blocksize);
	for (uint64_t b = 0; r == 0 && blk && done < size; b++) {
		size_t n = size - done < per ? size - done : per;
		r = xfs_read_range(x, &ex, b * x->blocksize, x->blocksize, blk);
		if (r == 0 && hdr && (get_be32(blk) != XFS_SYMLINK_MAGIC || get_be32(blk + 4) != done ||
				      get_be32(blk + 8) != n || get_be64(blk + 32) != in->ino))
			r = -EIO;
		if (r == 0)
			memcpy(out + done, blk + hdr, n);
		done += n;
	}
	free(ex.e);
	if (!blk)
		return -ENOMEM;
	if (r == 0)
		out[size] = '\0';
	return r;
}

/* --- path walking -------------------------------------------------------------------------- */

struct find {
	const char *name;
	size_t len;
	uint64_t ino;
	bool found;
};

static int find_cb(const char *name, size_t len, uint64_t ino, int ftype _unused_, void *userdata)
{
	struct find *f = userdata;
	if (len != f->len || memcmp(name, f->name, len) != 0)
		return 0;
	f->ino = ino;
	f->found = true;
	return 1;
}

static int walk_lookup(void *fs, uint64_t dir, const char *name, size_t len, uint64_t *ino)
{
	struct xfs_inode in;
	struct find f = { name, len, 0, false };
	int r = xfs_read_inode(fs, dir, &in);
	if (r == 0)
		r = xfs_dir_iterate(fs, &in, find_cb, &f);
	if (r < 0)
		return r;
	if (!f.found)
		return -ENOENT;
	*ino = f.ino;
	return 0;
}

static int walk_parent(void *fs, uint64_t dir, uint64_t *ino)
{
	struct xfs_inode in;
	int r = xfs_read_inode(fs, dir, &in);
	return r < 0 ? r : xfs_dir_parent(fs, &in, ino);
}

static int walk_type(void *fs, uint64_t ino, enum fs_type *t)
{
	struct xfs_inode in;
	int r = xfs_read_inode(fs, ino, &in);
	if (r == 0)
		*t = fs_mode_type(in.mode);
	return r;
}

static int walk_readlink(void *fs, uint64_t ino, char *out, size_t len)
{
	struct xfs_inode in;
	int r = xfs_read_inode(fs, ino, &in);
	return r < 0 ? r : link_target(fs, &in, out, len);
}

static const struct fs_walk_ops xfs_walk_ops = { walk_lookup, walk_parent, walk_type, walk_readlink };

static int lookup(struct fsview *v, const char *path, bool follow, struct xfs_inode *in)
{
	struct xfs *x = v->priv;
	uint64_t ino;
	int r = fs_walk(&xfs_walk_ops, x, x->rootino, path, follow, &ino);
	return r < 0 ? r : xfs_read_inode(x, ino, in);
}

/* --- the view ------------------------------------------------------------------------------ */

static int xfs_stat(struct fsview *v, const char *path, bool follow, struct fs_stat *st)
{
	struct xfs_inode in;
	int r = lookup(v, path, follow, &in);
	if (r == 0)
		*st = (struct fs_stat){ fs_mode_type(in.mode), in.size };
	return r;
}

static int xfs_read_file(struct fsview *v, const char *path, size_t max, bool head, struct buf *out)
{
	struct xfs *x = v->priv;
	struct xfs_inode in;
	int r = lookup(v, path, true, &in);
	if (r < 0)
		return r;
	if (fs_mode_type(in.mode) != FS_REG)
		return -EINVAL;
	if (in.size > max && !head)
		return -EFBIG;
	struct buf b = { .secret = out->secret };
	struct xfs_exts ex = { 0 };
	size_t size = in.size > max ? max : (size_t)in.size;
	r = buf_reserve(&b, size + 1);
	if (r == 0 && in.format == XFS_FMT_LOCAL)
		r = size <= in.forklen ? (memcpy(b.data, in.fork, size), 0) : -EIO;
	else if (r == 0 && (r = xfs_fork_extents(x, &in, &ex)) == 0)
		r = xfs_read_range(x, &ex, 0, size, (uint8_t *)b.data);
	free(ex.e);
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	b.len = size;
	b.data[size] = '\0';
	buf_move(out, &b);
	return 0;
}

struct list {
	struct xfs *x;
	fs_dir_cb cb;
	void *userdata;
};

static int list_cb(const char *name, size_t len, uint64_t ino, int ftype, void *userdata)
{
	static const enum fs_type types[8] = { FS_OTHER, FS_REG, FS_DIR, FS_OTHER, FS_OTHER, FS_OTHER, FS_OTHER, FS_LNK };
	struct list *l = userdata;
	char n[256];
	enum fs_type t = ftype >= 0 && ftype < 8 ? types[ftype] : FS_OTHER;
	if (!l->x->ftype) {
		int r = walk_type(l->x, ino, &t);
		if (r < 0)
			return r;
	}
	memcpy(n, name, len);
	n[len] = '\0';
	return l->cb(n, t, l->userdata);
}

static int xfs_list_dir(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata)
{
	struct xfs_inode in;
	int r = lookup(v, path, true, &in);
	if (r < 0)
		return r;
	if (fs_mode_type(in.mode) != FS_DIR)
		return -ENOTDIR;
	struct list l = { v->priv, cb, userdata };
	r = xfs_dir_iterate(v->priv, &in, list_cb, &l);
	return r > 0 ? 0 : r;
}

static int xfs_readlink(struct fsview *v, const char *path, char *out, size_t len)
{
	struct xfs_inode in;
	int r = lookup(v, path, false, &in);
	if (r < 0)
		return r;
	if (fs_mode_type(in.mode) != FS_LNK)
		return -EINVAL;
	return link_target(v->priv, &in, out, len);
}

static int xfs_attrs(struct fsview *v, const char *path, uint32_t *out)
{
	struct xfs_inode in;
	int r = lookup(v, path, false, &in);
	if (r == 0)
		*out = (in.flags & XFS_DIFLAG_IMMUTABLE ? FS_ATTR_IMMUTABLE : 0) |
		       (in.flags & XFS_DIFLAG_APPEND ? FS_ATTR_APPEND : 0);
	return r;
}

/* As statfs(2) on XFS: inodes are allocated on demand, up to imax_pct of the space. */
static int xfs_usage(struct fsview *v, struct fs_usage *out)
{
	const struct xfs *x = v->priv;
	uint64_t used = x->icount - (x->ifree < x->icount ? x->ifree : x->icount);
	uint64_t files = x->icount + (x->fdblocks << x->inopblog);
	uint64_t maxi = x->imax_pct ? (x->dblocks * x->imax_pct / 100) << x->inopblog : 0;
	if (maxi && files > maxi)
		files = maxi > used ? maxi : used;
	*out = (struct fs_usage){ .block_size = x->blocksize, .blocks = x->dblocks,
				  .blocks_free = x->fdblocks < x->dblocks ? x->fdblocks : x->dblocks,
				  .inodes = files, .inodes_free = files - used };
	return 0;
}

static void xfs_close(struct fsview *v)
{
	if (!v)
		return;
	free(v->priv);
	free(v);
}

static const struct fsview_ops xfs_ops = {
	.stat = xfs_stat,
	.read_file = xfs_read_file,
	.list_dir = xfs_list_dir,
	.readlink = xfs_readlink,
	.attrs = xfs_attrs,
	.usage = xfs_usage,
	.close = xfs_close,
};

/* --- the superblock ------------------------------------------------------------------------ */

static unsigned log2_ceil(uint64_t v)
{
	unsigned l = 0;
	while (l < 64 && (1ull << l) < v)
		l++;
	return l;
}

static int parse_sb(const uint8_t *sb, uint64_t size, struct xfs *x, char *err, size_t errlen)
{
	uint16_t ver = get_be16(sb + 100);
	uint32_t bs = get_be32(sb + 4), f2 = get_be32(sb + 200), incompat = get_be32(sb + 216);
	x->blocksize = bs;
	x->dblocks = get_be64(sb + 8);
	x->rootino = get_be64(sb + 56);
	x->agblocks = get_be32(sb + 84);
	x->agcount = get_be32(sb + 88);
	x->inodesize = get_be16(sb + 104);
	x->agblklog = sb[124];
	x->inopblog = sb[123];
	x->imax_pct = sb[127];
	x->icount = get_be64(sb + 128);
	x->ifree = get_be64(sb + 136);
	x->fdblocks = get_be64(sb + 144);
	x->v5 = (ver & 0xf) == 5;
	x->ftype = x->v5 ? (incompat & XFS_INCOMPAT_FTYPE) : (ver & XFS_SB_VERSION_MOREBITS) && (f2 & XFS_SB_VERSION2_FTYPE);
	if ((ver & 0xf) != 4 && !x->v5)
		return snprintf(err, errlen, "XFS version %u is not read (4 and 5 are)", ver & 0xf), -ENOTSUP;
	if (!x->v5 && !(ver & XFS_SB_VERSION_DIRV2))
		return snprintf(err, errlen, "XFS with version 1 directories is not read"), -ENOTSUP;
	if (x->v5 && (incompat & ~XFS_INCOMPAT_KNOWN))
		return snprintf(err, errlen, "XFS with incompatible features 0x%x is not read",
				incompat & ~XFS_INCOMPAT_KNOWN), -ENOTSUP;
	if (bs < 512 || bs > 65536 || (bs & (bs - 1)) || sb[120] >= 32 || 1u << sb[120] != bs || x->inodesize < 256 ||
	    x->inodesize > XFS_MAX_INODE || x->inodesize > bs || sb[122] >= 16 || 1u << sb[122] != x->inodesize || x->inopblog >= 16 ||
	    (bs >> sb[122]) != 1u << x->inopblog || !x->agblocks || !x->agcount || x->agblklog != log2_ceil(x->agblocks) ||
	    x->agblklog + x->inopblog > 56 || sb[192] > 8 || (uint64_t)bs << sb[192] > 65536 ||
	    x->dblocks > (uint64_t)x->agcount * x->agblocks || x->dblocks > size / bs)
		return snprintf(err, errlen, "XFS superblock has impossible geometry"), -EINVAL;
	x->dirblksize = bs << sb[192];
	x->size = x->dblocks * bs;
	return 0;
}

int fs_open_xfs(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen)
{
	uint8_t sb[512];
	if (size < sizeof(sb) || image_pread(img, sb, sizeof(sb), off) < 0 || memcmp(sb, "XFSB", 4) != 0) {
		snprintf(err, errlen, "no XFS superblock");
		return -EINVAL;
	}
	struct xfs *x = calloc(1, sizeof(*x));
	struct fsview *v = calloc(1, sizeof(*v));
	int r = !x || !v ? -ENOMEM : 0;
	if (r == 0) {
		*x = (struct xfs){ .img = img, .off = off };
		r = parse_sb(sb, size, x, err, errlen);
	}
	struct xfs_inode root;
	if (r == 0 && (xfs_read_inode(x, x->rootino, &root) < 0 || fs_mode_type(root.mode) != FS_DIR)) {
		snprintf(err, errlen, "XFS root directory inode %llu is damaged", (unsigned long long)x->rootino);
		r = -EIO;
	}
	if (r < 0) {
		free(x);
		free(v);
		return r;
	}
	*v = (struct fsview){ &xfs_ops, x };
	*out = v;
	return 0;
}
