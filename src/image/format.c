/* format.c — the one table of container formats, and the host reads their readers share. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "util/macros.h"

/* Adding a format: its file (a const struct image_format, declared in format.h) and a row here;
 * the order breaks ties between equally sure detects. */
const struct image_format *const image_formats[] = {
	&image_format_qcow2,
	&image_format_vmdk,
	&image_format_unsupported,
	&image_format_vhd,
	&image_format_raw,
};
const size_t image_formats_count = ARRAY_SIZE(image_formats);

int image_host_read(const struct image *img, void *buf, size_t len, uint64_t off)
{
	if (off > img->file_size || len > img->file_size - off)
		return -EIO;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(img->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negerrno();
		}
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

int image_load_table32(const struct image *img, uint64_t off, uint64_t n, bool big_endian, uint64_t **out)
{
	if (n > img->file_size / 4)
		return -EINVAL;
	_cleanup_free_ uint8_t *raw = malloc(n ? n * 4 : 1);
	_cleanup_free_ uint64_t *t = calloc(n ? n : 1, sizeof(uint64_t));
	if (!raw || !t)
		return -ENOMEM;
	if (image_host_read(img, raw, n * 4, off) < 0)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++)
		t[i] = big_endian ? get_be32(raw + i * 4) : get_le32(raw + i * 4);
	*out = TAKE_PTR(t);
	return 0;
}

int image_cached_table(const struct image *img, struct image_tables *c, uint64_t off, uint32_t len,
		       const uint8_t **table)
{
	for (unsigned i = 0; i < IMAGE_TABLE_SLOTS; i++)
		if (c->slot[i].data && c->slot[i].off == off && c->slot[i].len == len) {
			*table = c->slot[i].data;
			return 0;
		}
	unsigned s = c->next++ % IMAGE_TABLE_SLOTS;
	uint8_t *data = realloc(c->slot[s].data, len);
	if (!data)
		return -ENOMEM;
	c->slot[s].data = data;
	c->slot[s].len = 0;
	int r = image_host_read(img, data, len, off);
	if (r < 0)
		return r;
	c->slot[s].off = off;
	c->slot[s].len = len;
	*table = data;
	return 0;
}

void image_tables_free(struct image_tables *c)
{
	for (unsigned i = 0; i < IMAGE_TABLE_SLOTS; i++)
		free(c->slot[i].data);
	*c = (struct image_tables){ 0 };
}

int image_inflate(const struct image *img, struct image_unit *u, uint64_t off, size_t comp_len, bool raw,
		  size_t out_len, const uint8_t **out)
{
	if (u->buf && u->key == off + 1) {
		*out = u->buf;
		return 0;
	}
	if (comp_len > out_len + 4096 + out_len / 8)   /* deflate never grows data that much */
		return -EIO;
	_cleanup_free_ uint8_t *in = malloc(comp_len ? comp_len : 1);
	uint8_t *dst = realloc(u->buf, out_len);
	if (!in || !dst)
		return -ENOMEM;
	u->buf = dst;
	u->key = 0;
	/* a compressed qcow2 cluster may end short of its last sector at the end of the file */
	if (off < img->file_size && comp_len > img->file_size - off)
		comp_len = (size_t)(img->file_size - off);
	int r = image_host_read(img, in, comp_len, off);
	if (r < 0)
		return r;
	z_stream z = { .next_in = in, .avail_in = (uInt)comp_len, .next_out = dst, .avail_out = (uInt)out_len };
	if (inflateInit2(&z, raw ? -15 : 15) != Z_OK)
		return -ENOMEM;
	int zr = inflate(&z, Z_FINISH);
	size_t got = out_len - z.avail_out;
	inflateEnd(&z);
	if ((zr != Z_STREAM_END && zr != Z_BUF_ERROR && zr != Z_OK) || got != out_len)
		return -EIO;
	u->key = off + 1;
	*out = dst;
	return 0;
}

void image_unit_free(struct image_unit *u)
{
	free(u->buf);
	*u = (struct image_unit){ 0 };
}
