/* atomic.c — crash-safe file replacement: a crash at any instant leaves the old file or the new one. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/atomic.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "sys/entropy.h"
#include "sys/root.h"
#include "util/macros.h"

/* Whether the open old file (fd, metadata st) already holds exactly content. A read error
 * is an error: the caller then fails, it never guesses. */
static int same_content(int fd, const struct stat *st, const struct buf *content)
{
	if ((size_t)st->st_size != content->len)
		return 0;
	char chunk[4096];
	size_t off = 0;
	int r = 1;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = negerrno();
		if (n <= 0)
			break;
		if (off + (size_t)n > content->len || memcmp(content->data + off, chunk, (size_t)n) != 0) {
			r = 0;
			break;
		}
		off += (size_t)n;
	}
	explicit_bzero(chunk, sizeof(chunk));
	return r == 1 ? off == content->len : r;
}

/* Keep the SELinux label of the file being replaced (old: an fd on it; shadow_t,
 * net_conf_t, …): a fresh file would get its directory's default. Nothing to do where there
 * is no label; any other failure to read it fails the write. */
static int copy_label(int old, int tmpfd)
{
	char label[256];
	ssize_t n = fgetxattr(old, "security.selinux", label, sizeof(label));
	if (n < 0 && (errno == ENODATA || errno == ENOTSUP))
		return 0; /* unlabelled, or no labels on this file system */
	if (n < 0)
		return negerrno();
	if (n == 0)
		return 0;
	if (fsetxattr(tmpfd, "security.selinux", label, (size_t)n, 0) < 0 && errno != ENOTSUP)
		return negerrno();
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negerrno();
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The one temp-file pattern: ".#BASE.osconf" and 8 hex digits, next to BASE. */
#define TEMP_FMT ".#%.200s.osconf"
#define TEMP_HEX 8

/* A fresh hidden name next to base, for a temp file or link renamed over base later. */
static void temp_name(const char *base, int attempt, char *name, size_t size)
{
	uint32_t rnd;
	if (random_bytes(&rnd, sizeof(rnd)) < 0)
		rnd = (uint32_t)getpid() ^ (uint32_t)attempt;
	snprintf(name, size, TEMP_FMT "%08x", base, rnd);
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

/* Remove what an earlier run killed between write and rename left behind (perhaps an old
 * shadow): regular files named exactly like our temp files for base, in this directory
 * only (through its fd), never following a symlink. */
static int remove_stale_temps(int dirfd, const char *base)
{
	char prefix[256];
	size_t plen = (size_t)snprintf(prefix, sizeof(prefix), TEMP_FMT, base);
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		int r = negerrno();
		if (fd >= 0)
			close(fd);
		return r;
	}
	int r = 0;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			r = errno ? negerrno() : 0;
			break;
		}
		struct stat st;
		if (!is_temp_of(de->d_name, prefix, plen))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd, de->d_name, 0) < 0 && errno != ENOENT) {
			r = negerrno();
			break;
		}
	}
	closedir(d);
	return r;
}

static int make_temp(int dfd, const char *base, char *name, size_t size)
{
	for (int tries = 0; tries < 16; tries++) {
		temp_name(base, tries, name, size);
		int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? negerrno() : fd;
	}
	return -EEXIST;
}

/* The file being replaced: *fd on it (-1 when absent, or a symlink that may be replaced)
 * and its metadata. Only ENOENT means absent; any other failure is the write's. */
static int open_old(int dirfd, const char *base, unsigned flags, int *fd, struct stat *st)
{
	*fd = root_open_file(dirfd, base, O_RDONLY | O_NOFOLLOW, 0);
	if (*fd == -ENOENT || (*fd == -ELOOP && (flags & ATOMIC_REPLACE_SYMLINK))) {
		*fd = -1;
		return 0;
	}
	if (*fd < 0) {
		int r = *fd;
		*fd = -1;
		return r;
	}
	return fstat(*fd, st) < 0 ? negerrno() : 0;
}

/* Write the temp file fd with content, owner, mode (and the old file's label), fsynced. */
static int fill_temp(int fd, const struct buf *content, uid_t uid, gid_t gid, mode_t mode, int old)
{
	int r = write_all(fd, content->data ? content->data : "", content->len);
	if (r == 0 && fchown(fd, uid, gid) < 0 && errno != EPERM)
		r = negerrno();
	if (r == 0 && fchmod(fd, mode) < 0)
		r = negerrno();
	if (r == 0 && old >= 0)
		r = copy_label(old, fd);
	if (r == 0 && fsync(fd) < 0)
		r = negerrno();
	return r;
}

int atomic_write(int rootfd, const char *rel, const struct buf *content, const struct file_meta *meta,
		 unsigned flags)
{
	if (buf_error(content))
		return buf_error(content); /* incomplete contents are never written */
	const char *base;
	_cleanup_close_ int dfd = root_open_parent(rootfd, rel, true, &base);
	if (dfd < 0)
		return dfd;
	/* O_PATH fds cannot be fsynced: reopen the directory for reading. */
	_cleanup_close_ int dirfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return negerrno();
	int r = remove_stale_temps(dirfd, base);
	if (r < 0)
		return r;
	struct stat st;
	_cleanup_close_ int old = -1;
	r = open_old(dirfd, base, flags, &old, &st);
	if (r < 0)
		return r;
	bool keep_meta = old >= 0 && !(flags & ATOMIC_FORCE_META);
	if (old >= 0 && (r = same_content(old, &st, content)) != 0) {
		if (r < 0)
			return r;
		if (!(flags & ATOMIC_FORCE_META) ||
		    ((st.st_mode & 07777) == meta->mode && st.st_uid == meta->uid && st.st_gid == meta->gid))
			return 1;
	}
	char tmp[256];
	_cleanup_close_ int fd = make_temp(dirfd, base, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	r = keep_meta ? fill_temp(fd, content, st.st_uid, st.st_gid, st.st_mode & 07777, old)
		      : fill_temp(fd, content, meta->uid, meta->gid, meta->mode, -1);
	if (r == 0 && renameat(dirfd, tmp, dirfd, base) < 0)
		r = negerrno();
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	if (fsync(dirfd) < 0)
		return negerrno();
	return 0;
}

int atomic_unlink(int rootfd, const char *rel)
{
	const char *base;
	_cleanup_close_ int dfd = root_open_parent(rootfd, rel, false, &base);
	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	_cleanup_close_ int dirfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return negerrno();
	if (unlinkat(dirfd, base, 0) < 0)
		return errno == ENOENT ? 0 : negerrno();
	return fsync(dirfd) < 0 ? negerrno() : 0;
}

int atomic_symlink(int rootfd, const char *rel, const char *target)
{
	const char *base;
	_cleanup_close_ int dfd = root_open_parent(rootfd, rel, true, &base);
	if (dfd < 0)
		return dfd;
	_cleanup_close_ int dirfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return negerrno();
	char cur[4096];
	ssize_t n = readlinkat(dirfd, base, cur, sizeof(cur) - 1);
	if (n >= 0) {
		cur[n] = '\0';
		if (streq(cur, target))
			return 1;
	}
	char tmp[256];
	for (int tries = 0;; tries++) {
		temp_name(base, tries, tmp, sizeof(tmp));
		if (symlinkat(target, dirfd, tmp) == 0)
			break;
		if (errno != EEXIST || tries > 16)
			return negerrno();
	}
	if (renameat(dirfd, tmp, dirfd, base) < 0) {
		int r = negerrno();
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return fsync(dirfd) < 0 ? negerrno() : 0;
}
