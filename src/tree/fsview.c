/* fsview.c — the wrappers every check uses over the three file-system readers. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "tree/fsview.h"

#include <errno.h>

int fs_stat(struct fsview *v, const char *path, bool follow, struct fs_stat *st)
{
	return v ? v->ops->stat(v, path, follow, st) : -ENODEV;
}

int fs_read_file(struct fsview *v, const char *path, size_t max, struct buf *out)
{
	return v ? v->ops->read_file(v, path, max, false, out) : -ENODEV;
}

int fs_read_head(struct fsview *v, const char *path, size_t max, struct buf *out)
{
	return v ? v->ops->read_file(v, path, max, true, out) : -ENODEV;
}

int fs_list_dir(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata)
{
	return v ? v->ops->list_dir(v, path, cb, userdata) : -ENODEV;
}

int fs_readlink(struct fsview *v, const char *path, char *out, size_t len)
{
	if (!v)
		return -ENODEV;
	return v->ops->readlink ? v->ops->readlink(v, path, out, len) : -EINVAL;
}

int fs_attrs(struct fsview *v, const char *path, uint32_t *out)
{
	if (!v)
		return -ENODEV;
	if (v->ops->attrs)
		return v->ops->attrs(v, path, out);
	struct fs_stat st;
	int r = fs_stat(v, path, false, &st);
	if (r == 0)
		*out = 0;
	return r;
}

int fs_usage(struct fsview *v, struct fs_usage *out)
{
	return v ? v->ops->usage(v, out) : -ENODEV;
}

bool fs_exists(struct fsview *v, const char *path)
{
	struct fs_stat st;
	return fs_stat(v, path, false, &st) == 0;
}

bool fs_is_dir(struct fsview *v, const char *path)
{
	struct fs_stat st;
	return fs_stat(v, path, true, &st) == 0 && st.type == FS_DIR;
}

bool fs_is_file(struct fsview *v, const char *path)
{
	struct fs_stat st;
	return fs_stat(v, path, true, &st) == 0 && st.type == FS_REG;
}

void fs_close(struct fsview *v)
{
	if (v)
		v->ops->close(v);
}
