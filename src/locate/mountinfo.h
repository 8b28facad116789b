/* mountinfo.h — /proc/self/mountinfo, one entry at a time. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct mount_entry {
	dev_t dev;              /* major:minor of the file system */
	char root[4096];        /* the directory of the file system mounted here ("/" for the whole fs) */
	char mountpoint[4096];
	char fstype[32];
	char source[256];
	bool ro;                /* mounted read-only (mount or super options) */
	long user_id;           /* FUSE: user_id= of the super options (who mounted it); -1 if none */
};

/* Parses one mountinfo line (without '\n'); octal escapes (\040) are undone.
 * Returns 0 or -EINVAL. */
int mountinfo_parse_line(const char *line, struct mount_entry *out);

/* Calls cb for every entry of the mountinfo file at path, in order, until cb returns
 * non-zero (that value is returned). 0 when cb never stopped; negative errno when the
 * file cannot be read. */
int mountinfo_foreach(const char *path, int (*cb)(const struct mount_entry *e, void *ctx), void *ctx);
