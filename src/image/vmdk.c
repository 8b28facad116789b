/* vmdk.c — VMware sparse extents (KDMV): header, grain directory/tables, guest reads; descriptors. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/format.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

#define VMDK_FLAG_COMPRESSED (1u << 16)
#define VMDK_COMPRESS_DEFLATE 1
#define VMDK_MAX_GD_ENTRIES (4u << 20)

struct vmdk {
	uint64_t size;
	uint64_t *gd;               /* grain directory: grain table sectors */
	uint64_t gd_entries;
	uint32_t grain_bytes;
	uint32_t gtes_per_gt;
	bool markers;               /* streamOptimized: grains are compressed, behind markers */
	struct image_tables gt;
	struct image_unit unit;
};

static bool pow2(uint64_t v) { return v && !(v & (v - 1)); }

int vmdk_parse_header(const uint8_t *h, size_t len, struct vmdk_header *out, char *err, size_t errlen)
{
	if (len < 79 || memcmp(h, "KDMV", 4) != 0) {
		snprintf(err, errlen, "not a VMDK sparse extent header");
		return -EINVAL;
	}
	struct vmdk_header v = {
		.version = get_le32(h + 4),
		.flags = get_le32(h + 8),
		.capacity = get_le64(h + 12),
		.grain_size = get_le64(h + 20),
		.num_gtes_per_gt = get_le32(h + 44),
		.gd_offset = get_le64(h + 56),
		.compress_algorithm = get_le16(h + 77),
	};
	if (v.version < 1 || v.version > 3) {
		snprintf(err, errlen, "VMDK version %u is not supported", v.version);
		return -EINVAL;
	}
	if (!pow2(v.grain_size) || v.grain_size > 2048 || !pow2(v.num_gtes_per_gt) ||
	    v.num_gtes_per_gt > 16384) {
		snprintf(err, errlen, "VMDK grain size or grain table size invalid");
		return -EINVAL;
	}
	if (v.capacity > (1ULL << 53)) {
		snprintf(err, errlen, "VMDK capacity out of range");
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int vmdk_descriptor_sectors(const char *text, size_t len, uint64_t *sectors)
{
	uint64_t total = 0;
	bool any = false;
	size_t i = 0;
	while (i < len && text[i]) {
		size_t e = i;
		while (e < len && text[e] && text[e] != '\n')
			e++;
		char line[256];
		size_t n = e - i < sizeof(line) - 1 ? e - i : sizeof(line) - 1;
		memcpy(line, text + i, n);
		line[n] = '\0';
		char access[16];
		unsigned long long s;
		if (sscanf(line, " %15s %llu", access, &s) == 2 &&
		    (streq(access, "RW") || streq(access, "RDONLY") || streq(access, "NOACCESS"))) {
			if (s > (1ULL << 53) || total + s > (1ULL << 53))
				return -EINVAL;
			total += s;
			any = true;
		}
		i = e + 1;
	}
	if (!any)
		return -EINVAL;
	*sectors = total;
	return 0;
}

static int vmdk_detect(const struct image_probe *p, struct image_match *m)
{
	if (image_has_magic(p, 0, "KDMV", 4))
		m->kind = IMG_VMDK_SPARSE;
	else if (image_has_magic(p, 0, "# Disk DescriptorFile", 21))
		m->kind = IMG_VMDK_DESCRIPTOR;
	else
		return IMAGE_NO;
	return IMAGE_HEAD_MAGIC;
}

static void vmdk_close(void *state)
{
	struct vmdk *st = state;
	if (!st)
		return;
	free(st->gd);
	image_tables_free(&st->gt);
	image_unit_free(&st->unit);
	free(st);
}

/* A text descriptor: its size from the extent lines; the extent files are not opened. */
static int vmdk_open_descriptor(struct image *img, const struct image_probe *p, struct vmdk *st, char *err,
				size_t errlen)
{
	uint64_t sectors;
	if (vmdk_descriptor_sectors((const char *)p->head, p->head_len, &sectors) < 0) {
		snprintf(err, errlen, "VMDK descriptor names no extents");
		return -EINVAL;
	}
	st->size = sectors * 512;
	img->detail = "descriptor";
	snprintf(img->why_unreadable, sizeof(img->why_unreadable),
		 "the VMDK is a text descriptor with separate extent files, which this reader does not open");
	return 0;
}

/* streamOptimized: the real header is the footer, 1024 bytes before the end. */
static int vmdk_footer_gd(const struct image *img, uint64_t *gd_offset, char *err, size_t errlen)
{
	uint8_t foot[512];
	struct vmdk_header f;
	if (img->file_size < 1536 || image_host_read(img, foot, sizeof(foot), img->file_size - 1024) < 0 ||
	    vmdk_parse_header(foot, sizeof(foot), &f, err, errlen) < 0 || f.gd_offset == VMDK_GD_AT_END) {
		snprintf(err, errlen, "VMDK footer (with the grain directory offset) missing");
		return -EINVAL;
	}
	*gd_offset = f.gd_offset;
	return 0;
}

static int vmdk_open_sparse(struct image *img, const struct image_probe *p, struct vmdk *st, char *err,
			    size_t errlen)
{
	struct vmdk_header v;
	int r = vmdk_parse_header(p->head, p->head_len, &v, err, errlen);
	if (r < 0)
		return r;
	st->size = v.capacity * 512;
	img->detail = "monolithicSparse";
	if ((v.flags & VMDK_FLAG_COMPRESSED) || v.compress_algorithm) {
		img->detail = "streamOptimized";
		if (v.compress_algorithm != VMDK_COMPRESS_DEFLATE) {
			snprintf(img->why_unreadable, sizeof(img->why_unreadable),
				 "the VMDK compresses grains with algorithm %u, which this reader does not decode",
				 v.compress_algorithm);
			return 0;
		}
		st->markers = true;
	}
	if (v.gd_offset == VMDK_GD_AT_END && (r = vmdk_footer_gd(img, &v.gd_offset, err, errlen)) < 0)
		return r;
	uint64_t per_gt = v.grain_size * v.num_gtes_per_gt;   /* sectors one GT maps */
	uint64_t n = (v.capacity + per_gt - 1) / per_gt;
	if (n > VMDK_MAX_GD_ENTRIES) {
		snprintf(err, errlen, "VMDK grain directory too large");
		return -EINVAL;
	}
	if (v.gd_offset > UINT64_MAX / 512 || (r = image_load_table32(img, v.gd_offset * 512, n, false, &st->gd)) < 0) {
		snprintf(err, errlen, "VMDK grain directory lies outside the file");
		return r < 0 ? r : -EINVAL;
	}
	st->gd_entries = n;
	st->grain_bytes = (uint32_t)(v.grain_size * 512);
	st->gtes_per_gt = v.num_gtes_per_gt;
	img->readable = true;
	return 0;
}

static int vmdk_open(struct image *img, const struct image_probe *p, struct image_match *m, void **state,
		     char *err, size_t errlen)
{
	struct vmdk *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	int r = m->kind == IMG_VMDK_DESCRIPTOR ? vmdk_open_descriptor(img, p, st, err, errlen)
					       : vmdk_open_sparse(img, p, st, err, errlen);
	if (r < 0) {
		vmdk_close(st);
		return r;
	}
	*state = st;
	return 0;
}

static int vmdk_map(void *state, const struct image *img, uint64_t off, struct image_extent *x)
{
	struct vmdk *st = state;
	uint64_t grain = off / st->grain_bytes, in = off % st->grain_bytes;
	uint64_t gde = grain / st->gtes_per_gt, gte = grain % st->gtes_per_gt;
	*x = (struct image_extent){ .len = st->grain_bytes - in, .zero = true };
	if (gde >= st->gd_entries)
		return -EIO;
	if (!st->gd[gde])
		return 0;
	const uint8_t *gt;
	int r = image_cached_table(img, &st->gt, st->gd[gde] * 512, st->gtes_per_gt * 4, &gt);
	if (r < 0)
		return r;
	uint32_t e = get_le32(gt + gte * 4);
	if (e <= 1)   /* 0 unallocated, 1 a zeroed grain */
		return 0;
	x->zero = false;
	if (!st->markers) {
		x->host = (uint64_t)e * 512 + in;
		return 0;
	}
	/* a compressed grain: marker (guest sector u64, size u32), then zlib data */
	uint8_t marker[12];
	const uint8_t *data;
	r = image_host_read(img, marker, sizeof(marker), (uint64_t)e * 512);
	if (r == 0)
		r = image_inflate(img, &st->unit, (uint64_t)e * 512 + 12, get_le32(marker + 8), false,
				  st->grain_bytes, &data);
	if (r < 0)
		return r;
	x->data = data + in;
	return 0;
}

static uint64_t vmdk_virtual_size(const void *state)
{
	return ((const struct vmdk *)state)->size;
}

const struct image_format image_format_vmdk = {
	.name = "vmdk",
	.kinds = 1u << IMG_VMDK_SPARSE | 1u << IMG_VMDK_DESCRIPTOR,
	.detect = vmdk_detect,
	.open = vmdk_open,
	.map = vmdk_map,
	.virtual_size = vmdk_virtual_size,
	.close = vmdk_close,
};
