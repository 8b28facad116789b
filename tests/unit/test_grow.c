/* test_grow.c — root growth planning over real tables: sfdisk-made image files read, grown, checked by sfdisk. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grow/grow.h"
#include "grow/ptable.h"
#include "tree/agent.h"

static char dir[] = "/tmp/osconf-grow.XXXXXX";
static char img[64];
static bool have_sfdisk;

#define MiB (UINT64_C(1) << 20)
#define SECT(mib) ((mib) * 2048)

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	have_sfdisk = sh("PATH=$PATH:/sbin:/usr/sbin command -v sfdisk >/dev/null") == 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'", dir);
	return 0;
}

/* A sparse image of mib MiB with the sfdisk script given (a here-string). */
static void make_disk(unsigned mib, const char *label, const char *parts)
{
	assert_int_equal(sh("rm -f %s && truncate -s %uM %s && printf 'label: %s\\n%s' | "
			    "PATH=$PATH:/sbin:/usr/sbin sfdisk -q %s >/dev/null 2>&1",
			    img, mib, img, label, parts, img), 0);
}

static int rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	return pread(*(int *)ctx, buf, len, (off_t)off) == (ssize_t)len ? 0 : -EIO;
}

static int read_table(struct ptable *pt, char *err)
{
	int fd = open(img, O_RDONLY);
	assert_true(fd >= 0);
	struct stat st;
	fstat(fd, &st);
	int r = ptable_read(rd, &fd, (uint64_t)st.st_size, 512, pt, err, 200);
	close(fd);
	return r;
}

static void write_growth(const struct ptable *pt, unsigned partno, uint64_t new_last)
{
	struct pt_writes w = { 0 };
	assert_int_equal(ptable_render_growth(pt, partno, new_last, &w), 0);
	int fd = open(img, O_RDWR);
	assert_true(fd >= 0);
	for (size_t i = 0; i < w.n; i++)
		assert_int_equal(pwrite(fd, w.w[i].data, w.w[i].len, (off_t)w.w[i].off), (ssize_t)w.w[i].len);
	close(fd);
	pt_writes_free(&w);
}

/* sfdisk (the real consumer) finds the table sound and partition partno of the size wanted. */
static void sfdisk_says(unsigned partno, uint64_t sectors)
{
	assert_int_equal(sh("PATH=$PATH:/sbin:/usr/sbin sfdisk -V %s >/dev/null 2>&1", img), 0);
	assert_int_equal(sh("PATH=$PATH:/sbin:/usr/sbin sfdisk -d %s 2>/dev/null | grep -q '^%s%u : .*size= *%llu,'",
			    img, img, partno, (unsigned long long)sectors), 0);
}

static void grow_and_check(const char *label, unsigned partno, uint64_t want_last)
{
	struct ptable pt;
	struct pt_growth g;
	char err[200] = "";
	assert_int_equal(read_table(&pt, err), 0);
	assert_int_equal(ptable_growth(&pt, partno, MiB, &g, err, sizeof(err)), 0);
	assert_true(g.grows);
	assert_int_equal(g.new_last, want_last);
	write_growth(&pt, partno, g.new_last);
	ptable_free(&pt);
	sfdisk_says(partno, want_last - g.start + 1);
	/* read again: consistent, and nothing left to grow */
	assert_int_equal(read_table(&pt, err), 0);
	assert_int_equal(ptable_growth(&pt, partno, MiB, &g, err, sizeof(err)), 0);
	assert_false(g.grows);
	assert_string_equal(ptable_type_name(pt.type), label);
	ptable_free(&pt);
}

static void test_dos_enlarged(void **state)
{
	(void)state;
	if (!have_sfdisk)
		skip();
	make_disk(64, "dos", "start=2048, size=8192, type=c\\nstart=10240, type=83\\n");
	assert_int_equal(sh("truncate -s 100M %s", img), 0);
	grow_and_check("dos", 2, SECT(100) - 1);
	/* enlarged again: grows again */
	assert_int_equal(sh("truncate -s 130M %s", img), 0);
	grow_and_check("dos", 2, SECT(130) - 1);
}

