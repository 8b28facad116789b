/* format.h — a container format's operations, the one table of formats, and their shared helpers. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "image/container.h"

/* What detection sees of the file. */
#define IMAGE_HEAD_LEN 65536
struct image_probe {
	const uint8_t *head;        /* the first head_len bytes, zero-padded to IMAGE_HEAD_LEN */
	size_t head_len;
	const uint8_t *tail;        /* the last 512 bytes, or NULL when the file is shorter */
	uint64_t file_size;
};

/* What a format's detect found (its open may refine kind). */
struct image_match {
	enum image_kind kind;
	const char *what;           /* an unsupported format's name (static string), else NULL */
};

/* detect results: 0 not this format; the highest wins, a tie goes to the earlier row. */
enum image_confidence {
	IMAGE_NO = 0,
	IMAGE_FALLBACK,             /* any file (raw) */
	IMAGE_COPY_MARK,            /* a copy of a mark that belongs elsewhere (a VHD footer at 0) */
	IMAGE_TAIL_MARK,            /* a footer in the last 512 bytes */
	IMAGE_HEAD_MAGIC,           /* a magic number in the first bytes */
};

/* Where the guest bytes from an offset on come from. */
struct image_extent {
	uint64_t len;               /* how many bytes (> 0) this extent covers */
	const uint8_t *data;        /* their decoded bytes (a decompressed unit), or else … */
	uint64_t host;              /* … their host offset, unless … */
	bool zero;                  /* … they read as zeros */
};

struct image_format {
	const char *name;           /* as reports print it; unique */
	unsigned kinds;             /* the enum image_kind values it reports: 1u << kind each */
	/* How surely the probe is this format (enum image_confidence); fills m on a match. */
	int (*detect)(const struct image_probe *p, struct image_match *m);
	/* Parse the container; may set img->detail, readable, why_unreadable, backing_file and
	 * refine m->kind. Returns 0 with *state set (also when the contents cannot be read), or
	 * negative errno with the message in err, having freed what it allocated. */
	int (*open)(struct image *img, const struct image_probe *p, struct image_match *m, void **state,
		    char *err, size_t errlen);
	/* The extent at guest offset off (< virtual size) of a readable image; host reads go
	 * through img (image_host_read). */
	int (*map)(void *state, const struct image *img, uint64_t off, struct image_extent *x);
	uint64_t (*virtual_size)(const void *state);
	void (*close)(void *state);
};

extern const struct image_format image_format_qcow2;
extern const struct image_format image_format_vmdk;
extern const struct image_format image_format_unsupported;
extern const struct image_format image_format_vhd;
extern const struct image_format image_format_raw;

/* The formats detection tries (format.c). */
extern const struct image_format *const image_formats[];
extern const size_t image_formats_count;

/* --- helpers the format readers share (format.c) ------------------------------------------ */

static inline bool image_has_magic(const struct image_probe *p, size_t at, const char *magic, size_t mlen)
{
	return p->head_len >= at + mlen && memcmp(p->head + at, magic, mlen) == 0;
}

/* Exactly len bytes at host offset off; -EIO when they lie outside the file. */
int image_host_read(const struct image *img, void *buf, size_t len, uint64_t off);

/* Load n 32-bit entries at host offset off into a new array *out (the VHD BAT, the VMDK
 * grain directory); -EINVAL when they lie outside the file. */
int image_load_table32(const struct image *img, uint64_t off, uint64_t n, bool big_endian, uint64_t **out);

/* A small cache of second-level tables (qcow2 L2, VMDK grain tables) a format's state holds. */
#define IMAGE_TABLE_SLOTS 8
struct image_tables {
	struct {
		uint64_t off;
		uint32_t len;
		uint8_t *data;
	} slot[IMAGE_TABLE_SLOTS];
	unsigned next;
};
/* The host bytes [off, off+len) through the cache; *table stays valid until the next call. */
int image_cached_table(const struct image *img, struct image_tables *c, uint64_t off, uint32_t len,
		       const uint8_t **table);
void image_tables_free(struct image_tables *c);

/* The last decompressed cluster or grain, kept for the reads that follow. */
struct image_unit {
	uint8_t *buf;
	uint64_t key;               /* its host offset + 1 (0: empty) */
};
/* Inflate comp_len bytes at host offset off (raw deflate when raw, else zlib format) into
 * exactly out_len bytes, kept in u; *out valid until the next call. */
int image_inflate(const struct image *img, struct image_unit *u, uint64_t off, size_t comp_len, bool raw,
		  size_t out_len, const uint8_t **out);
void image_unit_free(struct image_unit *u);
