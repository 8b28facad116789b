/* mountinfo.c — parse /proc/self/mountinfo (proc(5)) into mount entries. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "locate/mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "util/macros.h"

/* Copies the next space-separated field of *s into out (size bytes), undoing \NNN octal
 * escapes. Returns false when there is no field or it does not fit. */
static bool next_field(const char **s, char *out, size_t size)
{
	const char *p = *s;
	while (*p == ' ')
		p++;
	if (!*p)
		return false;
	size_t n = 0;
	while (*p && *p != ' ') {
		char c = *p++;
		if (c == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' &&
		    p[2] <= '7') {
			c = (char)(((p[0] - '0') << 6) | ((p[1] - '0') << 3) | (p[2] - '0'));
			p += 3;
		}
		if (n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	*s = p;
	return true;
}

static bool has_option(const char *opts, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = opts; p;) {
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

int mountinfo_parse_line(const char *line, struct mount_entry *out)
{
	char id[32], parent[32], majmin[32], opts[1024], field[1024];
	struct mount_entry e = { 0 };
	const char *p = line;
	if (!next_field(&p, id, sizeof(id)) || !next_field(&p, parent, sizeof(parent)) ||
	    !next_field(&p, majmin, sizeof(majmin)) || !next_field(&p, e.root, sizeof(e.root)) ||
	    !next_field(&p, e.mountpoint, sizeof(e.mountpoint)) || !next_field(&p, opts, sizeof(opts)))
		return -EINVAL;
	unsigned ma, mi;
	char end;
	if (sscanf(majmin, "%u:%u%c", &ma, &mi, &end) != 2)
		return -EINVAL;
	e.dev = makedev(ma, mi);
	e.ro = has_option(opts, "ro");
	/* Optional fields (shared:N, master:N …) end with a lone "-". */
	do {
		if (!next_field(&p, field, sizeof(field)))
			return -EINVAL;
	} while (!streq(field, "-"));
	if (!next_field(&p, e.fstype, sizeof(e.fstype)) || !next_field(&p, e.source, sizeof(e.source)))
		return -EINVAL;
	e.user_id = -1;
	if (next_field(&p, field, sizeof(field))) {
		e.ro |= has_option(field, "ro");
		const char *u = strstr(field, "user_id=");
		if (u && (u == field || u[-1] == ','))
			e.user_id = strtol(u + 8, NULL, 10);
	}
	*out = e;
	return 0;
}

int mountinfo_foreach(const char *path, int (*cb)(const struct mount_entry *e, void *ctx), void *ctx)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return negerrno();
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	_cleanup_free_ struct mount_entry *e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (mountinfo_parse_line(line, e) < 0)
			continue;   /* a line we do not understand is not a mount we can use */
		int r = cb(e, ctx);
		if (r)
			return r;
	}
	return ferror(f) ? -EIO : 0;
}
