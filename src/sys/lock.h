/* lock.h — the one lock that serialises every osconf run that changes a target root. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Inside the target root. /run, not /var/lib: /run is mounted before any service starts (a
 * separate /var may be mounted after osconf's early boot run, and a lock file on the root
 * file system's /var and another on the mounted one would exclude nothing), it is the place
 * for run-time state (FHS), and osconf already keeps /run/osconf/status.json there. */
#define ROOT_LOCK_PATH "/run/osconf/lock"

#include <stdbool.h>

/* Takes an exclusive flock(2) on ROOT_LOCK_PATH inside the root (flock: per open file
 * description, released when the fd is closed or the process dies; in Linux 3.10). The
 * directory is created if missing, not made durable (a lock needs none): *made (may be NULL)
 * says whether it was, for a caller that writes a file there to make it durable; the file is opened through root_open_file, so a FIFO,
 * device, socket or symlink there is refused without being opened (never blocks on open).
 * Waits at most wait_ms for another holder (lock_wait= in /etc/osconf.conf, 60 s by default:
 * src/tree/agent.h), polling every 50 ms. The holder may remove the file before it closes the
 * fd: a waiter that gets the lock on a removed file opens the path again. Returns the fd that
 * holds the lock (close it to release), -ETIMEDOUT when still held by someone else after
 * wait_ms, or the errors of root_open_file (-EINVAL, -ELOOP, -EISDIR: not a regular file). */
int root_lock(int rootfd, int wait_ms, bool *made);

/* A message for root_lock's errors. */
const char *root_lock_strerror(int r);
