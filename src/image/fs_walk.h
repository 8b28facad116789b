/* fs_walk.h — path resolution shared by the inode-based readers (XFS): links, "..", bounds. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree/fsview.h"

#define FS_WALK_MAX_LINKS 40

struct fs_walk_ops {
	/* The inode named name (len bytes, never "." or "..") in directory dir: 0, -ENOENT … */
	int (*lookup)(void *fs, uint64_t dir, const char *name, size_t len, uint64_t *ino);
	/* The parent of directory dir (the root's is the root). */
	int (*parent)(void *fs, uint64_t dir, uint64_t *ino);
	int (*type)(void *fs, uint64_t ino, enum fs_type *t);
	/* The NUL-terminated target of symlink ino; -ENAMETOOLONG when it does not fit in len. */
	int (*readlink)(void *fs, uint64_t ino, char *out, size_t len);
};

/* The type of a POSIX st_mode, as inodes on disk store it. */
enum fs_type fs_mode_type(uint32_t mode);

/* Resolve an absolute path from root: at most FS_WALK_MAX_LINKS links, a final symlink
 * followed only when follow, ".." of the root is the root. */
int fs_walk(const struct fs_walk_ops *ops, void *fs, uint64_t root, const char *path, bool follow, uint64_t *ino);
