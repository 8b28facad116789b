/* ext_write.c — puts one file into an existing directory of an ext2/3/4 partition of a raw disk file (libext2fs; image try). */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/write.h"

#include <errno.h>
#include <et/com_err.h>
#include <ext2fs/ext2fs.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* An older file of that name: unlinked, its blocks and inode freed. */
static errcode_t drop_old(ext2_filsys fs, ext2_ino_t dir, const char *name)
{
	ext2_ino_t ino;
	struct ext2_inode inode;
	errcode_t e = ext2fs_namei(fs, EXT2_ROOT_INO, dir, name, &ino);
	if (e == EXT2_ET_FILE_NOT_FOUND)
		return 0;
	if (!e)
		e = ext2fs_read_inode(fs, ino, &inode);
	if (!e && !LINUX_S_ISREG(inode.i_mode))
		return EXT2_ET_FILE_NOT_FOUND;   /* reported as "not a file" by the caller */
	if (!e)
		e = ext2fs_unlink(fs, dir, name, ino, 0);
	if (!e && inode.i_links_count <= 1) {
		e = ext2fs_punch(fs, ino, &inode, NULL, 0, ~0ULL);
		if (!e) {
			inode.i_links_count = 0;
			inode.i_dtime = (uint32_t)time(NULL);
			e = ext2fs_write_inode(fs, ino, &inode);
		}
		if (!e)
			ext2fs_inode_alloc_stats2(fs, ino, -1, 0);
	} else if (!e) {
		inode.i_links_count--;
		e = ext2fs_write_inode(fs, ino, &inode);
	}
	return e;
}

static errcode_t new_file(ext2_filsys fs, ext2_ino_t dir, const char *name, const void *data, size_t len)
{
	ext2_ino_t ino;
	errcode_t e = ext2fs_new_inode(fs, dir, LINUX_S_IFREG | 0600, NULL, &ino);
	if (!e) {
		e = ext2fs_link(fs, dir, name, ino, EXT2_FT_REG_FILE);
		if (e == EXT2_ET_DIR_NO_SPACE && !(e = ext2fs_expand_dir(fs, dir)))
			e = ext2fs_link(fs, dir, name, ino, EXT2_FT_REG_FILE);
	}
	if (e)
		return e;
	ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
	struct ext2_inode inode = { 0 };
	uint32_t now = (uint32_t)time(NULL);
	inode.i_mode = LINUX_S_IFREG | 0600;
	inode.i_atime = inode.i_ctime = inode.i_mtime = now;
	inode.i_links_count = 1;
	e = ext2fs_write_new_inode(fs, ino, &inode);
	if (!e && ext2fs_has_feature_extents(fs->super)) {
		ext2_extent_handle_t h;
		e = ext2fs_extent_open2(fs, ino, &inode, &h);   /* an empty extent tree in the inode */
		if (!e)
			ext2fs_extent_free(h);
	}
	ext2_file_t f;
	if (!e)
		e = ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &f);
	if (e)
		return e;
	unsigned int written = 0;
	e = len ? ext2fs_file_write(f, data, (unsigned int)len, &written) : 0;
	if (!e && written != len)
		e = EXT2_ET_SHORT_WRITE;
	errcode_t e2 = ext2fs_file_close(f);
	return e ? e : e2;
}

int ext_put_file(const char *path, uint64_t off, const char *dirname, const char *name, const void *data, size_t len,
		 char *err, size_t errlen)
{
	char opts[48];
	ext2_filsys fs = NULL;
	ext2_ino_t dir;
	if (len > 1u << 20)
		return -EFBIG;
	snprintf(opts, sizeof(opts), "offset=%llu", (unsigned long long)off);
	errcode_t e = ext2fs_open2(path, opts, EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs);
	const char *what = "cannot open the file system read-write";
	if (!e && (what = "cannot read its bitmaps", !(e = ext2fs_read_bitmaps(fs))) &&
	    (what = "no such directory on partition 1", !(e = ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, dirname, &dir))) &&
	    (what = "cannot replace the old file", !(e = drop_old(fs, dir, name))))
		what = "cannot write the file", e = new_file(fs, dir, name, data, len);
	errcode_t ec = fs ? ext2fs_close_free(&fs) : 0;
	if (!e && ec)
		what = "cannot write the file system back", e = ec;
	if (e) {
		snprintf(err, errlen, "ext: %s: %s", what, error_message(e));
		return -EIO;
	}
	return 0;
}
