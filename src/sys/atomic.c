/* atomic.c — crash-safe file replacement: a crash at any instant leaves the old file or the new one. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "sys/entropy.h"
#include "sys/root.h"
#include "sys/stale.h"
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

/* A fresh hidden name next to base, for a temp file or link renamed over base later. */
static void temp_name(const char *base, int attempt, char *name, size_t size)
{
	uint32_t rnd;
	if (random_bytes(&rnd, sizeof(rnd)) < 0)
		rnd = (uint32_t)getpid() ^ (uint32_t)attempt;
	snprintf(name, size, TEMP_FMT "%08x", base, rnd);
}

/* ---- the group ---- */

struct atomic_group {
	struct atomic_item *items;
	size_t n, cap;
	int *held;
	size_t nheld;
	struct stale_temps stale; /* each directory listed before the group puts a temp there */
};

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
	*fd = root_open_file_stat(dirfd, base, O_RDONLY | O_NOFOLLOW, 0, st);
	if (*fd == -ENOENT || (*fd == -ELOOP && (flags & ATOMIC_REPLACE_SYMLINK))) {
		*fd = -1;
		return 0;
	}
	if (*fd < 0) {
		int r = *fd;
		*fd = -1;
		return r;
	}
	return 0;
}

/* Write the temp file fd with content, owner, mode (and the old file's label); the group's
 * first barrier makes it durable. */
static int fill_temp(int fd, const struct buf *content, uid_t uid, gid_t gid, mode_t mode, int old)
{
	int r = write_all(fd, content->data ? content->data : "", content->len);
	if (r == 0 && fchown(fd, uid, gid) < 0 && errno != EPERM)
		r = negerrno();
	if (r == 0 && fchmod(fd, mode) < 0)
		r = negerrno();
	if (r == 0 && old >= 0)
		r = copy_label(old, fd);
	return r;
}

enum item_kind {
	ITEM_WRITE,  /* a temp renamed over base */
	ITEM_UNLINK, /* base removed */
	ITEM_MKDIR,  /* a directory made in dirfd: its entry made durable with the renames */
};

struct atomic_item {
	const void *owner;
	enum item_kind kind;
	char *rel;          /* for the result's message */
	char *base;         /* the name in dirfd */
	char tmp[256];      /* the temp's name ("" but for a write) */
	int dirfd, fd;      /* the directory (readable, for fsync); the temp (-1 but for a write) */
	dev_t dev;
	ino_t dino;         /* the directory's identity: one fsync per directory */
	bool syncfs;        /* its file system reports writeback errors to syncfs */
	bool ordered;
	bool synced;        /* the temp is durable (a barrier covered it): it may be renamed */
	bool renamed;       /* renamed, unlinked or made: its directory to make durable */
	bool durable, covered;
	int result;         /* 0, or why it failed (nothing renamed then, unless renamed) */
};

/* -1: not decided yet; 0: per-file fsync; 1: syncfs where the file system allows. */
static int syncfs_state = -1;

void atomic_use_syncfs(bool enable) { syncfs_state = enable ? -1 : 0; }

/* syncfs(2) reports writeback errors only since Linux 5.8 (before, it returns 0 after an
 * EIO): older kernels, or a release we cannot read, get fsync per file and per directory. */
static bool syncfs_trusted(void)
{
	if (syncfs_state < 0) {
		struct utsname u;
		unsigned major = 0, minor = 0;
		syncfs_state = uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
			       (major > 5 || (major == 5 && minor >= 8));
	}
	return syncfs_state == 1;
}

/* File systems whose writeback errors reach the superblock's error sequence (syncfs). */
static bool fs_syncfs_ok(int dirfd)
{
	struct statfs sf;
	if (fstatfs(dirfd, &sf) < 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case EXT4_SUPER_MAGIC: /* also ext2, ext3 */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case TMPFS_MAGIC:
		return true;
	default:
		return false;
	}
}

struct atomic_group *atomic_group_new(void) { return calloc(1, sizeof(struct atomic_group)); }

static void item_drop(struct atomic_item *it)
{
	if (it->fd >= 0) {
		if (!it->renamed)
			unlinkat(it->dirfd, it->tmp, 0);
		close(it->fd);
		it->fd = -1;
	}
}

