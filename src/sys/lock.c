/* lock.c — the run lock in the target root: flock on a regular file, waited for with a bound. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "sys/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "sys/root.h"
#include "util/clock.h"
#include "util/macros.h"

/* Still the file at the lock path? A holder may remove it (uninstall does) before releasing:
 * a waiter that then gets the lock on the removed file must open the path again. */
static int still_linked(int rootfd, int fd)
{
	struct stat a, b;
	if (fstat(fd, &a) < 0)
		return negerrno();
	int r = root_lstat(rootfd, ROOT_LOCK_PATH, &b);
	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int note_made(void *ctx, int parentfd, const char *dir)
{
	(void)parentfd;
	(void)dir;
	*(bool *)ctx = true;
	return 0;
}

int root_lock(int rootfd, int wait_ms, bool *made)
{
	const char *base;
	bool new_dir = false;
	_cleanup_close_ int dfd = root_make_parent(rootfd, ROOT_LOCK_PATH, &base, note_made, &new_dir);
	if (dfd < 0)
		return dfd;
	long long deadline = now_ms() + wait_ms;
	for (;;) {
		_cleanup_close_ int fd = root_open_file(rootfd, ROOT_LOCK_PATH, O_RDONLY | O_CREAT | O_NOFOLLOW, 0600);
		if (fd < 0)
			return fd;
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EINTR && errno != EWOULDBLOCK)
				return negerrno();
			if (now_ms() >= deadline)
				return -ETIMEDOUT;
			usleep(50 * 1000);
		}
		int r = still_linked(rootfd, fd);
		if (r < 0)
			return r;
		if (r) {
			if (made)
				*made = new_dir;
			return TAKE_FD(fd);
		}
	}
}

const char *root_lock_strerror(int r)
{
	if (r == -ETIMEDOUT)
		return "held by another osconf run (apply, watch or install) for too long; giving up";
	return root_strerror(r);
}
