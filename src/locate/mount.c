/* mount.c — private mounts under /run/osconf (own mount namespace, nosuid,nodev,noexec). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "locate/mount.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util/macros.h"

bool mnt_supported(const char *fstype)
{
	static const char *const ok[] = { "vfat", "ext2", "ext3", "ext4", "ufs" };
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (streq(fstype, ok[i]))
			return true;
	return false;
}

/* Our mounts live in a namespace of our own: nothing else sees them, and they vanish with
 * the process even if it is killed. Mounts made by the system still reach us (slave). */
int mnt_own_namespace(char *why, size_t size)
{
	static bool done;
	static int r;
	static char msg[160];
	if (!done) {
		done = true;
		if (unshare(CLONE_NEWNS) < 0) {
			r = negerrno();
			snprintf(msg, sizeof(msg), "no private mount namespace (%s); mounting in the system's", strerror(-r));
		} else if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
			r = negerrno();
			snprintf(msg, sizeof(msg), "cannot make our mounts private: %s", strerror(-r));
		}
	}
	if (r < 0 && why)
		snprintf(why, size, "%s", msg);
	return r;
}

static int make_rundir(const char *rundir, char *err, size_t errlen)
{
	if (mkdir(rundir, 0700) < 0 && errno != EEXIST) {
		int r = negerrno();
		snprintf(err, errlen, "cannot create %s: %s", rundir, strerror(-r));
		return r;
	}
	struct stat st;
	if (lstat(rundir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		snprintf(err, errlen, "%s is not a directory owned by us and writable only by us; not mounting there",
			 rundir);
		return -EPERM;
	}
	return 0;
}

int mnt_private(const char *devname, const char *fstype, const char *rundir, bool want_ro, char *mountpoint,
		size_t size, bool *read_only, char *err, size_t errlen)
{
	if (!mnt_supported(fstype)) {
		snprintf(err, errlen, "%s holds %s, which osconf does not mount (vfat, ext2/3/4, ufs)", devname,
			 *fstype ? fstype : "no recognised file system");
		return -EMEDIUMTYPE;
	}
	int r = make_rundir(rundir, err, errlen);
	if (r < 0)
		return r;
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof(dir), "%s/mnt.XXXXXX", rundir) >= (int)sizeof(dir) || !mkdtemp(dir)) {
		snprintf(err, errlen, "cannot create a mount point in %s: %s", rundir, strerror(errno));
		return -EIO;
	}
	mnt_own_namespace(NULL, 0);
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (want_ro ? MS_RDONLY : 0);
	bool ro = false;
	struct { const char *type, *opts; } tries[3];
	int n = 0;
	if (streq(fstype, "vfat")) {
		tries[n++] = (typeof(tries[0])){ "vfat", "umask=077" };
	} else if (streq(fstype, "ufs")) {
		/* Linux writes no UFS: read-only, FreeBSD's UFS2 first. */
		flags |= MS_RDONLY;
		ro = true;
		tries[n++] = (typeof(tries[0])){ "ufs", "ufstype=ufs2" };
		tries[n++] = (typeof(tries[0])){ "ufs", "ufstype=44bsd" };
	} else {
		tries[n++] = (typeof(tries[0])){ fstype, NULL };
		if (!streq(fstype, "ext4"))   /* ext2/ext3 served by the ext4 driver */
			tries[n++] = (typeof(tries[0])){ "ext4", NULL };
	}
	r = -ENODEV;
	for (int i = 0; i < n && r < 0; i++) {
		r = mount(devname, dir, tries[i].type, flags, tries[i].opts) < 0 ? negerrno() : 0;
		if ((r == -EROFS || r == -EACCES) && !(flags & MS_RDONLY)) {
			flags |= MS_RDONLY;
			ro = true;
			r = mount(devname, dir, tries[i].type, flags, tries[i].opts) < 0 ? negerrno() : 0;
		}
	}
	if (r < 0) {
		rmdir(dir);
		snprintf(err, errlen, "cannot mount %s (%s) on %s: %s%s", devname, fstype, dir, strerror(-r),
			 r == -ENODEV ? " (this kernel has no driver for it)" : "");
		return r;
	}
	snprintf(mountpoint, size, "%s", dir);
	*read_only = ro;
	return 0;
}

int mnt_release(const char *mountpoint)
{
	int r = 0;
	if (umount2(mountpoint, UMOUNT_NOFOLLOW) < 0) {
		r = negerrno();
		if (r == -EBUSY && umount2(mountpoint, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			r = 0;
	}
	if (r == 0)
		rmdir(mountpoint);
	return r;
}
