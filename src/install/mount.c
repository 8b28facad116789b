/* mount.c — where a target tree mounts partition 1: its /etc/fstab entry, and whether that is a mount point. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "install/install.h"
#include "sys/root.h"
#include "tree/fstab.h"
#include "tree/fsview.h"
#include "util/macros.h"

int fstab_mount_point(int rootfd, const char *spec, char **out)
{
	struct fs_borrowed fb;
	_cleanup_(fstab_free) struct fstab f = FSTAB_INIT;
	*out = NULL;
	if (!spec)
		return 0;
	int r = fstab_read(fs_borrow_root(rootfd, &fb), &f);
	if (r < 0)
		return r;
	for (size_t i = 0; i < f.n; i++) {
		const struct fstab_entry *e = &f.entries[i];
		/* noauto or swap: not mounted at boot, so no permanent place to watch */
		if (fstab_spec_matches(e->spec, spec) && e->dir[0] == '/' && !strchr(e->dir, '\\') &&
		    fstab_mounted_at_boot(e))
			return (*out = strdup(e->dir)) ? 0 : -ENOMEM;
	}
	return 0;
}

int root_is_mount_point(int rootfd, const char *rel)
{
	_cleanup_close_ int fd = root_openat(rootfd, rel, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
	struct stat a, b;
	if (fstat(fd, &a) < 0 || fstatat(fd, "..", &b, 0) < 0)
		return negerrno();
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}
