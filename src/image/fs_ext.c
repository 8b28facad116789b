/* fs_ext.c — ext2/3/4 via libext2fs, with an io_manager reading through the container. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/fsview.h"

#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <et/com_err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/fs_walk.h"
#include "util/macros.h"

struct ext_target {
	struct image *img;
	uint64_t off, size;
};

/* libext2fs rereads the block of an inode table or directory for every inode it looks at: the
 * channel keeps the last EXT_CACHE_BLOCKS single blocks read (least recently used goes). */
#define EXT_CACHE_BLOCKS 64
struct ext_channel {
	struct ext_target t;
	uint8_t *cache;                 /* EXT_CACHE_BLOCKS blocks of the channel's block size */
	uint64_t block[EXT_CACHE_BLOCKS];
	uint32_t used[EXT_CACHE_BLOCKS];  /* 0: empty; else the clock of the last use */
	uint32_t clock;
};

/* ext2fs_open2() hands the io_manager only a name: the partition to read is passed here,
 * set just before the call (osconf is single-threaded). */
static struct ext_target *pending_target;

static errcode_t img_io_close(io_channel ch)
{
	if (--ch->refcount > 0)
		return 0;
	struct ext_channel *c = ch->private_data;
	free(c->cache);
	free(c);
	free(ch->name);
	free(ch);
	return 0;
}

static struct struct_io_manager img_io_manager;

static errcode_t img_io_open(const char *name, int flags, io_channel *out)
{
	if (!pending_target)
		return EXT2_ET_BAD_DEVICE_NAME;
	if (flags & IO_FLAG_RW)
		return EXT2_ET_RO_FILSYS;
	io_channel ch = calloc(1, sizeof(*ch));
	struct ext_channel *c = calloc(1, sizeof(*c));
	char *n = strdup(name);
	if (!ch || !c || !n) {
		free(ch);
		free(c);
		free(n);
		return EXT2_ET_NO_MEMORY;
	}
	c->t = *pending_target;
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = &img_io_manager;
	ch->name = n;
	ch->block_size = 1024;
	ch->refcount = 1;
	ch->private_data = c;
	*out = ch;
	return 0;
}

static errcode_t img_io_set_blksize(io_channel ch, int blksize)
{
	struct ext_channel *c = ch->private_data;
	free(c->cache);
	c->cache = NULL;
	memset(c->used, 0, sizeof(c->used));
	ch->block_size = blksize;
	return 0;
}

static errcode_t target_read(const struct ext_target *t, void *data, uint64_t off, uint64_t len)
{
	if (off > t->size || len > t->size - off)
		return EXT2_ET_SHORT_READ;
	int r = image_pread(t->img, data, (size_t)len, t->off + off);
	return r < 0 ? (errcode_t)-r : 0;
}

/* One block through the cache. */
static errcode_t cached_read(io_channel ch, struct ext_channel *c, uint64_t block, void *data)
{
	size_t bs = (size_t)ch->block_size, victim = 0;
	if (!c->cache && !(c->cache = malloc(EXT_CACHE_BLOCKS * bs)))
		return target_read(&c->t, data, block * bs, bs);
	c->clock++;
	for (size_t i = 0; i < EXT_CACHE_BLOCKS; i++) {
		if (c->used[i] && c->block[i] == block) {
			c->used[i] = c->clock;
			memcpy(data, c->cache + i * bs, bs);
			return 0;
		}
		if (c->used[i] < c->used[victim])
			victim = i;
	}
	errcode_t e = target_read(&c->t, c->cache + victim * bs, block * bs, bs);
	if (e) {
		c->used[victim] = 0;
		return e;
	}
	c->block[victim] = block;
	c->used[victim] = c->clock;
	memcpy(data, c->cache + victim * bs, bs);
	return 0;
}

static errcode_t img_io_read_blk64(io_channel ch, unsigned long long block, int count, void *data)
{
	struct ext_channel *c = ch->private_data;
	if (block > UINT64_MAX / (uint64_t)ch->block_size)
		return EXT2_ET_SHORT_READ;
	if (count == 1)
		return cached_read(ch, c, block, data);
	uint64_t len = count < 0 ? (uint64_t)-(int64_t)count : (uint64_t)count * (uint64_t)ch->block_size;
	return target_read(&c->t, data, block * (uint64_t)ch->block_size, len);
}

