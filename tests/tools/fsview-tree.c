/* fsview-tree.c — test tool: every path of an image's root file system as `image check` reads it. */
/* SPDX-License-Identifier: Apache-2.0 */
/* Prints "d PATH", "f PATH SIZE", "l PATH TARGET" or "o PATH" per entry, in listing order (sort
 * to compare with find). Each entry is looked up, and each directory listed, from inside its
 * parent's listing callback: the nesting the checks use (a unit scan stats while it lists). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "image/inspect.h"
#include "tree/fsview.h"

struct walk {
	struct fsview *fs;
	const char *dir;
};

static int entry_cb(const char *name, enum fs_type type, void *userdata)
{
	struct walk *w = userdata;
	char path[PATH_MAX], target[PATH_MAX];
	struct fs_stat st;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", w->dir, name) >= sizeof(path))
		return -ENAMETOOLONG;
	int r = fs_stat(w->fs, path, false, &st);
	if (r == 0 && st.type != type)
		r = -EUCLEAN;   /* the listing and the inode disagree */
	if (r < 0) {
		fprintf(stderr, "fsview-tree: %s: %s\n", path, strerror(-r));
		return r;
	}
	switch (type) {
	case FS_DIR: {
		printf("d %s\n", path);
		struct walk sub = { w->fs, path };
		r = fs_list_dir(w->fs, path, entry_cb, &sub);
		if (r < 0)
			fprintf(stderr, "fsview-tree: list %s: %s\n", path, strerror(-r));
		return r;
	}
	case FS_REG:
		printf("f %s %llu\n", path, (unsigned long long)st.size);
		return 0;
	case FS_LNK:
		r = fs_readlink(w->fs, path, target, sizeof(target));
		if (r < 0)
			fprintf(stderr, "fsview-tree: readlink %s: %s\n", path, strerror(-r));
		else
			printf("l %s %s\n", path, target);
		return r;
	default:
		printf("o %s\n", path);
		return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fsview-tree IMAGE\n");
		return 2;
	}
	struct inspect ctx;
	int r = inspect_image(argv[1], &ctx);
	if (r < 0 || !ctx.root) {
		fprintf(stderr, "fsview-tree: %s: no root file system (%s)\n", argv[1], ctx.root_err);
		inspect_free(&ctx);
		return 1;
	}
	struct walk w = { ctx.root, "" };
	r = fs_list_dir(ctx.root, "/", entry_cb, &w);
	inspect_free(&ctx);
	if (r < 0)
		fprintf(stderr, "fsview-tree: list /: %s\n", strerror(-r));
	return r < 0 ? 1 : 0;
}
