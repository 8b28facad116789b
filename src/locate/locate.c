/* locate.c — discovery: /etc/osconf.conf's partition, else partition 1 of the root disk; then its mount. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "locate/locate.h"

#include "tree/agent.h"
#include "tree/fsview.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "conf/parse.h"
#include "locate/blkid.h"
#include "locate/mount.h"
#include "locate/mountinfo.h"
#include "locate/peek.h"
#include "locate/sysfs.h"
#include "sys/consume.h"
#include "sys/root.h"
#include "util/macros.h"

#define MAX_MATCHES 8

static const struct locate_env default_env = LOCATE_ENV_DEFAULT;

static void note(struct located *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct located *l, const char *fmt, ...)
{
	size_t len = strlen(l->notes);
	if (len + 2 >= sizeof(l->notes))
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l->notes + len, sizeof(l->notes) - len - 1, fmt, ap);
	va_end(ap);
	len = n < 0 ? len : len + (size_t)n < sizeof(l->notes) - 2 ? len + (size_t)n : sizeof(l->notes) - 2;
	l->notes[len] = '\n';
	l->notes[len + 1] = '\0';
}

int locate_check_root(const struct root *root, char *err, size_t errlen)
{
	struct agent_conf ac;
	struct fs_borrowed fb;
	struct stat a, b;
	if (root->is_host || agent_conf_read(fs_borrow_root(root->fd, &fb), &ac) < 0 || ac.partition[0] ||
	    fstat(root->fd, &a) < 0 || stat("/", &b) < 0 || a.st_dev != b.st_dev)
		return 0;
	if (ac.partition_error[0])
		snprintf(err, errlen, "%s", ac.partition_error);
	else
		snprintf(err, errlen, "--root %s is a directory of the running system and records no partition: "
			 "give --conf FILE", root->path);
	return -EINVAL;
}

/* The partition= value of <etc>/osconf.conf inside the root; tag[0] == 0 when there is none. */
static int read_settings(int rootfd, struct located *l, char *tag, size_t size, char *err, size_t errlen)
{
	struct agent_conf ac;
	struct fs_borrowed fb;
	int r = agent_conf_read(fs_borrow_root(rootfd, &fb), &ac);
	tag[0] = '\0';
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", AGENT_CONF_PATH, strerror(-r));
		return r;
	}
	if (!ac.exists) {
		note(l, "%s: absent; no partition recorded at install time", AGENT_CONF_PATH);
		return 0;
	}
	if (ac.partition_error[0]) {
		snprintf(err, errlen, "%s", ac.partition_error);
		return -EINVAL;
	}
	if (!ac.partition[0])
		note(l, "%s: no partition= line", AGENT_CONF_PATH);
	snprintf(tag, size, "%s", ac.partition);
	return 0;
}

/* Copies the first entry with the device of *ctx into it. */
static int match_dev(const struct mount_entry *m, void *ctx)
{
	struct mount_entry *e = ctx;
	if (m->dev != e->dev)
		return 0;
	*e = *m;
	return 1;
}

