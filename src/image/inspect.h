/* inspect.h — what `image check` learns first: container, partitions, fs views, root. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "image/container.h"
#include "image/disk.h"
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
	int root_idx;            /* index into disk.parts, or -1 */
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
/* Index of partition number n, or -1. */
int inspect_part_index(const struct inspect *ctx, int number);
/* Whether a file system type is one the documents allow for partition 1. */
bool fstype_allowed(const char *fstype, const char *version);

/* Whether a UUID=/LABEL=/PARTUUID=/PARTLABEL= or /dev/disk/by-* spec names partition p. */
bool spec_names_partition(const char *spec, const struct partition *p);
