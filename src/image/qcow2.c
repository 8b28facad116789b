/* qcow2.c — QEMU copy-on-write v2/v3 images: header, L1/L2 cluster map, guest reads. */
#include "image/container.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ULL
#define QCOW2_COMPRESSED (1ULL << 62)
#define QCOW2_ZERO 1ULL
#define QCOW2_KNOWN_INCOMPAT 0x1fULL
#define QCOW2_MAX_L1_BYTES (32u << 20)

int qcow2_parse_header(const uint8_t *h, size_t len, struct qcow2_header *out, char *err, size_t errlen)
{
	if (len < 72 || memcmp(h, "QFI\xfb", 4) != 0) {
		snprintf(err, errlen, "not a qcow2 header");
		return -EINVAL;
	}
	struct qcow2_header q = {
		.version = get_be32(h + 4),
		.backing_file_offset = get_be64(h + 8),
		.backing_file_size = get_be32(h + 16),
		.cluster_bits = get_be32(h + 20),
		.size = get_be64(h + 24),
		.crypt_method = get_be32(h + 32),
		.l1_size = get_be32(h + 36),
		.l1_table_offset = get_be64(h + 40),
	};
	if (q.version != 2 && q.version != 3) {
		snprintf(err, errlen, "qcow2 version %u is not supported", q.version);
		return -EINVAL;
	}
	if (q.version == 3) {
		if (len < 104) {
			snprintf(err, errlen, "qcow2 v3 header truncated");
			return -EINVAL;
		}
		q.incompatible_features = get_be64(h + 72);
	}
	if (q.cluster_bits < 9 || q.cluster_bits > 21) {
		snprintf(err, errlen, "qcow2 cluster_bits %u out of range 9..21", q.cluster_bits);
		return -EINVAL;
	}
	uint32_t l2_bits = q.cluster_bits - 3;
	uint64_t per_l1 = 1ULL << (q.cluster_bits + l2_bits);   /* guest bytes one L1 entry maps */
	if (q.size > (1ULL << 62) || (q.size + per_l1 - 1) / per_l1 > q.l1_size) {
		snprintf(err, errlen, "qcow2 L1 table (%u entries) too small for %llu bytes", q.l1_size,
			 (unsigned long long)q.size);
		return -EINVAL;
	}
	if ((uint64_t)q.l1_size * 8 > QCOW2_MAX_L1_BYTES ||
	    (q.l1_table_offset & ((1ULL << q.cluster_bits) - 1))) {
		snprintf(err, errlen, "qcow2 L1 table size or offset invalid");
		return -EINVAL;
	}
	*out = q;
	return 0;
}

int qcow2_open(struct image *img, const uint8_t *head, size_t head_len, char *err, size_t errlen)
{
	struct qcow2_header q;
	int r = qcow2_parse_header(head, head_len, &q, err, errlen);
	if (r < 0)
		return r;
	img->virtual_size = q.size;
	img->cluster_bits = q.cluster_bits;
	img->detail = q.version == 3 ? "v3" : "v2";
	if (q.backing_file_offset) {
		if (q.backing_file_size == 0 || q.backing_file_size > 1023 ||
		    q.backing_file_offset > head_len || q.backing_file_size > head_len - q.backing_file_offset) {
			snprintf(err, errlen, "qcow2 backing file name out of range");
			return -EINVAL;
		}
		img->backing_file = strndup((const char *)head + q.backing_file_offset, q.backing_file_size);
		if (!img->backing_file)
			return -ENOMEM;
		snprintf(img->why_unreadable, sizeof(img->why_unreadable),
			 "the qcow2 image depends on a backing file");
		return 0;
	}
	const char *why = NULL;
	if (q.crypt_method)
		why = "the qcow2 image is encrypted";
	else if (q.incompatible_features & QCOW2_INCOMPAT_CORRUPT)
		why = "the qcow2 image is marked corrupt (run qemu-img check -r all)";
	else if (q.incompatible_features & QCOW2_INCOMPAT_DATA_FILE)
		why = "the qcow2 image keeps its data in an external file";
	else if ((q.incompatible_features & QCOW2_INCOMPAT_COMPRESSION) && (head_len < 105 || head[104] != 0))
		why = "the qcow2 image compresses with zstd, which this reader does not decode";
	else if (q.incompatible_features & QCOW2_INCOMPAT_EXTL2)
		why = "the qcow2 image uses extended L2 entries (subclusters), which this reader does not decode";
	else if (q.incompatible_features & ~QCOW2_KNOWN_INCOMPAT)
		why = "the qcow2 image uses incompatible features this reader does not know";
	if (why) {
		snprintf(img->why_unreadable, sizeof(img->why_unreadable), "%s", why);
		return 0;
	}
	img->l1_entries = q.l1_size;
	img->l1 = calloc(q.l1_size ? q.l1_size : 1, sizeof(uint64_t));
	if (!img->l1)
		return -ENOMEM;
	r = image_host_read(img, img->l1, (size_t)q.l1_size * 8, q.l1_table_offset);
	if (r < 0) {
		snprintf(err, errlen, "qcow2 L1 table lies outside the file");
		return -EINVAL;
	}
	for (uint64_t i = 0; i < q.l1_size; i++)
		img->l1[i] = get_be64((const uint8_t *)&img->l1[i]);
	img->compressed_bits = 62 - (q.cluster_bits - 8);
	img->readable = true;
	return 0;
}

int qcow2_map(struct image *img, uint64_t off, uint64_t *host, uint64_t *unit, const uint8_t **data)
{
	uint32_t cbits = img->cluster_bits, l2_bits = cbits - 3;
	uint64_t l1i = off >> (cbits + l2_bits);
	uint64_t l2i = (off >> cbits) & ((1ULL << l2_bits) - 1);
	*unit = 1ULL << cbits;
	*host = 0;
	if (l1i >= img->l1_entries)
		return -EIO;
	uint64_t l2off = img->l1[l1i] & QCOW2_OFFSET_MASK;
	if (!l2off)
		return 0;
	const uint8_t *l2;
	int r = image_cached_table(img, l2off, (uint32_t)*unit, &l2);
	if (r < 0)
		return r;
	uint64_t e = get_be64(l2 + l2i * 8);
	if (e & QCOW2_COMPRESSED) {
		/* offset in the low bits, then the count of further 512-byte sectors */
		uint32_t x = img->compressed_bits;
		if (!x)
			return -ENOTSUP;
		uint64_t coff = e & ((1ULL << x) - 1);
		uint64_t nsec = ((e >> x) & ((1ULL << (cbits - 8)) - 1)) + 1;
		return image_inflate(img, coff, (size_t)(nsec * 512 - (coff & 511)), true, (size_t)*unit, data);
	}
	if (!(e & QCOW2_ZERO))
		*host = e & QCOW2_OFFSET_MASK;
	return 0;
}
