/* fs_btrfs_files.c — btrfs inodes, directories, symlinks and file extents (inline, regular, zlib) as a view. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/btrfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "image/fs_walk.h"
#include "tree/fsview.h"
#include "util/macros.h"

#define INODE_IMMUTABLE (1u << 6)
#define INODE_APPEND (1u << 7)
#define MAX_COMPRESSED (128u << 10)     /* btrfs compresses in units of at most 128 KiB */
#define SYMLINK_MAX 4096

struct binode {
	uint64_t size, flags;
	uint32_t mode;
};

static struct btrfs_key key(uint64_t objectid, uint8_t type, uint64_t offset)
{
	return (struct btrfs_key){ objectid, type, offset };
}

/* All items of one (objectid, type). */
static int items(struct btrfs *b, uint64_t ino, uint8_t type, btrfs_item_cb cb, void *userdata)
{
	struct btrfs_key min = key(ino, type, 0), max = key(ino, type, UINT64_MAX);
	return btrfs_search(b, b->fs_root, b->fs_level, &min, &max, cb, userdata);
}

static int inode_cb(const struct btrfs_key *k, const uint8_t *d, uint32_t len, void *userdata)
{
	(void)k;
	if (len < 160)
		return -EIO;
	*(struct binode *)userdata = (struct binode){ get_le64(d + 16), get_le64(d + 64), get_le32(d + 52) };
	return 1;
}

