/* initramfs.c — a bounded, streaming reader of initramfs file names: cpio newc after cpio, each one raw or compressed (zlib, liblzma, libzstd, liblz4), decompressed in fixed-size chunks and never held whole. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/initramfs.h"

#include <errno.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define CHUNK (256u << 10)
#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)
#define CPIO_HDR 110

/* --- cpio newc, fed in pieces ------------------------------------------------------------------ */

struct cpio {
	enum { C_HDR, C_NAME, C_SKIP, C_DONE } state;
	uint8_t hdr[CPIO_HDR];
	size_t have;                 /* bytes of hdr or name so far */
	char name[INITRAMFS_NAME_MAX + 4];
	size_t namesize, namepad;    /* the name with its NUL, and the padding after it */
	uint64_t skip;               /* file data and its padding left to skip */
	initramfs_cb cb;
	void *userdata;
	struct initramfs_info *info;
	int stop;                    /* what cb returned, once it is not 0 */
};

static int hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static int cpio_header(struct cpio *c)
{
	uint32_t filesize, namesize;
	if (memcmp(c->hdr, "07070", 5) || (c->hdr[5] != '1' && c->hdr[5] != '2') || hex8(c->hdr + 54, &filesize) ||
	    hex8(c->hdr + 94, &namesize))
		return -EINVAL;
	if (!namesize || namesize > INITRAMFS_NAME_MAX)
		return -EINVAL;
	if (++c->info->entries > INITRAMFS_MAX_ENTRIES)
		return -E2BIG;
	c->namesize = namesize;
	c->namepad = (4 - (CPIO_HDR + namesize) % 4) % 4;
	c->skip = filesize + (4 - filesize % 4) % 4;
	c->have = 0;
	c->state = C_NAME;
	return 0;
}

/* Feed n bytes; *used says how many belong to this archive (all unless it ended). */
static int cpio_feed(struct cpio *c, const uint8_t *p, size_t n, size_t *used)
{
	size_t i = 0;
	while (i < n && c->state != C_DONE && !c->stop) {
		if (c->state == C_HDR) {
			size_t k = CPIO_HDR - c->have < n - i ? CPIO_HDR - c->have : n - i;
			memcpy(c->hdr + c->have, p + i, k);
			c->have += k, i += k;
			int r = c->have == CPIO_HDR ? cpio_header(c) : 0;
			if (r < 0)
				return r;
		} else if (c->state == C_NAME) {
			size_t want = c->namesize + c->namepad, k = want - c->have < n - i ? want - c->have : n - i;
			memcpy(c->name + c->have, p + i, k);
			c->have += k, i += k;
			if (c->have < want)
				continue;
			c->name[c->namesize - 1] = '\0';
			if (!strcmp(c->name, "TRAILER!!!")) {
				c->state = C_DONE;
				break;
			}
			int r = c->cb ? c->cb(c->name, c->userdata) : 0;
			if (r < 0)
				return r;
			c->stop = r;
			c->state = C_SKIP;
		} else {
			uint64_t k = c->skip < n - i ? c->skip : n - i;
			c->skip -= k, i += (size_t)k;
			if (!c->skip)
				c->state = C_HDR, c->have = 0;
		}
	}
	*used = i;
	return 0;
}

/* --- one compressed segment -------------------------------------------------------------------- */

struct seg {
	struct cpio *c;
	uint8_t *out;                /* CHUNK bytes */
	uint64_t total_out;
	const char *err;
};

/* Hand decompressed bytes to the cpio reader: archives one after the other, zero padding
 * between them; 1 when cb stopped it. */
static int seg_out(struct seg *s, const uint8_t *p, size_t n)
{
	s->total_out += n;
	if (s->total_out > INITRAMFS_MAX_OUT)
		return -E2BIG;
	while (n && !s->c->stop) {
		if (s->c->state == C_DONE) {
			while (n && !*p)
				p++, n--;
			if (!n)
				break;
			s->c->state = C_HDR;
			s->c->have = 0;
		}
		size_t used;
		int r = cpio_feed(s->c, p, n, &used);
		if (r < 0)
			return r;
		p += used, n -= used;
	}
	return s->c->stop ? 1 : 0;
}

