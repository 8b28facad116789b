/* root.c — path resolution confined to the target root (openat2 RESOLVE_IN_ROOT). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/root.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/macros.h"

int root_open(const char *path, struct root *out)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	struct stat a, b;
	if (fstat(fd, &a) < 0 || stat("/", &b) < 0)
		return negerrno();
	char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	out->fd = TAKE_FD(fd);
	out->path = p;
	out->is_host = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return 0;
}

void root_close(struct root *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	*r = (struct root)ROOT_INIT;
}

static const char *strip_slashes(const char *rel)
{
	while (*rel == '/')
		rel++;
	return *rel ? rel : ".";
}

/* Resolve rel inside the root without openat2 (kernels before 5.6, valgrind, seccomp
 * filters answering ENOSYS or EPERM): walk it component by component, following symlinks by hand with absolute
 * targets and ".." clamped at the root. out receives a symlink-free relative path. */
static int resolve_by_walk(int rootfd, const char *rel, bool follow_last, char *out, size_t size)
{
	char todo[PATH_MAX], tmp[PATH_MAX], target[PATH_MAX];
	size_t olen = 0;
	int links = 0;
	if (snprintf(todo, sizeof(todo), "%s", rel) >= (int)sizeof(todo))
		return -ENAMETOOLONG;
	out[0] = '\0';
	while (todo[0]) {
		char *slash = strchr(todo, '/');
		size_t clen = slash ? (size_t)(slash - todo) : strlen(todo);
		char comp[NAME_MAX + 1];
		if (clen > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, todo, clen);
		comp[clen] = '\0';
		memmove(todo, slash ? slash + 1 : todo + clen, strlen(slash ? slash + 1 : todo + clen) + 1);
		if (!comp[0] || streq(comp, "."))
			continue;
		if (streq(comp, "..")) {
			char *p = strrchr(out, '/');
			olen = p ? (size_t)(p - out) : 0;
			out[olen] = '\0';
			continue;
		}
		if (olen + 1 + clen + 1 > size)
			return -ENAMETOOLONG;
		size_t prev = olen;
		olen += (size_t)snprintf(out + olen, size - olen, "%s%s", olen ? "/" : "", comp);
		if (!todo[0] && !follow_last)
			break;
		ssize_t n = readlinkat(rootfd, out, target, sizeof(target) - 1);
		if (n < 0)
			continue; /* not a symlink (or absent: the open reports it) */
		if (++links > 40)
			return -ELOOP;
		target[n] = '\0';
		olen = target[0] == '/' ? 0 : prev;
		out[olen] = '\0';
		if (snprintf(tmp, sizeof(tmp), "%s/%s", target, todo) >= (int)sizeof(tmp))
			return -ENAMETOOLONG;
		memcpy(todo, tmp, sizeof(todo));
	}
	return 0;
}

static bool no_openat2;

void root_use_openat2(bool enable) { no_openat2 = !enable; }

int root_openat(int rootfd, const char *rel, int flags, mode_t mode)
{
	rel = strip_slashes(rel);
	bool eperm = false;
	if (!no_openat2) {
		struct open_how how = {
			.flags = (unsigned)(flags | O_CLOEXEC),
			.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != ENOSYS && errno != EPERM)
			return negerrno();
		/* EPERM: a seccomp filter that does not know openat2 (container runtimes answer
		 * EPERM), or a real refusal, which the walk's openat() meets again: only its
		 * success makes the walk the way from now on. */
		eperm = errno == EPERM;
		no_openat2 = !eperm;
	}
	char path[PATH_MAX];
	int r = resolve_by_walk(rootfd, rel, !(flags & O_NOFOLLOW), path, sizeof(path));
	if (r < 0)
		return r;
	int fd = openat(rootfd, path[0] ? path : ".", flags | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd >= 0 && eperm)
		no_openat2 = true;
	return fd < 0 ? negerrno() : fd;
}

/* fsync a directory given by an O_PATH fd (which cannot be fsynced itself). */
static int fsync_dir(void *ctx, int pfd, const char *dir)
{
	(void)ctx;
	(void)dir;
	_cleanup_close_ int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	return fsync(fd) < 0 ? negerrno() : 0;
}