static void test_gpt_enlarged(void **state)
{
	(void)state;
	if (!have_sfdisk)
		skip();
	make_disk(64, "gpt", "start=2048, size=8192, type=uefi\\nstart=10240, type=linux\\n");
	assert_int_equal(sh("truncate -s 100M %s", img), 0);
	/* the backup header is not at the end any more: the usable area ends before it */
	grow_and_check("gpt", 2, SECT(100) - 34);
	assert_int_equal(sh("truncate -s 200M %s", img), 0);
	grow_and_check("gpt", 2, SECT(200) - 34);
}

/* Nothing after the root but a partition: grows up to it, never into it; a full disk: nothing. */
static void test_limits(void **state)
{
	(void)state;
	if (!have_sfdisk)
		skip();
	struct ptable pt;
	struct pt_growth g;
	char err[200] = "";
	make_disk(100, "gpt", "start=2048, size=8192, type=linux\\nstart=81920, size=8192, type=linux\\n");
	assert_int_equal(read_table(&pt, err), 0);
	assert_int_equal(ptable_growth(&pt, 1, MiB, &g, err, sizeof(err)), 0);
	assert_int_equal(g.new_last, 81919);
	assert_string_equal(g.why, "partition 2");
	write_growth(&pt, 1, g.new_last);
	ptable_free(&pt);
	sfdisk_says(1, 81920 - 2048);
	sfdisk_says(2, 8192);
	/* the last partition fills the disk: no growth, and none under the minimum */
	make_disk(64, "dos", "start=2048, type=83\\n");
	assert_int_equal(read_table(&pt, err), 0);
	assert_int_equal(ptable_growth(&pt, 1, MiB, &g, err, sizeof(err)), 0);
	assert_false(g.grows);
	ptable_free(&pt);
	assert_int_equal(sh("truncate -s 66047K %s", img), 0); /* 511 KiB more: under 1 MiB */
	assert_int_equal(read_table(&pt, err), 0);
	assert_int_equal(ptable_growth(&pt, 1, MiB, &g, err, sizeof(err)), 0);
	assert_false(g.grows);
	assert_int_equal(ptable_growth(&pt, 3, MiB, &g, err, sizeof(err)), -EUCLEAN);
	ptable_free(&pt);
}

/* Inconsistent tables are refused: overlapping entries, a bad CRC, a partition past the end. */
static void test_refused(void **state)
{
	(void)state;
	if (!have_sfdisk)
		skip();
	struct ptable pt;
	char err[200] = "";
	make_disk(64, "dos", "start=2048, size=8192, type=83\\nstart=10240, type=83\\n");
	/* entry 2 starts inside entry 1 (start LBA at byte 446 + 16 + 8) */
	assert_int_equal(sh("printf '\\000\\040' | dd of=%s bs=1 seek=470 conv=notrunc 2>/dev/null", img), 0);
	assert_int_equal(read_table(&pt, err), -EUCLEAN);
	assert_non_null(strstr(err, "overlap"));
	make_disk(64, "dos", "start=2048, type=83\\n");
	assert_int_equal(sh("truncate -s 32M %s", img), 0); /* the disk shrank under its partition */
	assert_int_equal(read_table(&pt, err), -EUCLEAN);
	assert_non_null(strstr(err, "outside"));
	make_disk(64, "gpt", "start=2048, type=linux\\n");
	assert_int_equal(sh("printf x | dd of=%s bs=1 seek=%d conv=notrunc 2>/dev/null", img, 1024 + 40), 0);
	assert_int_equal(read_table(&pt, err), -EUCLEAN);
	assert_non_null(strstr(err, "CRC"));
	assert_int_equal(sh("truncate -s 0 %s && truncate -s 1M %s", img, img), 0);
	assert_int_equal(read_table(&pt, err), -ENOMEDIUM);
}

/* The decision over facts: kernel and table must agree; a file system smaller than its
 * partition grows even when the table does not; LVM only warns. */
