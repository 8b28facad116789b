/* fstab.c — /etc/fstab: the one parser and reader that install, locate and image check use. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/fstab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tree/agent.h"
#include "tree/fsview.h"
#include "util/macros.h"

/* Copies the next blank-separated field into out (cut to size); false at the end of line. */
static bool next_field(const char **p, const char *end, char *out, size_t size)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r'))
		(*p)++;
	const char *f = *p;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\r')
		(*p)++;
	size_t n = (size_t)(*p - f);
	if (!n || n >= size)
		return false;
	memcpy(out, f, n);
	out[n] = '\0';
	return true;
}

static bool parse_line(const char *s, size_t len, unsigned line, struct fstab_entry *e)
{
	const char *p = s, *end = s + len;
	*e = (struct fstab_entry){ .line = line };
	if (!next_field(&p, end, e->spec, sizeof(e->spec)) || e->spec[0] == '#' ||
	    !next_field(&p, end, e->dir, sizeof(e->dir)))
		return false;
	next_field(&p, end, e->type, sizeof(e->type));
	next_field(&p, end, e->opts, sizeof(e->opts));
	return true;
}

int fstab_parse(const char *data, size_t len, struct fstab *out)
{
	struct fstab f = { .exists = true };
	size_t cap = 0;
	const char *p = data, *end = data + len;
	for (unsigned line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct fstab_entry e;
		if (parse_line(p, l, line, &e)) {
			if (f.n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct fstab_entry *n = reallocarray(f.entries, ncap, sizeof(*n));
				if (!n) {
					free(f.entries);
					return -ENOMEM;
				}
				f.entries = n, cap = ncap;
			}
			f.entries[f.n++] = e;
		}
		p += l + 1;
	}
	*out = f;
	return 0;
}

int fstab_read(struct fsview *fs, struct fstab *out)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r = fs_read_file(fs, FSTAB_PATH, FSTAB_MAX, &b);
	if (r == -ENOENT) {
		*out = (struct fstab)FSTAB_INIT;
		return 0;
	}
	if (r < 0)
		return r;
	return fstab_parse(b.data ? b.data : "", b.len, out);
}

void fstab_free(struct fstab *f)
{
	if (!f)
		return;
	free(f->entries);
	*f = (struct fstab)FSTAB_INIT;
}

const struct fstab_entry *fstab_find_dir(const struct fstab *f, const char *dir)
{
	for (size_t i = 0; i < f->n; i++)
		if (streq(f->entries[i].dir, dir))
			return &f->entries[i];
	return NULL;
}

bool fstab_spec_matches(const char *field, const char *spec)
{
	const char *want, *devdir = partition_spec_devdir(spec, &want);
	if (!devdir)
		return false;
	size_t kn = (size_t)(want - spec), dn = strlen(devdir), vlen;
	const char *v;
	if (strncasecmp(field, spec, kn) == 0) {
		v = field + kn;
		vlen = strlen(v);
		if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0])
			v++, vlen -= 2;
	} else if (strncmp(field, devdir, dn) == 0) {
		v = field + dn;
		vlen = strlen(v);
	} else {
		return false;
	}
	if (vlen != strlen(want))
		return false;
	bool is_uuid = strstr(devdir, "uuid") != NULL;
	return is_uuid ? strncasecmp(v, want, vlen) == 0 : memcmp(v, want, vlen) == 0;
}

bool fstab_mounted_at_boot(const struct fstab_entry *e)
{
	return !strstr(e->opts, "noauto") && !streq(e->type, "swap");
}

bool fstab_spec_is_device_name(const char *spec)
{
	static const char *const prefixes[] = { "/dev/sd", "/dev/vd", "/dev/xvd", "/dev/hd", "/dev/nvme" };
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (strncmp(spec, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}
