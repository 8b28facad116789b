/* buf.h — growable byte buffer used for file contents and rendered output. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	bool secret; /* wiped with explicit_bzero when freed or grown */
	int err;     /* sticky: the first failure (negative errno); later appends do nothing */
};

#define BUF_INIT { 0 }

/* Every append returns 0 or the buffer's sticky error, so a renderer may ignore the results
 * of its appends and return buf_error() once at the end; a buffer whose error is set is never
 * written anywhere (plan_file and atomic_write refuse it). */
int buf_reserve(struct buf *b, size_t extra);
/* 0, or the first error of any append (then the contents are incomplete). */
static inline int buf_error(const struct buf *b) { return b->err; }
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);
void buf_freep(struct buf *b);
bool buf_eq(const struct buf *a, const struct buf *b);
/* Move the contents of src into dst (dst freed first); src is left empty. */
void buf_move(struct buf *dst, struct buf *src);

/* Iterate over lines: *line points into b, *len excludes the '\n'.
 * Returns false when no line is left. *pos must start at 0. */
bool buf_next_line(const struct buf *b, size_t *pos, const char **line, size_t *len);

#define _cleanup_buf_ __attribute__((cleanup(buf_freep)))
