/* test_locate.c — discovery on fake /proc, /sys and /etc trees: every disk naming, no table, dm, tags. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tree/agent.h"
#include "locate/locate.h"
#include "locate/sniff.h"
#include "sys/digest.h"
#include "sys/root.h"
#include "util/buf.h"

struct fake {
	char dir[512];
	char proc[PATH_MAX], sys[PATH_MAX], dev[PATH_MAX], run[PATH_MAX];
	dev_t real;            /* st_dev of dir: the one device number a real mount point can have */
	struct locate_env env;
	struct root root;
	struct buf mountinfo;
};

static void mkdirs(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static void put(const struct fake *f, const char *rel, const char *content)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdirs(path);
	*slash = '/';
	FILE *o = fopen(path, "w");
	assert_non_null(o);
	fputs(content, o);
	fclose(o);
}

static void link_to(const struct fake *f, const char *rel, const char *target)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdirs(path);
	*slash = '/';
	assert_int_equal(symlink(target, path), 0);
}

/* A block device at sys/<devpath> ("devices/virtual/block/vda/vda1") with its links. */
static void blockdev(struct fake *f, const char *devpath, dev_t dev, unsigned partno)
{
	char rel[PATH_MAX], val[64], target[PATH_MAX];
	const char *name = strrchr(devpath, '/') + 1;
	snprintf(rel, sizeof(rel), "sys/%s/dev", devpath);
	snprintf(val, sizeof(val), "%u:%u\n", major(dev), minor(dev));
	put(f, rel, val);
	if (partno) {
		snprintf(rel, sizeof(rel), "sys/%s/partition", devpath);
		snprintf(val, sizeof(val), "%u\n", partno);
		put(f, rel, val);
	} else {
		snprintf(rel, sizeof(rel), "sys/%s/queue/rotational", devpath);   /* noise a disk has */
		put(f, rel, "0\n");
	}
	snprintf(target, sizeof(target), "../../%s", devpath);
	snprintf(rel, sizeof(rel), "sys/dev/block/%u:%u", major(dev), minor(dev));
	link_to(f, rel, target);
	snprintf(rel, sizeof(rel), "sys/class/block/%s", name);
	link_to(f, rel, target);
}

static void mount_line(struct fake *f, dev_t dev, const char *mp, const char *fstype, const char *source)
{
	static int id = 20;
	buf_printf(&f->mountinfo, "%d 1 %u:%u / %s rw,relatime shared:1 - %s %s rw\n", id++, major(dev), minor(dev), mp,
		   fstype, source);
	put(f, "proc/self/mountinfo", f->mountinfo.data);
}

/* The fake partition 1 file system: a directory of the test tree, mounted per mountinfo. */
static void boot_partition(struct fake *f, const char *osconf)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/boot/%s", f->dir, OSCONF_DIR);
	mkdirs(path);
	if (osconf)
		put(f, "boot/" OSCONF_DIR "/" OSCONF_NAME, osconf);
	snprintf(path, sizeof(path), "%s/boot", f->dir);
	mount_line(f, f->real, path, "ext4", "/dev/p1");
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "%s/test_locate.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	struct stat st;
	assert_int_equal(stat(f->dir, &st), 0);
	f->real = st.st_dev;
	snprintf(f->proc, sizeof(f->proc), "%s/proc", f->dir);
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->dir);
	snprintf(f->dev, sizeof(f->dev), "%s/dev", f->dir);
	snprintf(f->run, sizeof(f->run), "%s/run", f->dir);
	f->env = (struct locate_env)LOCATE_ENV_DEFAULT;
	f->env.proc = f->proc;
	f->env.sys = f->sys;
	f->env.dev = f->dev;
	f->env.run = f->run;
	put(f, "root/etc/hostname", "x\n");
	char root[PATH_MAX * 2];
	snprintf(root, sizeof(root), "%s/root", f->dir);
	f->root = (struct root)ROOT_INIT;
	assert_int_equal(root_open(root, &f->root), 0);
	put(f, "proc/self/mountinfo", "");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);   /* the test may run programs; osconf never does */
	root_close(&f->root);
	buf_free(&f->mountinfo);
	free(f);
	return 0;
}

