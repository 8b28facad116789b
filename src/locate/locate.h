/* locate.h — find aliyun_custom_image/os.conf on the image's first partition, mounting it if needed. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/buf.h"

#define OSCONF_DIR "aliyun_custom_image"
#define OSCONF_NAME "os.conf"
/* os.conf moved aside while it is compared with what was applied (src/sys/consume.h) */
#define OSCONF_APPLIED_NAME ".os.conf.osconf-applied"

/* One block device that holds (or may hold) os.conf's file system. */
struct tag_match {
	char devname[256];   /* "/dev/vda1" */
	dev_t dev;
};

/* Where discovery looks. The defaults are the running system's; unit tests point the
 * prefixes at fake trees and replace the two things a normal user cannot fake. */
struct locate_env {
	const char *proc;   /* "/proc" (self/mountinfo) */
	const char *sys;    /* "/sys" (dev/block, class/block) */
	const char *dev;    /* "/dev" (device nodes) */
	const char *run;    /* "/run/osconf": our private mount points are made here */
	bool mount_ro;      /* mount read-only when we must mount (plan, locate: change nothing) */
	bool no_peek;       /* mount to look even when the readers of src/locate/peek.h see no os.conf */
	dev_t root_dev;     /* device of the target root's file system; 0: fstat of rootfd */
	/* UUID=/LABEL=/PARTUUID=/PARTLABEL= → matching devices (at most max); returns the count
	 * or negative errno. NULL: libblkid (locate/blkid.c). */
	int (*resolve_tag)(const char *tag, struct tag_match *m, size_t max, char *err, size_t errlen);
};

#define LOCATE_ENV_DEFAULT { .proc = "/proc", .sys = "/sys", .dev = "/dev", .run = "/run/osconf" }

struct located {
	bool present;              /* os.conf exists (regular file) */
	char device[256];          /* "/dev/vda1" */
	dev_t devno;
	char how[256];             /* "UUID=… from /etc/osconf.conf", "partition 1 of vda, the disk holding /" */
	char fstype[32];           /* vfat, ext4, ufs … */
	char mountpoint[4096];     /* existing mount, or our private mount under /run/osconf/ */
	bool we_mounted, read_only;
	char conf_path[4096];      /* for messages */
	int dirfd;                 /* the aliyun_custom_image/ directory, -1 if absent */
	char notes[2048];          /* every decision, one per line, for `osconf locate` and -v */
	struct stat read_st;       /* os.conf as located_read saw it: removed only if still that file */
	bool was_read;
};

/* The guard every command that locates os.conf applies first: a directory of the running
 * system (not "/" itself) whose /etc/osconf.conf records no partition would find "partition 1
 * of the disk holding it", the running system's own os.conf. Then -EINVAL, err saying so (or
 * what is wrong with its partition= line); else 0. */
struct root;
int locate_check_root(const struct root *root, char *err, size_t errlen);

/* Finds os.conf for the target root (rootfd): the partition named in /etc/osconf.conf,
 * else partition 1 of the disk holding the root (or that disk when it has no partition
 * table); uses its mount or mounts it privately under env->run. env NULL: the defaults.
 * Returns 0 (out->present says whether os.conf is there) or negative errno with err set.
 * Even on failure *out holds what was found and must be passed to located_release(). */
int locate_osconf(int rootfd, const struct locate_env *env, struct located *out, char *err, size_t errlen);

/* Reads os.conf (O_NOFOLLOW, regular file, at most OSCONF_MAX_FILE bytes) into out, which
 * becomes a secret buffer, and remembers which file it was. -ENOENT when absent; anything else
 * refused with a clear message. */
int located_read(struct located *l, struct buf *out, char *err, size_t errlen);

/* Removes os.conf if it still holds the bytes applied (digested with buf_digest) and fsyncs
 * its directory, keeping the directory (the cloud writes there again): moved aside first to
 * OSCONF_APPLIED_NAME and compared there, so that a rewrite at any moment is never deleted
 * unapplied (src/sys/consume.h). Absent: 0. A read-only file system, e.g. UFS on Linux:
 * -EROFS and a clear message. A file rewritten since it was read: kept, -ESTALE. */
int located_remove(const struct located *l, const struct buf *applied, char *err, size_t errlen);

/* Closes the directory and unmounts what we mounted (also after errors). Accepts a zeroed
 * struct and can be called twice. */
void located_release(struct located *l);
