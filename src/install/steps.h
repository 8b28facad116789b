/* steps.h — the steps install and uninstall are made of: write, link, remove, list, look; each names its path when it fails. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/macros.h"

/* Every step appends what it did to log as one line ("installed /etc/init.d/osconf"); on
 * failure it says in err (errlen bytes) what failed, the path named, and returns the negative
 * errno. Paths are inside the target root rootfd. */

void set_err(char *err, size_t errlen, const char *fmt, ...) _printf_(3, 4);
/* r of root_exists, root_is_dir or root_is_mount_point, returned: an error (never "no") is
 * the step's failure, named in err. */
int looked(int r, const char *rel, char *err, size_t errlen);
/* Where the tree's /etc/fstab mounts spec at boot, in *mnt (NULL: nowhere); unreadable: fails. */
int boot_mount(int rootfd, const char *spec, char **mnt, char *err, size_t errlen);
/* content at rel, root:root with mode ("unchanged" when it already was). */
int put_file(int rootfd, const char *rel, const struct buf *content, mode_t mode, struct buf *log, char *err,
	     size_t errlen);
/* The embedded dist/ file name at rel. */
int put_dist(int rootfd, const char *name, const char *rel, mode_t mode, struct buf *log, char *err,
	     size_t errlen);
/* A symlink rel -> target. */
int put_link(int rootfd, const char *rel, const char *target, struct buf *log, char *err, size_t errlen);
/* rel gone (nothing to do when absent). */
int remove_path(int rootfd, const char *rel, struct buf *log, char *err, size_t errlen);
/* Calls fn for every entry of dir but the dot files (absent: none); stops at the first error
 * (fn names its own). */
int each_entry(int rootfd, const char *dir, int (*fn)(const char *name, void *ud), void *ud, char *err,
	       size_t errlen);
