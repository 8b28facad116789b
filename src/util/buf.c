/* buf.c — growable byte buffer; secret buffers are wiped before their memory is released. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct buf *b, int err)
{
	if (!b->err)
		b->err = err;
	return b->err;
}

int buf_reserve(struct buf *b, size_t extra)
{
	if (b->err)
		return b->err;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	if (extra > (size_t)-1 / 2 - b->len)
		return fail(b, -ENOMEM);
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *n = malloc(cap);
	if (!n)
		return fail(b, -ENOMEM);
	if (b->data) {
		memcpy(n, b->data, b->len + 1);
		if (b->secret)
			explicit_bzero(b->data, b->cap);
		free(b->data);
	} else {
		n[0] = '\0';
	}
	b->data = n;
	b->cap = cap;
	return 0;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
	int r = buf_reserve(b, len);
	if (r < 0)
		return r;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_printf(struct buf *b, const char *fmt, ...)
{
	/* format straight into the spare room; only when it does not fit, grow and format again */
	int r = buf_reserve(b, 64);
	if (r < 0)
		return r;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		return fail(b, -EINVAL);
	}
	if ((size_t)n >= b->cap - b->len) {
		r = buf_reserve(b, (size_t)n);
		if (r < 0) {
			b->data[b->len] = '\0';
			return r;
		}
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

void buf_free(struct buf *b)
{
	if (!b)
		return;
	if (b->data && b->secret)
		explicit_bzero(b->data, b->cap);
	free(b->data);
	bool secret = b->secret;
	*b = (struct buf){ .secret = secret };
}

void buf_freep(struct buf *b) { buf_free(b); }

bool buf_eq(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

void buf_move(struct buf *dst, struct buf *src)
{
	buf_free(dst);
	*dst = *src;
	*src = (struct buf){ .secret = src->secret };
}

bool buf_next_line(const struct buf *b, size_t *pos, const char **line, size_t *len)
{
	if (*pos >= b->len)
		return false;
	const char *s = b->data + *pos;
	const char *nl = memchr(s, '\n', b->len - *pos);
	size_t l = nl ? (size_t)(nl - s) : b->len - *pos;
	*line = s;
	*len = l;
	*pos += l + (nl ? 1 : 0);
	return true;
}
