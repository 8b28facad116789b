/* scratch_root.h — a group setup/teardown giving unit tests an empty target root under /tmp. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include "sys/atomic.h"
#include "sys/root.h"
#include "util/buf.h"

static char dir[] = "/tmp/osconf-unit.XXXXXX";
static struct root root = ROOT_INIT;

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return root_open(dir, &root);
}

static int teardown(void **state)
{
	(void)state;
	root_close(&root);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A file of the root at rootfd with content s (0644), parents created. */
static inline void scratch_put_at(int rootfd, const char *rel, const char *s)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, s);
	const struct file_meta meta = { .mode = 0644 };
	assert_true(atomic_write(rootfd, rel, &b, &meta, 0) >= 0);
	buf_free(&b);
}

/* The same in the scratch root. */
static inline void scratch_put(const char *rel, const char *s) { scratch_put_at(root.fd, rel, s); }
