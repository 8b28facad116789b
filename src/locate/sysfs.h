/* sysfs.h — block devices as sysfs shows them: whole disk, partitions, the devices under dm/md. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <limits.h>
#include <sys/types.h>

struct blockdev {
	char name[64];             /* "vda1", "nvme0n1p1", "loop0p1", "dm-0" */
	dev_t dev;
	unsigned partno;           /* 0: not a partition */
	char syspath[PATH_MAX];    /* real path of its sysfs directory */
};

/* <sys>/dev/block/MAJ:MIN. -ENOENT when the kernel has no such block device. */
int sysfs_by_devno(const char *sys, dev_t dev, struct blockdev *out);

/* <sys>/class/block/NAME. */
int sysfs_by_name(const char *sys, const char *name, struct blockdev *out);

/* The disk a partition belongs to (its parent directory in sysfs). */
int sysfs_whole_disk(const struct blockdev *part, struct blockdev *disk);

/* The partition numbered 1 of a whole disk, else its lowest-numbered one.
 * -ENOENT when the disk has no partitions (no partition table). */
int sysfs_first_partition(const struct blockdev *disk, struct blockdev *out);

/* Calls cb for each partition of a whole disk, in name order, until it returns non-zero
 * (returned). */
int sysfs_foreach_partition(const struct blockdev *disk, int (*cb)(const struct blockdev *b, void *ctx), void *ctx);

/* The devices a device-mapper or md device is built on (<syspath>/slaves/): the first by
 * name in out, the count as return value (0: none). */
int sysfs_first_slave(const struct blockdev *d, struct blockdev *out);

/* A one-line attribute of the device's sysfs directory ("size", "dm/uuid"), without '\n'. */
int sysfs_attr(const struct blockdev *b, const char *attr, char *out, size_t size);
/* The same, as a decimal number. */
int sysfs_attr_u64(const struct blockdev *b, const char *attr, unsigned long long *out);