static void expect_line(const char *notes, const char *needle)
{
	if (!strstr(notes, needle))
		fail_msg("'%s' not in notes:\n%s", needle, notes);
}

/* Root on partition 2, os.conf on partition 1 of the same disk, already mounted. */
static void check_scheme(void **state, const char *diskpath, const char *disk, const char *p1, const char *p2)
{
	struct fake *f = *state;
	char path[PATH_MAX], want[PATH_MAX * 2];
	blockdev(f, diskpath, makedev(250, 0), 0);
	snprintf(path, sizeof(path), "%s/%s", diskpath, p2);
	blockdev(f, path, makedev(250, 2), 2);
	snprintf(path, sizeof(path), "%s/%s", diskpath, p1);
	blockdev(f, path, f->real, 1);
	snprintf(path, sizeof(path), "/dev/%s", p2);
	mount_line(f, makedev(250, 2), "/", "ext4", path);
	boot_partition(f, "hostname=demo\n");
	f->env.root_dev = makedev(250, 2);

	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/%s", f->dev, p1);
	assert_string_equal(l.device, want);
	snprintf(want, sizeof(want), "partition 1 of %s, the disk holding /", disk);
	assert_string_equal(l.how, want);
	snprintf(want, sizeof(want), "%s/boot", f->dir);
	assert_string_equal(l.mountpoint, want);
	assert_string_equal(l.fstype, "ext4");
	assert_true(l.present);
	assert_false(l.we_mounted);
	snprintf(want, sizeof(want), "%s is partition 2 of disk %s", p2, disk);
	expect_line(l.notes, want);

	struct buf b = BUF_INIT;
	assert_int_equal(located_read(&l, &b, err, sizeof(err)), 0);
	assert_string_equal(b.data, "hostname=demo\n");
	assert_true(b.secret);
	assert_int_equal(buf_digest(&b), 0);
	assert_int_equal(located_remove(&l, &b, err, sizeof(err)), 0);
	buf_free(&b);
	snprintf(path, sizeof(path), "%s/boot/%s/%s", f->dir, OSCONF_DIR, OSCONF_NAME);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/boot/%s", f->dir, OSCONF_DIR);
	assert_int_equal(access(path, F_OK), 0);   /* the directory stays */
	located_release(&l);
	assert_int_equal(l.dirfd, -1);
	located_release(&l);
}

static void test_vda(void **s) { check_scheme(s, "devices/pci0000:00/0000:00:05.0/virtio2/block/vda", "vda", "vda1", "vda2"); }
static void test_sda(void **s) { check_scheme(s, "devices/pci0000:00/0000:00:01.1/host0/target0:0:0/0:0:0:0/block/sda", "sda", "sda1", "sda2"); }
static void test_xvda(void **s) { check_scheme(s, "devices/vbd-51712/block/xvda", "xvda", "xvda1", "xvda2"); }
static void test_nvme(void **s) { check_scheme(s, "devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1", "nvme0n1", "nvme0n1p1", "nvme0n1p2"); }
static void test_loop(void **s) { check_scheme(s, "devices/virtual/block/loop0", "loop0", "loop0p1", "loop0p2"); }
static void test_mmc(void **s) { check_scheme(s, "devices/platform/mmc0/mmc_host/mmc0/mmc0:0001/block/mmcblk0", "mmcblk0", "mmcblk0p1", "mmcblk0p2"); }

