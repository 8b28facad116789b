/* vmdk.c — VMware sparse extents (KDMV): header, grain directory/tables; descriptors. */
#include "image/container.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

#define VMDK_FLAG_COMPRESSED (1u << 16)
#define VMDK_COMPRESS_DEFLATE 1
#define VMDK_MAX_GD_ENTRIES (4u << 20)

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

int vmdk_open(struct image *img, const uint8_t *head, size_t head_len, char *err, size_t errlen)
{
	struct vmdk_header v;
	int r = vmdk_parse_header(head, head_len, &v, err, errlen);
	if (r < 0)
		return r;
	img->virtual_size = v.capacity * 512;
	img->detail = "monolithicSparse";
	if ((v.flags & VMDK_FLAG_COMPRESSED) || v.compress_algorithm) {
		img->detail = "streamOptimized";
		if (v.compress_algorithm != VMDK_COMPRESS_DEFLATE) {
			snprintf(img->why_unreadable, sizeof(img->why_unreadable),
				 "the VMDK compresses grains with algorithm %u, which this reader does not decode",
				 v.compress_algorithm);
			return 0;
		}
		img->vmdk_markers = true;
	}
	if (v.gd_offset == VMDK_GD_AT_END) {
		/* streamOptimized: the real header is the footer, 1024 bytes before the end */
		uint8_t foot[512];
		struct vmdk_header f;
		if (img->file_size < 1536 || image_host_read(img, foot, sizeof(foot), img->file_size - 1024) < 0 ||
		    vmdk_parse_header(foot, sizeof(foot), &f, err, errlen) < 0 || f.gd_offset == VMDK_GD_AT_END) {
			snprintf(err, errlen, "VMDK footer (with the grain directory offset) missing");
			return -EINVAL;
		}
		v.gd_offset = f.gd_offset;
	}
	uint64_t per_gt = v.grain_size * v.num_gtes_per_gt;   /* sectors one GT maps */
	uint64_t n = (v.capacity + per_gt - 1) / per_gt;
	if (n > VMDK_MAX_GD_ENTRIES) {
		snprintf(err, errlen, "VMDK grain directory too large");
		return -EINVAL;
	}
	r = image_load_table32(img, v.gd_offset * 512, n, false);
	if (r < 0) {
		snprintf(err, errlen, "VMDK grain directory lies outside the file");
		return r;
	}
	img->block_size = (uint32_t)(v.grain_size * 512);
	img->gtes_per_gt = v.num_gtes_per_gt;
	img->readable = true;
	return 0;
}

int vmdk_map(struct image *img, uint64_t off, uint64_t *host, uint64_t *unit, const uint8_t **data)
{
	uint64_t grain = off / img->block_size;
	uint64_t gde = grain / img->gtes_per_gt, gte = grain % img->gtes_per_gt;
	*unit = img->block_size;
	*host = 0;
	if (gde >= img->l1_entries)
		return -EIO;
	if (!img->l1[gde])
		return 0;
	const uint8_t *gt;
	int r = image_cached_table(img, img->l1[gde] * 512, img->gtes_per_gt * 4, &gt);
	if (r < 0)
		return r;
	uint32_t e = get_le32(gt + gte * 4);
	if (e <= 1)   /* 0 unallocated, 1 a zeroed grain */
		return 0;
	if (!img->vmdk_markers) {
		*host = (uint64_t)e * 512;
		return 0;
	}
	/* a compressed grain: marker (guest sector u64, size u32), then zlib data */
	uint8_t marker[12];
	r = image_host_read(img, marker, sizeof(marker), (uint64_t)e * 512);
	if (r < 0)
		return r;
	return image_inflate(img, (uint64_t)e * 512 + 12, get_le32(marker + 8), false, img->block_size, data);
}
