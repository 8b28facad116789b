/* password.c — root's password: only root's line of /etc/shadow changes, under the passwd lock. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sys/crypt.h"
#include "targets/target.h"
#include "util/macros.h"
#include "util/text.h"

#define SHADOW "/etc/shadow"
#define SHADOW_MAX (16u << 20)

struct pw_entry {
	char *password;       /* secret copy, wiped on destroy */
	size_t len;
	const char *prefix;   /* crypt method */
};

/* Root's line in shadow: its offset and length. -ENOENT if there is none, -ENOTUNIQ if there
 * are two (which one logs in depends on the reader: refused rather than guessed). */
static int find_root_line(const struct buf *b, size_t *off, size_t *len)
{
	size_t pos = 0, l;
	const char *line;
	bool found = false;
	while (buf_next_line(b, &pos, &line, &l))
		if (l >= 5 && memcmp(line, "root:", 5) == 0) {
			if (found)
				return -ENOTUNIQ;
			*off = (size_t)(line - b->data);
			*len = l;
			found = true;
		}
	return found ? 0 : -ENOENT;
}

/* Current hash of root (field 2) into out. */
static int root_hash(const struct buf *b, char *out, size_t size)
{
	size_t off, len;
	int r = find_root_line(b, &off, &len);
	if (r < 0)
		return r;
	const char *f2 = b->data + off + 5, *end = memchr(f2, ':', len - 5);
	if (!end)
		return -EINVAL;
	snprintf(out, size, "%.*s", (int)(end - f2), f2);
	return 0;
}

/* New shadow text: root's fields 2 (hash) and 3 (last change, days since 1970) replaced. */
static int rewrite_root(const struct buf *old, const char *hash, struct buf *out)
{
	size_t off, len;
	int r = find_root_line(old, &off, &len);
	if (r < 0)
		return r;
	const char *line = old->data + off, *end = line + len;
	const char *f2 = line + 5, *f3 = memchr(f2, ':', len - 5);
	const char *f4 = f3 ? memchr(f3 + 1, ':', (size_t)(end - f3 - 1)) : NULL;
	if (!f3)
		return -EINVAL;
	long days = (long)(time(NULL) / 86400);
	r = buf_append(out, old->data, off);
	if (r == 0)
		r = buf_printf(out, "root:%s:%ld", hash, days);
	if (r == 0 && f4)
		r = buf_append(out, f4, (size_t)(old->data + old->len - f4));
	else if (r == 0)
		r = buf_append(out, end, (size_t)(old->data + old->len - end));
	return r;
}

/* lckpwdf(3) semantics inside the target root: an fcntl write lock on /etc/.pwd.lock (a
 * regular file: a FIFO or device there is refused, never opened), waiting at most 15
 * seconds. Returns the fd holding the lock. */
static int lock_passwd(int rootfd)
{
	int fd = root_open_file(rootfd, "/etc/.pwd.lock", O_WRONLY | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0)
		return fd;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	for (int i = 0; i < 150; i++) {
		if (fcntl(fd, F_SETLK, &fl) == 0)
			return fd;
		if (errno != EACCES && errno != EAGAIN)
			break;
		usleep(100 * 1000);
	}
	int r = errno == EACCES || errno == EAGAIN ? -EWOULDBLOCK : negerrno();
	close(fd);
	return r;
}

/* The decoded password is wiped as soon as its hash is made (or is known to be set). */
static void pw_wipe(struct pw_entry *pw)
{
	if (pw->password) {
		explicit_bzero(pw->password, pw->len);
		free(pw->password);
	}
	pw->password = NULL;
	pw->len = 0;
}

/* Owner and mode of shadow, for shadow- and the new shadow: a failing lstat fails. */
static int shadow_meta(int rootfd, struct file_meta *meta)
{
	struct stat st;
	int r = root_lstat(rootfd, SHADOW, &st);
	if (r == 0)
		*meta = (struct file_meta){ .mode = st.st_mode & 07777, .uid = st.st_uid, .gid = st.st_gid };
	return r;
}

