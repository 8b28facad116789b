/* entropy.c — random bytes: getrandom(2) with a /dev/urandom fallback for kernels before 3.17. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/entropy.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/macros.h"

static bool no_getrandom;

void random_use_getrandom(bool enable) { no_getrandom = !enable; }

/* The host's /dev/urandom (not the target root's: an image could put anything there). */
static int read_urandom(unsigned char *p, size_t len)
{
	_cleanup_close_ int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return negerrno();
	struct stat st;
	if (fstat(fd, &st) < 0)
		return negerrno();
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 9)
		return -ENODEV;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negerrno();
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fill(unsigned char *p, size_t len)
{
	while (len && !no_getrandom) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
			no_getrandom = true;
			break;
		}
		if (n <= 0)
			return n < 0 ? negerrno() : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return len ? read_urandom(p, len) : 0;
}

int random_bytes(void *buf, size_t len)
{
	int r = fill(buf, len);
	if (r < 0)
		explicit_bzero(buf, len);
	return r;
}
