/* qcow2.c — QEMU copy-on-write v2/v3 images: header, L1/L2 cluster map, guest reads. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ULL
#define QCOW2_COMPRESSED (1ULL << 62)
#define QCOW2_ZERO 1ULL
#define QCOW2_KNOWN_INCOMPAT 0x1fULL
#define QCOW2_MAX_L1_BYTES (32u << 20)

struct qcow2 {
	uint64_t size;
	uint32_t cluster_bits;
	uint32_t compressed_bits;   /* compressed descriptors: offset bits */
	uint64_t *l1;               /* host byte order */
	uint64_t l1_entries;
	struct image_tables l2;
	struct image_unit unit;
};

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

static int qcow2_detect(const struct image_probe *p, struct image_match *m)
{
	/* version 1 is the unsupported format's */
	if (!image_has_magic(p, 0, "QFI\xfb", 4) || (p->head_len >= 8 && get_be32(p->head + 4) < 2))
		return IMAGE_NO;
	m->kind = IMG_QCOW2;
	return IMAGE_HEAD_MAGIC;
}

static void qcow2_close(void *state)
{
	struct qcow2 *st = state;
	if (!st)
		return;
	free(st->l1);
	image_tables_free(&st->l2);
	image_unit_free(&st->unit);
	free(st);
}

/* Why this reader cannot decode the image's clusters, or NULL. */
static const char *qcow2_unreadable(const struct qcow2_header *q, const struct image_probe *p)
{
	uint64_t f = q->incompatible_features;
	if (q->crypt_method)
		return "the qcow2 image is encrypted";
	if (f & QCOW2_INCOMPAT_CORRUPT)
		return "the qcow2 image is marked corrupt (run qemu-img check -r all)";
	if (f & QCOW2_INCOMPAT_DATA_FILE)
		return "the qcow2 image keeps its data in an external file";
	if ((f & QCOW2_INCOMPAT_COMPRESSION) && (p->head_len < 105 || p->head[104] != 0))
		return "the qcow2 image compresses with zstd, which this reader does not decode";
	if (f & QCOW2_INCOMPAT_EXTL2)
		return "the qcow2 image uses extended L2 entries (subclusters), which this reader does not decode";
	if (f & ~QCOW2_KNOWN_INCOMPAT)
		return "the qcow2 image uses incompatible features this reader does not know";
	return NULL;
}

static int qcow2_load_l1(const struct image *img, struct qcow2 *st, const struct qcow2_header *q)
{
	st->l1_entries = q->l1_size;
	st->l1 = calloc(q->l1_size ? q->l1_size : 1, sizeof(uint64_t));
	if (!st->l1)
		return -ENOMEM;
	if (image_host_read(img, st->l1, (size_t)q->l1_size * 8, q->l1_table_offset) < 0)
		return -EINVAL;
	for (uint64_t i = 0; i < q->l1_size; i++)
		st->l1[i] = get_be64((const uint8_t *)&st->l1[i]);
	st->compressed_bits = 62 - (q->cluster_bits - 8);
	return 0;
}

/* The backing file's name (qcow2 images with one are not read). */
static int qcow2_backing_file(struct image *img, const struct qcow2_header *q, const struct image_probe *p,
			      char *err, size_t errlen)
{
	if (q->backing_file_size == 0 || q->backing_file_size > 1023 || q->backing_file_offset > p->head_len ||
	    q->backing_file_size > p->head_len - q->backing_file_offset) {
		snprintf(err, errlen, "qcow2 backing file name out of range");
		return -EINVAL;
	}
	img->backing_file = strndup((const char *)p->head + q->backing_file_offset, q->backing_file_size);
	if (!img->backing_file)
		return -ENOMEM;
	snprintf(img->why_unreadable, sizeof(img->why_unreadable), "the qcow2 image depends on a backing file");
	return 0;
}

static int qcow2_open(struct image *img, const struct image_probe *p, struct image_match *m _unused_,
		      void **state, char *err, size_t errlen)
{
	struct qcow2_header q;
	int r = qcow2_parse_header(p->head, p->head_len, &q, err, errlen);
	if (r < 0)
		return r;
	struct qcow2 *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->size = q.size;
	st->cluster_bits = q.cluster_bits;
	img->detail = q.version == 3 ? "v3" : "v2";
	const char *why = NULL;
	if (q.backing_file_offset)
		r = qcow2_backing_file(img, &q, p, err, errlen);
	else if ((why = qcow2_unreadable(&q, p)))
		snprintf(img->why_unreadable, sizeof(img->why_unreadable), "%s", why);
	else if ((r = qcow2_load_l1(img, st, &q)) == -EINVAL)
		snprintf(err, errlen, "qcow2 L1 table lies outside the file");
	else if (r == 0)
		img->readable = true;
	if (r < 0) {
		qcow2_close(st);
		return r;
	}
	*state = st;
	return 0;
}

static int qcow2_map(void *state, const struct image *img, uint64_t off, struct image_extent *x)
{
	struct qcow2 *st = state;
	uint32_t cbits = st->cluster_bits, l2_bits = cbits - 3;
	uint64_t l1i = off >> (cbits + l2_bits);
	uint64_t l2i = (off >> cbits) & ((1ULL << l2_bits) - 1);
	uint64_t unit = 1ULL << cbits, in = off & (unit - 1);
	*x = (struct image_extent){ .len = unit - in, .zero = true };
	if (l1i >= st->l1_entries)
		return -EIO;
	uint64_t l2off = st->l1[l1i] & QCOW2_OFFSET_MASK;
	if (!l2off)
		return 0;
	const uint8_t *l2;
	int r = image_cached_table(img, &st->l2, l2off, (uint32_t)unit, &l2);
	if (r < 0)
		return r;
	uint64_t e = get_be64(l2 + l2i * 8);
	if (e & QCOW2_COMPRESSED) {
		/* offset in the low bits, then the count of further 512-byte sectors */
		uint32_t xb = st->compressed_bits;
		if (!xb)
			return -ENOTSUP;
		uint64_t coff = e & ((1ULL << xb) - 1);
		uint64_t nsec = ((e >> xb) & ((1ULL << (cbits - 8)) - 1)) + 1;
		const uint8_t *data;
		r = image_inflate(img, &st->unit, coff, (size_t)(nsec * 512 - (coff & 511)), true, (size_t)unit, &data);
		if (r < 0)
			return r;
		x->data = data + in;
		x->zero = false;
		return 0;
	}
	uint64_t host = e & QCOW2_ZERO ? 0 : e & QCOW2_OFFSET_MASK;
	if (host) {
		x->host = host + in;
		x->zero = false;
	}
	return 0;
}

static uint64_t qcow2_virtual_size(const void *state)
{
	return ((const struct qcow2 *)state)->size;
}

const struct image_format image_format_qcow2 = {
	.name = "qcow2",
	.kinds = 1u << IMG_QCOW2,
	.detect = qcow2_detect,
	.open = qcow2_open,
	.map = qcow2_map,
	.virtual_size = qcow2_virtual_size,
	.close = qcow2_close,
};
