/* xfs.h — the read-only XFS reader's shared parts: superblock, inodes, forks (fs_xfs*.c). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/container.h"
#include "tree/fsview.h"

#define XFS_MAX_INODE 2048
#define XFS_MAX_EXTENTS 65536        /* per fork */
#define XFS_MAX_DIR_BLOCKS 16384     /* directory blocks read for one directory */

struct xfs {
	struct image *img;
	uint64_t off, size;              /* the file system's bytes in img */
	uint32_t blocksize, agblocks, agcount, dirblksize;
	uint16_t inodesize;
	uint8_t agblklog, inopblog, imax_pct;
	uint64_t dblocks, fdblocks, icount, ifree, rootino;
	bool v5, ftype;
};

enum { XFS_FMT_DEV, XFS_FMT_LOCAL, XFS_FMT_EXTENTS, XFS_FMT_BTREE };

struct xfs_inode {
	uint64_t ino;
	uint16_t mode, flags;
	uint8_t format;
	uint64_t size, nextents;
	uint32_t forklen;                /* bytes of the data fork in the inode */
	uint8_t fork[XFS_MAX_INODE];
};

struct xfs_ext {
	uint64_t off, len;               /* file blocks */
	uint64_t block;                  /* the first block's byte offset in the file system */
	bool unwritten;                  /* reads as zeros */
};

struct xfs_exts {
	struct xfs_ext *e;
	size_t n;
};

static inline uint16_t get_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Byte offset of file-system block fsb (AG number and AG block packed as XFS does), or
 * -EIO when it lies outside the file system. */
int xfs_fsb_offset(const struct xfs *x, uint64_t fsb, uint64_t *off);
int xfs_read(struct xfs *x, void *buf, size_t len, uint64_t off);
int xfs_read_inode(struct xfs *x, uint64_t ino, struct xfs_inode *in);
/* The data fork's extents (local forks have none); free e with free(). */
int xfs_fork_extents(struct xfs *x, const struct xfs_inode *in, struct xfs_exts *out);
/* Bytes [off, off+len) of a fork through its extents, holes as zeros. */
int xfs_read_range(struct xfs *x, const struct xfs_exts *ex, uint64_t off, size_t len, uint8_t *buf);

/* Directories (fs_xfs_dir.c): each entry but "." and "..", with its inode and type
 * (FS_OTHER when the file system keeps no types: the caller reads the inode). */
typedef int (*xfs_dirent_cb)(const char *name, size_t len, uint64_t ino, int ftype, void *userdata);
int xfs_dir_iterate(struct xfs *x, const struct xfs_inode *dir, xfs_dirent_cb cb, void *userdata);
int xfs_dir_parent(struct xfs *x, const struct xfs_inode *dir, uint64_t *ino);