/* No partition table: the whole disk's file system is "the first partition". */
static void test_no_table(void **state)
{
	struct fake *f = *state;
	blockdev(f, "devices/pci0000:00/0000:00:02.0/virtio1/block/vda", f->real, 0);
	char mp[PATH_MAX * 2];
	snprintf(mp, sizeof(mp), "%s/boot", f->dir);
	mkdirs(mp);
	mount_line(f, f->real, mp, "ext4", "/dev/vda");
	f->env.root_dev = f->real;
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), 0);
	assert_string_equal(l.how, "vda itself (no partition table), the disk holding /");
	assert_string_equal(l.mountpoint, mp);
	assert_false(l.present);
	assert_int_equal(l.dirfd, -1);
	expect_line(l.notes, "has no aliyun_custom_image/ directory");
	struct buf b = BUF_INIT;
	assert_int_equal(located_remove(&l, &b, err, sizeof(err)), 0);
	assert_int_equal(located_read(&l, &b, err, sizeof(err)), -ENOENT);
	located_release(&l);
}

/* Root on LVM: dm-0 is built on vda2; os.conf is on vda1. */
static void test_dm(void **state)
{
	struct fake *f = *state;
	blockdev(f, "devices/virtual/block/vda", makedev(250, 0), 0);
	blockdev(f, "devices/virtual/block/vda/vda2", makedev(250, 2), 2);
	blockdev(f, "devices/virtual/block/vda/vda1", f->real, 1);
	blockdev(f, "devices/virtual/block/dm-0", makedev(251, 0), 0);
	link_to(f, "sys/devices/virtual/block/dm-0/slaves/vda2", "../../vda/vda2");
	mount_line(f, makedev(251, 0), "/", "xfs", "/dev/mapper/vg-root");
	boot_partition(f, "");
	f->env.root_dev = makedev(251, 0);
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), 0);
	assert_string_equal(l.how, "partition 1 of vda, the disk holding /");
	expect_line(l.notes, "dm-0 is built on vda2");
	assert_true(l.present);
	located_release(&l);
}

/* No partition numbered 1 (a GPT whose first entry is 2): the lowest-numbered one. */
static void test_lowest_partition(void **state)
{
	struct fake *f = *state;
	blockdev(f, "devices/virtual/block/sdb", makedev(250, 16), 0);
	blockdev(f, "devices/virtual/block/sdb/sdb3", makedev(250, 19), 3);
	blockdev(f, "devices/virtual/block/sdb/sdb2", f->real, 2);
	mount_line(f, makedev(250, 19), "/", "ext4", "/dev/sdb3");
	boot_partition(f, "x=1\n");
	f->env.root_dev = makedev(250, 19);
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), 0);
	assert_string_equal(l.how, "partition 2 (the first) of sdb, the disk holding /");
	located_release(&l);
}

static int fake_matches;
static dev_t fake_devs[2];
static int fake_resolve(const char *tag, struct tag_match *m, size_t max, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	assert_string_equal(tag, "UUID=5eed-0001");
	for (int i = 0; i < fake_matches && (size_t)i < max; i++) {
		snprintf(m[i].devname, sizeof(m[i].devname), "/dev/whatever%d", i);
		m[i].dev = fake_devs[i];
	}
	return fake_matches;
}

/* Two disks: vda (root on vda2, vda1 unmounted) and vdb (vdb1 mounted on boot/). */
static void two_disks(struct fake *f, const char *settings)
{
	blockdev(f, "devices/virtual/block/vda", makedev(250, 0), 0);
	blockdev(f, "devices/virtual/block/vda/vda1", makedev(250, 1), 1);
	blockdev(f, "devices/virtual/block/vda/vda2", makedev(250, 2), 2);
	blockdev(f, "devices/virtual/block/vdb", makedev(250, 16), 0);
	blockdev(f, "devices/virtual/block/vdb/vdb1", f->real, 1);
	mount_line(f, makedev(250, 2), "/", "ext4", "/dev/vda2");
	boot_partition(f, "hostname=b\n");
	put(f, "root" AGENT_CONF_PATH, settings);
	f->env.root_dev = makedev(250, 2);
	f->env.resolve_tag = fake_resolve;
}

