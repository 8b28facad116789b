/* peek.h — is os.conf absent from an unmounted partition? Read with osconf's own readers, no mount. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/* Reads the file system on device (fstype as libblkid named it: vfat, ext2/3/4) read-only
 * with the FAT and ext readers of `image check` (src/tree/fsview.h) and looks for
 * aliyun_custom_image/os.conf and the name a removal in progress gives it. 1 when both are
 * absent (ENOENT, nothing else): no need to mount; why says so. 0 in every other case — either
 * is there, another file system, FAT12/16, an ext journal that needs recovery (what it holds
 * is not on the disk yet), any error —: the caller mounts and looks as before. */
int peek_absent(const char *device, const char *fstype, char *why, size_t whylen);
