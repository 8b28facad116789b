/* fs_dir.c — an unpacked tree (--root DIR) as a file-system view, confined by openat2. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/fsview.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sys/root.h"
#include "util/macros.h"

static enum fs_type stat_type(mode_t m)
{
	return S_ISREG(m) ? FS_REG : S_ISDIR(m) ? FS_DIR : S_ISLNK(m) ? FS_LNK : FS_OTHER;
}

static int dir_stat(struct fsview *v, const char *path, bool follow, struct fs_stat *st)
{
	struct root *root = v->priv;
	struct stat s;
	if (follow) {
		_cleanup_close_ int fd = root_openat(root->fd, path, O_PATH, 0);
		if (fd < 0)
			return fd;
		if (fstat(fd, &s) < 0)
			return negerrno();
	} else {
		int r = root_lstat(root->fd, path, &s);
		if (r < 0)
			return r;
	}
	st->type = stat_type(s.st_mode);
	st->size = (uint64_t)s.st_size;
	return 0;
}

static int dir_read_file(struct fsview *v, const char *path, size_t max, bool head, struct buf *out)
{
	struct root *root = v->priv;
	struct stat st;
	_cleanup_close_ int fd = root_open_file_stat(root->fd, path, O_RDONLY, 0, &st);
	if (fd < 0)
		return fd == -EISDIR ? -EINVAL : fd; /* the views' word for "not a regular file" */
	if ((uint64_t)st.st_size > max && !head)
		return -EFBIG;
	struct buf b = { .secret = out->secret };
	int r = buf_reserve(&b, ((uint64_t)st.st_size > max ? max : (size_t)st.st_size) + 1);
	while (r == 0 && !(head && b.len == max)) {
		size_t room = b.cap - b.len - 1;
		ssize_t n = read(fd, b.data + b.len, head && room > max - b.len ? max - b.len : room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = negerrno();
		else if (n == 0)
			break;
		else if ((b.len += (size_t)n) > max)
			r = -EFBIG;
		else if (b.len + 1 >= b.cap)
			r = buf_reserve(&b, 4096);
	}
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	b.data[b.len] = '\0';
	buf_move(out, &b);
	return 0;
}

static int dir_list_dir(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata)
{
	struct root *root = v->priv;
	DIR *d;
	int r = root_opendir(root->fd, path, &d);
	if (r < 0)
		return r;
	struct dirent *de;
	while (!r && (de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		enum fs_type t = de->d_type == DT_REG ? FS_REG : de->d_type == DT_DIR ? FS_DIR
			       : de->d_type == DT_LNK ? FS_LNK : FS_OTHER;
		struct stat st;
		if (de->d_type == DT_UNKNOWN && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			t = stat_type(st.st_mode);
		r = cb(de->d_name, t, userdata);
	}
	closedir(d);
	return r < 0 ? r : 0;
}

static int dir_readlink(struct fsview *v, const char *path, char *out, size_t len)
{
	struct root *root = v->priv;
	return root_readlink(root->fd, path, out, len);
}

/* Attributes are asked of the inode itself: an O_PATH descriptor cannot take the ioctl, so a
 * regular file or directory is opened (never a special file: those have no attributes here). */
static int dir_attrs(struct fsview *v, const char *path, uint32_t *out)
{
	struct root *root = v->priv;
	struct stat s;
	int r = root_lstat(root->fd, path, &s);
	if (r < 0)
		return r;
	if (!S_ISREG(s.st_mode) && !S_ISDIR(s.st_mode)) {
		*out = 0;
		return 0;
	}
	_cleanup_close_ int fd = S_ISREG(s.st_mode) ? root_open_file(root->fd, path, O_RDONLY | O_NOFOLLOW, 0)
						    : root_openat(root->fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd < 0)
		return fd;
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) {
		if (errno != ENOTTY && errno != EOPNOTSUPP && errno != EINVAL)
			return negerrno();
		flags = 0; /* a file system without inode flags (tmpfs before 6.0, overlay, …) */
	}
	*out = (flags & FS_IMMUTABLE_FL ? FS_ATTR_IMMUTABLE : 0) | (flags & FS_APPEND_FL ? FS_ATTR_APPEND : 0);
	return 0;
}

static int dir_usage(struct fsview *v, struct fs_usage *out)
{
	struct root *root = v->priv;
	struct statvfs s;
	if (fstatvfs(root->fd, &s) < 0)
		return negerrno();
	*out = (struct fs_usage){
		.block_size = s.f_frsize,
		.blocks = s.f_blocks,
		.blocks_free = s.f_bfree,
		.inodes = s.f_files,
		.inodes_free = s.f_ffree,
	};
	return 0;
}

static void dir_close(struct fsview *v)
{
	root_close(v->priv);
	free(v->priv);
	free(v);
}

static const struct fsview_ops dir_ops = {
	.stat = dir_stat,
	.read_file = dir_read_file,
	.list_dir = dir_list_dir,
	.readlink = dir_readlink,
	.attrs = dir_attrs,
	.usage = dir_usage,
	.close = dir_close,
};

static void borrowed_close(struct fsview *v) { (void)v; }

static const struct fsview_ops borrowed_ops = {
	.stat = dir_stat,
	.read_file = dir_read_file,
	.list_dir = dir_list_dir,
	.readlink = dir_readlink,
	.attrs = dir_attrs,
	.usage = dir_usage,
	.close = borrowed_close,
};

struct fsview *fs_borrow_root(int rootfd, struct fs_borrowed *storage)
{
	storage->root = (struct root){ .fd = rootfd };
	storage->view = (struct fsview){ .ops = &borrowed_ops, .priv = &storage->root };
	return &storage->view;
}

int fs_open_dir(const char *path, struct fsview **out, char *err, size_t errlen)
{
	struct root *root = malloc(sizeof(*root));
	struct fsview *v = calloc(1, sizeof(*v));
	if (!root || !v) {
		free(root);
		free(v);
		return -ENOMEM;
	}
	*root = (struct root)ROOT_INIT;
	int r = root_open(path, root);
	if (r < 0) {
		snprintf(err, errlen, "cannot open directory %s: %s", path, strerror(-r));
		free(root);
		free(v);
		return r;
	}
	v->ops = &dir_ops;
	v->priv = root;
	*out = v;
	return 0;
}
