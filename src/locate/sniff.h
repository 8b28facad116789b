/* sniff.h — a pure probe of FAT and ext from a device's first bytes (the common case at boot). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SNIFF_BYTES 4096   /* what sniff_fs needs: ext's superblock ends at 2048 */

struct sniffed {
	char fstype[8];    /* "vfat", "ext2", "ext3", "ext4" */
	char uuid[40];     /* as libblkid spells it: "5EED-0001", lower-case hex for ext */
};

/* 1 when the bytes show exactly one FAT or ext file system (out filled), else 0 (out untouched):
 * any other file system, none, or both signatures — the caller asks libblkid. */
int sniff_fs(const uint8_t *b, size_t len, struct sniffed *out);
