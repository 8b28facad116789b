/* raw.c — a raw disk image: the file's bytes are the disk's (the fallback of detection). */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/format.h"

#include <errno.h>
#include <stdlib.h>

#include "util/macros.h"

struct raw {
	uint64_t size;
};

static int raw_detect(const struct image_probe *p _unused_, struct image_match *m)
{
	m->kind = IMG_RAW;
	return IMAGE_FALLBACK;
}

static int raw_open(struct image *img, const struct image_probe *p, struct image_match *m _unused_,
		    void **state, char *err _unused_, size_t errlen _unused_)
{
	struct raw *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->size = p->file_size;
	img->readable = true;
	*state = st;
	return 0;
}

static int raw_map(void *state, const struct image *img _unused_, uint64_t off, struct image_extent *x)
{
	const struct raw *st = state;
	if (off >= st->size)
		return -EIO;
	*x = (struct image_extent){ .len = st->size - off, .host = off };
	return 0;
}

static uint64_t raw_virtual_size(const void *state)
{
	return ((const struct raw *)state)->size;
}

const struct image_format image_format_raw = {
	.name = "raw",
	.kinds = 1u << IMG_RAW,
	.detect = raw_detect,
	.open = raw_open,
	.map = raw_map,
	.virtual_size = raw_virtual_size,
	.close = free,
};
