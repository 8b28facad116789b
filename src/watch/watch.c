/* watch.c — inotify loop behind `osconf watch`: debounced re-apply when os.conf appears or changes. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "watch/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/macros.h"

#define FILE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
#define DIR_EVENTS (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED)
#define REWATCH_MS 2000

static bool file_present(const char *dir, const char *name)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	return dfd >= 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* Reads the queued events; sets *changed when the file was touched, *lost when the
 * directory's watch is gone. */
static int drain(int ifd, const char *name, bool *changed, bool *lost)
{
	char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(ifd, ev, sizeof(ev));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : negerrno();
		for (char *p = ev; p < ev + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			if (e->mask & DIR_EVENTS)
				*lost = true;
			else if (e->mask & IN_Q_OVERFLOW)
				*changed = true;
			else if ((e->mask & FILE_EVENTS) && e->len && streq(e->name, name))
				*changed = true;
			p += sizeof(*e) + e->len;
		}
	}
}

int watch_run(const struct watch_opts *w, void (*fn)(void *ud), void *ud)
{
	_cleanup_close_ int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ifd < 0)
		return negerrno();
	int wd = -1, runs = 0;
	bool pending = false;
	long long due = 0;
	for (;;) {
		if (wd < 0) {
			wd = inotify_add_watch(ifd, w->dir, FILE_EVENTS | DIR_EVENTS | IN_ONLYDIR);
			if (wd < 0 && errno != ENOENT && errno != ENOTDIR)
				return negerrno();
			/* Whatever happened while nobody watched counts as a change. */
			if (wd >= 0 && file_present(w->dir, w->name)) {
				pending = true;
				due = now_ms() + w->debounce_ms;
			}
		}
		int timeout = -1;
		if (wd < 0)
			timeout = REWATCH_MS;
		else if (pending)
			timeout = (int)(due > now_ms() ? due - now_ms() : 0);
		struct pollfd pfd = { .fd = ifd, .events = POLLIN };
		int n = poll(&pfd, 1, timeout);
		if (n < 0 && errno != EINTR)
			return negerrno();
		if (n > 0) {
			bool changed = false, lost = false;
			int r = drain(ifd, w->name, &changed, &lost);
			if (r < 0)
				return r;
			if (changed) {
				pending = true;
				due = now_ms() + w->debounce_ms;
			}
			if (lost) {
				if (wd >= 0)
					inotify_rm_watch(ifd, wd);
				wd = -1;
			}
			continue;
		}
		if (!pending || wd < 0 || now_ms() < due)
			continue;
		pending = false;
		if (!file_present(w->dir, w->name))
			continue;
		fn(ud);
		if (w->max_runs > 0 && ++runs >= w->max_runs)
			return 0;
	}
}