static errcode_t img_io_read_blk(io_channel ch, unsigned long block, int count, void *data)
{
	return img_io_read_blk64(ch, block, count, data);
}

static errcode_t img_io_write_blk(io_channel ch _unused_, unsigned long block _unused_,
				  int count _unused_, const void *data _unused_)
{
	return EXT2_ET_RO_FILSYS;
}

static errcode_t img_io_write_blk64(io_channel ch _unused_, unsigned long long block _unused_,
				    int count _unused_, const void *data _unused_)
{
	return EXT2_ET_RO_FILSYS;
}

static errcode_t img_io_flush(io_channel ch _unused_)
{
	return 0;
}

static errcode_t img_io_set_option(io_channel ch _unused_, const char *opt _unused_, const char *arg _unused_)
{
	return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager img_io_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "osconf image I/O manager",
	.open = img_io_open,
	.close = img_io_close,
	.set_blksize = img_io_set_blksize,
	.read_blk = img_io_read_blk,
	.write_blk = img_io_write_blk,
	.flush = img_io_flush,
	.set_option = img_io_set_option,
	.read_blk64 = img_io_read_blk64,
	.write_blk64 = img_io_write_blk64,
};

static int ext_errno(errcode_t e)
{
	switch (e) {
	case 0: return 0;
	case EXT2_ET_FILE_NOT_FOUND: return -ENOENT;
	case EXT2_ET_NO_DIRECTORY: return -ENOTDIR;
	case EXT2_ET_SYMLINK_LOOP: return -ELOOP;
	case EXT2_ET_NO_MEMORY: return -ENOMEM;
	default: return e > 0 && e < 4096 ? -(int)e : -EIO;
	}
}

/* size bytes of the file ino through libext2fs's own reader (block by block; inline data too). */
static int ext_file_read(ext2_filsys fs, ext2_ino_t ino, uint64_t size, char *data)
{
	ext2_file_t f;
	unsigned int got = 0;
	errcode_t e = ext2fs_file_open(fs, ino, 0, &f);
	if (!e) {
		e = ext2fs_file_read(f, data, (unsigned int)size, &got);
		ext2fs_file_close(f);
	}
	return e ? ext_errno(e) : got != size ? -EIO : 0;
}

/* The target of the symlink ino (its size checked first: below len, and the inline buffer). */
static int ext_link_target(ext2_filsys fs, ext2_ino_t ino, struct ext2_inode *inode, char *out, size_t len)
{
	uint64_t size = EXT2_I_SIZE(inode);
	if (size >= len)
		return -ENAMETOOLONG;
	if (ext2fs_is_fast_symlink(inode)) {
		memcpy(out, inode->i_block, (size_t)size);
	} else if (inode->i_flags & EXT4_INLINE_DATA_FL) {
		char tmp[EXT2_N_BLOCKS * 4 + 1024];   /* i_block and the inline xattr part */
		size_t got = sizeof(tmp);
		errcode_t e = size <= sizeof(tmp) ? ext2fs_inline_data_get(fs, ino, inode, tmp, &got) : EXT2_ET_INVALID_ARGUMENT;
		if (e)
			return ext_errno(e);
		memcpy(out, tmp, (size_t)size);
	} else {
		int r = ext_file_read(fs, ino, size, out);
		if (r < 0)
			return r;
	}
	out[size] = '\0';
	return 0;
}

/* Path walking through fs_walk (fs_walk.h), not libext2fs's own link following
 * (ext2fs_namei trusts a crafted inline symlink's size and allocates it): every link's size
 * is checked before it is read. */
static int walk_lookup(void *fs, uint64_t dir, const char *name, size_t len, uint64_t *ino)
{
	ext2_ino_t next;
	errcode_t e = ext2fs_lookup(fs, (ext2_ino_t)dir, name, (int)len, NULL, &next);
	if (e)
		return ext_errno(e);
	*ino = next;
	return 0;
}