static int seg_gzip(struct seg *s, const uint8_t *in, size_t len, size_t *consumed)
{
	z_stream z = { .next_in = (Bytef *)in, .avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len) };
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -ENOMEM;
	int r = 0, zr = Z_OK;
	while (!r && zr != Z_STREAM_END) {
		z.next_out = s->out, z.avail_out = CHUNK;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			s->err = "damaged gzip data";
			r = zr == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
			break;
		}
		r = seg_out(s, s->out, CHUNK - z.avail_out);
		if (!r && zr == Z_OK && !z.avail_in && z.avail_out) {
			s->err = "truncated gzip data";
			r = -EINVAL;
		}
	}
	*consumed = z.total_in;
	inflateEnd(&z);
	return r < 0 ? r : 0;
}

static int seg_xz(struct seg *s, const uint8_t *in, size_t len, size_t *consumed)
{
	lzma_stream x = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&x, 256u << 20, 0) != LZMA_OK)
		return -ENOMEM;
	x.next_in = in, x.avail_in = len;
	int r = 0;
	lzma_ret lr = LZMA_OK;
	while (!r && lr != LZMA_STREAM_END) {
		x.next_out = s->out, x.avail_out = CHUNK;
		lr = lzma_code(&x, LZMA_FINISH);
		if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
			s->err = "damaged or truncated xz data";
			r = lr == LZMA_MEM_ERROR || lr == LZMA_MEMLIMIT_ERROR ? -ENOMEM : -EINVAL;
			break;
		}
		r = seg_out(s, s->out, CHUNK - x.avail_out);
	}
	*consumed = (size_t)x.total_in;
	lzma_end(&x);
	return r < 0 ? r : 0;
}

static int seg_zstd(struct seg *s, const uint8_t *in, size_t len, size_t *consumed)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	if (!d)
		return -ENOMEM;
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 27);   /* 128 MiB window at most */
	ZSTD_inBuffer ib = { in, len, 0 };
	int r = 0;
	size_t zr = 1;
	while (!r && zr && ib.pos < ib.size) {   /* 0: a frame ended; the next ones follow on */
		ZSTD_outBuffer ob = { s->out, CHUNK, 0 };
		zr = ZSTD_decompressStream(d, &ob, &ib);
		if (ZSTD_isError(zr)) {
			s->err = "damaged zstd data";
			r = -EINVAL;
			break;
		}
		r = seg_out(s, s->out, ob.pos);
	}
	*consumed = ib.pos;
	ZSTD_freeDStream(d);
	return r < 0 ? r : 0;
}

/* lz4 as the kernel reads it: the legacy format (8 MiB blocks after a magic), or a frame. */
static int seg_lz4(struct seg *s, const uint8_t *in, size_t len, size_t *consumed)
{
	if (len >= 4 && (uint32_t)(in[0] | in[1] << 8 | in[2] << 16 | (uint32_t)in[3] << 24) == LZ4_LEGACY_MAGIC) {
		uint8_t *blk = malloc(LZ4_LEGACY_BLOCK);
		if (!blk)
			return -ENOMEM;
		size_t pos = 4;
		int r = 0;
		while (!r && pos + 4 <= len) {
			uint32_t n = (uint32_t)(in[pos] | in[pos + 1] << 8 | in[pos + 2] << 16 | (uint32_t)in[pos + 3] << 24);
			if (n == LZ4_LEGACY_MAGIC) {
				pos += 4;
				continue;
			}
			if (!n || n > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK) || n > len - pos - 4)
				break;   /* the end of the stream (padding or another archive) */
			int got = LZ4_decompress_safe((const char *)in + pos + 4, (char *)blk, (int)n, LZ4_LEGACY_BLOCK);
			if (got < 0) {
				s->err = "damaged lz4 data";
				r = -EINVAL;
				break;
			}
			pos += 4 + n;
			r = seg_out(s, blk, (size_t)got);
		}
		free(blk);
		*consumed = pos;
		return r < 0 ? r : 0;
	}
	LZ4F_dctx *d;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return -ENOMEM;
	size_t pos = 0, lr = 1;
	int r = 0;
	while (!r && lr && pos < len) {
		size_t on = CHUNK, inn = len - pos;
		lr = LZ4F_decompress(d, s->out, &on, in + pos, &inn, NULL);
		if (LZ4F_isError(lr)) {
			s->err = "damaged lz4 data";
			r = -EINVAL;
			break;
		}
		pos += inn;
		r = seg_out(s, s->out, on);
		if (!r && !inn && !on)
			break;
	}
	*consumed = pos;
	LZ4F_freeDecompressionContext(d);
	return r < 0 ? r : 0;
}

