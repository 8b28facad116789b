/* anonfile.c — anonymous scratch files: memfd_create(2), or an unlinked temp file on kernels before 3.17. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/anonfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/macros.h"

static bool no_memfd;

void anon_file_use_memfd(bool enable) { no_memfd = !enable; }

static int unlinked_temp(const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/.osconf-anon.XXXXXX", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	if (unlink(path) < 0) {
		int r = negerrno();
		close(fd);
		return r;
	}
	return fd;
}

int anon_file(const char *name)
{
	if (!no_memfd) {
		int fd = memfd_create(name, MFD_CLOEXEC);
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd >= 0 ? fd : negerrno();
		no_memfd = true;
	}
	const char *tmpdir = getenv("TMPDIR");
	const char *dirs[] = { "/dev/shm", tmpdir && tmpdir[0] == '/' ? tmpdir : "/tmp", "/tmp" };
	int r = -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct stat st;
		if (stat(dirs[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		r = unlinked_temp(dirs[i]);
		if (r >= 0)
			return r;
	}
	return r;
}
