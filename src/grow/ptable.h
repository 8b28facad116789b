/* ptable.h — MBR and GPT partition tables as data: read, checked, the root's growth decided and rendered. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_MAX_PARTS 128
#define PT_MAX_SECTOR 4096
#define PT_GPT_MAX_ENTRIES_BYTES (1u << 20)

enum pt_type { PT_DOS, PT_GPT };

struct pt_part {
	unsigned partno;         /* 1…; MBR 1-4 primary (logical ones are not read) */
	uint64_t start, last;    /* in sectors, inclusive */
	bool extended;           /* an MBR extended container (its logical partitions live inside) */
};

/* Reads len bytes at byte offset off of the disk (an image file or the device). */
typedef int (*pt_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

struct ptable {
	enum pt_type type;
	unsigned sector;         /* logical sector size in bytes */
	uint64_t disk_sectors;   /* the disk's size now */
	uint64_t first_usable, last_usable;  /* GPT: as in the primary header; MBR: 1 and the disk's last */
	struct pt_part parts[PT_MAX_PARTS];
	size_t n;
	uint8_t mbr[512];        /* sector 0 as read */
	/* GPT: the primary header's sector and the entry array, as read */
	uint8_t header[PT_MAX_SECTOR];
	uint8_t *entries;        /* n_entries * entry_size bytes (owned) */
	uint32_t n_entries, entry_size;
	uint64_t alternate_lba, entries_lba;
};

/* Reads and checks the table of a disk of disk_bytes bytes with sectors of sector bytes:
 * the MBR's signature and entries, GPT's headers' CRCs, fields and entry array. A table
 * whose partitions overlap, lie outside the usable area or beyond the disk is refused
 * (-EUCLEAN, err says why); no table: -ENOMEDIUM. */
int ptable_read(pt_read_fn rd, void *ctx, uint64_t disk_bytes, unsigned sector, struct ptable *out, char *err,
		size_t errsize);
void ptable_free(struct ptable *pt);
const char *ptable_type_name(enum pt_type t);
const struct pt_part *ptable_find(const struct ptable *pt, unsigned partno);

/* How far partition partno can be extended: to the sector before the next partition, else
 * to the end of the usable area of the disk as it is now (GPT: with the backup header moved
 * to the disk's end). Growth under min_bytes is none (*new_last = the current last). */
struct pt_growth {
	uint64_t start, old_last, new_last;  /* sectors */
	bool grows;
	char why[160];                       /* what limits it, for the plan */
};
int ptable_growth(const struct ptable *pt, unsigned partno, uint64_t min_bytes, struct pt_growth *out, char *err,
		  size_t errsize);

/* The sectors to write for that growth, in the order to write them: GPT: the backup entries
 * and header at the disk's end first, then (after a barrier, PT_WRITE_BARRIER) the primary
 * entries, header and protective MBR; MBR: sector 0. */
struct pt_write {
	uint64_t off;            /* byte offset */
	uint8_t *data;
	size_t len;
	bool barrier_after;      /* make it durable before the next write */
};
struct pt_writes {
	struct pt_write w[5];
	size_t n;
};
int ptable_render_growth(const struct ptable *pt, unsigned partno, uint64_t new_last, struct pt_writes *out);
void pt_writes_free(struct pt_writes *w);
