/* atomic.c — crash-safe file replacement: a crash at any instant leaves the old file or the new one. */
#define _GNU_SOURCE
#include "sys/atomic.h"

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

static int same_content(int dfd, const char *base, const struct buf *content)
{
	_cleanup_close_ int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != content->len)
		return 0;
	char chunk[4096];
	size_t off = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (off + (size_t)n > content->len || memcmp(content->data + off, chunk, (size_t)n) != 0)
			return 0;
		off += (size_t)n;
	}
	explicit_bzero(chunk, sizeof(chunk));
	return off == content->len;
}

/* Keep the SELinux label of the file being replaced (shadow_t, net_conf_t, …): a fresh
 * file would get its directory's default. Nothing to do where there is no label. */
static int copy_label(int dirfd, const char *base, int tmpfd)
{
	_cleanup_close_ int old = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (old < 0)
		return 0;
	char label[256];
	ssize_t n = fgetxattr(old, "security.selinux", label, sizeof(label));
	if (n <= 0)
		return errno == ERANGE ? -ERANGE : 0; /* ENODATA, ENOTSUP: unlabelled */
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

/* A fresh hidden name next to base, for a temp file or link renamed over base later. */
static void temp_name(const char *base, int attempt, char *name, size_t size)
{
	uint32_t rnd;
	if (random_bytes(&rnd, sizeof(rnd)) < 0)
		rnd = (uint32_t)getpid() ^ (uint32_t)attempt;
	snprintf(name, size, ".#%.200s.osconf%08x", base, rnd);
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

	struct stat st;
	bool exists = fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && S_ISLNK(st.st_mode) && !(flags & ATOMIC_REPLACE_SYMLINK))
		return -ELOOP;
	if (exists && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return -EISDIR;
	bool keep_meta = exists && S_ISREG(st.st_mode) && !(flags & ATOMIC_FORCE_META);
	if (exists && S_ISREG(st.st_mode) && same_content(dirfd, base, content)) {
		if (!(flags & ATOMIC_FORCE_META) ||
		    ((st.st_mode & 07777) == meta->mode && st.st_uid == meta->uid && st.st_gid == meta->gid))
			return 1;
	}

	char tmp[256];
	_cleanup_close_ int fd = make_temp(dirfd, base, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	mode_t mode = keep_meta ? (st.st_mode & 07777) : meta->mode;
	uid_t uid = keep_meta ? st.st_uid : meta->uid;
	gid_t gid = keep_meta ? st.st_gid : meta->gid;
	int r = write_all(fd, content->data ? content->data : "", content->len);
	if (r == 0 && fchown(fd, uid, gid) < 0 && errno != EPERM)
		r = negerrno();
	if (r == 0 && fchmod(fd, mode) < 0)
		r = negerrno();
	if (r == 0 && keep_meta)
		r = copy_label(dirfd, base, fd);
	if (r == 0 && fsync(fd) < 0)
		r = negerrno();
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