static int read_inode(struct btrfs *b, uint64_t ino, struct binode *in)
{
	int r = items(b, ino, BTRFS_INODE_ITEM, inode_cb, in);
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

/* --- file data ----------------------------------------------------------------------------- */

struct extents {
	struct btrfs *b;
	uint8_t *buf;
	uint64_t size;                  /* bytes wanted from offset 0 */
};

/* The decompressed unit: zlib only (lzo and zstd are not read). */
static int inflate_unit(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	uLongf n = outlen;
	int z = uncompress(out, &n, in, inlen);
	return z == Z_OK || (z == Z_BUF_ERROR && n == outlen) ? 0 : -EIO;
}

/* The bytes of one extent item, at most limit of them; lzo, zstd and encrypted extents are not
 * read (-ENOTSUP). */
static int extent_bytes(struct extents *x, const uint8_t *d, uint32_t len, uint64_t limit, uint8_t **data,
			uint64_t *dlen)
{
	uint8_t comp = d[16], type = d[20];
	uint64_t ram = get_le64(d + 8);
	if (comp > 1 || d[17] || get_le16(d + 18))
		return -ENOTSUP;
	const uint8_t *src = d + 21;
	uint64_t srclen = len - 21, skip = 0, want;
	_cleanup_free_ uint8_t *disk = NULL;
	if (type != 0) {   /* regular: disk_bytenr, disk_num_bytes, offset, num_bytes */
		if (len < 53)
			return -EIO;
		uint64_t at = get_le64(d + 21), dnum = get_le64(d + 29);
		skip = get_le64(d + 37);
		want = get_le64(d + 45);
		if (!at || type == 2)
			return *dlen = 0, 0;   /* a hole, or preallocated: zeros */
		if (!comp && want > limit)
			want = limit;
		srclen = comp ? dnum : want;
		if (comp && srclen > MAX_COMPRESSED)
			return -EIO;
		if (!(disk = malloc(srclen ? srclen : 1)))
			return -ENOMEM;
		int r = btrfs_read_logical(x->b, disk, (size_t)srclen, at + (comp ? 0 : skip));
		if (r < 0)
			return r;
		src = disk;
		if (!comp)
			skip = 0;
	} else {
		want = comp ? ram : srclen < limit ? srclen : limit;
	}
	if (comp) {
		if (ram > MAX_COMPRESSED || skip > ram || want > ram - skip)
			return -EIO;
		uint8_t *out = malloc(ram ? ram : 1);
		int r = out ? inflate_unit(src, (size_t)srclen, out, (size_t)ram) : -ENOMEM;
		if (r < 0) {
			free(out);
			return r;
		}
		memmove(out, out + skip, (size_t)want);
		*data = out;
	} else {
		*data = disk ? TAKE_PTR(disk) : malloc(want ? want : 1);
		if (!*data)
			return -ENOMEM;
		if (src != *data)
			memcpy(*data, src, (size_t)want);
	}
	*dlen = want;
	return 0;
}

static int extent_cb(const struct btrfs_key *k, const uint8_t *d, uint32_t len, void *userdata)
{
	struct extents *x = userdata;
	if (len < 21)
		return -EIO;
	if (k->offset >= x->size)
		return 1;
	uint8_t *data = NULL;
	uint64_t n = 0;
	int r = extent_bytes(x, d, len, x->size - k->offset, &data, &n);
	if (r < 0)
		return r;
	if (n > x->size - k->offset)
		n = x->size - k->offset;
	if (n)
		memcpy(x->buf + k->offset, data, (size_t)n);
	free(data);
	return 0;
}

static int read_data(struct btrfs *b, uint64_t ino, uint64_t size, uint8_t *buf)
{
	memset(buf, 0, (size_t)size);
	struct extents x = { b, buf, size };
	int r = size ? items(b, ino, BTRFS_EXTENT_DATA, extent_cb, &x) : 0;
	return r < 0 ? r : 0;
}

/* --- directories and the walk -------------------------------------------------------------- */

typedef int (*dirent_cb)(const char *name, size_t len, uint64_t ino, enum fs_type t, void *userdata);
struct dir_iter {
	dirent_cb cb;
	void *userdata;
};

static int dir_cb(const struct btrfs_key *k, const uint8_t *d, uint32_t len, void *userdata)
{
	(void)k;
	struct dir_iter *it = userdata;
	if (len < 30)
		return -EIO;
	uint16_t dlen = get_le16(d + 25), nlen = get_le16(d + 27);
	if ((uint64_t)30 + dlen + nlen > len || !nlen || nlen > 255 || memchr(d + 30, '/', nlen) || memchr(d + 30, 0, nlen))
		return -EIO;
	/* a subvolume's entry points to its root item: another tree, not followed */
	bool inode = d[8] == BTRFS_INODE_ITEM;
	enum fs_type t = !inode ? FS_OTHER : d[29] == 1 ? FS_REG : d[29] == 2 ? FS_DIR : d[29] == 7 ? FS_LNK : FS_OTHER;
	return it->cb((const char *)d + 30, nlen, inode ? get_le64(d) : 0, t, it->userdata);
}

static int dir_iterate(struct btrfs *b, uint64_t dir, dirent_cb cb, void *userdata)
{
	struct dir_iter it = { cb, userdata };
	return items(b, dir, BTRFS_DIR_INDEX, dir_cb, &it);
}

struct find {
	const char *name;
	size_t len;
	uint64_t ino;
};

static int find_cb(const char *name, size_t len, uint64_t ino, enum fs_type t, void *userdata)
{
	(void)t;
	struct find *f = userdata;
	if (len != f->len || memcmp(name, f->name, len) != 0)
		return 0;
	f->ino = ino;
	return 1;
}

static int walk_lookup(void *fs, uint64_t dir, const char *name, size_t len, uint64_t *ino)
{
	struct find f = { name, len, 0 };
	int r = dir_iterate(fs, dir, find_cb, &f);
	if (r < 0)
		return r;
	if (!r || !f.ino)
		return -ENOENT;
	*ino = f.ino;
	return 0;
}

static int parent_cb(const struct btrfs_key *k, const uint8_t *d, uint32_t len, void *userdata)
{
	(void)d, (void)len;
	*(uint64_t *)userdata = k->offset;
	return 1;
}

static int walk_parent(void *fs, uint64_t dir, uint64_t *ino)
{
	int r = items(fs, dir, BTRFS_INODE_REF, parent_cb, ino);
	return r < 0 ? r : r == 0 ? -EIO : 0;
}

static int walk_type(void *fs, uint64_t ino, enum fs_type *t)
{
	struct binode in;
	int r = read_inode(fs, ino, &in);
	if (r == 0)
		*t = fs_mode_type(in.mode);
	return r;
}

static int link_target(struct btrfs *b, uint64_t ino, const struct binode *in, char *out, size_t len)
{
	if (in->size >= len)
		return -ENAMETOOLONG;
	if (!in->size || in->size > SYMLINK_MAX)
		return -EIO;
	int r = read_data(b, ino, in->size, (uint8_t *)out);
	if (r == 0)
		out[in->size] = '\0';
	return r;
}

static int walk_readlink(void *fs, uint64_t ino, char *out, size_t len)
{
	struct binode in;
	int r = read_inode(fs, ino, &in);
	return r < 0 ? r : link_target(fs, ino, &in, out, len);
}

static const struct fs_walk_ops btrfs_walk_ops = { walk_lookup, walk_parent, walk_type, walk_readlink };

static int lookup(struct fsview *v, const char *path, bool follow, uint64_t *ino, struct binode *in)
{
	struct btrfs *b = v->priv;
	int r = fs_walk(&btrfs_walk_ops, b, b->root_dir, path, follow, ino);
	return r < 0 ? r : read_inode(b, *ino, in);
}

/* --- the view ------------------------------------------------------------------------------ */

static int bt_stat(struct fsview *v, const char *path, bool follow, struct fs_stat *st)
{
	uint64_t ino;
	struct binode in;
	int r = lookup(v, path, follow, &ino, &in);
	if (r == 0)
		*st = (struct fs_stat){ fs_mode_type(in.mode), in.size };
	return r;
}

static int bt_read_file(struct fsview *v, const char *path, size_t max, bool head, struct buf *out)
{
	uint64_t ino;
	struct binode in;
	int r = lookup(v, path, true, &ino, &in);
	if (r < 0)
		return r;
	if (fs_mode_type(in.mode) != FS_REG)
		return -EINVAL;
	if (in.size > max && !head)
		return -EFBIG;
	uint64_t size = in.size > max ? max : in.size;
	struct buf b = { .secret = out->secret };
	r = buf_reserve(&b, (size_t)size + 1);
	if (r == 0)
		r = read_data(v->priv, ino, size, (uint8_t *)b.data);
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	b.len = (size_t)size;
	b.data[b.len] = '\0';
	buf_move(out, &b);
	return 0;
}

struct list {
	fs_dir_cb cb;
	void *userdata;
};

static int list_cb(const char *name, size_t len, uint64_t ino, enum fs_type t, void *userdata)
{
	(void)ino;
	struct list *l = userdata;
	char n[256];
	memcpy(n, name, len);
	n[len] = '\0';
	return l->cb(n, t, l->userdata);
}

static int bt_list_dir(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata)
{
	uint64_t ino;
	struct binode in;
	int r = lookup(v, path, true, &ino, &in);
	if (r < 0)
		return r;
	if (fs_mode_type(in.mode) != FS_DIR)
		return -ENOTDIR;
	struct list l = { cb, userdata };
	r = dir_iterate(v->priv, ino, list_cb, &l);
	return r > 0 ? 0 : r;
}

static int bt_readlink(struct fsview *v, const char *path, char *out, size_t len)
{
	uint64_t ino;
	struct binode in;
	int r = lookup(v, path, false, &ino, &in);
	if (r < 0)
		return r;
	if (fs_mode_type(in.mode) != FS_LNK)
		return -EINVAL;
	return link_target(v->priv, ino, &in, out, len);
}

static int bt_attrs(struct fsview *v, const char *path, uint32_t *out)
{
	uint64_t ino;
	struct binode in;
	int r = lookup(v, path, false, &ino, &in);
	if (r == 0)
		*out = (in.flags & INODE_IMMUTABLE ? FS_ATTR_IMMUTABLE : 0) | (in.flags & INODE_APPEND ? FS_ATTR_APPEND : 0);
	return r;
}

static int bt_usage(struct fsview *v, struct fs_usage *out)
{
	const struct btrfs *b = v->priv;
	uint64_t blocks = b->total_bytes / b->sectorsize, used = b->bytes_used / b->sectorsize;
	*out = (struct fs_usage){ .block_size = b->sectorsize, .blocks = blocks,
				  .blocks_free = used < blocks ? blocks - used : 0 };
	return 0;
}

static void bt_close(struct fsview *v)
{
	if (!v)
		return;
	free(v->priv);
	free(v);
}

static const struct fsview_ops btrfs_ops = {
	.stat = bt_stat,
	.read_file = bt_read_file,
	.list_dir = bt_list_dir,
	.readlink = bt_readlink,
	.attrs = bt_attrs,
	.usage = bt_usage,
	.close = bt_close,
};

int fs_open_btrfs(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen)
{
	struct btrfs *b = calloc(1, sizeof(*b));
	struct fsview *v = calloc(1, sizeof(*v));
	int r = !b || !v ? -ENOMEM : 0;
	if (r == 0) {
		b->img = img, b->off = off, b->size = size;
		r = btrfs_mount(b, err, errlen);
	}
	struct binode root;
	if (r == 0 && (read_inode(b, b->root_dir, &root) < 0 || fs_mode_type(root.mode) != FS_DIR)) {
		snprintf(err, errlen, "btrfs top directory of the default subvolume is damaged");
		r = -EIO;
	}
	if (r < 0) {
		free(b);
		free(v);
		return r;
	}
	*v = (struct fsview){ &btrfs_ops, b };
	*out = v;
	return 0;
}
