/* disk.h — the partition table of an image and the file system on each partition (libblkid). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "image/container.h"

struct partition {
	int number;                /* 1-based, as the kernel would name it */
	uint64_t start, size;      /* bytes */
	bool extended;             /* a DOS extended container partition */
	char type[40];             /* MBR type "0x83" or GPT type GUID */
	char partuuid[40], partname[80];
	char fstype[24], fsversion[24], uuid[40], label[80];   /* empty when none */
};

struct disk {
	char pttype[16];           /* "dos", "gpt", or empty (none found) */
	char ptuuid[40];
	char whole_fstype[24];     /* a file system found on the whole disk, when no table */
	struct partition *parts;
	int nparts;
	bool copied_view;          /* probed through an in-memory copy of the metadata areas */
};

/* Probe the partition table and each partition's file system. For formats other than raw
 * and fixed VHD, libblkid probes a sparse anonymous file (sys/anonfile.h) holding a copy of
 * the areas it reads (the disk's first and last MiB, each partition's first and last MiB),
 * read through the container's block map. Returns 0 or negative errno (message in err). */
int disk_probe(struct image *img, struct disk *d, char *err, size_t errlen);
/* The file system on a volume that is an image of its own (a logical volume): its first 256 KiB
 * probed into p's fstype, fsversion, uuid and label. 0 or negative errno. */
int disk_probe_volume(struct image *img, struct partition *p);
void disk_free(struct disk *d);

