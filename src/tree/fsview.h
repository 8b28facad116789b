/* fsview.h — one read-only file-system interface over ext (libext2fs), FAT, XFS, btrfs and a tree. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/container.h"
#include "sys/root.h"
#include "util/buf.h"

enum fs_type { FS_REG, FS_DIR, FS_LNK, FS_OTHER };

struct fs_stat {
	enum fs_type type;
	uint64_t size;
};

/* Inode attributes that make a file refuse changes (chattr +i, +a; XFS's di_flags alike). */
enum {
	FS_ATTR_IMMUTABLE = 1u << 0,
	FS_ATTR_APPEND = 1u << 1,
};

/* How full a file system is. inodes is 0 where the file system has no fixed inode count (FAT). */
struct fs_usage {
	uint64_t block_size;
	uint64_t blocks, blocks_free;
	uint64_t inodes, inodes_free;
};

/* Called for each entry except "." and ".."; return 0 to go on, >0 to stop, <0 an error. */
typedef int (*fs_dir_cb)(const char *name, enum fs_type type, void *userdata);

struct fsview;
struct fsview_ops {
	/* Paths are absolute inside the file system; symlinks never leave it. */
	int (*stat)(struct fsview *v, const char *path, bool follow, struct fs_stat *st);
	/* A file over max bytes: -EFBIG, or with head its first max bytes. */
	int (*read_file)(struct fsview *v, const char *path, size_t max, bool head, struct buf *out);
	int (*list_dir)(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata);
	/* The target of the symlink at path (NULL: the file system has none, -EINVAL). */
	int (*readlink)(struct fsview *v, const char *path, char *out, size_t len);
	/* The FS_ATTR_* bits of the inode at path, not following a final symlink (NULL: the file
	 * system has no such attributes, reported as 0). */
	int (*attrs)(struct fsview *v, const char *path, uint32_t *out);
	int (*usage)(struct fsview *v, struct fs_usage *out);
	void (*close)(struct fsview *v);
};

struct fsview {
	const struct fsview_ops *ops;
	void *priv;
};

/* Open the file system at [off, off+size) of img. Return 0 or negative errno with a
 * message in err (e.g. an unsupported feature). */
int fs_open_ext(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen);
int fs_open_fat(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen);
int fs_open_xfs(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen);
int fs_open_btrfs(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen);
/* An unpacked tree; every lookup is confined to it (openat2 RESOLVE_IN_ROOT). */
int fs_open_dir(const char *path, struct fsview **out, char *err, size_t errlen);

/* A view of a target root that is already open (its fd stays the caller's): how the commands
 * that work on the running system or a --root tree read through the same interface as
 * `image check`. storage holds the view; fs_close() on it is a no-op. */
struct fs_borrowed {
	struct fsview view;
	struct root root;
};
struct fsview *fs_borrow_root(int rootfd, struct fs_borrowed *storage);

/* Convenience wrappers (all accept a NULL view: -ENODEV). */
int fs_stat(struct fsview *v, const char *path, bool follow, struct fs_stat *st);
/* Reads a regular file (following symlinks) of at most max bytes: -EFBIG when larger. */
int fs_read_file(struct fsview *v, const char *path, size_t max, struct buf *out);
/* The first max bytes of a regular file (all of a shorter one). */
int fs_read_head(struct fsview *v, const char *path, size_t max, struct buf *out);
int fs_list_dir(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata);
/* The target of a symlink, NUL-terminated: -EINVAL when path is not one, -ENAMETOOLONG when
 * it does not fit in len. */
int fs_readlink(struct fsview *v, const char *path, char *out, size_t len);
/* FS_ATTR_* bits of path (lstat semantics); 0 on file systems without inode attributes. */
int fs_attrs(struct fsview *v, const char *path, uint32_t *out);
int fs_usage(struct fsview *v, struct fs_usage *out);
bool fs_exists(struct fsview *v, const char *path);         /* lstat semantics */
bool fs_is_dir(struct fsview *v, const char *path);         /* following symlinks */
bool fs_is_file(struct fsview *v, const char *path);        /* regular, following symlinks */
void fs_close(struct fsview *v);