/* The disk holding the target root: through mountinfo and sysfs, under dm/md to the disk. */
static int root_disk(int rootfd, const struct locate_env *env, struct located *l, struct blockdev *disk, char *err,
		     size_t errlen)
{
	dev_t dev = env->root_dev;
	struct stat st;
	if (!dev) {
		if (fstat(rootfd, &st) < 0)
			return negerrno();
		dev = st.st_dev;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/self/mountinfo", env->proc);
	struct mount_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->dev = dev;
	int r = 0, found = mountinfo_foreach(path, match_dev, e);
	struct blockdev b;
	if (found == 1) {
		note(l, "/ is %s on %s (%u:%u), from %s", e->fstype, e->source, major(dev), minor(dev), path);
		if (major(dev) == 0 && !strncmp(e->source, "/dev/", 5)) {
			/* btrfs and friends report an anonymous device; the source names the real one. */
			r = sysfs_by_name(env->sys, strrchr(e->source, '/') + 1, &b);
			if (r == 0)
				note(l, "%s is block device %u:%u", e->source, major(b.dev), minor(b.dev));
		} else {
			r = sysfs_by_devno(env->sys, dev, &b);
		}
	} else {
		note(l, "/ (%u:%u) is not listed in %s", major(dev), minor(dev), path);
		r = sysfs_by_devno(env->sys, dev, &b);
	}
	if (r < 0) {
		if (found == 1)
			snprintf(err, errlen, "/ is %s on %s (%u:%u), not on a block device; record the partition with "
				 "partition=UUID=… in /etc/osconf.conf or use --conf", e->fstype, e->source,
				 major(dev), minor(dev));
		else
			snprintf(err, errlen, "/ (%u:%u) is not on a block device that %s/dev/block knows", major(dev),
				 minor(dev), env->sys);
		free(e);
		return r == -ENOENT ? -ENODEV : r;
	}
	free(e);
	for (int depth = 0; !b.partno && depth < 8; depth++) {
		struct blockdev s;
		int n = sysfs_first_slave(&b, &s);
		if (n <= 0)
			break;
		note(l, "%s is built on %s%s", b.name, s.name, n > 1 ? " (the first of several; using it)" : "");
		b = s;
	}
	if (b.partno) {
		r = sysfs_whole_disk(&b, disk);
		if (r < 0) {
			snprintf(err, errlen, "cannot find the disk of partition %s in sysfs: %s", b.name, strerror(-r));
			return r;
		}
		note(l, "%s is partition %u of disk %s", b.name, b.partno, disk->name);
	} else {
		*disk = b;
		note(l, "%s is a whole disk", b.name);
	}
	return 0;
}

static void set_device(const struct locate_env *env, struct located *l, const struct blockdev *b)
{
	snprintf(l->device, sizeof(l->device), "%s/%s", env->dev, b->name);
	l->devno = b->dev;
}

static int from_root_disk(int rootfd, const struct locate_env *env, struct located *l, char *err, size_t errlen)
{
	struct blockdev disk, part;
	int r = root_disk(rootfd, env, l, &disk, err, errlen);
	if (r < 0)
		return r;
	r = sysfs_first_partition(&disk, &part);
	if (r == -ENOENT) {
		note(l, "%s has no partitions (no partition table): its file system is the first partition", disk.name);
		snprintf(l->how, sizeof(l->how), "%s itself (no partition table), the disk holding /", disk.name);
		set_device(env, l, &disk);
		return 0;
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot list the partitions of %s: %s", disk.name, strerror(-r));
		return r;
	}
	if (part.partno == 1) {
		note(l, "partition 1 of %s is %s", disk.name, part.name);
		snprintf(l->how, sizeof(l->how), "partition 1 of %s, the disk holding /", disk.name);
	} else {
		note(l, "%s has no partition 1; its lowest-numbered partition is %s (%u)", disk.name, part.name,
		     part.partno);
		snprintf(l->how, sizeof(l->how), "partition %u (the first) of %s, the disk holding /", part.partno,
			 disk.name);
	}
	set_device(env, l, &part);
	return 0;
}

struct tag_search {
	const struct locate_env *env;
	struct located *l;
	const char *tag;
	struct blockdev found;
	int n;
};

static int has_tag(const struct blockdev *b, void *ctx)
{
	struct tag_search *s = ctx;
	char dev[PATH_MAX], err[256];
	snprintf(dev, sizeof(dev), "%s/%s", s->env->dev, b->name);
	int r = blk_has_tag(dev, s->tag, err, sizeof(err));
	if (r < 0)
		note(s->l, "%s", err);
	if (r > 0 && s->n++ == 0)
		s->found = *b;
	return 0;
}

/* The partition of the disk holding / that carries tag, probed alone: where the install
 * found it, and the common case needs no probe of every other block device (an instance may
 * have dozens of data disks). 1: exactly one, 0: look everywhere. */
static int on_root_disk(int rootfd, const struct locate_env *env, struct located *l, const char *tag,
			struct tag_match *m)
{
	struct blockdev disk;
	char ignored[256];
	struct tag_search s = { .env = env, .l = l, .tag = tag };
	if (root_disk(rootfd, env, l, &disk, ignored, sizeof(ignored)) < 0 ||
	    sysfs_foreach_partition(&disk, has_tag, &s) < 0 || s.n != 1)
		return 0;
	snprintf(m->devname, sizeof(m->devname), "%s/%s", env->dev, s.found.name);
	m->dev = s.found.dev;
	note(l, "%s has %s: found on the disk holding / without probing other devices", s.found.name, tag);
	return 1;
}

/* The partition named by partition= in /etc/osconf.conf. 1: found, 0: fall back. */
static int from_settings(int rootfd, const struct locate_env *env, struct located *l, char *err, size_t errlen)
{
	char tag[256];
	int r = read_settings(rootfd, l, tag, sizeof(tag), err, errlen);
	if (r < 0 || !tag[0])
		return r;
	struct tag_match m[MAX_MATCHES];
	int n = env->resolve_tag ? 0 : on_root_disk(rootfd, env, l, tag, m);
	if (!n && (n = (env->resolve_tag ? env->resolve_tag : blk_resolve_tag)(tag, m, MAX_MATCHES, err, errlen)) < 0)
		return n;
	note(l, "%s: partition=%s, matched by %d device%s", AGENT_CONF_PATH, tag, n, n == 1 ? "" : "s");
	if (n == 0) {
		note(l, "no block device has %s; falling back to the disk holding /", tag);
		return 0;
	}
	int pick = 0;
	if (n > 1) {
		/* A disk cloned from the image carries the same UUID: prefer the one on the root disk. */
		struct blockdev disk, b, w;
		char ignored[256];
		r = root_disk(rootfd, env, l, &disk, ignored, sizeof(ignored));
		pick = -1;
		for (int i = 0; r == 0 && i < n && i < MAX_MATCHES; i++) {
			if (sysfs_by_devno(env->sys, m[i].dev, &b) < 0)
				continue;
			bool on_root = b.dev == disk.dev || (b.partno && sysfs_whole_disk(&b, &w) == 0 && w.dev == disk.dev);
			if (on_root)
				pick = pick == -1 ? i : -2;
		}
		if (pick < 0) {
			snprintf(err, errlen, "%s matches %d devices (%s, %s%s) and not exactly one of them is on the disk "
				 "holding /; record a PARTUUID= instead", tag, n, m[0].devname, m[1].devname,
				 n > 2 ? ", …" : "");
			return -ENOTUNIQ;
		}
		note(l, "%s is the one on the disk holding /", m[pick].devname);
	}
	struct blockdev b;
	if (sysfs_by_devno(env->sys, m[pick].dev, &b) == 0) {
		set_device(env, l, &b);
	} else {
		snprintf(l->device, sizeof(l->device), "%s", m[pick].devname);
		l->devno = m[pick].dev;
	}
	snprintf(l->how, sizeof(l->how), "%s from %s", tag, AGENT_CONF_PATH);
	return 1;
}

struct mount_search {
	struct located *l;
	int fd;
};

/* A FUSE mount (fusefat …) of the device: the daemon names the device as its source
 * (fsname=) and it was mounted by root — a user's FUSE mount is never trusted. */
static bool fuse_mount_of(const struct mount_entry *e, dev_t devno)
{
	struct stat st;
	return !strncmp(e->fstype, "fuse", 4) && e->user_id == 0 && e->source[0] == '/' && stat(e->source, &st) == 0 &&
	       S_ISBLK(st.st_mode) && st.st_rdev == devno;
}

static int match_mount(const struct mount_entry *e, void *ctx)
{
	struct mount_search *s = ctx;
	bool fuse = false;
	if (e->dev != s->l->devno && !(fuse = fuse_mount_of(e, s->l->devno)))
		return 0;
	if (!streq(e->root, "/")) {
		note(s->l, "%s is %s of %s only; not the whole file system", e->mountpoint, e->root, s->l->device);
		return 0;
	}
	int fd = open(e->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != e->dev) {
		note(s->l, "%s is listed as its mount but is not it now; skipped", e->mountpoint);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(s->l->mountpoint, sizeof(s->l->mountpoint), "%s", e->mountpoint);
	snprintf(s->l->fstype, sizeof(s->l->fstype), "%s", e->fstype);
	struct blk_info bi;
	char ignored[256];
	if (fuse && blk_probe(s->l->device, &bi, ignored, sizeof(ignored)) == 0 && bi.fstype[0])
		snprintf(s->l->fstype, sizeof(s->l->fstype), "%s", bi.fstype);
	s->l->read_only = e->ro;
	note(s->l, "%s is already mounted on %s (%s%s%s): using that mount", s->l->device, e->mountpoint, e->fstype,
	     fuse ? ", a FUSE mount by root naming the device" : "", e->ro ? ", read-only" : "");
	s->fd = fd;
	return 1;
}

/* An fd for the file system's root directory: its existing mount, or a private one; or
 * -ENOENT with *peeked set when, read without mounting it, it has no os.conf (every boot but
 * the first). */
static int open_mount(const struct locate_env *env, struct located *l, bool *peeked, char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/self/mountinfo", env->proc);
	struct mount_search s = { .l = l, .fd = -1 };
	int r = mountinfo_foreach(path, match_mount, &s);
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	if (s.fd >= 0)
		return s.fd;
	struct stat st;
	if (stat(l->device, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != l->devno) {
		snprintf(err, errlen, "%s is not mounted and %s is not its device node (%u:%u)", l->device, l->device,
			 major(l->devno), minor(l->devno));
		return -ENODEV;
	}
	struct blk_info bi;
	r = blk_probe(l->device, &bi, err, errlen);
	if (r < 0)
		return r;
	snprintf(l->fstype, sizeof(l->fstype), "%s", bi.fstype);
	note(l, "%s is not mounted; it holds %s%s%s%s%s", l->device, bi.fstype[0] ? bi.fstype : "no file system",
	     bi.uuid[0] ? " UUID=" : "", bi.uuid, bi.label[0] ? " LABEL=" : "", bi.label);
	char why[PATH_MAX];
	if (!env->no_peek && peek_absent(l->device, bi.fstype, why, sizeof(why)) == 1) {
		note(l, "%s", why);
		*peeked = true;
		return -ENOENT;
	}
	if (mnt_own_namespace(why, sizeof(why)) < 0)
		note(l, "%s", why);
	r = mnt_private(l->device, bi.fstype, env->run, env->mount_ro, l->mountpoint, sizeof(l->mountpoint),
			&l->read_only, err, errlen);
	if (r < 0)
		return r;
	l->we_mounted = true;
	note(l, "mounted it privately on %s (nosuid,nodev,noexec%s%s); unmounted when done", l->mountpoint,
	     streq(bi.fstype, "vfat") ? ",umask=077" : "", l->read_only || env->mount_ro ? ",read-only" : "");
	if (l->read_only)
		note(l, "%s can only be mounted read-only here: os.conf could not be removed after applying",
		     l->device);
	int fd = open(l->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = negerrno();
		snprintf(err, errlen, "cannot open %s: %s", l->mountpoint, strerror(-r));
	}
	return fd < 0 ? r : fd;
}

/* Keeps our directory fd off 0-2, so that a zeroed struct never names a descriptor of ours. */
static int above_stdio(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int r = n < 0 ? negerrno() : n;
	close(fd);
	return r;
}

int locate_osconf(int rootfd, const struct locate_env *env, struct located *out, char *err, size_t errlen)
{
	if (!env)
		env = &default_env;
	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
	int r = from_settings(rootfd, env, out, err, errlen);
	if (r == 0)
		r = from_root_disk(rootfd, env, out, err, errlen);
	if (r < 0)
		return r;
	bool peeked = false;
	_cleanup_close_ int mfd = open_mount(env, out, &peeked, err, errlen);
	if (peeked) {
		snprintf(out->conf_path, sizeof(out->conf_path), "%s/%s", OSCONF_DIR, OSCONF_NAME);
		return 0;
	}
	if (mfd < 0)
		return mfd;
	if (snprintf(out->conf_path, sizeof(out->conf_path), "%s%s%s/%s", out->mountpoint,
		     streq(out->mountpoint, "/") ? "" : "/", OSCONF_DIR, OSCONF_NAME) >= (int)sizeof(out->conf_path)) {
		snprintf(err, errlen, "the mount point of %s has too long a path", out->device);
		return -ENAMETOOLONG;
	}
	int dfd = above_stdio(root_openat(mfd, OSCONF_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0));
	if (dfd == -ENOENT) {
		note(out, "%s has no %s/ directory: no os.conf", out->mountpoint, OSCONF_DIR);
		return 0;
	}
	if (dfd < 0) {
		snprintf(err, errlen, "cannot open %s/%s: %s", out->mountpoint, OSCONF_DIR,
			 dfd == -ELOOP || dfd == -ENOTDIR ? "not a directory (or a symlink); refusing it" : strerror(-dfd));
		return dfd;
	}
	out->dirfd = dfd;
	/* an earlier run killed while it removed os.conf: put it back first (apply only) */
	if (!env->mount_ro && (r = consume_recover(dfd, OSCONF_NAME, OSCONF_APPLIED_NAME)) != 0) {
		if (r < 0) {
			snprintf(err, errlen, "%s/%s/%s: %s", out->mountpoint, OSCONF_DIR, OSCONF_APPLIED_NAME, strerror(-r));
			return r;
		}
		note(out, "%s: put back from %s (an earlier run stopped while removing it)", out->conf_path,
		     OSCONF_APPLIED_NAME);
	}
	struct stat st;
	if (fstatat(dfd, OSCONF_NAME, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			r = negerrno();
			snprintf(err, errlen, "cannot stat %s: %s", out->conf_path, strerror(-r));
			return r;
		}
		note(out, "%s: absent", out->conf_path);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file (%s); refusing it", out->conf_path,
			 S_ISLNK(st.st_mode) ? "a symlink" : S_ISDIR(st.st_mode) ? "a directory" : "a special file");
		return -EINVAL;
	}
	out->present = true;
	note(out, "%s: present, %lld bytes", out->conf_path, (long long)st.st_size);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int located_read(struct located *l, struct buf *out, char *err, size_t errlen)
{
	struct stat before, after;
	if (!l->present || l->dirfd < 0 || fstatat(l->dirfd, OSCONF_NAME, &before, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "%s: no such file", l->conf_path[0] ? l->conf_path : OSCONF_NAME);
		return -ENOENT;
	}
	struct buf b = { .secret = true };
	int r = root_read_file(l->dirfd, OSCONF_NAME, OSCONF_MAX_FILE, &b);
	if (r == 0 && (fstatat(l->dirfd, OSCONF_NAME, &after, AT_SYMLINK_NOFOLLOW) < 0 || !same_file(&before, &after))) {
		buf_free(&b);
		snprintf(err, errlen, "%s changed while it was read; try again", l->conf_path);
		return -EAGAIN;
	}
	if (r == -EINVAL)
		snprintf(err, errlen, "%s is not a regular file (a symlink or special file); refusing it", l->conf_path);
	else if (r == -EFBIG)
		snprintf(err, errlen, "%s is larger than %d KiB; refusing it", l->conf_path, OSCONF_MAX_FILE / 1024);
	else if (r < 0)
		snprintf(err, errlen, "cannot read %s: %s", l->conf_path, strerror(-r));
	if (r < 0)
		return r;
	buf_move(out, &b);
	out->secret = true;
	l->read_st = before;
	l->was_read = true;
	return 0;
}

int located_remove(const struct located *l, const struct buf *applied, char *err, size_t errlen)
{
	if (l->dirfd < 0)
		return 0;
	int r = consume_file(l->dirfd, OSCONF_NAME, OSCONF_APPLIED_NAME, applied, OSCONF_MAX_FILE);
	if (r == -ESTALE)
		snprintf(err, errlen, "%s was rewritten after it was read (new settings?); kept, to be applied next",
			 l->conf_path);
	else if (r == -EROFS)
		snprintf(err, errlen, "cannot remove %s: %s%s%s is mounted read-only%s; it stays and will be applied "
			 "again at the next boot", l->conf_path, l->fstype, l->fstype[0] ? " on " : "", l->device,
			 streq(l->fstype, "ufs") ? " (Linux cannot write UFS)" : "");
	else if (r < 0)
		snprintf(err, errlen, "cannot remove %s: %s", l->conf_path, strerror(-r));
	return r;
}

void located_release(struct located *l)
{
	if (!l)
		return;
	if (l->dirfd > 2)
		close(l->dirfd);
	l->dirfd = -1;
	if (l->we_mounted)
		mnt_release(l->mountpoint);
	l->we_mounted = false;
}
