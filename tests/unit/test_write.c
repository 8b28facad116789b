/* test_write.c — image try's os.conf writers on real FAT32 and ext4 file systems (made by mkfs), read back and fsck'ed. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <fcntl.h>
#include <unistd.h>

#include "image/container.h"
#include "image/write.h"
#include "tree/fsview.h"

#define OFF (1024 * 1024)   /* the file system starts 1 MiB into the "disk", like partition 1 */

static char dir[64], img[96];


/* A shell command's exit status (the test may run programs; osconf never does). */
__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int tool(const char *name)
{
	return sh("command -v %s >/dev/null 2>&1 || test -x /sbin/%s", name, name) == 0;
}

/* The file read back through image check's reader of that file system. */
static void read_back(bool fat, const char *path, const char *want)
{
	struct image im = IMAGE_INIT;
	char err[200] = "";
	struct fsview *v = NULL;
	assert_int_equal(image_open(img, &im, err, sizeof(err)), 0);
	uint64_t size = im.virtual_size - OFF;
	int r = fat ? fs_open_fat(&im, OFF, size, &v, err, sizeof(err)) : fs_open_ext(&im, OFF, size, &v, err, sizeof(err));
	assert_int_equal(r, 0);
	struct buf b = BUF_INIT;
	assert_int_equal(fs_read_file(v, path, 1 << 20, &b), 0);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	buf_free(&b);
	fs_close(v);
	image_close(&im);
}

static void put_fat(const char *name, const char *data)
{
	char err[200] = "";
	int fd = open(img, O_RDWR);
	assert_true(fd >= 0);
	int r = fat_put_file(fd, OFF, "aliyun_custom_image", name, data, strlen(data), err, sizeof(err));
	if (r)
		print_error("fat_put_file: %s\n", err);
	assert_int_equal(r, 0);
	close(fd);
}

static void test_fat(void **state)
{
	(void)state;
	if (!tool("mkfs.vfat") || !tool("mmd") || !tool("fsck.vfat"))
		skip();
	assert_int_equal(sh("truncate -s 65M %s && mkfs.vfat -F 32 -s 1 --offset=2048 %s 65536 >/dev/null 2>&1", img, img), 0);
	assert_int_equal(sh("mmd -i %s@@%d ::/aliyun_custom_image", img, OFF), 0);
	put_fat("os.conf", "hostname=first\n");
	read_back(true, "/aliyun_custom_image/os.conf", "hostname=first\n");
	/* replaced, then so many files that the directory grows past its first cluster */
	put_fat("os.conf", "hostname=second-and-longer\n");
	char name[32], big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "file-number-%d.txt", i);
		put_fat(name, big);
	}
	read_back(true, "/aliyun_custom_image/os.conf", "hostname=second-and-longer\n");
	read_back(true, "/aliyun_custom_image/file-number-29.txt", big);
	/* mtools agrees, and fsck.vfat finds nothing to fix */
	assert_int_equal(sh("mtype -i %s@@%d ::/aliyun_custom_image/os.conf | grep -qx hostname=second-and-longer", img, OFF), 0);
	assert_int_equal(sh("dd if=%s of=%s.p1 bs=1M skip=1 status=none && fsck.vfat -n %s.p1 >/dev/null", img, img, img), 0);
	char err[200] = "";
	int fd = open(img, O_RDWR);
	assert_int_equal(fat_put_file(fd, OFF, "no-such-dir", "os.conf", "x", 1, err, sizeof(err)), -ENOENT);
	close(fd);
}

static void test_ext(void **state)
{
	(void)state;
	if (!tool("mkfs.ext4") || !tool("e2fsck"))
		skip();
	char err[200] = "";
	assert_int_equal(sh("rm -f %s && mkdir -p %s.d/aliyun_custom_image && truncate -s 65M %s && "
			    "mkfs.ext4 -q -F -E offset=%d -d %s.d %s 64M", img, img, img, OFF, img, img), 0);
	assert_int_equal(ext_put_file(img, OFF, "aliyun_custom_image", "os.conf", "hostname=a\n", 11, err, sizeof(err)), 0);
	read_back(false, "/aliyun_custom_image/os.conf", "hostname=a\n");
	assert_int_equal(ext_put_file(img, OFF, "aliyun_custom_image", "os.conf", "hostname=bb\n", 12, err, sizeof(err)), 0);
	read_back(false, "/aliyun_custom_image/os.conf", "hostname=bb\n");
	/* e2fsck finds nothing to fix */
	assert_int_equal(sh("dd if=%s of=%s.p1 bs=1M skip=1 status=none && e2fsck -fn %s.p1 >/dev/null 2>&1", img, img, img), 0);
	assert_int_equal(ext_put_file(img, OFF, "missing", "os.conf", "x", 1, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "no such directory"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/osconf-write.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(img, sizeof(img), "%s/disk", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return dir[0] && sh("rm -rf %s", dir) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fat),
		cmocka_unit_test(test_ext),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
