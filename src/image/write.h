/* write.h — write one file into a FAT32 or ext2/3/4 partition of a raw disk file, without mounting (image try). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Put /dirname/name (a long name; an older file of that name is replaced) with len bytes of
 * data into the FAT32 file system at byte off of the raw disk file fd: clusters allocated in
 * both FATs, the directory grown when full, FSInfo's free count updated. dirname must be
 * an existing directory of the root. 0 or negative errno (message in err). */
int fat_put_file(int fd, uint64_t off, const char *dirname, const char *name, const void *data, size_t len,
		 char *err, size_t errlen);

/* The same for an ext2/3/4 file system at byte off of the raw disk file path (libext2fs,
 * read-write): a new inode linked into dirname, the directory expanded when full. */
int ext_put_file(const char *path, uint64_t off, const char *dirname, const char *name, const void *data, size_t len,
		 char *err, size_t errlen);
