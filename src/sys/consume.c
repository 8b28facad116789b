/* consume.c — remove os.conf after it was applied, without deleting a rewrite unapplied. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/consume.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/digest.h"
#include "sys/root.h"
#include "util/macros.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

static bool use_renameat2 = true;

void consume_use_renameat2(bool enable)
{
	use_renameat2 = enable;
}

/* rename from → to in dfd unless to exists: 0, -EEXIST, or negative errno. */
static int rename_noreplace(int dfd, const char *from, const char *to)
{
#ifdef SYS_renameat2
	if (use_renameat2) {
		if (syscall(SYS_renameat2, dfd, from, dfd, to, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != ENOSYS && errno != EPERM && errno != EINVAL)
			return negerrno();
	}
#endif
	if (linkat(dfd, from, dfd, to, 0) == 0)
		return unlinkat(dfd, from, 0) < 0 ? negerrno() : 0;
	if (errno == EEXIST)
		return -EEXIST;
	/* no hard links either (FAT): the one remaining window is between this check and the
	 * rename, and only on kernels older than 4.9 */
	struct stat st;
	if (fstatat(dfd, to, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return -EEXIST;
	if (errno != ENOENT)
		return negerrno();
	return renameat(dfd, from, dfd, to) < 0 ? negerrno() : 0;
}

/* Back under name; a name created meanwhile is newer than ours: it stays, ours goes. */
static int put_back(int dfd, const char *priv, const char *name)
{
	int r = rename_noreplace(dfd, priv, name);
	if (r == -EEXIST)
		r = unlinkat(dfd, priv, 0) < 0 ? negerrno() : 0;
	return r;
}

static int sync_dir(int dfd)
{
	return fsync(dfd) < 0 && errno != EINVAL ? negerrno() : 0;
}

int consume_recover(int dfd, const char *name, const char *priv)
{
	struct stat st;
	if (fstatat(dfd, priv, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : negerrno();
	if (!S_ISREG(st.st_mode))
		return -EINVAL; /* not ours: refused, as an os.conf of that kind would be */
	bool had_name = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	int r = put_back(dfd, priv, name);
	if (r == 0)
		r = sync_dir(dfd);
	return r < 0 ? r : had_name ? 0 : 1;
}

int consume_file(int dfd, const char *name, const char *priv, const struct buf *applied, size_t max)
{
	if (renameat(dfd, name, dfd, priv) < 0)
		return errno == ENOENT ? 0 : negerrno();
	struct buf now = { .secret = true };
	int r = root_read_file(dfd, priv, max, &now);
	bool same = r == 0 && buf_digest(&now) == 0 && buf_eq(&now, applied);
	buf_free(&now);
	if (same) {
		if (unlinkat(dfd, priv, 0) == 0)
			return sync_dir(dfd) < 0 ? CONSUME_NOT_DURABLE : 0;
		r = negerrno();
	} else if (r >= 0 || r == -EINVAL || r == -EFBIG) {
		r = -ESTALE; /* other bytes, or now not a regular file or too large: not what we applied */
	}
	int b = put_back(dfd, priv, name);
	if (b == 0)
		b = sync_dir(dfd);
	return b < 0 ? b : r;
}
