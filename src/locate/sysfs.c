/* sysfs.c — walk /sys/dev/block and /sys/class/block to relate partitions and disks. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "locate/sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "util/macros.h"

/* Reads a short one-line sysfs attribute of the directory dir. */
static int read_attr(const char *dir, const char *attr, char *out, size_t size)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return negerrno();
	ssize_t n = read(fd, out, size - 1);
	if (n < 0)
		return negerrno();
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* Fills out from the sysfs directory path (any symlinks in it resolved). */
static int from_syspath(const char *path, struct blockdev *out)
{
	struct blockdev b = { 0 };
	if (!realpath(path, b.syspath))
		return negerrno();
	const char *slash = strrchr(b.syspath, '/');
	if (!slash || strlen(slash + 1) >= sizeof(b.name))
		return -EINVAL;
	snprintf(b.name, sizeof(b.name), "%s", slash + 1);
	char val[64];
	unsigned ma, mi;
	char end;
	int r = read_attr(b.syspath, "dev", val, sizeof(val));
	if (r < 0)
		return r;
	if (sscanf(val, "%u:%u%c", &ma, &mi, &end) != 2)
		return -EINVAL;
	b.dev = makedev(ma, mi);
	if (read_attr(b.syspath, "partition", val, sizeof(val)) == 0) {
		char *e;
		unsigned long n = strtoul(val, &e, 10);
		if (*e || n == 0 || n > 1u << 20)
			return -EINVAL;
		b.partno = (unsigned)n;
	}
	*out = b;
	return 0;
}

int sysfs_by_devno(const char *sys, dev_t dev, struct blockdev *out)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sys, major(dev), minor(dev));
	return from_syspath(path, out);
}

int sysfs_by_name(const char *sys, const char *name, struct blockdev *out)
{
	if (!*name || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
		return -EINVAL;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/class/block/%s", sys, name);
	return from_syspath(path, out);
}

int sysfs_whole_disk(const struct blockdev *part, struct blockdev *disk)
{
	if (!part->partno)
		return -EINVAL;
	char path[PATH_MAX + 4];
	snprintf(path, sizeof(path), "%s/..", part->syspath);
	return from_syspath(path, disk);
}

/* Visits the subdirectories of dir in name order that are block devices. */
static int scan_dir(const char *dir, int (*cb)(const struct blockdev *b, void *ctx), void *ctx)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return negerrno();
	int r = 0;
	for (int i = 0; i < n; i++) {
		struct blockdev b;
		char path[PATH_MAX + 256];
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (!r && ents[i]->d_name[0] != '.' && from_syspath(path, &b) == 0)
			r = cb(&b, ctx);
		free(ents[i]);
	}
	free(ents);
	return r;
}

static int lowest_partition(const struct blockdev *b, void *ctx)
{
	struct blockdev *best = ctx;
	if (b->partno && (!best->partno || b->partno < best->partno))
		*best = *b;
	return 0;
}

int sysfs_first_partition(const struct blockdev *disk, struct blockdev *out)
{
	struct blockdev best = { 0 };
	int r = scan_dir(disk->syspath, lowest_partition, &best);
	if (r < 0)
		return r;
	if (!best.partno)
		return -ENOENT;
	*out = best;
	return 0;
}

struct partition_visit {
	int (*cb)(const struct blockdev *b, void *ctx);
	void *ctx;
};

static int visit_partition(const struct blockdev *b, void *ctx)
{
	struct partition_visit *v = ctx;
	return b->partno ? v->cb(b, v->ctx) : 0;
}

int sysfs_foreach_partition(const struct blockdev *disk, int (*cb)(const struct blockdev *b, void *ctx), void *ctx)
{
	struct partition_visit v = { cb, ctx };
	return scan_dir(disk->syspath, visit_partition, &v);
}

struct slaves {
	int count;
	struct blockdev first;
};

static int count_slave(const struct blockdev *b, void *ctx)
{
	struct slaves *s = ctx;
	if (s->count++ == 0)
		s->first = *b;
	return 0;
}

int sysfs_first_slave(const struct blockdev *d, struct blockdev *out)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/slaves", d->syspath);
	struct slaves s = { 0 };
	int r = scan_dir(path, count_slave, &s);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (s.count)
		*out = s.first;
	return s.count;
}

int sysfs_attr(const struct blockdev *b, const char *attr, char *out, size_t size)
{
	return read_attr(b->syspath, attr, out, size);
}

int sysfs_attr_u64(const struct blockdev *b, const char *attr, unsigned long long *out)
{
	char val[32], *e;
	int r = read_attr(b->syspath, attr, val, sizeof(val));
	if (r < 0)
		return r;
	errno = 0;
	unsigned long long v = strtoull(val, &e, 10);
	if (!*val || *e || errno)
		return -EINVAL;
	*out = v;
	return 0;
}
