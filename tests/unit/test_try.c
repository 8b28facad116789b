/* test_try.c — image try's pure parts: its os.conf (made, changed, network options), the console and the guest probe judged, QEMU's argv. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <unistd.h>

#include "try/conf.h"
#include "try/judge.h"
#include "try/vm.h"

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_default_conf(void **state)
{
	(void)state;
	struct try_conf c = { 0 };
	char err[200] = "";
	assert_int_equal(try_conf_default(&c, err, sizeof(err)), 0);
	assert_int_equal(strncmp(c.hostname, "try-", 4), 0);
	assert_int_equal(strncmp(c.mac, "00:16:3e:", 9), 0);
	assert_string_equal(c.addr, "10.0.2.15");
	assert_int_equal(c.prefix, 24);
	assert_string_equal(c.gw, "10.0.2.2");
	assert_int_equal(c.ndns, 1);
	assert_string_equal(c.dns[0], "10.0.2.3");
	assert_int_equal(strlen(c.password), 16);
	char netopts[128];
	try_conf_netopts(&c, netopts, sizeof(netopts));
	assert_string_equal(netopts, "");   /* QEMU's own network */
	char host[65], *pw = strdup(c.password);
	snprintf(host, sizeof(host), "%s", c.hostname);
	assert_int_equal(try_conf_change(&c, err, sizeof(err)), 0);
	assert_int_equal(strncmp(c.hostname, "changed-", 8), 0);
	assert_string_not_equal(c.password, pw);
	assert_string_equal(c.addr, "10.0.2.15");   /* the network stays */
	free(pw);
	try_conf_free(&c);
}

static void test_owner_conf(void **state)
{
	(void)state;
	struct try_conf c = { 0 };
	char err[200] = "", netopts[128];
	const char *p = write_tmp("vpc.conf", "hostname=iZ23r29djmjZ\npassword=cXdlcjEyMzQK\neth0_ip_addr=10.171.254.123\n"
				  "eth0_mac_addr=00:8c:fa:5e:14:23\neth0_netmask=255.255.255.0\neth0_gateway=10.171.254.1\n"
				  "eth0_route=\"0.0.0.0/0 10.171.254.1\"\ndns_nameserver=\"7.7.7.7 8.8.8.8\"\n");
	assert_int_equal(try_conf_load(p, &c, err, sizeof(err)), 0);
	assert_string_equal(c.password, "qwer1234");
	assert_string_equal(c.mac, "00:8c:fa:5e:14:23");
	try_conf_netopts(&c, netopts, sizeof(netopts));
	assert_string_equal(netopts, ",net=10.171.254.0/24,host=10.171.254.1");   /* DNS outside the subnet: QEMU's */
	try_conf_free(&c);
	p = write_tmp("nopw.conf", "hostname=a\neth0_ip_addr=10.0.2.15\neth0_netmask=24\neth0_mac_addr=00:16:3e:00:00:01\n");
	assert_int_equal(try_conf_load(p, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "must set password"));
	try_conf_free(&c);
	p = write_tmp("bad.conf", "hostname=$(reboot)\n");
	assert_int_equal(try_conf_load(p, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "os.conf:1:"));
	try_conf_free(&c);
}

static void test_console(void **state)
{
	(void)state;
	char ev[400];
	const char *p = write_tmp("c1", "\x1b[0;32m  OK  \x1b[0m] Started ssh.service\r\n\r\nDebian GNU/Linux 12 h ttyS0\r\n\r\nh login: ");
	assert_int_equal(console_scan(p, ev, sizeof(ev)), CONSOLE_LOGIN);
	assert_string_equal(ev, "Debian GNU/Linux 12 h ttyS0\nh login:");
	p = write_tmp("c2", "Begin: Running /scripts/local-block ... done.\nGave up waiting for root file system device.  Common problems:\n"
			    " - Missing modules (cat /proc/modules; ls /dev)\nALERT!  UUID=1 does not exist.  Dropping to a shell!\n(initramfs) ");
	assert_int_equal(console_scan(p, ev, sizeof(ev)), CONSOLE_FAILED);
	assert_non_null(strstr(ev, "Gave up waiting for root file system device"));
	assert_non_null(strstr(ev, "ALERT!  UUID=1 does not exist"));
	p = write_tmp("c3", "SeaBIOS (version 1.16.2)\nBooting from Hard Disk...\n");
	assert_int_equal(console_scan(p, ev, sizeof(ev)), CONSOLE_WAIT);
	console_tail(p, 1, ev, sizeof(ev));
	assert_string_equal(ev, "Booting from Hard Disk...");
}