static void test_settings_tag(void **state)
{
	struct fake *f = *state;
	two_disks(f, "# written by osconf install\nother=1\n  partition=\"UUID=5eed-0001\"\r\n");
	fake_matches = 1;
	fake_devs[0] = f->real;
	struct located l;
	char err[512] = "", want[PATH_MAX * 2];
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), 0);
	assert_string_equal(l.how, "UUID=5eed-0001 from /etc/osconf.conf");
	snprintf(want, sizeof(want), "%s/vdb1", f->dev);
	assert_string_equal(l.device, want);
	assert_true(l.present);
	located_release(&l);
}

/* The recorded partition is gone: fall back to partition 1 of the root disk (not mounted,
 * and the fake /dev has no node for it: a clear error, nothing mounted). */
static void test_settings_fallback(void **state)
{
	struct fake *f = *state;
	two_disks(f, "partition=UUID=5eed-0001\n");
	fake_matches = 0;
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), -ENODEV);
	assert_string_equal(l.how, "partition 1 of vda, the disk holding /");
	expect_line(l.notes, "falling back");
	assert_non_null(strstr(err, "is not mounted and"));
	assert_false(l.we_mounted);
	located_release(&l);
}

/* The same UUID on two disks (a data disk cloned from the image): the root disk's wins. */
static void test_settings_ambiguous(void **state)
{
	struct fake *f = *state;
	two_disks(f, "partition=UUID=5eed-0001\n");
	fake_matches = 2;
	fake_devs[0] = f->real;            /* vdb1 */
	fake_devs[1] = makedev(250, 1);    /* vda1, on the root disk */
	struct located l;
	char err[512] = "", want[PATH_MAX * 2];
	locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err));
	snprintf(want, sizeof(want), "%s/vda1", f->dev);
	assert_string_equal(l.device, want);
	expect_line(l.notes, "is the one on the disk holding /");
	located_release(&l);
	/* Neither on the root disk: refused. */
	fake_devs[1] = f->real;
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), -ENOTUNIQ);
	located_release(&l);
}

static void test_settings_bad(void **state)
{
	struct fake *f = *state;
	two_disks(f, "partition=\"\"\n");
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "osconf.conf:1: partition= needs"));
	located_release(&l);
}

static void test_root_not_block(void **state)
{
	struct fake *f = *state;
	mount_line(f, makedev(0, 99), "/", "overlay", "overlay");
	f->env.root_dev = makedev(0, 99);
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "/ is overlay on overlay (0:99), not on a block device"));
	located_release(&l);
}

/* os.conf must be a regular file of bounded size. */
static void test_refusals(void **state)
{
	struct fake *f = *state;
	blockdev(f, "devices/virtual/block/vda", f->real, 0);
	boot_partition(f, NULL);
	f->env.root_dev = f->real;
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/boot/%s/%s", f->dir, OSCONF_DIR, OSCONF_NAME);
	assert_int_equal(symlink("/etc/shadow", path), 0);
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is not a regular file (a symlink); refusing it"));
	located_release(&l);

	unlink(path);
	char *big = malloc(70 * 1024 + 1);
	memset(big, '#', 70 * 1024);
	big[70 * 1024] = '\0';
	put(f, "boot/" OSCONF_DIR "/" OSCONF_NAME, big);
	free(big);
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), 0);
	assert_true(l.present);
	struct buf b = BUF_INIT;
	assert_int_equal(located_read(&l, &b, err, sizeof(err)), -EFBIG);
	assert_non_null(strstr(err, "is larger than 64 KiB; refusing it"));
	assert_null(b.data);
	located_release(&l);
}

