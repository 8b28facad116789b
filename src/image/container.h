/* container.h — raw/qcow2/VHD/VMDK: headers, virtual size, guest reads via block maps. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum image_format {
	IMG_RAW,
	IMG_QCOW2,
	IMG_VHD_FIXED,
	IMG_VHD_DYNAMIC,
	IMG_VMDK_SPARSE,      /* hosted sparse extent ("KDMV"), monolithicSparse or streamOptimized */
	IMG_VMDK_DESCRIPTOR,  /* a text descriptor naming separate extent files */
	IMG_UNSUPPORTED,      /* a known format we do not read (VDI, VHDX, QED, archives …) */
};

const char *image_format_name(enum image_format f);

/* --- pure header parsers (unit-tested on synthetic headers) --------------------------- */

/* Guess the container from the first bytes of the file and its last 512 bytes.
 * *what names an unsupported format (static string) when IMG_UNSUPPORTED is returned. */
enum image_format image_detect(const uint8_t *head, size_t head_len, const uint8_t *tail512,
			       uint64_t file_size, const char **what);

struct qcow2_header {
	uint32_t version;
	uint32_t cluster_bits;
	uint64_t size;              /* virtual size in bytes */
	uint32_t crypt_method;
	uint32_t l1_size;           /* entries */
	uint64_t l1_table_offset;
	uint64_t backing_file_offset;
	uint32_t backing_file_size;
	uint64_t incompatible_features;
};
enum {
	QCOW2_INCOMPAT_DIRTY = 1u << 0,
	QCOW2_INCOMPAT_CORRUPT = 1u << 1,
	QCOW2_INCOMPAT_DATA_FILE = 1u << 2,
	QCOW2_INCOMPAT_COMPRESSION = 1u << 3,
	QCOW2_INCOMPAT_EXTL2 = 1u << 4,
};
/* 0 or -EINVAL (message in err); checks only what the header alone can tell. */
int qcow2_parse_header(const uint8_t *h, size_t len, struct qcow2_header *out, char *err, size_t errlen);

struct vhd_footer {
	uint32_t disk_type;         /* 2 fixed, 3 dynamic, 4 differencing */
	uint64_t data_offset;       /* dynamic: offset of the dynamic disk header */
	uint64_t current_size;      /* virtual size in bytes */
};
struct vhd_dyn_header {
	uint64_t table_offset;      /* block allocation table */
	uint32_t max_table_entries;
	uint32_t block_size;
};
/* Footer (512 bytes, "conectix", checksum verified) and dynamic header (1024, "cxsparse"). */
int vhd_parse_footer(const uint8_t *f, struct vhd_footer *out, char *err, size_t errlen);
int vhd_parse_dyn_header(const uint8_t *h, struct vhd_dyn_header *out, char *err, size_t errlen);

struct vmdk_header {
	uint32_t version;
	uint32_t flags;
	uint64_t capacity;          /* sectors */
	uint64_t grain_size;        /* sectors */
	uint32_t num_gtes_per_gt;
	uint64_t gd_offset;         /* sectors */
	uint16_t compress_algorithm;
};
#define VMDK_GD_AT_END 0xffffffffffffffffULL
int vmdk_parse_header(const uint8_t *h, size_t len, struct vmdk_header *out, char *err, size_t errlen);
/* Sum of the extent sizes ("RW 12582912 SPARSE "x.vmdk"") of a text descriptor, in sectors;
 * -EINVAL when there is none. */
int vmdk_descriptor_sectors(const char *text, size_t len, uint64_t *sectors);

/* --- an open image ----------------------------------------------------------------------- */

struct map_cache;   /* small cache of second-level tables (qcow2 L2, VMDK GT) */