void atomic_group_free(struct atomic_group *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		item_drop(&g->items[i]);
		close(g->items[i].dirfd);
		free(g->items[i].rel);
		free(g->items[i].base);
	}
	for (size_t i = 0; i < g->nheld; i++)
		close(g->held[i]);
	free(g->held);
	free(g->items);
	stale_temps_free(&g->stale);
	free(g);
}

int atomic_group_hold(struct atomic_group *g, int fd)
{
	int *n = realloc(g->held, (g->nheld + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	g->held = n;
	g->held[g->nheld++] = fd;
	return 0;
}

/* Add an item; takes *dirfd (and the temp fd) only on success. dir: *dirfd's metadata, or NULL. */
static int group_add(struct atomic_group *g, const void *owner, enum item_kind kind, const char *rel,
		     const char *base, int *dirfd, const struct stat *dir, int fd, const char *tmp, unsigned flags)
{
	struct stat st;
	if (dir)
		st = *dir;
	else if (fstat(*dirfd, &st) < 0)
		return negerrno();
	for (size_t i = 0; i < g->n && kind != ITEM_MKDIR; i++)
		if (g->items[i].dev == st.st_dev && g->items[i].dino == st.st_ino && streq(g->items[i].base, base))
			return -EBUSY; /* one change per file in a group */
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct atomic_item *n = realloc(g->items, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		g->items = n;
		g->cap = cap;
	}
	struct atomic_item it = { .owner = owner, .kind = kind, .rel = strdup(rel), .base = strdup(base),
				  .dirfd = *dirfd, .fd = fd, .dev = st.st_dev, .dino = st.st_ino,
				  .ordered = flags & ATOMIC_ORDERED, .synced = kind != ITEM_WRITE,
				  .renamed = kind == ITEM_MKDIR };
	if (!it.rel || !it.base) {
		free(it.rel);
		free(it.base);
		return -ENOMEM;
	}
	snprintf(it.tmp, sizeof(it.tmp), "%s", tmp);
	size_t same = 0;
	while (same < g->n && g->items[same].dev != st.st_dev)
		same++;
	it.syncfs = same < g->n ? g->items[same].syncfs : fs_syncfs_ok(*dirfd); /* one look per file system */
	g->items[g->n++] = it;
	*dirfd = -1;
	return 0;
}

struct made_ctx {
	struct atomic_group *g;
	const void *owner;
};

/* A directory made for a staged file: its parent joins the rename barrier. */
static int add_made(void *ctx, int parentfd, const char *dir)
{
	struct made_ctx *mc = ctx;
	_cleanup_close_ int dirfd = openat(parentfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* O_PATH: no fsync */
	if (dirfd < 0)
		return negerrno();
	return group_add(mc->g, mc->owner, ITEM_MKDIR, dir, ".", &dirfd, NULL, -1, "", 0);
}

/* ATOMIC_DURABLE_PATH: every directory above rel's joins the rename barrier. */
static int add_path(struct atomic_group *g, const void *owner, int rootfd, const char *rel)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", rel);
	for (char *slash; (slash = strrchr(dir, '/'));) {
		*slash = '\0';
		const char *base;
		_cleanup_close_ int dirfd = root_make_parent_as(rootfd, dir, &base, NULL, NULL, O_RDONLY);
		if (dirfd < 0)
			return dirfd;
		int r = group_add(g, owner, ITEM_MKDIR, dir, ".", &dirfd, NULL, -1, "", 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The directory of rel, opened for reading, made (for g) when create. */
static int open_dir(struct atomic_group *g, const void *owner, int rootfd, const char *rel, bool create,
		    const char **base)
{
	return root_make_parent_as(rootfd, rel, base, create ? add_made : NULL, &(struct made_ctx){ g, owner },
				   O_RDONLY);
}

/* rel's directory, readable, and its identity in *dir (made when missing): a dup of the fd an
 * earlier item of g holds for the same directory path (not resolved again), else opened. */
static int stage_dir(struct atomic_group *g, const void *owner, int rootfd, const char *rel, const char **base,
		     struct stat *dir)
{
	const char *slash = strrchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0;
	for (size_t i = 0; slash && i < g->n; i++) {
		const struct atomic_item *it = &g->items[i];
		const char *s = strrchr(it->rel, '/');
		if (it->result < 0 || !s || (size_t)(s - it->rel) != len || strncmp(it->rel, rel, len) != 0)
			continue;
		int fd = fcntl(it->dirfd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return negerrno();
		*base = slash + 1;
		*dir = (struct stat){ .st_dev = it->dev, .st_ino = it->dino };
		return fd;
	}
	int fd = open_dir(g, owner, rootfd, rel, true, base);
	if (fd >= 0 && fstat(fd, dir) < 0) {
		int r = negerrno();
		close(fd);
		return r;
	}
	return fd;
}

int atomic_stage(struct atomic_group *g, const void *owner, int rootfd, const char *rel,
		 const struct buf *content, const struct file_meta *meta, unsigned flags)
{
	if (buf_error(content))
		return buf_error(content); /* incomplete contents are never written */
	const char *base;
	struct stat dir;
	_cleanup_close_ int dirfd = stage_dir(g, owner, rootfd, rel, &base, &dir);
	if (dirfd < 0)
		return dirfd;
	int r = flags & ATOMIC_DURABLE_PATH ? add_path(g, owner, rootfd, rel) : 0;
	if (r == 0)
		r = stale_temps_remove(&g->stale, dirfd, &dir, base);
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
			return 1; /* identical: nothing staged (a metadata-only change is a new temp) */
	}
	char tmp[256];
	int fd = make_temp(dirfd, base, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	r = keep_meta ? fill_temp(fd, content, st.st_uid, st.st_gid, st.st_mode & 07777, old)
		      : fill_temp(fd, content, meta->uid, meta->gid, meta->mode, -1);
	if (r == 0)
		r = group_add(g, owner, ITEM_WRITE, rel, base, &dirfd, &dir, fd, tmp, flags);
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		close(fd);
	}
	return r;
}

int atomic_stage_unlink(struct atomic_group *g, const void *owner, int rootfd, const char *rel)
{
	const char *base;
	_cleanup_close_ int dirfd = open_dir(g, owner, rootfd, rel, false, &base);
	if (dirfd == -ENOENT)
		return 1;
	if (dirfd < 0)
		return dirfd;
	struct stat st;
	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 1 : negerrno();
	return group_add(g, owner, ITEM_UNLINK, rel, base, &dirfd, NULL, -1, "", 0);
}

void atomic_group_cancel(struct atomic_group *g, const void *owner, int r)
{
	for (size_t i = 0; i < g->n; i++) {
		struct atomic_item *it = &g->items[i];
		if (it->owner != owner || it->renamed)
			continue;
		item_drop(it);
		if (it->result == 0)
			it->result = r;
	}
}

bool atomic_group_has(const struct atomic_group *g, const void *owner)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->items[i].owner == owner && g->items[i].result == 0 && !g->items[i].renamed)
			return true;
	return false;
}

int atomic_group_result(const struct atomic_group *g, const void *owner, char *what, size_t size)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct atomic_item *it = &g->items[i];
		if (it->owner == owner && it->result < 0) {
			static const char *const verb[] = { [ITEM_WRITE] = "writing", [ITEM_UNLINK] = "removing",
							    [ITEM_MKDIR] = "creating" };
			snprintf(what, size, "%s %s", verb[it->kind], it->rel);
			return it->result;
		}
	}
	return 0;
}

/* Whether item it takes part in this barrier: its temp (staged, not yet durable), or its
 * directory (renamed or made, not yet durable: dirs). */
static bool in_barrier(const struct atomic_item *it, bool dirs)
{
	if (it->result < 0 || it->covered)
		return false;
	return it->renamed ? dirs && !it->durable : it->fd >= 0 && !it->synced;
}

static bool same_scope(const struct atomic_item *a, const struct atomic_item *b, bool whole_fs)
{
	if (whole_fs)
		return a->dev == b->dev;
	if (a->renamed != b->renamed)
		return false;
	return a->renamed ? a->dev == b->dev && a->dino == b->dino : a == b;
}

/* How many fsyncs one syncfs would replace on the file system of items[i]. */
static size_t fsyncs_replaced(const struct atomic_group *g, size_t i, bool dirs)
{
	size_t count = 0;
	for (size_t j = i; j < g->n; j++) {
		const struct atomic_item *b = &g->items[j];
		if (!in_barrier(b, dirs) || b->dev != g->items[i].dev)
			continue;
		bool seen = false;
		for (size_t k = i; k < j && !seen; k++)
			seen = in_barrier(&g->items[k], dirs) && same_scope(&g->items[k], b, false);
		count += !seen;
	}
	return count;
}

/* The items one barrier call covered: done for this barrier, failed with r when r < 0. */
static void cover(struct atomic_group *g, size_t i, bool dirs, bool whole_fs, int r)
{
	const struct atomic_item *a = &g->items[i]; /* its scope fields stay as they are */
	for (size_t j = i; j < g->n; j++) {
		struct atomic_item *b = &g->items[j];
		if (!in_barrier(b, dirs) || !same_scope(a, b, whole_fs))
			continue;
		b->covered = true;
		if (r < 0)
			b->result = r;
	}
}

/* One barrier over the temps not yet durable and, when dirs, the directories renamed into
 * or made and not yet durable. */
static int barrier(struct atomic_group *g, bool dirs)
{
	int first = 0;
	for (size_t i = 0; i < g->n; i++) {
		struct atomic_item *it = &g->items[i];
		if (!in_barrier(it, dirs))
			continue;
		int r = 0;
		bool done = false;
		if (it->syncfs && syncfs_trusted() && fsyncs_replaced(g, i, dirs) > 1) {
			r = syncfs(it->dirfd) < 0 ? negerrno() : 0;
			done = r != -ENOSYS && r != -EPERM; /* seccomp or no syncfs: fsync instead */
			if (done)
				cover(g, i, dirs, true, r);
			else
				syncfs_state = 0;
		}
		if (!done) {
			r = fsync(it->renamed ? it->dirfd : it->fd) < 0 ? negerrno() : 0;
			cover(g, i, dirs, false, r);
		}
		if (r < 0 && first == 0)
			first = r;
	}
	for (size_t i = 0; i < g->n; i++) {
		struct atomic_item *it = &g->items[i];
		if (it->covered && it->result == 0)
			*(it->renamed ? &it->durable : &it->synced) = true;
		it->covered = false;
	}
	return first;
}

int atomic_group_sync(struct atomic_group *g) { return barrier(g, true); }

static int rename_item(struct atomic_item *it)
{
	int r = 0;
	if (it->kind == ITEM_WRITE && renameat(it->dirfd, it->tmp, it->dirfd, it->base) < 0)
		r = negerrno();
	else if (it->kind == ITEM_UNLINK && unlinkat(it->dirfd, it->base, 0) < 0 && errno != ENOENT)
		r = negerrno();
	if (r < 0) {
		it->result = r;
		item_drop(it);
		return r;
	}
	it->renamed = true;
	return 0;
}

/* Whether an earlier item of the same owner failed: an ordered item (shadow after shadow-)
 * is renamed only after every one before it. */
static int earlier_failed(const struct atomic_group *g, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (g->items[k].owner == g->items[i].owner && g->items[k].result < 0)
			return g->items[k].result;
	return 0;
}

int atomic_group_rename(struct atomic_group *g)
{
	int first = 0;
	for (size_t i = 0; i < g->n; i++) {
		struct atomic_item *it = &g->items[i];
		if (it->result < 0 || it->renamed || !it->synced)
			continue;
		int r = 0;
		if (it->ordered && (r = earlier_failed(g, i)) == 0)
			r = barrier(g, true); /* the earlier renames (shadow-) are durable first */
		if (r < 0) {
			it->result = r;
			item_drop(it);
		} else {
			r = rename_item(it);
		}
		if (r < 0 && first == 0)
			first = r;
	}
	return first;
}

int atomic_group_commit(struct atomic_group *g)
{
	int r = atomic_group_sync(g);
	int m = atomic_group_rename(g);
	int d = atomic_group_sync(g);
	return r < 0 ? r : m < 0 ? m : d;
}

/* A group of one item. */
static int commit_one(struct atomic_group *g, int r)
{
	if (r == 0)
		r = atomic_group_commit(g);
	atomic_group_free(g);
	return r;
}

int atomic_write(int rootfd, const char *rel, const struct buf *content, const struct file_meta *meta,
		 unsigned flags)
{
	struct atomic_group *g = atomic_group_new();
	if (!g)
		return -ENOMEM;
	return commit_one(g, atomic_stage(g, g, rootfd, rel, content, meta, flags));
}

int atomic_unlink(int rootfd, const char *rel)
{
	struct atomic_group *g = atomic_group_new();
	if (!g)
		return -ENOMEM;
	int r = commit_one(g, atomic_stage_unlink(g, g, rootfd, rel));
	return r == 1 ? 0 : r; /* absent */
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
