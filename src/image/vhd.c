/* vhd.c — Microsoft Virtual Hard Disk (VPC): footer, dynamic header, BAT, guest reads. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

#define VHD_UNALLOCATED 0xffffffffu
#define VHD_MAX_BAT_ENTRIES (4u << 20)

struct vhd {
	uint64_t size;
	bool fixed;                 /* the disk's bytes are the file's first size bytes */
	uint64_t *bat;              /* dynamic: block allocation table (sector numbers) */
	uint64_t bat_entries;
	uint32_t block_size;
	uint32_t bitmap_size;       /* the sector bitmap bytes before each block */
};

static uint32_t vhd_checksum(const uint8_t *p, size_t len, size_t cksum_at)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i++)
		if (i < cksum_at || i >= cksum_at + 4)
			sum += p[i];
	return ~sum;
}

int vhd_parse_footer(const uint8_t *f, struct vhd_footer *out, char *err, size_t errlen)
{
	if (memcmp(f, "conectix", 8) != 0) {
		snprintf(err, errlen, "VHD footer cookie missing");
		return -EINVAL;
	}
	if (vhd_checksum(f, 512, 64) != get_be32(f + 64)) {
		snprintf(err, errlen, "VHD footer checksum mismatch");
		return -EINVAL;
	}
	struct vhd_footer v = {
		.data_offset = get_be64(f + 16),
		.current_size = get_be64(f + 48),
		.disk_type = get_be32(f + 60),
	};
	if (v.disk_type < 2 || v.disk_type > 4) {
		snprintf(err, errlen, "VHD disk type %u unknown", v.disk_type);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int vhd_parse_dyn_header(const uint8_t *h, struct vhd_dyn_header *out, char *err, size_t errlen)
{
	if (memcmp(h, "cxsparse", 8) != 0) {
		snprintf(err, errlen, "VHD dynamic header cookie missing");
		return -EINVAL;
	}
	if (vhd_checksum(h, 1024, 36) != get_be32(h + 36)) {
		snprintf(err, errlen, "VHD dynamic header checksum mismatch");
		return -EINVAL;
	}
	struct vhd_dyn_header d = {
		.table_offset = get_be64(h + 16),
		.max_table_entries = get_be32(h + 28),
		.block_size = get_be32(h + 32),
	};
	if (d.block_size < 512 || (d.block_size & (d.block_size - 1)) || d.block_size > (256u << 20)) {
		snprintf(err, errlen, "VHD block size %u invalid", d.block_size);
		return -EINVAL;
	}
	if (d.max_table_entries > VHD_MAX_BAT_ENTRIES) {
		snprintf(err, errlen, "VHD block table too large (%u entries)", d.max_table_entries);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

static int vhd_detect(const struct image_probe *p, struct image_match *m)
{
	bool copy = image_has_magic(p, 0, "conectix", 8);
	if (p->tail && memcmp(p->tail, "conectix", 8) == 0) {
		/* dynamic disks also carry a copy of the footer at offset 0 */
		m->kind = !copy && get_be32(p->tail + 60) == 2 ? IMG_VHD_FIXED : IMG_VHD_DYNAMIC;
		return IMAGE_TAIL_MARK;
	}
	/* a dynamic VHD whose footer at the end is damaged still has its copy at offset 0 */
	if (!copy)
		return IMAGE_NO;
	m->kind = IMG_VHD_DYNAMIC;
	return IMAGE_COPY_MARK;
}

static void vhd_close(void *state)
{
	struct vhd *st = state;
	if (st)
		free(st->bat);
	free(st);
}

static int vhd_open_dynamic(const struct image *img, struct vhd *st, const struct vhd_footer *f, char *err,
			    size_t errlen)
{
	uint8_t dh[1024];
	struct vhd_dyn_header d;
	if (image_host_read(img, dh, sizeof(dh), f->data_offset) < 0) {
		snprintf(err, errlen, "VHD dynamic header lies outside the file");
		return -EINVAL;
	}
	int r = vhd_parse_dyn_header(dh, &d, err, errlen);
	if (r < 0)
		return r;
	if (f->current_size / d.block_size + (f->current_size % d.block_size != 0) > d.max_table_entries) {
		snprintf(err, errlen, "VHD block table too small for the disk size");
		return -EINVAL;
	}
	r = image_load_table32(img, d.table_offset, d.max_table_entries, true, &st->bat);
	if (r < 0) {
		snprintf(err, errlen, "VHD block table lies outside the file");
		return r;
	}
	st->bat_entries = d.max_table_entries;
	st->block_size = d.block_size;
	st->bitmap_size = ((d.block_size / 512 / 8) + 511) & ~511u;
	return 0;
}

static int vhd_open_kind(struct image *img, struct vhd *st, const struct vhd_footer *f, struct image_match *m,
			 char *err, size_t errlen)
{
	if (f->disk_type == 2) {
		m->kind = IMG_VHD_FIXED;
		img->detail = "fixed";
		if (img->file_size < 512 || f->current_size > img->file_size - 512 || f->current_size % 512) {
			snprintf(err, errlen, "fixed VHD is shorter than its virtual size");
			return -EINVAL;
		}
		st->fixed = true;
		img->readable = true;
		return 0;
	}
	m->kind = IMG_VHD_DYNAMIC;
	if (f->disk_type == 4) {
		img->detail = "differencing";
		snprintf(img->why_unreadable, sizeof(img->why_unreadable),
			 "a differencing VHD depends on its parent image");
		return 0;
	}
	img->detail = "dynamic";
	int r = vhd_open_dynamic(img, st, f, err, errlen);
	if (r == 0)
		img->readable = true;
	return r;
}

static int vhd_open(struct image *img, const struct image_probe *p, struct image_match *m, void **state,
		    char *err, size_t errlen)
{
	/* the footer at the end; a dynamic disk's copy at offset 0 when the end is damaged */
	const uint8_t *footer = p->tail && memcmp(p->tail, "conectix", 8) == 0 ? p->tail : p->head;
	struct vhd_footer f;   /* (head is zero-padded to IMAGE_HEAD_LEN, so the 512 bytes are there) */
	int r = vhd_parse_footer(footer, &f, err, errlen);
	if (r < 0)
		return r;
	struct vhd *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->size = f.current_size;
	r = vhd_open_kind(img, st, &f, m, err, errlen);
	if (r < 0) {
		vhd_close(st);
		return r;
	}
	*state = st;
	return 0;
}

static int vhd_map(void *state, const struct image *img _unused_, uint64_t off, struct image_extent *x)
{
	const struct vhd *st = state;
	if (st->fixed) {
		if (off >= st->size)
			return -EIO;
		*x = (struct image_extent){ .len = st->size - off, .host = off };
		return 0;
	}
	uint64_t idx = off / st->block_size, in = off % st->block_size;
	*x = (struct image_extent){ .len = st->block_size - in, .zero = true };
	if (idx >= st->bat_entries)
		return -EIO;
	if (st->bat[idx] != VHD_UNALLOCATED) {
		x->host = st->bat[idx] * 512 + st->bitmap_size + in;
		x->zero = false;
	}
	return 0;
}

static uint64_t vhd_virtual_size(const void *state)
{
	return ((const struct vhd *)state)->size;
}

const struct image_format image_format_vhd = {
	.name = "vhd",
	.kinds = 1u << IMG_VHD_FIXED | 1u << IMG_VHD_DYNAMIC,
	.detect = vhd_detect,
	.open = vhd_open,
	.map = vhd_map,
	.virtual_size = vhd_virtual_size,
	.close = vhd_close,
};