struct image {
	int fd;
	enum image_format format;
	uint64_t file_size;
	uint64_t virtual_size;
	const char *detail;         /* "fixed", "dynamic", "monolithicSparse", unsupported format name … */
	bool readable;              /* guest bytes can be read (else why_unreadable says why) */
	char why_unreadable[160];
	char *backing_file;         /* qcow2 backing file name, or NULL */
	/* per-format block map */
	uint32_t cluster_bits;      /* qcow2 */
	uint64_t *l1;               /* qcow2: L1 table (host byte order); VMDK: grain directory */
	uint64_t l1_entries;
	uint32_t block_size;        /* VHD dynamic block / VMDK grain, bytes */
	uint32_t bitmap_size;       /* VHD dynamic: sector bitmap bytes before each block */
	uint32_t gtes_per_gt;       /* VMDK */
	uint32_t compressed_bits;   /* qcow2 compressed descriptors: offset bits (0: none allowed) */
	bool vmdk_markers;          /* VMDK streamOptimized: grains are compressed, behind markers */
	struct map_cache *cache;
	uint8_t *unit_buf;          /* the last decompressed cluster/grain … */
	uint64_t unit_key;          /* … and its host offset + 1 (0: empty) */
};

#define IMAGE_INIT { .fd = -1 }

/* Open and parse a container. Returns 0 (even when the format is unsupported or its
 * contents unreadable: see format/readable), or negative errno when the file cannot be
 * opened or its header is damaged (message in err). */
int image_open(const char *path, struct image *img, char *err, size_t errlen);
void image_close(struct image *img);

/* Read guest bytes [off, off+len). Unallocated areas read as zeros. -ENOTSUP for data the
 * reader cannot decode (compressed clusters), -EINVAL beyond the virtual size, -EIO on
 * a short or corrupt host read. */
int image_pread(struct image *img, void *buf, size_t len, uint64_t off);

/* Format-specific openers and readers (qcow2.c, vhd.c, vmdk.c). */
int qcow2_open(struct image *img, const uint8_t *head, size_t head_len, char *err, size_t errlen);
/* Map guest offset off to a host offset (*host = 0: reads as zeros) within a unit of
 * *unit bytes (cluster, block, grain) that starts at a multiple of *unit; or, for a
 * compressed unit, to its decompressed bytes in *data (else left NULL). */
int qcow2_map(struct image *img, uint64_t off, uint64_t *host, uint64_t *unit, const uint8_t **data);
int vhd_open(struct image *img, const uint8_t *footer, char *err, size_t errlen);
int vhd_map(struct image *img, uint64_t off, uint64_t *host, uint64_t *unit, const uint8_t **data);
int vmdk_open(struct image *img, const uint8_t *head, size_t head_len, char *err, size_t errlen);
int vmdk_map(struct image *img, uint64_t off, uint64_t *host, uint64_t *unit, const uint8_t **data);

/* Shared helpers for the format readers (container.c). */
int image_host_read(struct image *img, void *buf, size_t len, uint64_t off);
/* Load n 32-bit entries at host offset off into img->l1 (the VHD BAT, the VMDK grain
 * directory); -EINVAL when they lie outside the file. */
int image_load_table32(struct image *img, uint64_t off, uint64_t n, bool big_endian);
/* Inflate comp_len bytes at host offset off (raw deflate when raw, else zlib format) into
 * exactly out_len bytes, cached as the last unit; *out valid until the next call. */
int image_inflate(struct image *img, uint64_t off, size_t comp_len, bool raw, size_t out_len,
		  const uint8_t **out);
/* The bytes [off, off+len) of the host file through a small cache of second-level tables
 * (qcow2 L2, VMDK grain tables); *table stays valid until the next call. */
int image_cached_table(struct image *img, uint64_t off, uint32_t len, const uint8_t **table);

static inline uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get_le64(const uint8_t *p) { return get_le32(p) | (uint64_t)get_le32(p + 4) << 32; }
static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline uint64_t get_be64(const uint8_t *p) { return (uint64_t)get_be32(p) << 32 | get_be32(p + 4); }
