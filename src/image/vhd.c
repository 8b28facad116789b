/* vhd.c — Microsoft Virtual Hard Disk (VPC): footer, dynamic header, BAT, guest reads. */
#include "image/container.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

#define VHD_UNALLOCATED 0xffffffffu
#define VHD_MAX_BAT_ENTRIES (4u << 20)

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

int vhd_open(struct image *img, const uint8_t *footer, char *err, size_t errlen)
{
	struct vhd_footer f;
	int r = vhd_parse_footer(footer, &f, err, errlen);
	if (r < 0)
		return r;
	img->virtual_size = f.current_size;
	if (f.disk_type == 2) {
		img->format = IMG_VHD_FIXED;
		img->detail = "fixed";
		if (img->file_size < 512 || f.current_size > img->file_size - 512 || f.current_size % 512) {
			snprintf(err, errlen, "fixed VHD is shorter than its virtual size");
			return -EINVAL;
		}
		img->readable = true;
		return 0;
	}
	img->format = IMG_VHD_DYNAMIC;
	if (f.disk_type == 4) {
		img->detail = "differencing";
		snprintf(img->why_unreadable, sizeof(img->why_unreadable),
			 "a differencing VHD depends on its parent image");
		return 0;
	}
	img->detail = "dynamic";
	uint8_t dh[1024];
	struct vhd_dyn_header d;
	if (image_host_read(img, dh, sizeof(dh), f.data_offset) < 0) {
		snprintf(err, errlen, "VHD dynamic header lies outside the file");
		return -EINVAL;
	}
	r = vhd_parse_dyn_header(dh, &d, err, errlen);
	if (r < 0)
		return r;
	if (f.current_size / d.block_size + (f.current_size % d.block_size != 0) > d.max_table_entries) {
		snprintf(err, errlen, "VHD block table too small for the disk size");
		return -EINVAL;
	}
	r = image_load_table32(img, d.table_offset, d.max_table_entries, true);
	if (r < 0) {
		snprintf(err, errlen, "VHD block table lies outside the file");
		return r;
	}
	img->block_size = d.block_size;
	img->bitmap_size = ((d.block_size / 512 / 8) + 511) & ~511u;
	img->readable = true;
	return 0;
}

int vhd_map(struct image *img, uint64_t off, uint64_t *host, uint64_t *unit, const uint8_t **data _unused_)
{
	uint64_t idx = off / img->block_size;
	*unit = img->block_size;
	*host = 0;
	if (idx >= img->l1_entries)
		return -EIO;
	if (img->l1[idx] != VHD_UNALLOCATED)
		*host = img->l1[idx] * 512 + img->bitmap_size;
	return 0;
}