static void test_guest(void **state)
{
	(void)state;
	struct try_conf c = { .hostname = "h1", .addr = "10.0.2.15", .prefix = 24, .gw = "10.0.2.2", .ndns = 1, .dns = { "10.0.2.3" } };
	struct try_report r = { 0 };
	const char *p = write_tmp("probe", "TRY hostname h1\nTRY addr eth0 10.0.2.15/24\nTRY route default via 10.0.2.2 dev eth0 proto static \n"
				   "TRY dns 10.0.2.3\nTRY end\n");
	judge_guest(&r, 1, &c, p, true);
	assert_int_equal(r.n, 4);
	assert_true(try_report_pass(&r));
	r = (struct try_report){ 0 };
	p = write_tmp("probe2", "TRY hostname localhost\nTRY addr eth0 10.0.2.150/24\nTRY route default via 10.0.2.2 dev eth0\n"
				"TRY route default via 10.0.2.9 dev eth0\nTRY dns 8.8.8.8\nTRY end\n");
	judge_guest(&r, 1, &c, p, true);
	for (int i = 0; i < r.n; i++)
		assert_false(r.items[i].pass);   /* each wrong: name, address (a prefix of it is not it), two routes, DNS */
	assert_false(try_report_pass(&r));
}

/* The index of word in argv, or -1. */
static int argv_find(char *const *argv, const char *word)
{
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], word))
			return i;
	return -1;
}

/* argv has the option opt followed by value. */
static bool argv_has(char *const *argv, const char *opt, const char *value)
{
	for (int i = 0; argv[i] && argv[i + 1]; i++)
		if (!strcmp(argv[i], opt) && !strcmp(argv[i + 1], value))
			return true;
	return false;
}

static void test_vm_argv(void **state)
{
	(void)state;
	struct vm_plan p = { .arch = ARCH_AARCH64, .firmware = FW_UEFI, .qemu = "/usr/bin/qemu-system-aarch64",
			     .code = "/usr/share/AAVMF/AAVMF_CODE.fd", .vars = "/w/efivars.fd", .disk = "/w/disk.raw",
			     .mac = "00:16:3e:01:02:03", .guest_ip = "10.0.2.15" };
	struct vm_argv a;
	vm_argv(&p, 2222, "/w/console-1.log", &a);
	assert_string_equal(a.argv[0], "/usr/bin/qemu-system-aarch64");
	assert_true(argv_has(a.argv, "-machine", "virt"));
	assert_true(argv_has(a.argv, "-cpu", "max,pauth-impdef=on"));
	assert_true(argv_has(a.argv, "-accel", "tcg"));
	assert_true(argv_has(a.argv, "-serial", "file:/w/console-1.log"));
	assert_true(argv_has(a.argv, "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd"));
	assert_true(argv_has(a.argv, "-drive", "if=pflash,format=raw,unit=1,file=/w/efivars.fd"));
	assert_true(argv_has(a.argv, "-drive", "file=/w/disk.raw,format=raw,if=none,id=d0,cache=unsafe"));
	assert_true(argv_has(a.argv, "-device", "virtio-blk-pci,drive=d0,bootindex=0"));
	assert_true(argv_has(a.argv, "-device", "virtio-net-pci,netdev=n0,mac=00:16:3e:01:02:03"));
	assert_true(argv_has(a.argv, "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:2222-10.0.2.15:22"));
	p.kvm = true;
	vm_argv(&p, 2222, "/w/console-1.log", &a);
	assert_true(argv_has(a.argv, "-cpu", "host"));
	assert_true(argv_has(a.argv, "-accel", "kvm"));

	/* x86-64 under BIOS: QEMU's default machine and CPU, SeaBIOS (no pflash) */
	p.arch = ARCH_X86_64, p.firmware = FW_BIOS, p.kvm = false;
	vm_argv(&p, 2222, "/w/console-1.log", &a);
	assert_int_equal(argv_find(a.argv, "-machine"), -1);
	assert_int_equal(argv_find(a.argv, "-cpu"), -1);
	for (int i = 0; a.argv[i]; i++)
		assert_null(strstr(a.argv[i], "pflash"));
	assert_true(argv_has(a.argv, "-device", "virtio-blk-pci,drive=d0,bootindex=0"));
}

static void test_kvm_foreign(void **state)
{
	(void)state;
	char why[160];
#if defined(__x86_64__)
	assert_false(vm_kvm_usable(ARCH_AARCH64, why, sizeof(why)));
	assert_string_equal(why, "KVM runs only x86-64 guests on this x86-64 machine");
#elif defined(__aarch64__)
	assert_false(vm_kvm_usable(ARCH_X86_64, why, sizeof(why)));
	assert_string_equal(why, "KVM runs only arm64 guests on this arm64 machine");
#endif
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/osconf-try-unit.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const files[] = { "vpc.conf", "nopw.conf", "bad.conf", "c1", "c2", "c3", "probe", "probe2", NULL };
	char path[128];
	for (const char *const *f = files; *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, *f);
		unlink(path);
	}
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_conf),
		cmocka_unit_test(test_owner_conf),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_guest),
		cmocka_unit_test(test_vm_argv),
		cmocka_unit_test(test_kvm_foreign),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
