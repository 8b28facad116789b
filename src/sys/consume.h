/* consume.h — remove a file only if it still holds the bytes that were applied, with no window. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Removes dfd/name if its bytes are still applied's (a buffer passed through buf_digest).
 * A check then unlink would delete a file rewritten between the two, unapplied; instead name
 * is first renamed to priv (a private name in the same directory: rename is atomic there, on
 * FAT too), and what was moved is compared: that file can no longer change under its old
 * name, and a writer that creates name anew meanwhile makes a new file we do not touch.
 *   equal:     priv is unlinked, the directory fsynced: 0.
 *   not equal: priv is renamed back without replacing (renameat2 RENAME_NOREPLACE; else
 *              link+unlink; else, where neither exists (FAT before Linux 4.9), a check then
 *              rename): -ESTALE. If a new name appeared meanwhile, it is newer than ours:
 *              ours is dropped and the new one stays (still -ESTALE: applied next time).
 * name absent: 0. Any other error: negative errno, the file back under name where possible. */
int consume_file(int dfd, const char *name, const char *priv, const struct buf *applied, size_t max);
/* consume_file's result when the file is gone but the directory's fsync failed: the removal
 * may not survive a crash (the file would come back and be applied again). */
#define CONSUME_NOT_DURABLE 1

/* A run killed between consume_file's rename and its unlink or put-back leaves priv behind,
 * and name absent: the next run would find no os.conf, and a rewrite that priv holds would
 * never be applied. Before name is looked at, this puts priv back under name (applying the
 * same bytes twice converges; a rewrite is applied then), or drops it when name exists (that
 * one is newer). Returns 1 when priv was put back, 0 when there was none (or it was
 * dropped), negative errno. */
int consume_recover(int dfd, const char *name, const char *priv);

/* Tests: force the fallback used where renameat2(2) is missing (kernel < 3.15) or refused. */
void consume_use_renameat2(bool enable);
