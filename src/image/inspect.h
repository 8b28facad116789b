/* inspect.h — what `image check` learns first: container, partitions, fs views, root. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "image/container.h"
#include "image/disk.h"
#include "image/lvm.h"
#include "tree/fsview.h"

struct part_fs {
	struct fsview *fs;       /* NULL when not readable (err says why) */
	bool tried;
	char err[160];
};

struct inspect {
	const char *target;
	bool directory;          /* --root DIR: no container, no partitions */
	struct image img;
	int img_rc;              /* image_open result */
	char img_err[256];
	struct disk disk;
	int disk_rc;             /* disk_probe result (1: not attempted) */
	char disk_err[256];
	struct part_fs *pfs;     /* one per disk.parts entry */
	struct lvm lvm;          /* logical volumes in the partitions (or the whole disk) */
	struct part_fs *lvfs;    /* one per lvm.vols entry */
	int root_idx;            /* index into disk.parts (for a logical volume: the partition of
				  * its first extent), or -1 */
	int root_lv;             /* index into lvm.vols when the root is a logical volume, else -1 */
	char root_how[400];      /* how the root was determined (or why not) */
	struct fsview *root;     /* the root file system, or NULL (root_err says why) */
	char root_err[200];
	struct boot_facts *boot; /* what check_boot.c found, on first use (freed with ctx) */
};

int inspect_image(const char *path, struct inspect *ctx);
int inspect_dir(const char *path, struct inspect *ctx, char *err, size_t errlen);
void inspect_free(struct inspect *ctx);

/* The file system of partition index i, opened on first use; NULL with *err set. */
struct fsview *inspect_fs(struct inspect *ctx, int i, const char **err);
/* Where the root is, for messages: "partition 2 (ext4)" or "LVM centos/root (xfs) on partition 2". */
void inspect_root_name(const struct inspect *ctx, char *out, size_t len);
/* What a fstab spec names among the partitions and logical volumes (name: "partition 2",
 * "LVM centos/root"): 1 the root, 0 another, -ENOENT none. */
int inspect_spec_lookup(const struct inspect *ctx, const char *spec, char *name, size_t len);
/* Index of partition number n, or -1. */
int inspect_part_index(const struct inspect *ctx, int number);
/* Whether a file system type is one the documents allow for partition 1. */
bool fstype_allowed(const char *fstype, const char *version);

/* Whether a UUID=/LABEL=/PARTUUID=/PARTLABEL= or /dev/disk/by-* spec names partition p. */
bool spec_names_partition(const char *spec, const struct partition *p);
/* Whether spec names logical volume v: by its file system's UUID or LABEL, or as
 * /dev/mapper/VG-LV or /dev/VG/LV. */
bool spec_names_volume(const char *spec, const struct lvm_volume *v);
