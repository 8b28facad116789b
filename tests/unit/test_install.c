/* test_install.c — install helpers: partition specs, fstab lookup, init detection, embedded dist files. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install/dist.h"
#include "tree/agent.h"
#include "tree/fsview.h"
#include "tree/init.h"
#include "install/install.h"
#include "sys/atomic.h"
#include "sys/root.h"
#include "util/macros.h"

#include "scratch_root.h"

static void test_partition_spec(void **state)
{
	(void)state;
	assert_true(partition_spec_valid("UUID=5EED-0001"));
	assert_true(partition_spec_valid("LABEL=CUSTOMIMG"));
	assert_true(partition_spec_valid("PARTUUID=5eed0001-01"));
	assert_true(partition_spec_valid("PARTLABEL=custom"));
	assert_false(partition_spec_valid("UUID="));
	assert_false(partition_spec_valid("/dev/vda1"));
	assert_false(partition_spec_valid("LABEL=two words"));
	assert_false(partition_spec_valid("LABEL=x\npartition=UUID=evil"));
	assert_false(partition_spec_valid("uuid=5EED-0001"));
}

static void test_fstab(void **state)
{
	(void)state;
	scratch_put("etc/fstab", "# comment UUID=5EED-0001 /nope\n"
			 "LABEL=rootfs / ext4 defaults 0 1\n"
			 "UUID=\"5eed-0001\"\t/boot/efi  vfat umask=077 0 2\n"
			 "/dev/disk/by-label/DATA /data ext4 defaults,noauto 0 2\n"
			 "/dev/disk/by-partuuid/ABCD-01 /p ext4 defaults 0 2\n"
			 "LABEL=swap none swap sw 0 0\n");
	char *m = NULL;
	assert_int_equal(fstab_mount_point(root.fd, "UUID=5EED-0001", &m), 0);
	assert_non_null(m);
	assert_string_equal(m, "/boot/efi");
	free(m);
	assert_int_equal(fstab_mount_point(root.fd, "PARTUUID=abcd-01", &m), 0);
	assert_non_null(m);
	assert_string_equal(m, "/p");
	free(m);
	static const char *const none[] = {
		"LABEL=DATA",   /* noauto */
		"LABEL=swap",   /* not a mount point */
		"LABEL=ROOTFS", /* labels are case-sensitive */
		NULL,
	};
	for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
		m = (char *)"untouched?";
		assert_int_equal(fstab_mount_point(root.fd, none[i], &m), 0);
		assert_null(m);
	}
	/* an fstab that cannot be read is an error, never "not mounted" */
	assert_int_equal(unlinkat(root.fd, "etc/fstab", 0), 0);
	assert_int_equal(mkdirat(root.fd, "etc/fstab", 0755), 0);
	assert_true(fstab_mount_point(root.fd, "UUID=5EED-0001", &m) < 0);
	assert_null(m);
	assert_int_equal(unlinkat(root.fd, "etc/fstab", AT_REMOVEDIR), 0);
}

static void test_detect_init(void **state)
{
	(void)state;
	struct fs_borrowed fb;
	struct fsview *fs = fs_borrow_root(root.fd, &fb);
	struct init_info ii;
	enum init_system init;
	assert_int_equal(init_read(fs, &ii), 0);
	assert_int_equal(ii.system, INIT_UNKNOWN);
	scratch_put("etc/init.d/README", "");
	assert_int_equal(init_read(fs, &ii), 0);
	assert_int_equal(ii.system, INIT_SYSV);
	assert_string_equal(ii.how, "/etc/init.d");
	scratch_put("sbin/openrc-run", "");
	assert_int_equal(init_read(fs, &ii), 0);
	assert_int_equal(ii.system, INIT_OPENRC);
	assert_true(atomic_symlink(root.fd, "sbin/init", "/lib/systemd/systemd") >= 0);
	assert_int_equal(init_read(fs, &ii), 0);
	assert_int_equal(ii.system, INIT_SYSTEMD);
	assert_string_equal(ii.how, "/sbin/init -> /lib/systemd/systemd");
	assert_int_equal(init_system_parse("openrc", &init), 0);
	assert_int_equal(init, INIT_OPENRC);
	assert_int_equal(init_system_parse("upstart", &init), -EINVAL);
	assert_string_equal(init_system_name(INIT_SYSV), "sysv");
}

static void test_dist_embedded(void **state)
{
	(void)state;
	const struct dist_file *f = dist_file("systemd/osconf.service");
	assert_non_null(f);
	assert_int_equal(strlen(f->data), f->len);
	assert_non_null(strstr(f->data, "ExecStart=/usr/sbin/osconf apply"));
	assert_non_null(dist_file("systemd/osconf.path"));
	assert_non_null(dist_file("sysv/osconf"));
	assert_non_null(dist_file("openrc/osconf"));
	assert_non_null(dist_file("sysv/osconf-ssh-keygen"));
	assert_non_null(dist_file("openrc/osconf-ssh-keygen"));
	assert_null(dist_file("rpm/osconf.spec"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partition_spec),
		cmocka_unit_test(test_fstab),
		cmocka_unit_test(test_detect_init),
		cmocka_unit_test(test_dist_embedded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
