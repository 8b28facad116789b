/* stale.h — the temp files' name pattern, and the temps an earlier run left, found with one listing per directory. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <sys/stat.h>

/* The one temp-file pattern: ".#BASE.osconf" and 8 hex digits, next to BASE. */
#define TEMP_FMT ".#%.200s.osconf"
#define TEMP_HEX 8

/* Names of ours from directory listings: perhaps temps an earlier run left, killed between
 * write and rename (perhaps an old shadow). Zeroed: empty. */
struct stale_temps {
	struct stale_temp *v;
	size_t n;
};

/* Remove what an earlier run left of base's temps in the directory dirfd (readable; dir: its
 * metadata): regular files named exactly like them, in this directory only (through its fd),
 * never following a symlink. The directory is listed the first time only: list before the
 * caller puts a temp of its own there. 0 or negative errno. */
int stale_temps_remove(struct stale_temps *s, int dirfd, const struct stat *dir, const char *base);

void stale_temps_free(struct stale_temps *s);
