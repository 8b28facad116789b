/* mount.h — mount a partition privately under /run/osconf and unmount it again. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Whether osconf can mount this file system type (vfat, ext2/3/4, ufs). */
bool mnt_supported(const char *fstype);

/* Enter a mount namespace of our own, whose mounts do not propagate to the system (once per
 * process; later calls give the first answer). 0, or negative errno when our mounts are made
 * in the system's namespace: why (when not NULL) says so, for the caller to note. */
int mnt_own_namespace(char *why, size_t size);

/* Mounts devname (file system fstype) on a new directory under rundir (created 0700),
 * nosuid,nodev,noexec (vfat: umask=077; ufs: read-only), in our own mount namespace when
 * there can be one (mnt_own_namespace). The directory is written to mountpoint.
 * want_ro mounts read-only (only to look); *read_only is set when the file system cannot
 * be written (UFS, or a read-only device). */
int mnt_private(const char *devname, const char *fstype, const char *rundir, bool want_ro, char *mountpoint,
		size_t size, bool *read_only, char *err, size_t errlen);

/* Unmounts a mount made by mnt_private and removes its directory. */
int mnt_release(const char *mountpoint);