/* --- the whole file ----------------------------------------------------------------------------- */

static const struct {
	const char *name;
	uint8_t magic[6];
	size_t mlen;
	int (*decode)(struct seg *s, const uint8_t *in, size_t len, size_t *consumed);
} codecs[] = {
	{ "cpio", "07070", 5, NULL },
	{ "gzip", { 0x1f, 0x8b }, 2, seg_gzip },
	{ "gzip", { 0x1f, 0x9e }, 2, seg_gzip },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, seg_xz },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, seg_zstd },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, seg_lz4 },
	{ "lz4", { 0x04, 0x22, 0x4d, 0x18 }, 4, seg_lz4 },
	{ "bzip2", "BZh", 3, NULL },
	{ "lzma", { 0x5d, 0, 0 }, 3, NULL },
	{ "lzo", { 0x89, 'L', 'Z', 'O', 0 }, 5, NULL },
};

static void add_format(struct initramfs_info *info, const char *name)
{
	size_t n = strlen(info->formats);
	if (n + strlen(name) + 2 < sizeof(info->formats))
		snprintf(info->formats + n, sizeof(info->formats) - n, "%s%s", n ? "+" : "", name);
}

int initramfs_scan(const uint8_t *data, size_t len, initramfs_cb cb, void *userdata, struct initramfs_info *info,
		   char *err, size_t errlen)
{
	*info = (struct initramfs_info){ 0 };
	struct cpio *c = malloc(sizeof(*c));
	uint8_t *out = malloc(CHUNK);
	int r = c && out ? 0 : -ENOMEM;
	size_t pos = 0;
	for (int segs = 0; !r && pos < len; segs++) {
		while (pos < len && !data[pos])   /* padding between archives */
			pos++;
		if (pos >= len)
			break;
		size_t k = 0;
		while (k < sizeof(codecs) / sizeof(codecs[0]) &&
		       (len - pos < codecs[k].mlen || memcmp(data + pos, codecs[k].magic, codecs[k].mlen)))
			k++;
		if (k == sizeof(codecs) / sizeof(codecs[0]) || segs >= INITRAMFS_MAX_SEGMENTS) {
			snprintf(err, errlen, segs ? "unknown data at offset %zu after the archives" : "not an initramfs (no cpio archive or known compression)", pos);
			r = segs >= INITRAMFS_MAX_SEGMENTS ? -E2BIG : -EINVAL;
			break;
		}
		add_format(info, codecs[k].name);
		if (k && !codecs[k].decode) {
			snprintf(err, errlen, "%s-compressed initramfs not read", codecs[k].name);
			r = -ENOTSUP;
			break;
		}
		*c = (struct cpio){ .cb = cb, .userdata = userdata, .info = info };
		struct seg s = { .c = c, .out = out };
		size_t used = 0;
		r = k ? codecs[k].decode(&s, data + pos, len - pos, &used) : cpio_feed(c, data + pos, len - pos, &used);
		if (r == -EINVAL || (!r && c->state != C_DONE && !c->stop)) {
			snprintf(err, errlen, "%s archive at offset %zu: %s", codecs[k].name, pos,
				 s.err ? s.err : r ? "damaged cpio header" : "ends without its trailer");
			r = -EINVAL;
		}
		if (c->stop)
			break;
		pos += used ? used : 1;
	}
	free(c);
	free(out);
	return r;
}
