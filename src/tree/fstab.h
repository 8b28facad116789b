/* fstab.h — /etc/fstab of a target root or an image: its one parser and reader. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define FSTAB_PATH "/etc/fstab"
#define FSTAB_MAX (1 << 20)

struct fsview;

struct fstab_entry {
	char spec[256], dir[256], type[32], opts[256];
	unsigned line;
};

struct fstab {
	bool exists;
	struct fstab_entry *entries;
	size_t n;
};

#define FSTAB_INIT { 0 }

/* Pure: whitespace-separated fields (spec, dir, type, options); blank, comment and too-long
 * lines are skipped. Returns 0 or -ENOMEM; *out untouched on failure. */
int fstab_parse(const char *data, size_t len, struct fstab *out);
/* Read and parse it from a tree; absent: exists false, 0 entries. Other errors: negative
 * errno, *out untouched. */
int fstab_read(struct fsview *fs, struct fstab *out);
void fstab_free(struct fstab *f);

/* The entry mounted on dir, or NULL. */
const struct fstab_entry *fstab_find_dir(const struct fstab *f, const char *dir);
/* Whether an fstab spec field names the partition of the partition spec: the same form
 * (UUID=/LABEL=/PARTUUID=/PARTLABEL=, quoted or not) or its /dev/disk/by-* link; UUIDs
 * compare without case. */
bool fstab_spec_matches(const char *field, const char *spec);
/* Whether the entry is mounted at boot (not noauto, not swap). */
bool fstab_mounted_at_boot(const struct fstab_entry *e);
/* A spec naming a kernel device (/dev/sda1, /dev/vdb, /dev/xvda2, /dev/hda1, /dev/nvme0n1p1):
 * such names change between instance types (also used for the kernel's root=). */
bool fstab_spec_is_device_name(const char *spec);
