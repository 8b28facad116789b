/* root.h — every file access of osconf goes through a directory fd for the target root. */
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
 * when create is set). *base points at the last component inside rel. */
int root_open_parent(int rootfd, const char *rel, bool create, const char **base);

/* Read a regular file (no symlink as last component) of at most max bytes.
 * -ENOENT when missing, -EFBIG when larger, -EINVAL when not a regular file. */
int root_read_file(int rootfd, const char *rel, size_t max, struct buf *out);

/* lstat inside the root (last component not followed). */
int root_lstat(int rootfd, const char *rel, struct stat *st);

/* readlink of rel's last component into out (NUL-terminated). */
int root_readlink(int rootfd, const char *rel, char *out, size_t size);

bool root_exists(int rootfd, const char *rel);

/* opendir(3) of a directory inside the root. 0 with *out set, or negative errno. */
int root_opendir(int rootfd, const char *rel, DIR **out);

/* Whether a path inside the root is an enabled systemd unit / exists as a directory etc. */
bool root_is_dir(int rootfd, const char *rel);