static void test_decide(void **state)
{
	(void)state;
	if (!have_sfdisk)
		skip();
	char err[300] = "";
	struct grow_facts f = { .kind = GROW_PARTITION, .fs = GROW_FS_EXT4, .fstype = "ext4", .part = "vda2",
				.disk = "vda", .partno = 2, .sector = 512, .fs_block = 4096 };
	struct grow_plan g;
	make_disk(64, "dos", "start=2048, size=8192, type=c\\nstart=10240, type=83\\n");
	assert_int_equal(sh("truncate -s 100M %s", img), 0);
	assert_int_equal(read_table(&f.pt, err), 0);
	f.have_pt = true;
	f.kstart = 10240 * 512, f.ksize = (SECT(64) - 10240) * 512, f.fs_bytes = f.ksize;
	assert_int_equal(grow_decide(&f, &g, err, sizeof(err)), 0);
	assert_true(g.table && g.kernel && g.fs);
	assert_int_equal(g.part_bytes, (SECT(100) - 10240) * 512);
	assert_int_equal(g.fs_new_bytes, g.part_bytes / 4096 * 4096);
	char line[700];
	grow_describe(&g, line, sizeof(line));
	assert_non_null(strstr(line, "dos partition 2 of vda: sectors 10240-131071 -> 10240-204799 (to the end of the disk)"));
	assert_non_null(strstr(line, "ext4 grown online"));
	f = g.f; /* the table back */
	/* the kernel sees another start: refused, nothing planned */
	f.kstart += 512;
	assert_int_equal(grow_decide(&f, &g, err, sizeof(err)), -EUCLEAN);
	assert_non_null(strstr(err, "the kernel"));
	/* the table was grown, the kernel not yet told (a run stopped half-way): kernel and fs */
	f.kstart -= 512;
	grow_facts_free(&f);
	write_growth(&g.f.pt, 2, SECT(100) - 1);
	assert_int_equal(read_table(&f.pt, err), 0);
	f.have_pt = true;
	assert_int_equal(grow_decide(&f, &g, err, sizeof(err)), 0);
	assert_true(!g.table && g.kernel && g.fs);
	f = g.f;
	/* all done: the file system fills the partition */
	f.ksize = f.fs_bytes = (SECT(100) - 10240) * 512;
	assert_int_equal(grow_decide(&f, &g, err, sizeof(err)), 0);
	assert_false(grow_needed(&g));
	grow_facts_free(&g.f);
	/* a logical partition (MBR 5 and up): left alone, no failure */
	assert_int_equal(read_table(&f.pt, err), 0);
	f.have_pt = true, f.partno = 5;
	assert_int_equal(grow_decide(&f, &g, err, sizeof(err)), 0);
	assert_false(grow_needed(&g));
	assert_non_null(strstr(g.note, "a logical partition"));
	grow_facts_free(&g.f);
	grow_facts_free(&f);
	/* the partition ends at the disk's end, so its table was not read: only the file system */
	struct grow_facts e = { .kind = GROW_PARTITION, .fs = GROW_FS_EXT4, .fstype = "ext4", .part = "vda2",
				.disk = "vda", .partno = 2, .sector = 512, .fs_block = 4096,
				.kstart = 10240 * 512, .ksize = (SECT(100) - 10240) * 512, .disk_bytes = SECT(100) * 512 };
	e.fs_bytes = e.ksize;
	assert_int_equal(grow_decide(&e, &g, err, sizeof(err)), 0);
	assert_false(grow_needed(&g));
	assert_string_equal(g.note, "partition 2 of vda ends at the end of the disk");
	e.fs_bytes = e.ksize / 2;
	assert_int_equal(grow_decide(&e, &g, err, sizeof(err)), 0);
	assert_true(!g.table && !g.kernel && g.fs);
	struct grow_facts lvm = { .kind = GROW_LVM, .other = "logical volume vg-root on vda3" };
	assert_int_equal(grow_decide(&lvm, &g, err, sizeof(err)), 0);
	assert_false(grow_needed(&g));
	assert_non_null(strstr(g.warning, "pvresize"));
}

static void test_agent_switches(void **state)
{
	(void)state;
	struct agent_conf c;
	const char text[] = "grow=no\nidentity_reset=\"off\"\n";
	agent_conf_parse(text, sizeof(text) - 1, &c);
	assert_false(agent_on(c.grow));
	assert_false(agent_on(c.identity_reset));
	agent_conf_parse("grow=maybe\n", 11, &c);
	assert_true(agent_on(c.grow));
	assert_non_null(strstr(c.switch_error, ":1: grow= needs yes or no"));
	agent_conf_parse("", 0, &c);
	assert_true(agent_on(c.grow) && agent_on(c.identity_reset));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dos_enlarged), cmocka_unit_test(test_gpt_enlarged),
		cmocka_unit_test(test_limits),       cmocka_unit_test(test_refused),
		cmocka_unit_test(test_decide),       cmocka_unit_test(test_agent_switches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
