/* fs_walk.c — resolve a path inside a file system through its lookup, parent and link operations. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/fs_walk.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

enum fs_type fs_mode_type(uint32_t mode)
{
	switch (mode & 0170000) {
	case 0100000: return FS_REG;
	case 0040000: return FS_DIR;
	case 0120000: return FS_LNK;
	default: return FS_OTHER;
	}
}

/* Replace the path still to walk with target + rest. */
static int splice(char *walk, size_t size, const char *target, const char *rest)
{
	char tmp[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s", target, rest) >= sizeof(tmp) || strlen(tmp) >= size)
		return -ENAMETOOLONG;
	memcpy(walk, tmp, strlen(tmp) + 1);
	return 0;
}

int fs_walk(const struct fs_walk_ops *ops, void *fs, uint64_t root, const char *path, bool follow, uint64_t *ino)
{
	char walk[PATH_MAX];
	if ((size_t)snprintf(walk, sizeof(walk), "%s", path) >= sizeof(walk))
		return -ENAMETOOLONG;
	uint64_t cur = root;
	int links = 0;
	for (char *p = walk;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchrnul(p, '/'), *after = end + strspn(end, "/");
		size_t len = (size_t)(end - p);
		if (len > 255)
			return -ENAMETOOLONG;
		enum fs_type t;
		int r = ops->type(fs, cur, &t);
		if (r < 0)
			return r;
		if (t != FS_DIR)
			return -ENOTDIR;
		uint64_t next = cur;
		if (len == 2 && p[0] == '.' && p[1] == '.')
			r = cur == root ? 0 : ops->parent(fs, cur, &next);
		else if (!(len == 1 && p[0] == '.'))
			r = ops->lookup(fs, cur, p, len, &next);
		if (r == 0)
			r = ops->type(fs, next, &t);
		if (r < 0)
			return r;
		if (t == FS_LNK && (*after || follow)) {
			char target[PATH_MAX];
			r = ++links > FS_WALK_MAX_LINKS ? -ELOOP : ops->readlink(fs, next, target, sizeof(target));
			if (r == 0)
				r = splice(walk, sizeof(walk), target, end);
			if (r < 0)
				return r;
			p = walk;
			if (target[0] == '/')
				cur = root;
			continue;
		}
		cur = next;
		p = end;
	}
	*ino = cur;
	return 0;
}
