/* lvm_meta.h — the LVM2 text metadata of a volume group: parser and model (pure). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on what one volume group may describe. */
enum {
	LVM_MAX_TEXT = 1 << 20,      /* bytes of metadata text */
	LVM_MAX_PVS = 16,
	LVM_MAX_LVS = 64,
	LVM_MAX_SEGS = 64,           /* per logical volume */
};

struct lvm_seg {
	uint64_t start_extent, extent_count;
	char type[24];               /* "striped" (linear when stripe_count is 1), "thin", "raid1" … */
	uint32_t stripe_count;
	int pv;                      /* the first stripe: index into vg.pvs, or -1 … */
	uint64_t pe;                 /* … and its first physical extent */
};

struct lvm_lv {
	char name[128];
	bool visible;                /* status has VISIBLE (internal volumes do not) */
	int nsegs;
	struct lvm_seg segs[LVM_MAX_SEGS];
};

struct lvm_pv {
	char name[32];               /* "pv0": how segments name it */
	char id[33];                 /* the PV UUID without dashes, as the PV label holds it */
	uint64_t pe_start, pe_count; /* sectors; extents */
};

struct lvm_vg {
	char name[128];
	char id[33];
	uint64_t seqno;
	uint64_t extent_size;        /* sectors */
	int npvs, nlvs;
	struct lvm_pv pvs[LVM_MAX_PVS];
	struct lvm_lv *lvs;          /* nlvs entries */
};

/* Parse the text (at most LVM_MAX_TEXT bytes; a NUL ends it early) into vg. Returns 0, or
 * -EINVAL / -E2BIG with the reason in err; vg is untouched on failure. */
int lvm_parse_metadata(const char *text, size_t len, struct lvm_vg *vg, char *err, size_t errlen);
void lvm_vg_free(struct lvm_vg *vg);
/* Whether a segment is linear (type "striped" with one stripe), the only kind read. */
bool lvm_seg_linear(const struct lvm_seg *s);
