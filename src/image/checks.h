/* checks.h — run the `image check` table; the pure rules are exposed for unit tests. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/inspect.h"
#include "image/report.h"

#define IMAGE_MIN_VIRTUAL_SIZE (5ULL << 30)   /* must be larger than 5 GiB */

/* Run every check of the table, in order, adding one result each to r. */
int image_checks_run(struct inspect *ctx, struct report *r);

/* Root's /etc/shadow fields 2 and 3 → PASS (locked, or must change at first login) or
 * FAIL (usable or empty); *why says which. */
enum check_status root_password_status(const char *hash, const char *lastchg, const char **why);
/* ext2/3/4 superblock (1024 bytes): 0 writable, 1 unwritable, 2 writable with a caveat
 * (reason in why), -EINVAL when not an ext superblock. */
int ext_superblock_unwritable(const uint8_t *sb, char *why, size_t whylen);
/* Whether an authorized_keys file holds at least one key line. */
bool authorized_keys_has_key(const char *text, size_t len);
