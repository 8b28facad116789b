/* root.h — every file access of osconf goes through a directory fd for the target root. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <dirent.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/buf.h"

struct root {
	int fd;        /* O_PATH|O_DIRECTORY fd of the target root */
	char *path;    /* as given, for messages */
	bool is_host;  /* the root is the running system's "/" */
};

#define ROOT_INIT { .fd = -1 }

int root_open(const char *path, struct root *out);
void root_close(struct root *r);

/* openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) relative to the root; a leading '/'
 * in rel is allowed. Symlinks in the path stay inside the root; O_NOFOLLOW in flags
 * refuses a symlink as the last component. Returns an fd or negative errno. */
int root_openat(int rootfd, const char *rel, int flags, mode_t mode);

/* Tests: force the fallback path walk used where openat2(2) is missing (kernel < 5.6) or
 * refused with EPERM by a seccomp filter. */
void root_use_openat2(bool enable);

/* Open the directory that contains rel (creating missing directories with mode 0755
 * when create is set, each fsynced into its parent). *base points at the last component
 * inside rel. */
int root_open_parent(int rootfd, const char *rel, bool create, const char **base);

/* root_open_parent creating what is missing, each new directory reported to made() with an
 * O_PATH fd on its parent and its path inside the root (made() returning negative errno
 * fails the call): who creates decides when the new entries are made durable (the group
 * commit, in its rename barrier). made NULL creates nothing. */
typedef int (*root_made_fn)(void *ctx, int parentfd, const char *dir);
int root_make_parent(int rootfd, const char *rel, const char **base, root_made_fn made, void *ctx);
/* The same, the directory opened with how | O_DIRECTORY: O_PATH (root_make_parent) or O_RDONLY
 * (a readable fd, for listing and fsync, in one open). */
int root_make_parent_as(int rootfd, const char *rel, const char **base, root_made_fn made, void *ctx, int how);

/* Open rel only if it is a regular file, resolving it once: it is opened O_PATH (O_NOFOLLOW:
 * refuse a symlink as last component, else followed inside the root), its type checked with
 * fstat, so a FIFO, device or socket is never opened (and nothing blocks); then that very
 * inode is opened with flags (O_RDONLY, O_WRONLY or O_RDWR) plus O_NONBLOCK|O_NOCTTY through
 * /proc/self/fd, never by its path again. With O_CREAT a missing file is created (O_EXCL,
 * mode). Returns an fd, or -ENOENT (absent), -EISDIR (a directory), -ELOOP (a symlink, with
 * O_NOFOLLOW), -EINVAL (another kind of file), -ENOMEDIUM (/proc not mounted: no safe way
 * to open it), or any other negative errno: an error, never to be taken for "absent". */
int root_open_file(int rootfd, const char *rel, int flags, mode_t mode);
/* The step of root_open_file after the O_PATH open, for any O_PATH fd (e.g. of a path outside
 * the root): the file pfd holds, opened with flags through /proc/self/fd if it is regular;
 * -EISDIR, -ELOOP, -EINVAL, -ENOMEDIUM as there. pfd stays open. */
int root_reopen_regular(int pfd, int flags);
/* root_open_file, with the file's metadata in *st on success (from the check of its type: the
 * fd holds that inode; for a file it created, from the new fd); st NULL: root_open_file. */
int root_open_file_stat(int rootfd, const char *rel, int flags, mode_t mode, struct stat *st);

/* Read a regular file of the root (through root_open_file) of at most max bytes:
 * 0 with *out set; -EFBIG when larger; the errors of root_open_file otherwise. With
 * ROOT_OPTIONAL a missing file (ENOENT) is 0 too, with out untouched (an empty out keeps
 * out->data NULL): a file that is read, even an empty one, has out->data set. */
enum {
	ROOT_FOLLOW = 1 << 0,   /* follow a symlink as last component (inside the root) */
	ROOT_OPTIONAL = 1 << 1, /* absence is not an error */
};
int root_read(int rootfd, const char *rel, unsigned flags, size_t max, struct buf *out);

/* root_read(rootfd, rel, 0, max, out), with -EINVAL for any file that is not regular (a
 * directory, symlink, device, FIFO or socket) and -ENOENT when missing. */
int root_read_file(int rootfd, const char *rel, size_t max, struct buf *out);

/* A message for a root_open_file/root_read error: "is a directory", "is a symlink", ... */
const char *root_strerror(int r);

/* lstat inside the root (last component not followed). */
int root_lstat(int rootfd, const char *rel, struct stat *st);

/* readlink of rel's last component into out (NUL-terminated). */
int root_readlink(int rootfd, const char *rel, char *out, size_t size);

/* Whether rel exists (lstat): 1 yes, 0 absent (ENOENT, ENOTDIR), any other error negative
 * errno — never "absent" (compare with > 0 only where an error may count as "no"). */
int root_exists(int rootfd, const char *rel);

/* opendir(3) of a directory inside the root. 0 with *out set, or negative errno. */
int root_opendir(int rootfd, const char *rel, DIR **out);

/* Whether rel is a directory (following symlinks inside the root): 1, 0 (absent or not a
 * directory), negative errno on any other error. */
int root_is_dir(int rootfd, const char *rel);
