/* stale.c — the temps an earlier run left next to the files it wrote: one listing per directory, then removal by name. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/stale.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/macros.h"

/* A name of ours in a directory's listing; "" once removed, and for the entry that marks the
 * directory (dev, dino) listed. */
struct stale_temp {
	dev_t dev;
	ino_t dino;
	char name[256];
};

static int stale_add(struct stale_temps *s, const struct stat *dir, const char *name)
{
	struct stale_temp *n = realloc(s->v, (s->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->v = n;
	n[s->n] = (struct stale_temp){ .dev = dir->st_dev, .dino = dir->st_ino };
	snprintf(n[s->n++].name, sizeof(n->name), "%s", name);
	return 0;
}

/* The names in the directory dirfd (readable; its offset is used up) shaped like any base's
 * temp, and the mark; each is looked at again before it is removed. */
static int list_temps(struct stale_temps *s, int dirfd, const struct stat *dir)
{
	char buf[8192];
	for (;;) {
		ssize_t n = getdents64(dirfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? negerrno() : stale_add(s, dir, "");
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *de = (const void *)(buf + off);
			const char *dot = strrchr(de->d_name, '.');
			int r = strncmp(de->d_name, ".#", 2) == 0 && dot && strncmp(dot, ".osconf", 7) == 0
					? stale_add(s, dir, de->d_name) : 0;
			if (r < 0)
				return r;
			off += de->d_reclen;
		}
	}
}

static bool is_temp_of(const char *name, const char *prefix, size_t plen)
{
	if (strncmp(name, prefix, plen) != 0 || strlen(name) != plen + TEMP_HEX)
		return false;
	for (size_t i = plen; name[i]; i++)
		if (!isxdigit((unsigned char)name[i]))
			return false;
	return true;
}

int stale_temps_remove(struct stale_temps *s, int dirfd, const struct stat *dir, const char *base)
{
	bool listed = false;
	for (size_t i = 0; i < s->n && !listed; i++)
		listed = s->v[i].dev == dir->st_dev && s->v[i].dino == dir->st_ino;
	int r = listed ? 0 : list_temps(s, dirfd, dir);
	char prefix[256];
	size_t plen = (size_t)snprintf(prefix, sizeof(prefix), TEMP_FMT, base);
	for (size_t i = 0; i < s->n && r == 0; i++) {
		struct stale_temp *t = &s->v[i];
		struct stat st;
		if (t->dev != dir->st_dev || t->dino != dir->st_ino || !is_temp_of(t->name, prefix, plen))
			continue;
		if (fstatat(dirfd, t->name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd, t->name, 0) < 0 && errno != ENOENT)
			r = negerrno();
		t->name[0] = '\0';
	}
	return r;
}

void stale_temps_free(struct stale_temps *s)
{
	if (!s)
		return;
	free(s->v);
	*s = (struct stale_temps){ 0 };
}