static int walk_parent(void *fs, uint64_t dir, uint64_t *ino)
{
	return walk_lookup(fs, dir, "..", 2, ino);
}

static int read_inode(ext2_filsys fs, uint64_t ino, struct ext2_inode *inode)
{
	if (!ino || ino > fs->super->s_inodes_count)
		return -EIO;
	return ext_errno(ext2fs_read_inode(fs, (ext2_ino_t)ino, inode));
}

static int walk_type(void *fs, uint64_t ino, enum fs_type *t)
{
	struct ext2_inode inode;
	int r = read_inode(fs, ino, &inode);
	if (r == 0)
		*t = fs_mode_type(inode.i_mode);
	return r;
}

static int walk_readlink(void *fs, uint64_t ino, char *out, size_t len)
{
	struct ext2_inode inode;
	int r = read_inode(fs, ino, &inode);
	return r < 0 ? r : ext_link_target(fs, (ext2_ino_t)ino, &inode, out, len);
}

static const struct fs_walk_ops ext_walk_ops = { walk_lookup, walk_parent, walk_type, walk_readlink };

static int ext_lookup(ext2_filsys fs, const char *path, bool follow, ext2_ino_t *ino, struct ext2_inode *inode)
{
	uint64_t found;
	int r = fs_walk(&ext_walk_ops, fs, EXT2_ROOT_INO, path, follow, &found);
	if (r == 0)
		r = read_inode(fs, found, inode);
	if (r == 0)
		*ino = (ext2_ino_t)found;
	return r;
}

static int ext_stat(struct fsview *v, const char *path, bool follow, struct fs_stat *st)
{
	ext2_ino_t ino;
	struct ext2_inode inode;
	int r = ext_lookup(v->priv, path, follow, &ino, &inode);
	if (r < 0)
		return r;
	st->type = fs_mode_type(inode.i_mode);
	st->size = EXT2_I_SIZE(&inode);
	return 0;
}

/* The file's blocks in runs of consecutive physical blocks, one read per run (ext2fs_file_read
 * reads block by block); holes read as zeros. data holds whole blocks. */
static int ext_read_runs(ext2_filsys fs, ext2_ino_t ino, struct ext2_inode *inode, uint64_t size, char *data)
{
	uint64_t bs = fs->blocksize, n = (size + bs - 1) / bs;
	for (uint64_t l = 0; l < n;) {
		blk64_t p = 0, q;
		errcode_t e = ext2fs_bmap2(fs, ino, inode, NULL, 0, l, NULL, &p);
		if (e)
			return ext_errno(e);
		uint64_t run = 1;
		while (p && l + run < n && !ext2fs_bmap2(fs, ino, inode, NULL, 0, l + run, NULL, &q) && q == p + run)
			run++;
		if (!p)
			memset(data + l * bs, 0, bs);
		else if ((e = io_channel_read_blk64(fs->io, p, (int)run, data + l * bs)))
			return ext_errno(e);
		l += run;
	}
	return 0;
}

static int ext_read_file(struct fsview *v, const char *path, size_t max, bool head, struct buf *out)
{
	ext2_filsys fs = v->priv;
	ext2_ino_t ino;
	struct ext2_inode inode;
	int r = ext_lookup(fs, path, true, &ino, &inode);
	if (r < 0)
		return r;
	if (!LINUX_S_ISREG(inode.i_mode))
		return -EINVAL;
	uint64_t size = EXT2_I_SIZE(&inode), bs = fs->blocksize;
	if (size > max && !head)
		return -EFBIG;
	size = size > max ? max : size;
	struct buf b = { .secret = out->secret };
	r = buf_reserve(&b, (size_t)((size + bs - 1) / bs * bs) + 1);
	if (r < 0)
		return r;
	r = inode.i_flags & EXT4_INLINE_DATA_FL ? ext_file_read(fs, ino, size, b.data)
						 : ext_read_runs(fs, ino, &inode, size, b.data);
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	b.len = (size_t)size;
	b.data[b.len] = '\0';
	buf_move(out, &b);
	return 0;
}

struct ext_iter {
	fs_dir_cb cb;
	void *userdata;
	int result;
};

