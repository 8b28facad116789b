/* digest.h — a keyed SHA-256 of a buffer: os.conf's bytes can be compared after they are wiped. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* SHA-256 of data (FIPS 180-4). */
void sha256(const void *data, size_t len, uint8_t out[32]);

/* Replace b's contents with SHA-256(key || contents), key random for this process (taken once):
 * the old bytes are wiped; two buffers digested this way are equal (buf_eq) exactly when their
 * contents were, and the digest tells nothing about them without the key. 0, or -errno: b
 * is then untouched (no random key) or empty with its error set (no memory). */
int buf_digest(struct buf *b);