/* New settings written between read and remove are kept for the next run. */
static void test_rewritten_kept(void **state)
{
	struct fake *f = *state;
	blockdev(f, "devices/virtual/block/vda", f->real, 0);
	boot_partition(f, "hostname=old\n");
	f->env.root_dev = f->real;
	struct located l;
	char err[512] = "";
	assert_int_equal(locate_osconf(f->root.fd, &f->env, &l, err, sizeof(err)), 0);
	struct buf b = BUF_INIT;
	assert_int_equal(located_read(&l, &b, err, sizeof(err)), 0);
	assert_int_equal(buf_digest(&b), 0);
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/boot/%s/%s", f->dir, OSCONF_DIR, OSCONF_NAME);
	unlink(path);
	put(f, "boot/" OSCONF_DIR "/" OSCONF_NAME, "hostname=brand-new\n");
	assert_int_equal(located_remove(&l, &b, err, sizeof(err)), -ESTALE);
	buf_free(&b);
	assert_non_null(strstr(err, "was rewritten after it was read"));
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/boot/%s/%s", f->dir, OSCONF_DIR, OSCONF_APPLIED_NAME);
	assert_int_equal(access(path, F_OK), -1); /* moved back, nothing left aside */
	located_release(&l);
}

static void test_release_zeroed(void **state)
{
	(void)state;
	struct located z;
	memset(&z, 0, sizeof(z));
	located_release(&z);   /* must not close fd 0 */
	located_release(NULL);
	assert_true(fcntl(0, F_GETFD) >= 0 || errno == EBADF);
}

/* The boot path's probe: FAT32, FAT16 and ext from their first bytes, spelled as libblkid
 * spells them; neither or both (a stale signature): left to libblkid. */
static void test_sniff(void **state)
{
	(void)state;
	static uint8_t b[SNIFF_BYTES];
	struct sniffed s = { "keep", "keep" };
	memset(b, 0, sizeof(b));
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 0);
	assert_string_equal(s.fstype, "keep");                  /* untouched */
	/* FAT32 as mkfs.vfat -F 32 -i 5EED0001 writes it */
	b[11] = 0x00, b[12] = 0x02, b[13] = 1, b[14] = 32, b[16] = 2, b[21] = 0xf8;
	b[36] = 0x00, b[37] = 0x04;                             /* sectors per FAT */
	memcpy(b + 82, "FAT32   ", 8);
	b[66] = 0x29, b[67] = 0x01, b[68] = 0x00, b[69] = 0xed, b[70] = 0x5e;
	b[510] = 0x55, b[511] = 0xaa;
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 1);
	assert_string_equal(s.fstype, "vfat");
	assert_string_equal(s.uuid, "5EED-0001");
	assert_int_equal(sniff_fs(b, 511, &s), 0);              /* short read */
	b[13] = 3;                                              /* sectors per cluster not a power of 2 */
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 0);
	b[13] = 1;
	/* ext4 (extents) with its UUID; with the FAT signature still there: both, so none */
	uint8_t *sb = b + 1024;
	sb[0x38] = 0x53, sb[0x39] = 0xef, sb[0x60] = 0x40;
	for (int i = 0; i < 16; i++)
		sb[0x68 + i] = (uint8_t)(0xa0 + i);
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 0);
	b[510] = 0;
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 1);
	assert_string_equal(s.fstype, "ext4");
	assert_string_equal(s.uuid, "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
	sb[0x60] = 0x2, sb[0x5c] = 0x4;                         /* filetype and a journal: ext3 */
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 1);
	assert_string_equal(s.fstype, "ext3");
	sb[0x5c] = 0;
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 1);
	assert_string_equal(s.fstype, "ext2");
	sb[0x60] = 0x8;                                         /* an external journal device */
	assert_int_equal(sniff_fs(b, sizeof(b), &s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vda, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sda, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xvda, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nvme, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lowest_partition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_ambiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewritten_kept, setup, teardown),
		cmocka_unit_test(test_release_zeroed),
		cmocka_unit_test(test_sniff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