static int ext_dir_entry(ext2_ino_t dir _unused_, int entry, struct ext2_dir_entry *dirent,
			 int offset _unused_, int blocksize _unused_, char *buf _unused_, void *priv)
{
	struct ext_iter *it = priv;
	if (entry == DIRENT_DOT_FILE || entry == DIRENT_DOT_DOT_FILE)
		return 0;
	char name[256];
	int len = ext2fs_dirent_name_len(dirent);
	memcpy(name, dirent->name, (size_t)len);
	name[len] = '\0';
	enum fs_type t;
	switch (ext2fs_dirent_file_type(dirent)) {
	case EXT2_FT_REG_FILE: t = FS_REG; break;
	case EXT2_FT_DIR: t = FS_DIR; break;
	case EXT2_FT_SYMLINK: t = FS_LNK; break;
	default: t = FS_OTHER; break;
	}
	it->result = it->cb(name, t, it->userdata);
	return it->result ? DIRENT_ABORT : 0;
}

static int ext_list_dir(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata)
{
	ext2_filsys fs = v->priv;
	ext2_ino_t ino;
	struct ext2_inode inode;
	int r = ext_lookup(fs, path, true, &ino, &inode);
	if (r < 0)
		return r;
	if (!LINUX_S_ISDIR(inode.i_mode))
		return -ENOTDIR;
	struct ext_iter it = { cb, userdata, 0 };
	errcode_t e = ext2fs_dir_iterate2(fs, ino, 0, NULL, ext_dir_entry, &it);
	if (it.result)
		return it.result < 0 ? it.result : 0;
	return ext_errno(e);
}

static int ext_readlink(struct fsview *v, const char *path, char *out, size_t len)
{
	ext2_filsys fs = v->priv;
	ext2_ino_t ino;
	struct ext2_inode inode;
	int r = ext_lookup(fs, path, false, &ino, &inode);
	if (r < 0)
		return r;
	if (!LINUX_S_ISLNK(inode.i_mode))
		return -EINVAL;
	return ext_link_target(fs, ino, &inode, out, len);
}

static int ext_attrs(struct fsview *v, const char *path, uint32_t *out)
{
	ext2_ino_t ino;
	struct ext2_inode inode;
	int r = ext_lookup(v->priv, path, false, &ino, &inode);
	if (r < 0)
		return r;
	*out = (inode.i_flags & EXT2_IMMUTABLE_FL ? FS_ATTR_IMMUTABLE : 0) |
	       (inode.i_flags & EXT2_APPEND_FL ? FS_ATTR_APPEND : 0);
	return 0;
}

static int ext_usage(struct fsview *v, struct fs_usage *out)
{
	ext2_filsys fs = v->priv;
	*out = (struct fs_usage){
		.block_size = fs->blocksize,
		.blocks = ext2fs_blocks_count(fs->super),
		.blocks_free = ext2fs_free_blocks_count(fs->super),
		.inodes = fs->super->s_inodes_count,
		.inodes_free = fs->super->s_free_inodes_count,
	};
	return 0;
}

static void ext_close(struct fsview *v)
{
	ext2fs_close_free((ext2_filsys *)&v->priv);
	free(v);
}

static const struct fsview_ops ext_ops = {
	.stat = ext_stat,
	.read_file = ext_read_file,
	.list_dir = ext_list_dir,
	.readlink = ext_readlink,
	.attrs = ext_attrs,
	.usage = ext_usage,
	.close = ext_close,
};

int fs_open_ext(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen)
{
	struct ext_target t = { img, off, size };
	ext2_filsys fs = NULL;
	pending_target = &t;
	errcode_t e = ext2fs_open2("image-partition", NULL,
				   EXT2_FLAG_64BITS | EXT2_FLAG_IGNORE_CSUM_ERRORS, 0, 0,
				   &img_io_manager, &fs);
	pending_target = NULL;
	if (e) {
		snprintf(err, errlen, "libext2fs: %s", error_message(e));
		return ext_errno(e);
	}
	struct fsview *v = calloc(1, sizeof(*v));
	if (!v) {
		ext2fs_close_free(&fs);
		return -ENOMEM;
	}
	v->ops = &ext_ops;
	v->priv = fs;
	*out = v;
	return 0;
}
