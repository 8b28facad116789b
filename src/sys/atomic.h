/* atomic.h — the one way osconf writes files: temps, one barrier, renames, one barrier, inside the root. */
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
	ATOMIC_ORDERED = 1 << 2,         /* renamed only once the group's earlier renames are durable */
	ATOMIC_DURABLE_PATH = 1 << 3,    /* also make every directory above it durable (made, unsynced,
					  * by the run lock: /run/osconf) */
};

/* A group commit: every file of a run is staged (its temp file written next to it, owner,
 * mode and label copied, not yet durable; a missing directory made, its entry not yet
 * durable), then atomic_group_sync() makes every temp durable at once, atomic_group_rename()
 * renames them, and the next atomic_group_sync() makes the renames and new directories
 * durable — together with the temps staged meanwhile (the status record after the files it
 * reports on: one barrier less). A crash at any instant leaves each file old or new: no temp
 * is renamed before it is durable. A barrier
 * is one syncfs(2) per file system where syncfs reports writeback errors (Linux 5.8+, on
 * ext2/3/4, XFS, btrfs, tmpfs) and replaces more than one fsync, else fsync of each temp
 * file, then of each directory. Items belong to an owner (a plan entry) for their results. */
struct atomic_group;

struct atomic_group *atomic_group_new(void);
/* Unlinks the temps not renamed, closes every fd the group holds; NULL is fine. */
void atomic_group_free(struct atomic_group *g);

/* Stage content for rel: 0 staged, 1 when the file already has exactly this content
 * (nothing staged), negative errno (nothing left behind). Same rules as atomic_write. */
int atomic_stage(struct atomic_group *g, const void *owner, int rootfd, const char *rel,
		 const struct buf *content, const struct file_meta *meta, unsigned flags);
/* Stage the removal of rel (unlinked at rename time); 1 when it is absent. */
int atomic_stage_unlink(struct atomic_group *g, const void *owner, int rootfd, const char *rel);
/* Keep fd open until the group is freed (a lock that must outlive the renames). */
int atomic_group_hold(struct atomic_group *g, int fd);

/* Drop owner's staged items (temps unlinked): they fail with r. */
void atomic_group_cancel(struct atomic_group *g, const void *owner, int r);
/* Whether owner has items still to rename (neither failed nor cancelled). */
bool atomic_group_has(const struct atomic_group *g, const void *owner);
/* A barrier: every staged temp, every rename, unlink and new directory so far durable. A
 * failure fails the items it covers. */
int atomic_group_sync(struct atomic_group *g);
/* Rename (or unlink) every item still good whose temp a barrier made durable, in staging
 * order (an ATOMIC_ORDERED one after a barrier over the renames before it). Not durable until
 * the next atomic_group_sync(). */
int atomic_group_rename(struct atomic_group *g);
/* sync, rename, sync: the first failure. */
int atomic_group_commit(struct atomic_group *g);
/* Owner's result: 0, or its first item's failure with what (e.g. "writing /etc/hosts"). */
int atomic_group_result(const struct atomic_group *g, const void *owner, char *what, size_t size);

/* Test hook: false forces the per-file fsync barrier (as on kernels before 5.8). */
void atomic_use_syncfs(bool enable);

/* Write content to rel inside the root (a group of one: fsync of the temp, rename, fsync
 * of the directory). Existing owner and mode are kept (unless
 * ATOMIC_FORCE_META); missing parent directories are created. Returns 0 when written,
 * 1 when the file already had exactly this content (nothing touched), negative errno
 * on failure (the old file is then untouched). */
int atomic_write(int rootfd, const char *rel, const struct buf *content, const struct file_meta *meta,
		 unsigned flags);

/* Remove rel (not following a symlink) and fsync its directory; 0 also when absent. */
int atomic_unlink(int rootfd, const char *rel);

/* Create a symlink at rel pointing to target (replacing what is there atomically). */
int atomic_symlink(int rootfd, const char *rel, const char *target);