static int pw_apply(struct plan_entry *e, struct apply_ctx *ctx)
{
	struct pw_entry *pw = e->data;
	_cleanup_close_ int lock = lock_passwd(ctx->root->fd);
	if (lock < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "cannot lock /etc/.pwd.lock: %s",
			 lock == -EWOULDBLOCK ? strerror(-lock) : root_strerror(lock));
		pw_wipe(pw);
		return lock;
	}
	_cleanup_buf_ struct buf old = { .secret = true }, new = { .secret = true };
	int r = root_read(ctx->root->fd, SHADOW, 0, SHADOW_MAX, &old);
	char cur[512];
	_cleanup_free_ char *hash = NULL;
	if (r == 0 && root_hash(&old, cur, sizeof(cur)) == 0 && crypt_verify(pw->password, cur))
		r = 1; /* changed meanwhile to the same password */
	else if (r == 0)
		r = crypt_hash(pw->password, pw->prefix, &hash);
	pw_wipe(pw);
	if (r == 0)
		r = rewrite_root(&old, hash, &new);
	struct file_meta meta;
	if (r == 0)
		r = shadow_meta(ctx->root->fd, &meta);
	/* staged in the run's group commit: the previous copy, as passwd(1) keeps it, is renamed
	 * and durable before the new shadow is renamed (ATOMIC_ORDERED) */
	if (r == 0)
		r = atomic_stage(ctx->group, e, ctx->root->fd, SHADOW "-", &old, &meta, 0);
	if (r >= 0 && hash)
		r = atomic_stage(ctx->group, e, ctx->root->fd, SHADOW, &new, &meta, ATOMIC_ORDERED);
	if (r >= 0 && atomic_group_has(ctx->group, e)) {
		r = atomic_group_hold(ctx->group, lock); /* locked until the renames are done */
		if (r == 0)
			lock = -1;
	}
	if (hash)
		explicit_bzero(hash, strlen(hash));
	if (r < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "setting the root password in %s: %s", SHADOW, root_strerror(r));
		return r;
	}
	return r > 0 && !hash ? 1 : 0;
}

static void pw_describe(const struct plan_entry *e, FILE *out)
{
	const struct pw_entry *pw = e->data;
	fprintf(out, "root password: will be set (%s hash; only root's line of %s changes, previous file kept as %s-)\n",
		crypt_prefix_name(pw->prefix), SHADOW, SHADOW);
}

static void pw_summary(const struct plan_entry *e, char *out, size_t size)
{
	const struct pw_entry *pw = e->data;
	snprintf(out, size, "set the root password (%s)", crypt_prefix_name(pw->prefix));
}

static void pw_destroy(void *data)
{
	struct pw_entry *pw = data;
	if (!pw)
		return;
	pw_wipe(pw);
	free(pw);
}

static const struct plan_entry_ops pw_ops = {
	.describe = pw_describe,
	.apply = pw_apply,
	.summary = pw_summary,
	.destroy = pw_destroy,
};

/* The crypt prefix for ENCRYPT_METHOD in login.defs (SHA-512 when it is missing or weak);
 * a login.defs that exists but cannot be read fails the section. */
static int method_of(int rootfd, struct plan *p, const char **prefix, char *err, size_t errlen)
{
	_cleanup_buf_ struct buf defs = BUF_INIT;
	char method[32];
	bool fallback;
	int r = root_read(rootfd, "/etc/login.defs", ROOT_FOLLOW | ROOT_OPTIONAL, 1 << 20, &defs);
	if (r < 0) {
		snprintf(err, errlen, "/etc/login.defs: %s", root_strerror(r));
		return r;
	}
	if (!defs.data || text_get(&defs, "ENCRYPT_METHOD", ' ', method, sizeof(method)) < 0) {
		*prefix = crypt_prefix_for_method(NULL, &fallback);
		return 0;
	}
	*prefix = crypt_prefix_for_method(method, &fallback);
	if (fallback)
		plan_note(p, "password: ENCRYPT_METHOD %s in /etc/login.defs is weak or unsupported; using SHA-512",
			  method);
	return 0;
}

static int pw_plan(struct target_ctx *ctx, struct plan *p)
{
	const struct osconf_model *m = ctx->m;
	_cleanup_buf_ struct buf shadow = { .secret = true };
	int r = root_read(ctx->root->fd, SHADOW, 0, SHADOW_MAX, &shadow);
	char cur[512];
	if (r == 0)
		r = root_hash(&shadow, cur, sizeof(cur));
	if (r < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", SHADOW,
			 r == -ENOENT ? "missing, or has no entry for root"
			 : r == -ENOTUNIQ ? "has two entries for root; leave one" : root_strerror(r));
		return r;
	}
	bool same = crypt_verify(m->password, cur);
	explicit_bzero(cur, sizeof(cur));
	if (same)
		return 0; /* already this password: nothing to rewrite */
	const char *prefix;
	r = method_of(ctx->root->fd, p, &prefix, ctx->err, sizeof(ctx->err));
	if (r < 0)
		return r;
	struct pw_entry *pw = calloc(1, sizeof(*pw));
	if (!pw || !(pw->password = strdup(m->password))) {
		free(pw);
		return -ENOMEM;
	}
	pw->len = m->password_len;
	pw->prefix = prefix;
	return plan_add(p, &pw_ops, SEC_BIT(SEC_PASSWORD), pw);
}

const struct target target_password = { "password", SEC_PASSWORD, pw_plan };
