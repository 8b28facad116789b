/* ptable.c — MBR and GPT reading, checking, the root partition's growth and its new sectors. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "grow/ptable.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/macros.h"

/* GPT header fields (little-endian byte offsets, UEFI spec 5.3.2) */
enum {
	GH_SIG = 0, GH_SIZE = 12, GH_CRC = 16, GH_MY = 24, GH_ALT = 32, GH_FIRST = 40, GH_LAST = 48,
	GH_ENTRIES = 72, GH_NENTRIES = 80, GH_ENTSIZE = 84, GH_ENTCRC = 88, GH_MIN_SIZE = 92,
};
enum { GE_FIRST = 32, GE_LAST = 40 };
enum { MBR_ENTRIES = 446, MBR_TYPE = 4, MBR_START = 8, MBR_COUNT = 12 };
#define MBR_GPT_TYPE 0xEE
#define MBR_MAX UINT64_C(0xFFFFFFFF)

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}
static uint32_t crc(const uint8_t *p, size_t len) { return (uint32_t)crc32(crc32(0, NULL, 0), p, (uInt)len); }

const char *ptable_type_name(enum pt_type t) { return t == PT_GPT ? "gpt" : "dos"; }

void ptable_free(struct ptable *pt)
{
	if (!pt)
		return;
	free(pt->entries);
	pt->entries = NULL;
}

const struct pt_part *ptable_find(const struct ptable *pt, unsigned partno)
{
	for (size_t i = 0; i < pt->n; i++)
		if (pt->parts[i].partno == partno)
			return &pt->parts[i];
	return NULL;
}

#define REFUSE(...) (snprintf(err, errsize, __VA_ARGS__), -EUCLEAN)

/* The header's own CRC, computed with its CRC field taken as zero. */
static uint32_t header_crc(const uint8_t *h, uint32_t size)
{
	uint8_t tmp[PT_MAX_SECTOR];
	memcpy(tmp, h, size);
	put32(tmp + GH_CRC, 0);
	return crc(tmp, size);
}

static int gpt_header(struct ptable *pt, char *err, size_t errsize)
{
	const uint8_t *h = pt->header;
	uint32_t size = le32(h + GH_SIZE);
	if (memcmp(h + GH_SIG, "EFI PART", 8) != 0)
		return REFUSE("protective MBR but no GPT header at sector 1");
	if (size < GH_MIN_SIZE || size > pt->sector || header_crc(h, size) != le32(h + GH_CRC))
		return REFUSE("GPT header: bad size or CRC");
	pt->alternate_lba = le64(h + GH_ALT);
	pt->first_usable = le64(h + GH_FIRST);
	pt->last_usable = le64(h + GH_LAST);
	pt->entries_lba = le64(h + GH_ENTRIES);
	pt->n_entries = le32(h + GH_NENTRIES);
	pt->entry_size = le32(h + GH_ENTSIZE);
	uint64_t bytes = (uint64_t)pt->n_entries * pt->entry_size;
	uint64_t ent_sectors = (bytes + pt->sector - 1) / pt->sector;
	if (le64(h + GH_MY) != 1 || pt->entry_size < 128 || pt->entry_size % 8 || bytes == 0 ||
	    bytes > PT_GPT_MAX_ENTRIES_BYTES)
		return REFUSE("GPT header: bad own LBA or entry array size");
	if (pt->entries_lba < 2 || pt->entries_lba + ent_sectors > pt->first_usable ||
	    pt->first_usable > pt->last_usable || pt->last_usable >= pt->alternate_lba ||
	    pt->alternate_lba >= pt->disk_sectors)
		return REFUSE("GPT header: usable area %llu-%llu, entries at %llu, backup at %llu do not fit a disk of %llu sectors",
			      (unsigned long long)pt->first_usable, (unsigned long long)pt->last_usable,
			      (unsigned long long)pt->entries_lba, (unsigned long long)pt->alternate_lba,
			      (unsigned long long)pt->disk_sectors);
	return 0;
}

static int gpt_read(pt_read_fn rd, void *ctx, struct ptable *pt, char *err, size_t errsize)
{
	int r = rd(ctx, pt->sector, pt->header, pt->sector);
	if (r < 0)
		return r;
	if ((r = gpt_header(pt, err, errsize)) < 0)
		return r;
	size_t bytes = (size_t)pt->n_entries * pt->entry_size;
	pt->entries = malloc(bytes);
	if (!pt->entries)
		return -ENOMEM;
	if ((r = rd(ctx, pt->entries_lba * pt->sector, pt->entries, bytes)) < 0)
		return r;
	if (crc(pt->entries, bytes) != le32(pt->header + GH_ENTCRC))
		return REFUSE("GPT entry array: bad CRC");
	static const uint8_t unused[16];
	for (uint32_t i = 0; i < pt->n_entries; i++) {
		const uint8_t *e = pt->entries + (size_t)i * pt->entry_size;
		if (memcmp(e, unused, 16) == 0)
			continue;
		if (pt->n == PT_MAX_PARTS)
			return REFUSE("GPT: more than %d partitions", PT_MAX_PARTS);
		pt->parts[pt->n++] = (struct pt_part){ .partno = i + 1, .start = le64(e + GE_FIRST), .last = le64(e + GE_LAST) };
	}
	return 0;
}

