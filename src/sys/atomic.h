/* atomic.h — the one way osconf writes a file: temp + fsync + rename + fsync(dir), inside the root. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "util/buf.h"

struct file_meta {
	mode_t mode;  /* used when the file is new */
	uid_t uid;
	gid_t gid;
};

enum {
	ATOMIC_REPLACE_SYMLINK = 1 << 0, /* replace a symlink at the path instead of refusing */
	ATOMIC_FORCE_META = 1 << 1,      /* apply meta even when the file exists (e.g. 0600 keyfiles) */
};

/* Write content to rel inside the root. Existing owner and mode are kept (unless
 * ATOMIC_FORCE_META); missing parent directories are created. Returns 0 when written,
 * 1 when the file already had exactly this content (nothing touched), negative errno
 * on failure (the old file is then untouched). */
int atomic_write(int rootfd, const char *rel, const struct buf *content, const struct file_meta *meta,
		 unsigned flags);

/* Remove rel (not following a symlink) and fsync its directory; 0 also when absent. */
int atomic_unlink(int rootfd, const char *rel);

/* Create a symlink at rel pointing to target (replacing what is there atomically). */
int atomic_symlink(int rootfd, const char *rel, const char *target);