int root_make_parent(int rootfd, const char *rel, const char **base, root_made_fn made, void *ctx)
{
	return root_make_parent_as(rootfd, rel, base, made, ctx, O_PATH);
}

int root_make_parent_as(int rootfd, const char *rel, const char **base, root_made_fn made, void *ctx, int how)
{
	rel = strip_slashes(rel);
	const char *slash = strrchr(rel, '/');
	*base = slash ? slash + 1 : rel;
	if (!slash)
		return root_openat(rootfd, ".", how | O_DIRECTORY, 0);
	_cleanup_free_ char *dir = strndup(rel, (size_t)(slash - rel));
	if (!dir)
		return -ENOMEM;
	int fd = root_openat(rootfd, dir, how | O_DIRECTORY, 0);
	if (fd != -ENOENT || !made)
		return fd;
	/* Create missing components one by one, each resolved inside the root. */
	for (char *p = dir;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		const char *leaf;
		_cleanup_close_ int pfd = root_make_parent(rootfd, dir, &leaf, NULL, NULL);
		if (pfd < 0)
			return pfd;
		if (mkdirat(pfd, leaf, 0755) == 0) {
			int r = made(ctx, pfd, dir);
			if (r < 0)
				return r;
		} else if (errno != EEXIST) {
			return negerrno();
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	return root_openat(rootfd, dir, how | O_DIRECTORY, 0);
}

int root_open_parent(int rootfd, const char *rel, bool create, const char **base)
{
	/* each new entry survives a crash before os.conf goes */
	return root_make_parent(rootfd, rel, base, create ? fsync_dir : NULL, NULL);
}

static int file_kind_error(mode_t m)
{
	return S_ISREG(m) ? 0 : S_ISDIR(m) ? -EISDIR : S_ISLNK(m) ? -ELOOP : -EINVAL;
}

/* This process's /proc/self/fd, opened once (O_PATH): a reopen looks up one name in it instead
 * of walking /proc/self/fd/N from "/" each time. "self" is resolved when it is opened, so a
 * forked child (another pid) forgets it and opens its own; the parent's copy it inherited is
 * left alone (its number may be reused there) and goes at exec (O_CLOEXEC). */
static int proc_fds = -1;

static void proc_fds_forget(void) { proc_fds = -1; }

static int proc_fd_dir(void)
{
	static bool registered;
	if (proc_fds >= 0)
		return proc_fds;
	if (!registered && pthread_atfork(NULL, NULL, proc_fds_forget) != 0)
		return -ENOMEM;
	registered = true;
	int fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	return proc_fds = fd;
}

/* The file an O_PATH fd holds is opened for I/O through its /proc/self/fd link. That open
 * follows the link to the very inode the O_PATH fd holds: the path is not resolved a second
 * time, so nothing can be swapped in between the check of its type and the open (Linux has no
 * other way to turn an O_PATH fd into an open file). Without /proc the link is missing.
 * The inode's metadata from that check go to *st (NULL: not wanted) on success. */
static int reopen_regular(int pfd, int flags, struct stat *st)
{
	struct stat s;
	if (fstat(pfd, &s) < 0)
		return negerrno();
	int r = file_kind_error(s.st_mode);
	if (r < 0)
		return r;
	int procfd = proc_fd_dir();
	if (procfd < 0)
		return procfd == -ENOENT || procfd == -ENOTDIR ? -ENOMEDIUM : procfd;
	char name[16];
	snprintf(name, sizeof(name), "%d", pfd);
	int fd = openat(procfd, name, (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_PATH | O_DIRECTORY | O_NOFOLLOW)) |
					      O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOMEDIUM : negerrno();
	if (st)
		*st = s;
	return fd;
}

int root_reopen_regular(int pfd, int flags) { return reopen_regular(pfd, flags, NULL); }

int root_open_file(int rootfd, const char *rel, int flags, mode_t mode)
{
	return root_open_file_stat(rootfd, rel, flags, mode, NULL);
}

int root_open_file_stat(int rootfd, const char *rel, int flags, mode_t mode, struct stat *st)
{
	int base = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_PATH | O_DIRECTORY | O_NOFOLLOW);
	for (int tries = 0; tries < 4; tries++) {
		/* O_PATH opens nothing for I/O: a FIFO, device or socket is looked at, not opened */
		_cleanup_close_ int pfd = root_openat(rootfd, rel, O_PATH | (flags & O_NOFOLLOW), 0);
		if (pfd == -ENOENT && (flags & O_CREAT)) {
			/* O_EXCL: a new regular file, never something that appeared meanwhile */
			int fd = root_openat(rootfd, rel, base | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, mode);
			if (fd == -EEXIST)
				continue; /* created meanwhile: look at what it is */
			if (fd >= 0 && st && fstat(fd, st) < 0) {
				int r = negerrno();
				close(fd);
				return r;
			}
			return fd;
		}
		return pfd < 0 ? pfd : reopen_regular(pfd, flags, st);
	}
	return -EAGAIN;
}

const char *root_strerror(int r)
{
	switch (r) {
	case -EISDIR: return "is a directory (refused)";
	case -ELOOP: return "is a symbolic link (refused)";
	case -EINVAL: return "is not a regular file (refused, not opened)";
	case -EFBIG: return "is too large (refused)";
	case -EAGAIN: return "kept changing while it was opened";
	case -ENOMEDIUM: return "cannot be opened safely: /proc is not mounted (osconf opens a file through /proc/self/fd once it has checked its type)";
	default: return strerror(-r);
	}
}

/* fd's inode has the metadata st (from root_open_file_stat). */
static int read_fd(int fd, const struct stat *st, size_t max, struct buf *out)
{
	if ((size_t)st->st_size > max)
		return -EFBIG;
	struct buf b = { .secret = out->secret };
	for (;;) {
		int r = buf_reserve(&b, 4096);
		if (r < 0) {
			buf_free(&b);
			return r;
		}
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = negerrno();
			buf_free(&b);
			return r;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.data[b.len] = '\0';
		if (b.len > max) {
			buf_free(&b);
			return -EFBIG;
		}
	}
	if (!b.data && buf_reserve(&b, 0) < 0)
		return -ENOMEM;
	buf_move(out, &b);
	return 0;
}

int root_read(int rootfd, const char *rel, unsigned flags, size_t max, struct buf *out)
{
	int oflags = O_RDONLY | (flags & ROOT_FOLLOW ? 0 : O_NOFOLLOW);
	struct stat st;
	_cleanup_close_ int fd = root_open_file_stat(rootfd, rel, oflags, 0, &st);
	if (fd == -ENOENT && (flags & ROOT_OPTIONAL))
		return 0; /* out untouched: empty */
	if (fd < 0)
		return fd;
	return read_fd(fd, &st, max, out);
}

int root_read_file(int rootfd, const char *rel, size_t max, struct buf *out)
{
	int r = root_read(rootfd, rel, 0, max, out);
	return r == -EISDIR || r == -ELOOP ? -EINVAL : r;
}

int root_lstat(int rootfd, const char *rel, struct stat *st)
{
	const char *base;
	_cleanup_close_ int dfd = root_open_parent(rootfd, rel, false, &base);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) < 0)
		return negerrno();
	return 0;
}

int root_readlink(int rootfd, const char *rel, char *out, size_t size)
{
	const char *base;
	_cleanup_close_ int dfd = root_open_parent(rootfd, rel, false, &base);
	if (dfd < 0)
		return dfd;
	ssize_t n = readlinkat(dfd, base, out, size - 1);
	if (n < 0)
		return negerrno();
	out[n] = '\0';
	return 0;
}

int root_exists(int rootfd, const char *rel)
{
	struct stat st;
	int r = root_lstat(rootfd, rel, &st);
	return r == 0 ? 1 : r == -ENOENT || r == -ENOTDIR ? 0 : r;
}

int root_opendir(int rootfd, const char *rel, DIR **out)
{
	int fd = root_openat(rootfd, rel, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		int r = negerrno();
		close(fd);
		return r;
	}
	*out = d;
	return 0;
}

int root_is_dir(int rootfd, const char *rel)
{
	_cleanup_close_ int fd = root_openat(rootfd, rel, O_PATH | O_DIRECTORY, 0);
	return fd >= 0 ? 1 : fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
}
