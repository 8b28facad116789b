/* container.h — disk image containers (raw/qcow2/VHD/VMDK): open, virtual size, guest reads. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the file is: a format's variant, as the checks and reports tell them apart. Each value
 * belongs to one format of the table (format.h), whose name image_format_name() prints. */
enum image_kind {
	IMG_RAW,
	IMG_QCOW2,
	IMG_VHD_FIXED,
	IMG_VHD_DYNAMIC,
	IMG_VMDK_SPARSE,      /* hosted sparse extent ("KDMV"), monolithicSparse or streamOptimized */
	IMG_VMDK_DESCRIPTOR,  /* a text descriptor naming separate extent files */
	IMG_UNSUPPORTED,      /* a known format we do not read (VDI, VHDX, QED, archives …) */
	IMG_KINDS             /* how many */
};

/* The name of the format that reports k ("raw", "qcow2", "vhd", "vmdk", "unsupported"). */
const char *image_format_name(enum image_kind k);

/* --- pure header parsers (unit-tested on synthetic headers) --------------------------- */

/* Guess the container from the first bytes of the file and its last 512 bytes.
 * *what names an unsupported format (static string) when IMG_UNSUPPORTED is returned. */
enum image_kind image_detect(const uint8_t *head, size_t head_len, const uint8_t *tail512,
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

struct image_format;   /* a format's operations (format.h) */

struct image {
	int fd;
	enum image_kind format;
	uint64_t file_size;
	uint64_t virtual_size;
	const char *detail;         /* "fixed", "dynamic", "monolithicSparse", unsupported format name … */
	bool readable;              /* guest bytes can be read (else why_unreadable says why) */
	char why_unreadable[160];
	char *backing_file;         /* the image depends on this file (qcow2 backing file), or NULL */
	const struct image_format *fmt;   /* the reader of the format … */
	void *state;                      /* … and its private state */
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

/* Whether the guest bytes are the host file's bytes [0, virtual_size) (raw, fixed VHD), so
 * the file itself can be probed in place. */
bool image_flat(struct image *img);

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
