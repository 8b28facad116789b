/* steps.c — the steps install and uninstall are made of: write, link, remove, list, look; each names its path when it fails. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "install/steps.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "install/dist.h"
#include "install/install.h"
#include "sys/atomic.h"
#include "sys/root.h"

void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int looked(int r, const char *rel, char *err, size_t errlen)
{
	if (r < 0)
		set_err(err, errlen, "cannot tell what /%s is: %s", rel + strspn(rel, "/"), root_strerror(r));
	return r;
}

int boot_mount(int rootfd, const char *spec, char **mnt, char *err, size_t errlen)
{
	int r = fstab_mount_point(rootfd, spec, mnt);
	if (r < 0)
		set_err(err, errlen, "cannot read /etc/fstab: %s", root_strerror(r));
	return r;
}

int put_file(int rootfd, const char *rel, const struct buf *content, mode_t mode, struct buf *log, char *err,
	     size_t errlen)
{
	const struct file_meta meta = { .mode = mode, .uid = 0, .gid = 0 };
	int r = atomic_write(rootfd, rel, content, &meta, ATOMIC_FORCE_META);
	if (r < 0) {
		set_err(err, errlen, "cannot write %s: %s", rel, strerror(-r));
		return r;
	}
	buf_printf(log, "%s %s\n", r == 1 ? "unchanged" : "installed", rel);
	return 0;
}

int put_dist(int rootfd, const char *name, const char *rel, mode_t mode, struct buf *log, char *err,
	     size_t errlen)
{
	const struct dist_file *f = dist_file(name);
	if (!f) {
		set_err(err, errlen, "%s is not built into this binary", name);
		return -ENOENT;
	}
	_cleanup_buf_ struct buf b = BUF_INIT;
	if (buf_append(&b, f->data, f->len) < 0)
		return -ENOMEM;
	return put_file(rootfd, rel, &b, mode, log, err, errlen);
}

int put_link(int rootfd, const char *rel, const char *target, struct buf *log, char *err, size_t errlen)
{
	char cur[512];
	if (root_readlink(rootfd, rel, cur, sizeof(cur)) == 0 && streq(cur, target)) {
		buf_printf(log, "unchanged %s -> %s\n", rel, target);
		return 0;
	}
	int r = atomic_symlink(rootfd, rel, target); /* whatever the look found: replaced */
	if (r < 0) {
		set_err(err, errlen, "cannot link %s: %s", rel, strerror(-r));
		return r;
	}
	buf_printf(log, "enabled %s -> %s\n", rel, target);
	return 0;
}

int remove_path(int rootfd, const char *rel, struct buf *log, char *err, size_t errlen)
{
	int r = looked(root_exists(rootfd, rel), rel, err, errlen);
	if (r <= 0)
		return r;
	r = atomic_unlink(rootfd, rel);
	if (r < 0) {
		set_err(err, errlen, "cannot remove %s: %s", rel, strerror(-r));
		return r;
	}
	buf_printf(log, "removed %s\n", rel);
	return 0;
}

int each_entry(int rootfd, const char *dir, int (*fn)(const char *name, void *ud), void *ud, char *err,
	       size_t errlen)
{
	DIR *d = NULL;
	int r = root_opendir(rootfd, dir, &d);
	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	struct dirent *e;
	while (r == 0 && (errno = 0, e = readdir(d)))
		if (e->d_name[0] != '.')
			r = fn(e->d_name, ud);
	bool listing = r < 0 ? !d : errno != 0; /* a failed opendir or readdir, not fn's error */
	if (listing) {
		r = r < 0 ? r : negerrno();
		set_err(err, errlen, "cannot list /%s: %s", dir + strspn(dir, "/"), root_strerror(r));
	}
	if (d)
		closedir(d);
	return r;
}
