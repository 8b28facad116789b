/* initramfs.h — the file names in a Linux initramfs: cpio newc archives, uncompressed (early microcode) and gzip/xz/zstd/lz4-compressed, concatenated. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define INITRAMFS_MAX_READ (512u << 20)     /* bytes of an initramfs file read */
#define INITRAMFS_MAX_OUT (4ULL << 30)      /* bytes decompressed in all, then it stops */
#define INITRAMFS_MAX_ENTRIES (1u << 20)    /* cpio entries */
#define INITRAMFS_MAX_SEGMENTS 16           /* archives one after the other */
#define INITRAMFS_NAME_MAX 4096

/* Called with each entry's name as stored ("usr/lib/modules/…/virtio_blk.ko.xz"); return 0 to go
 * on, >0 to stop (not an error), <0 an error. */
typedef int (*initramfs_cb)(const char *name, void *userdata);

/* What was in it: the compressions met, in order ("cpio", "gzip", "xz", "zstd", "lz4"). */
struct initramfs_info {
	char formats[64];
	unsigned entries;
};

/* Pure: walk the archives of data[0, len). Returns 0 (also when cb stopped it), -EINVAL for
 * bytes that are no archive or a damaged one (err says where; the names already passed to cb
 * stand), -ENOTSUP for a compression not read (bzip2, lzma, lzo: err says which), -E2BIG past a
 * bound, -ENOMEM. */
int initramfs_scan(const uint8_t *data, size_t len, initramfs_cb cb, void *userdata, struct initramfs_info *info,
		   char *err, size_t errlen);
