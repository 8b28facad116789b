/* test_locate_mountinfo.c — mountinfo lines: fields, escapes, optional fields, ro, FUSE owner. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <errno.h>
#include <sys/sysmacros.h>

#include "locate/mountinfo.h"

static void test_plain(void **state)
{
	(void)state;
	struct mount_entry e;
	assert_int_equal(mountinfo_parse_line("27 1 254:2 / / rw,relatime shared:1 - ext4 /dev/vda2 rw,discard", &e), 0);
	assert_true(e.dev == makedev(254, 2));
	assert_string_equal(e.root, "/");
	assert_string_equal(e.mountpoint, "/");
	assert_string_equal(e.fstype, "ext4");
	assert_string_equal(e.source, "/dev/vda2");
	assert_false(e.ro);
	assert_int_equal(e.user_id, -1);
}

static void test_escapes_and_optional_fields(void **state)
{
	(void)state;
	struct mount_entry e;
	assert_int_equal(mountinfo_parse_line("40 27 259:1 /sub\\040dir /boot\\040efi rw master:3 shared:7 - vfat "
					      "/dev/nvme0n1p1 ro,fmask=0077",
					      &e),
			 0);
	assert_string_equal(e.root, "/sub dir");
	assert_string_equal(e.mountpoint, "/boot efi");
	assert_string_equal(e.fstype, "vfat");
	assert_true(e.ro); /* from the super options */
}

static void test_ro_and_fuse(void **state)
{
	(void)state;
	struct mount_entry e;
	assert_int_equal(mountinfo_parse_line("42 27 0:39 / /mnt/p1 ro,nosuid - fuse /dev/loop0p1 rw,user_id=0,group_id=0", &e),
			 0);
	assert_true(e.ro);
	assert_int_equal(e.user_id, 0);
	assert_int_equal(mountinfo_parse_line("43 27 0:40 / /home/u/x rw - fuse.sshfs u@h: rw,user_id=1000", &e), 0);
	assert_int_equal(e.user_id, 1000);
}

static void test_malformed(void **state)
{
	(void)state;
	struct mount_entry e = { .fstype = "kept" };
	assert_int_equal(mountinfo_parse_line("", &e), -EINVAL);
	assert_int_equal(mountinfo_parse_line("27 1 254:2 / / rw ext4 /dev/vda2 rw", &e), -EINVAL);   /* no "-" */
	assert_int_equal(mountinfo_parse_line("27 1 254 / / rw - ext4 /dev/vda2 rw", &e), -EINVAL);   /* no minor */
	assert_string_equal(e.fstype, "kept");   /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escapes_and_optional_fields),
		cmocka_unit_test(test_ro_and_fuse),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