static bool mbr_is_extended(uint8_t type) { return type == 0x05 || type == 0x0F || type == 0x85; }

static int mbr_read(struct ptable *pt, bool *gpt)
{
	*gpt = false;
	pt->first_usable = 1;
	pt->last_usable = pt->disk_sectors - 1;
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = pt->mbr + MBR_ENTRIES + 16 * i;
		uint32_t start = le32(e + MBR_START), count = le32(e + MBR_COUNT);
		if (e[MBR_TYPE] == MBR_GPT_TYPE)
			*gpt = true;
		if (e[MBR_TYPE] == 0 || count == 0)
			continue;
		pt->parts[pt->n++] = (struct pt_part){ .partno = i + 1, .start = start, .last = (uint64_t)start + count - 1,
						       .extended = mbr_is_extended(e[MBR_TYPE]) };
	}
	return 0;
}

/* Every partition inside the usable area, none overlapping another. */
static int check_parts(const struct ptable *pt, char *err, size_t errsize)
{
	for (size_t i = 0; i < pt->n; i++) {
		const struct pt_part *a = &pt->parts[i];
		if (a->start > a->last || a->start < pt->first_usable || a->last > pt->last_usable)
			return REFUSE("partition %u (sectors %llu-%llu) lies outside the usable area %llu-%llu", a->partno,
				      (unsigned long long)a->start, (unsigned long long)a->last,
				      (unsigned long long)pt->first_usable, (unsigned long long)pt->last_usable);
		for (size_t j = 0; j < i; j++) {
			const struct pt_part *b = &pt->parts[j];
			if (a->start <= b->last && b->start <= a->last)
				return REFUSE("partitions %u and %u overlap", b->partno, a->partno);
		}
	}
	return 0;
}

int ptable_read(pt_read_fn rd, void *ctx, uint64_t disk_bytes, unsigned sector, struct ptable *out, char *err,
		size_t errsize)
{
	if (sector < 512 || sector > PT_MAX_SECTOR || (sector & (sector - 1)) || disk_bytes / sector < 64)
		return REFUSE("sector size %u or disk size %llu not supported", sector, (unsigned long long)disk_bytes);
	struct ptable *pt = calloc(1, sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	pt->sector = sector;
	pt->disk_sectors = disk_bytes / sector;
	bool gpt;
	int r = rd(ctx, 0, pt->mbr, sizeof(pt->mbr));
	if (r == 0 && (pt->mbr[510] != 0x55 || pt->mbr[511] != 0xAA)) {
		snprintf(err, errsize, "no partition table (no MBR signature)");
		r = -ENOMEDIUM;
	}
	if (r == 0)
		r = mbr_read(pt, &gpt);
	if (r == 0 && gpt) {
		pt->n = 0;
		pt->type = PT_GPT;
		r = gpt_read(rd, ctx, pt, err, errsize);
	}
	if (r == 0)
		r = check_parts(pt, err, errsize);
	if (r == 0)
		*out = *pt;
	else
		ptable_free(pt);
	free(pt);
	return r;
}

/* GPT with the backup at the disk's end: its entries just before the last sector. */
static uint64_t gpt_entry_sectors(const struct ptable *pt)
{
	return ((uint64_t)pt->n_entries * pt->entry_size + pt->sector - 1) / pt->sector;
}
static uint64_t new_last_usable(const struct ptable *pt)
{
	if (pt->type == PT_GPT)
		return pt->disk_sectors - 2 - gpt_entry_sectors(pt);
	return pt->disk_sectors - 1 < MBR_MAX ? pt->disk_sectors - 1 : MBR_MAX;
}

int ptable_growth(const struct ptable *pt, unsigned partno, uint64_t min_bytes, struct pt_growth *out, char *err,
		  size_t errsize)
{
	const struct pt_part *p = ptable_find(pt, partno);
	if (!p)
		return REFUSE("the %s table has no partition %u%s", ptable_type_name(pt->type), partno,
			      pt->type == PT_DOS && partno > 4 ? " (logical partitions are not grown)" : "");
	if (p->extended)
		return REFUSE("partition %u is an extended partition", partno);
	struct pt_growth g = { .start = p->start, .old_last = p->last, .new_last = new_last_usable(pt) };
	snprintf(g.why, sizeof(g.why), "the end of the disk");
	if (pt->type == PT_DOS && g.new_last == MBR_MAX)
		snprintf(g.why, sizeof(g.why), "the 2 TiB limit of an MBR table");
	for (size_t i = 0; i < pt->n; i++) {
		const struct pt_part *o = &pt->parts[i];
		if (o != p && o->start > p->last && o->start - 1 < g.new_last) {
			g.new_last = o->start - 1;
			snprintf(g.why, sizeof(g.why), "partition %u", o->partno);
		}
	}
	if (g.new_last < p->last || (g.new_last - p->last) * pt->sector < min_bytes)
		g.new_last = p->last;
	g.grows = g.new_last > p->last;
	*out = g;
	return 0;
}

static int add_write(struct pt_writes *w, uint64_t off, const void *data, size_t len, bool barrier)
{
	uint8_t *copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	w->w[w->n++] = (struct pt_write){ .off = off, .data = copy, .len = len, .barrier_after = barrier };
	return 0;
}

void pt_writes_free(struct pt_writes *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->w[i].data);
	w->n = 0;
}

