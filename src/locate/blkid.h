/* blkid.h — libblkid behind two calls: find devices by tag, and probe one device's file system. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "locate/locate.h"

/* Devices whose UUID=, LABEL=, PARTUUID= or PARTLABEL= matches tag, found by probing every
 * block device the kernel lists (no udev, no /dev/disk/by-*). Returns the number found
 * (up to max are filled in) or negative errno with err set. */
int blk_resolve_tag(const char *tag, struct tag_match *m, size_t max, char *err, size_t errlen);

/* Whether the device node carries tag (one probe of it alone): 1 yes, 0 no, negative errno
 * with err set when the tag is malformed or the device cannot be probed. */
int blk_has_tag(const char *devname, const char *tag, char *err, size_t errlen);

struct blk_info {
	char fstype[32];   /* "" when no file system was recognised */
	char uuid[64];
	char label[64];
};

/* Probes the file system on a device node (or image file): a FAT or ext file system from its
 * first 4 KiB (sniff.h; then no LABEL is reported), anything else through libblkid. */
int blk_probe(const char *devname, struct blk_info *out, char *err, size_t errlen);
