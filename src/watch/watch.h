/* watch.h — wait for a file to be written in a directory (inotify), debounced, and act on it. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

struct watch_opts {
	const char *dir;  /* directory to watch (e.g. /boot/aliyun_custom_image) */
	const char *name; /* file name inside it ("os.conf") */
	int debounce_ms;  /* quiet time after the last change before acting */
	int max_runs;     /* return after this many actions (0: run until an error) */
};

/* Calls fn(ud) once the file exists and has been quiet for debounce_ms: at start when it is
 * already there, then after every create/write/rename-into. A directory that disappears
 * (unmounted, removed) is waited for again. fn's result is ignored. Returns negative errno
 * on a failure of inotify itself, 0 after max_runs actions. */
int watch_run(const struct watch_opts *w, void (*fn)(void *ud), void *ud);