static int render_gpt(const struct ptable *pt, unsigned partno, uint64_t new_last, struct pt_writes *out)
{
	size_t bytes = (size_t)pt->n_entries * pt->entry_size;
	uint64_t alt = pt->disk_sectors - 1, alt_entries = alt - gpt_entry_sectors(pt);
	_cleanup_free_ uint8_t *ent = malloc(bytes);
	if (!ent)
		return -ENOMEM;
	memcpy(ent, pt->entries, bytes);
	put64(ent + (size_t)(partno - 1) * pt->entry_size + GE_LAST, new_last);
	uint8_t prim[PT_MAX_SECTOR], back[PT_MAX_SECTOR], mbr[512];
	uint32_t hsize = le32(pt->header + GH_SIZE);
	memcpy(prim, pt->header, pt->sector);
	put64(prim + GH_ALT, alt);
	put64(prim + GH_LAST, new_last_usable(pt));
	put32(prim + GH_ENTCRC, crc(ent, bytes));
	memcpy(back, prim, pt->sector);
	put64(back + GH_MY, alt);
	put64(back + GH_ALT, 1);
	put64(back + GH_ENTRIES, alt_entries);
	put32(prim + GH_CRC, header_crc(prim, hsize));
	put32(back + GH_CRC, header_crc(back, hsize));
	/* the protective MBR's one entry covers the whole disk again (a hybrid MBR is left alone) */
	memcpy(mbr, pt->mbr, sizeof(mbr));
	uint8_t *pe = mbr + MBR_ENTRIES;
	bool protective = pe[MBR_TYPE] == MBR_GPT_TYPE && le32(pe + MBR_START) == 1 && !pe[16 + MBR_TYPE] &&
			  !pe[32 + MBR_TYPE] && !pe[48 + MBR_TYPE];
	if (protective)
		put32(pe + MBR_COUNT, (uint32_t)(alt < MBR_MAX ? alt : MBR_MAX));
	int r = add_write(out, alt_entries * pt->sector, ent, bytes, false);
	if (r == 0)
		r = add_write(out, alt * pt->sector, back, pt->sector, true);
	if (r == 0)
		r = add_write(out, pt->entries_lba * pt->sector, ent, bytes, false);
	if (r == 0)
		r = add_write(out, pt->sector, prim, pt->sector, !protective);
	if (r == 0 && protective)
		r = add_write(out, 0, mbr, sizeof(mbr), true);
	return r;
}

int ptable_render_growth(const struct ptable *pt, unsigned partno, uint64_t new_last, struct pt_writes *out)
{
	const struct pt_part *p = ptable_find(pt, partno);
	if (!p || new_last <= p->last || new_last > new_last_usable(pt))
		return -EINVAL;
	struct pt_writes w = { 0 };
	int r;
	if (pt->type == PT_GPT) {
		r = render_gpt(pt, partno, new_last, &w);
	} else {
		uint8_t mbr[512];
		memcpy(mbr, pt->mbr, sizeof(mbr));
		put32(mbr + MBR_ENTRIES + 16 * (partno - 1) + MBR_COUNT, (uint32_t)(new_last - p->start + 1));
		r = add_write(&w, 0, mbr, sizeof(mbr), true);
	}
	if (r < 0) {
		pt_writes_free(&w);
		return r;
	}
	*out = w;
	return 0;
}
