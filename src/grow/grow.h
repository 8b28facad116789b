/* grow.h — growing the running system's root partition and file system to fill the disk. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "grow/ptable.h"

struct plan;

enum grow_kind { GROW_PARTITION, GROW_WHOLE_DISK, GROW_LVM, GROW_OTHER };
enum grow_fs { GROW_FS_EXT4, GROW_FS_XFS, GROW_FS_BTRFS, GROW_FS_OTHER };

/* What the running system shows about its root: read by grow_read_facts(). */
struct grow_facts {
	enum grow_kind kind;
	char fstype[32];
	enum grow_fs fs;
	char part[64], disk[64];     /* kernel names: the root's partition (or whole disk) and its disk */
	dev_t part_dev, disk_dev;
	unsigned partno;
	uint64_t kstart, ksize;      /* the kernel's view of the partition, in bytes */
	uint64_t disk_bytes;
	unsigned sector;             /* the disk's logical sector size */
	bool have_pt;
	struct ptable pt;            /* the disk's table (GROW_PARTITION) */
	uint64_t fs_bytes;           /* the file system's size now */
	uint32_t fs_block;
	uint64_t btrfs_devid;
	uint32_t xfs_imaxpct;
	char other[160];             /* GROW_LVM/GROW_OTHER: what the root is on */
};

/* What to do (grow_decide): each step is needed or not. */
struct grow_plan {
	struct grow_facts f;
	struct pt_growth g;
	bool table, kernel, fs;      /* write the table, tell the kernel (BLKPG), grow the file system */
	uint64_t part_bytes;         /* the partition's (or disk's) size after */
	uint64_t fs_new_bytes;
	char warning[320];           /* root on LVM: how to extend it */
	char note[256];              /* why nothing is done, or what limits it */
};

/* Growth under this is none (alignment leftovers, a GPT backup header's worth). */
#define GROW_MIN_BYTES (UINT64_C(1) << 20)

/* Pure: the steps for these facts (moved into out: its f owns the table; free it with
 * grow_facts_free(&out->f)). Refuses (-EUCLEAN, err; f untouched) when the table and the
 * kernel disagree about the root partition. */
int grow_decide(struct grow_facts *f, struct grow_plan *out, char *err, size_t errsize);
bool grow_needed(const struct grow_plan *g);

/* Reads the facts from the running system: the file system /proc/self/mountinfo has mounted
 * at mnt ("/"; or an image's root mounted elsewhere, for `plan --root`), /sys/dev/block, the
 * disk's table and the file system's size (its superblock or ioctl). dev_dir is "/dev". mnt
 * other than "/" and no mount there: GROW_OTHER. Negative errno with err set when something
 * could not be read. */
int grow_read_facts(const char *dev_dir, const char *mnt, struct grow_facts *f, char *err, size_t errsize);
void grow_facts_free(struct grow_facts *f);

/* Adds the plan entry carrying g (moved into it, its table too). */
int grow_plan_add(struct plan *p, struct grow_plan *g);

/* Prints the one-line description of g (for plan and the status record). */
void grow_describe(const struct grow_plan *g, char *out, size_t size);

/* The file-system and kernel steps (fsgrow.c); the size of the file system mounted at mnt. */
int grow_fs_size(const char *dev_dir, const char *mnt, struct grow_facts *f, char *err, size_t errsize);
int grow_fs_apply(const struct grow_plan *g, char *err, size_t errsize);
int grow_blkpg_resize(int diskfd, const struct grow_plan *g, char *err, size_t errsize);
/* Opens /dev/NAME (dev_dir/NAME), checking that it is the block device dev. */
int grow_open_dev(const char *dev_dir, const char *name, dev_t dev, int flags);
