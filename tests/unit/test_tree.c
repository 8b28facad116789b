/* test_tree.c — the readers of a target root's own files: /etc/osconf.conf and /etc/fstab. */
#include "unit.h"

#include <string.h>

#include "tree/agent.h"
#include "tree/fstab.h"

static void test_agent_conf(void **state)
{
	(void)state;
	struct agent_conf c;
	const char *t = "# osconf\n  partition = x\npartition=UUID=1\nbackend=nm\n partition='LABEL=CUSTOM'\t\r\n";
	agent_conf_parse(t, strlen(t), &c);
	assert_true(c.exists);
	assert_string_equal(c.partition, "LABEL=CUSTOM");   /* the last one wins, quotes and blanks go */
	assert_int_equal(c.partition_line, 5);
	assert_string_equal(c.partition_error, "");
	assert_string_equal(c.backend, "nm");
	/* an invalid last line: no partition, and the error names its line */
	t = "partition=UUID=1\npartition=\"\"\n";
	agent_conf_parse(t, strlen(t), &c);
	assert_string_equal(c.partition, "");
	assert_string_equal(c.partition_error,
			    "/etc/osconf.conf:2: partition= needs UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=… and a value");
	t = "partition=FOO=bar";
	agent_conf_parse(t, strlen(t), &c);
	assert_int_equal(c.partition_line, 1);
	assert_string_not_equal(c.partition_error, "");
	assert_true(partition_spec_valid("PARTLABEL=esp"));
	assert_false(partition_spec_valid("UUID="));
	assert_false(partition_spec_valid("LABEL=a b"));
	assert_false(partition_spec_valid("LABEL=a\"b"));
}

static void test_fstab(void **state)
{
	(void)state;
	struct fstab f = FSTAB_INIT;
	const char *t = "# comment\n\nUUID=abc / ext4 defaults 0 1\n"
			"LABEL=EFI\t/boot/efi vfat noauto,umask=077 0 2\n/dev/vdb2 none swap sw\nlonely\n";
	assert_int_equal(fstab_parse(t, strlen(t), &f), 0);
	assert_true(f.exists);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.entries[1].dir, "/boot/efi");
	assert_string_equal(f.entries[1].opts, "noauto,umask=077");
	assert_int_equal(f.entries[1].line, 4);
	assert_ptr_equal(fstab_find_dir(&f, "/"), &f.entries[0]);
	assert_null(fstab_find_dir(&f, "/home"));
	assert_true(fstab_mounted_at_boot(&f.entries[0]));
	assert_false(fstab_mounted_at_boot(&f.entries[1]));
	assert_false(fstab_mounted_at_boot(&f.entries[2]));
	fstab_free(&f);
	assert_int_equal(f.n, 0);
	/* spec forms: quotes, case of UUIDs, /dev/disk/by-* links */
	assert_true(fstab_spec_matches("UUID=ABC-1", "UUID=abc-1"));
	assert_true(fstab_spec_matches("uuid=\"abc-1\"", "UUID=abc-1"));
	assert_true(fstab_spec_matches("/dev/disk/by-label/CUSTOM", "LABEL=CUSTOM"));
	assert_false(fstab_spec_matches("LABEL=custom", "LABEL=CUSTOM"));
	assert_false(fstab_spec_matches("UUID=abc-12", "UUID=abc-1"));
	assert_false(fstab_spec_matches("UUID=abc-1", "FOO=abc-1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agent_conf),
		cmocka_unit_test(test_fstab),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
