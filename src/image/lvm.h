/* lvm.h — LVM2 physical volumes in an image and their logical volumes as images of their own. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "image/container.h"
#include "image/disk.h"

#define LVM_MAX_VOLUMES 64

/* A logical volume of a volume group found in the image. */
struct lvm_volume {
	char name[260];              /* "vg/lv" */
	char vg[128], lv[128];
	bool readable;               /* img reads its bytes … */
	char why[150];               /* … or why not (segment type, a physical volume not in the image) */
	struct image img;            /* linear volumes: their extents as one image over the disk's */
	int part_idx;                /* the partition holding its first extent (disk.parts), -1 the disk */
	struct partition info;       /* the file system in it (fstype, uuid, label), probed */
};

struct lvm {
	struct lvm_volume *vols;
	int nvols;
	int npvs;                    /* physical volumes found */
	char err[200];               /* the first physical volume whose metadata could not be read */
};

/* Find the physical volumes among the partitions of d (or the whole disk when it has no
 * table), read their metadata and make a volume for each visible logical volume. Returns 0
 * (a damaged physical volume only sets err) or -ENOMEM. The volumes read through img, which
 * must outlive them. */
int lvm_scan(struct image *img, const struct disk *d, struct lvm *out);
void lvm_free(struct lvm *l);

/* Pure helpers (unit-tested): the PV label in the first four sectors (2048 bytes) gives the
 * PV's UUID (32 characters) and the first metadata area; the metadata area header (512 bytes)
 * where the current text lies in it. */
struct lvm_label {
	char uuid[33];
	uint64_t dev_size;
	uint64_t mda_off, mda_size;  /* bytes from the PV's start */
};
int lvm_parse_label(const uint8_t *head, size_t len, struct lvm_label *out, char *err, size_t errlen);
struct lvm_mda {
	uint64_t text_off, text_size;   /* relative to the area; may wrap past its end to byte 512 */
	uint32_t checksum;
};
int lvm_parse_mda_header(const uint8_t *h, uint64_t mda_off, uint64_t mda_size, struct lvm_mda *out, char *err,
			 size_t errlen);
