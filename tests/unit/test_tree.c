/* test_tree.c — the readers of a target root's own files: osconf.conf, fstab, os-release, the init system. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sys/atomic.h"
#include "tree/agent.h"
#include "tree/bootcfg.h"
#include "tree/fstab.h"
#include "tree/fsview.h"
#include "tree/init.h"
#include "tree/initramfs.h"
#include "tree/kmod.h"
#include "tree/osrelease.h"
#include "tree/sshd.h"
#include "tree/sysconf.h"
#include "util/macros.h"

#include "scratch_root.h"

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

static void test_agent_lock_wait(void **state)
{
	(void)state;
	struct agent_conf c;
	agent_conf_parse("", 0, &c);
	assert_int_equal(c.lock_wait_ms, AGENT_LOCK_WAIT_MS); /* not set: 60 s */
	static const struct {
		const char *text;
		int ms; /* -1: invalid, the default kept */
	} cases[] = {
		{ "lock_wait=5\n", 5000 },       { "  lock_wait='0'\t\n", 0 },   { "lock_wait=3600", 3600000 },
		{ "lock_wait=3601\n", -1 },      { "lock_wait=-1\n", -1 },     { "lock_wait=\n", -1 },
		{ "lock_wait=10s\n", -1 },       { "lock_wait=99999999\n", -1 }, { "lock_wait=7\nlock_wait=x\n", -1 },
		{ "lock_wait=x\nlock_wait=7\n", 7000 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		agent_conf_parse(cases[i].text, strlen(cases[i].text), &c);
		assert_int_equal(c.lock_wait_ms, cases[i].ms < 0 ? AGENT_LOCK_WAIT_MS : cases[i].ms);
		if (cases[i].ms < 0)
			assert_non_null(strstr(c.lock_wait_error, "lock_wait= needs seconds (0-3600)"));
		else
			assert_string_equal(c.lock_wait_error, "");
	}
}

static void test_sysconf(void **state)
{
	(void)state;
	struct selinux_conf s;
	const char *t = "# SELINUX=enforcing\nSELINUX=Enforcing\n  SELINUXTYPE=\"targeted\" # policy\nSELINUXX=disabled\n";
	selinux_conf_parse(t, strlen(t), &s);
	assert_true(s.exists);
	assert_string_equal(s.mode, "enforcing");   /* case folded, comments and other keys ignored */
	assert_string_equal(s.type, "targeted");
	t = "SELINUX=enforcing\nSELINUX=permissive";      /* the last one wins, no final newline */
	selinux_conf_parse(t, strlen(t), &s);
	assert_string_equal(s.mode, "permissive");
	selinux_conf_parse("", 0, &s);
	assert_string_equal(s.mode, "");
	struct ufw_conf u;
	t = "# ENABLED=yes\nENABLED=no\nLOGLEVEL=low\n";
	ufw_conf_parse(t, strlen(t), &u);
	assert_true(u.exists);
	assert_false(u.enabled);
	t = "ENABLED='YES'\n";
	ufw_conf_parse(t, strlen(t), &u);
	assert_true(u.enabled);
}

/* Include patterns resolve to in-memory files: "/etc/ssh/a.conf" and "/etc/ssh/deep.conf". */
static int fake_include(void *userdata, const char *pattern, struct sshd_config *cfg, int depth)
{
	int *calls = userdata;
	(*calls)++;
	if (depth > SSHD_DEPTH_MAX)
		return 0;
	const char *t = !strcmp(pattern, "/etc/ssh/a.conf")    ? "Match User x\nPasswordAuthentication no\n"
			: !strcmp(pattern, "/etc/ssh/deep.conf") ? "Include deep.conf\n"
								 : NULL;
	return t ? sshd_config_parse(pattern, t, strlen(t), cfg, fake_include, userdata, depth) : 0;
}

static void test_sshd_config(void **state)
{
	(void)state;
	struct sshd_config c = { 0 };
	int calls = 0;
	const char *t = "# PermitRootLogin yes\n  permitrootlogin=\"Without-Password\"\nPermitRootLogin yes\n"
			"Include a.conf /abs/none.conf\nPasswordAuthentication yes\nHostKey /k1\n"
			"Match Address 10.*\nPasswordAuthentication no\nHostKey /k2\nMatch all\nHostKey /k3\n";
	assert_int_equal(sshd_config_parse("main", t, strlen(t), &c, fake_include, &calls, 0), 0);
	assert_int_equal(calls, 2);
	assert_string_equal(c.permit_root_login.value, "without-password");   /* first wins, lower-cased */
	assert_string_equal(c.permit_root_login.at, "main:2");
	/* the Match in a.conf ended with that file: main's line 5 is global again */
	assert_string_equal(c.password_auth.value, "yes");
	assert_string_equal(c.password_auth.at, "main:5");
	assert_int_equal(c.nhostkeys, 2);
	assert_string_equal(c.hostkeys[1], "/k3");
	assert_int_equal(c.files, 2);
	const char *why;
	assert_false(sshd_root_password_allowed(&c, &why));
	strcpy(c.permit_root_login.value, "yes");
	assert_true(sshd_root_password_allowed(&c, &why));
	strcpy(c.password_auth.value, "no");
	assert_false(sshd_root_password_allowed(&c, &why));
	c = (struct sshd_config){ 0 };
	assert_false(sshd_root_password_allowed(&c, &why));   /* unset: prohibit-password */
	/* a self-including file stops at the depth bound */
	calls = 0;
	t = "Include deep.conf\n";
	assert_int_equal(sshd_config_parse("main", t, strlen(t), &c, fake_include, &calls, 0), 0);
	assert_int_equal(calls, SSHD_DEPTH_MAX + 1);
}

static void test_bootcfg(void **state)
{
	(void)state;
	struct bootcfg c;
	struct grubenv env = { 0 };
	const char *t = "set default=\"${next_entry}\"\nset default=\"1>0\"\n"
			"menuentry 'A' --id a {\n linux /vmlinuz-1 root=/dev/sda1\n}\n"
			"submenu 'Adv' {\n  menuentry \"B\" {\n    linuxefi ($root)/vmlinuz-2.0-x root=UUID=u quiet\n"
			"    initrdefi /ucode.img /initrd-2\n  }\n  menuentry 'C' { \n linux /k3\n }\n}\n";
	grub_cfg_parse(t, strlen(t), &env, &c);
	assert_int_equal(c.loader, BOOT_GRUB);
	assert_int_equal(c.nentries, 3);
	assert_true(c.has_default);
	assert_string_equal(c.def.title, "B");
	assert_string_equal(c.def.kernel, "/vmlinuz-2.0-x");
	assert_string_equal(c.def.version, "2.0-x");
	assert_string_equal(c.def.cmdline, "root=UUID=u quiet");
	assert_int_equal(c.def.ninitrd, 2);
	assert_string_equal(c.def.initrd[1], "/initrd-2");
	t = "set default=\"${saved_entry}\"\nmenuentry 'A' --id a {\n linux /k1\n}\nmenuentry 'Z' $menuentry_id_option 'z-id' {\n linux /k2\n}\n";
	snprintf(env.saved_entry, sizeof(env.saved_entry), "z-id");
	grub_cfg_parse(t, strlen(t), &env, &c);
	assert_string_equal(c.def.kernel, "/k2");
	env.saved_entry[0] = '\0';                          /* no saved entry: the first */
	grub_cfg_parse(t, strlen(t), &env, &c);
	assert_string_equal(c.def.kernel, "/k1");
	t = "set default=7\nmenuentry 'A' {\n linux /k1\n}\n";   /* names no entry */
	grub_cfg_parse(t, strlen(t), &env, &c);
	assert_false(c.has_default);
	t = "blscfg\n";
	grub_cfg_parse(t, strlen(t), &env, &c);
	assert_int_equal(c.loader, BOOT_BLS);
	t = "# GRUB Environment Block\nsaved_entry=x\nkernelopts=root=/dev/mapper/rl-root ro\n####";
	grubenv_parse(t, strlen(t), &env);
	assert_string_equal(env.saved_entry, "x");
	struct boot_entry e;
	t = "title T\nversion 5.14\nlinux /vmlinuz-5.14\ninitrd /initramfs-5.14.img\noptions $kernelopts rhgb\n";
	bls_entry_parse("m-5.14", t, strlen(t), &env, &e);
	assert_string_equal(e.cmdline, "root=/dev/mapper/rl-root ro rhgb");
	assert_string_equal(e.id, "m-5.14");
	t = "default b\nlabel a\nkernel /a\nLABEL b\n  LINUX vmlinuz\n  APPEND initrd=initrd.gz,x root=LABEL=r\n";
	extlinux_parse(t, strlen(t), "/boot/extlinux", &c);
	assert_true(c.has_default);
	assert_string_equal(c.def.kernel, "/boot/extlinux/vmlinuz");
	assert_string_equal(c.def.initrd[0], "/boot/extlinux/initrd.gz");
	t = "label a\nkernel /a\nlabel b\n menu default\n kernel /b\n";
	extlinux_parse(t, strlen(t), "", &c);
	assert_string_equal(c.def.kernel, "/b");
	char rootv[64];
	cmdline_root("ro root=/dev/sda1 myroot=x root=UUID=abc quiet", rootv, sizeof(rootv));
	assert_string_equal(rootv, "UUID=abc");
	assert_true(cmdline_has_word("ro selinux=0", "selinux=0"));
	assert_false(cmdline_has_word("ro noselinux=0 selinux=01", "selinux=0"));
	cmdline_root("ro quiet", rootv, sizeof(rootv));
	assert_string_equal(rootv, "");
	assert_null(root_spec_kind("/dev/vda2"));
	assert_null(root_spec_kind("/dev/nvme0n1p2"));
	assert_string_equal(root_spec_kind("/dev/mapper/centos-root"), "LVM");
	assert_string_equal(root_spec_kind("/dev/centos/root"), "LVM");
	assert_string_equal(root_spec_kind("/dev/disk/by-uuid/x"), "UUID");
	assert_string_equal(root_spec_kind("PARTLABEL=root"), "PARTLABEL");
	assert_string_equal(root_spec_kind("ZFS=rpool/ROOT"), "other");
}

/* A cpio newc entry (header, name, data) appended to b. */
static void newc(struct buf *b, const char *name, const char *data)
{
	size_t n = strlen(name) + 1, d = strlen(data);
	buf_printf(b, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 1, 0100644, 0, 0, 1, 0, d, 0, 0, 0, 0, n, 0);
	buf_append(b, name, n);
	while (b->len % 4)
		buf_append(b, "", 1);
	buf_append(b, data, d);
	while (b->len % 4)
		buf_append(b, "", 1);
}

static int collect(const char *name, void *userdata)
{
	buf_printf(userdata, "%s;", name);
	return 0;
}

static void test_initramfs(void **state)
{
	(void)state;
	_cleanup_buf_ struct buf a = BUF_INIT, names = BUF_INIT;
	newc(&a, "kernel/x86/microcode/GenuineIntel.bin", "ucode");
	newc(&a, "TRAILER!!!", "");
	buf_append(&a, "\0\0\0\0\0\0\0\0", 8);   /* padding before the next archive */
	/* a gzip member holding an archive of two entries */
	_cleanup_buf_ struct buf inner = BUF_INIT;
	newc(&inner, "usr/lib/modules/6.1/kernel/drivers/block/virtio_blk.ko.xz", "x");
	newc(&inner, "init", "#!/bin/sh\n");
	newc(&inner, "TRAILER!!!", "");
	uint8_t gz[4096];
	z_stream z = { .next_in = (Bytef *)inner.data, .avail_in = (uInt)inner.len, .next_out = gz, .avail_out = sizeof(gz) };
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	buf_append(&a, gz, z.total_out);
	deflateEnd(&z);
	struct initramfs_info info;
	char err[160] = "";
	assert_int_equal(initramfs_scan((uint8_t *)a.data, a.len, collect, &names, &info, err, sizeof(err)), 0);
	assert_string_equal(names.data, "kernel/x86/microcode/GenuineIntel.bin;usr/lib/modules/6.1/kernel/drivers/block/virtio_blk.ko.xz;init;");
	assert_string_equal(info.formats, "cpio+gzip");
	assert_int_equal(info.entries, 5);
	/* cut short: the names before the cut stand, the error says where */
	assert_int_equal(initramfs_scan((uint8_t *)a.data, a.len - 10, NULL, NULL, &info, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "gzip archive at offset"));
	assert_int_equal(initramfs_scan((uint8_t *)"BZh91AY", 7, NULL, NULL, &info, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(initramfs_scan((uint8_t *)"hello", 5, NULL, NULL, &info, err, sizeof(err)), -EINVAL);
	assert_int_equal(initramfs_scan((uint8_t *)"", 0, NULL, NULL, &info, err, sizeof(err)), 0);
	/* a name size past the bound */
	_cleanup_buf_ struct buf bad = BUF_INIT;
	buf_printf(&bad, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x7fffffff, 0);
	assert_int_equal(initramfs_scan((uint8_t *)bad.data, bad.len, NULL, NULL, &info, err, sizeof(err)), -EINVAL);

	const char *cfg = "CONFIG_VIRTIO=y\nCONFIG_VIRTIO_BLK=m\n# CONFIG_VIRTIO_NET is not set\nCONFIG_VIRTIO_PCI=y\n";
	assert_int_equal(kconfig_value(cfg, strlen(cfg), "CONFIG_VIRTIO_BLK"), 'm');
	assert_int_equal(kconfig_value(cfg, strlen(cfg), "CONFIG_VIRTIO_NET"), 'n');
	assert_int_equal(kconfig_value(cfg, strlen(cfg), "CONFIG_VIRTIO_PCI"), 'y');
	assert_int_equal(kconfig_value(cfg, strlen(cfg), "CONFIG_VIRTIO_PCI_LEGACY"), 0);
	const char *dep = "kernel/drivers/nvme/host/nvme-core.ko.zst:\nkernel/drivers/net/virtio_net.ko: kernel/net/core/failover.ko\n";
	assert_true(modlist_has(dep, strlen(dep), "nvme_core"));
	assert_true(modlist_has(dep, strlen(dep), "virtio_net"));
	assert_false(modlist_has(dep, strlen(dep), "failover"));   /* a dependency, not a line of its own */
	assert_false(modlist_has(dep, strlen(dep), "nvme"));
	char m[32];
	kmod_name("a/b/virtio-blk.ko.xz", m, sizeof(m));
	assert_string_equal(m, "virtio_blk");
	kmod_name("a/b/virtio_blk.kofoo", m, sizeof(m));
	assert_string_equal(m, "");
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

static void test_osrelease(void **state)
{
	(void)state;
	struct osrelease o;
	const char *t = "# comment\nNAME=Debian\nID=debian\n  ID_LIKE=\"rhel fedora\" # trailing\n"
			"VERSION_ID='12'\nPRETTY_NAME=\"Debian \\\"Book\\$worm\\\" \\n\"\nID=ubuntu\nID_LIKEX=no\n";
	osrelease_parse(t, strlen(t), &o);
	assert_true(o.exists);
	assert_string_equal(o.id, "ubuntu");           /* the last assignment wins */
	assert_string_equal(o.id_like, "rhel fedora"); /* quotes go, what follows the word too */
	assert_string_equal(o.version_id, "12");
	assert_string_equal(o.pretty_name, "Debian \"Book$worm\" \\n"); /* \" \$ unescaped, \n kept */
	assert_true(osrelease_is(&o, "fedora"));
	assert_true(osrelease_is(&o, "ubuntu"));
	assert_false(osrelease_is(&o, "fed"));
	t = "ID=a\\ b'c d'\"e\"\r\nVERSION_ID=";   /* concatenated words, an escaped blank, CRLF */
	osrelease_parse(t, strlen(t), &o);
	assert_string_equal(o.id, "a bc de");
	assert_string_equal(o.version_id, "");
	assert_string_equal(o.pretty_name, "");
}

static void test_osrelease_read(void **state)
{
	(void)state;
	struct fs_borrowed fb;
	struct fsview *fs = fs_borrow_root(root.fd, &fb);
	struct osrelease o = { .exists = true };
	assert_int_equal(osrelease_read(fs, &o), 0);   /* neither file: absent, not an error */
	assert_false(o.exists);
	scratch_put("usr/lib/os-release", "ID=arch\n");
	assert_int_equal(osrelease_read(fs, &o), 0);
	assert_string_equal(o.path, "/usr/lib/os-release");
	assert_string_equal(o.id, "arch");
	assert_true(atomic_symlink(root.fd, "etc/os-release", "../usr/lib/os-release") >= 0);
	assert_int_equal(osrelease_read(fs, &o), 0);
	assert_string_equal(o.path, "/etc/os-release");
	assert_int_equal(unlinkat(root.fd, "etc/os-release", 0), 0);
	assert_int_equal(mkdirat(root.fd, "etc/os-release", 0755), 0);   /* not a file: an error */
	o.id[0] = 'x';
	assert_int_equal(osrelease_read(fs, &o), -EINVAL);
	assert_string_equal(o.id, "xrch");                                /* untouched */
	assert_int_equal(unlinkat(root.fd, "etc/os-release", AT_REMOVEDIR), 0);
}

/* A head read gives the first max bytes of a longer file, all of a shorter one; a whole read
 * of the longer file is -EFBIG. */
static void test_read_head(void **state)
{
	(void)state;
	struct fs_borrowed fb;
	struct fsview *fs = fs_borrow_root(root.fd, &fb);
	scratch_put("etc/head", "0123456789");
	_cleanup_buf_ struct buf b = BUF_INIT;
	assert_int_equal(fs_read_head(fs, "/etc/head", 4, &b), 0);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "0123");
	buf_free(&b);
	assert_int_equal(fs_read_head(fs, "/etc/head", 64, &b), 0);
	assert_string_equal(b.data, "0123456789");
	buf_free(&b);
	assert_int_equal(fs_read_file(fs, "/etc/head", 4, &b), -EFBIG);
	assert_int_equal(fs_read_head(fs, "/etc", 4, &b), -EINVAL);
	assert_int_equal(unlinkat(root.fd, "etc/head", 0), 0);
}

/* Every layout is complete, absolute and consistent with the names the other functions take. */
static void test_init_layout_table(void **state)
{
	(void)state;
	assert_int_equal(init_layouts_count, INIT_LAYOUTS_N);
	for (size_t i = 0; i < init_layouts_count; i++) {
		const struct init_layout *l = &init_layouts[i];
		enum init_system sys;
		assert_ptr_equal(init_layout(l->system), l);
		assert_int_equal(init_system_parse(l->name, &sys), 0);
		assert_int_equal(sys, l->system);
		assert_string_equal(init_system_title(l->system), l->title);
		const struct init_service *svcs[] = { &l->boot, &l->watch, &l->keygen };
		for (size_t k = 0; k < ARRAY_SIZE(svcs); k++) {
			const struct init_service *s = svcs[k];
			assert_true(s->path[0] == '/' && s->dist && s->mode);
			assert_non_null(strstr(s->path, s->name));
			assert_non_null(s->links[0].paths[0]);
			assert_true(s->pick != INIT_PICK_ONLY || !s->links[1].paths[0]);
			for (size_t a = 0; a < INIT_LINKSETS_MAX; a++)
				for (size_t p = 0; p < INIT_LINKS_MAX && s->links[a].paths[p]; p++) {
					const char *link = s->links[a].paths[p];
					const char *base = strrchr(link, '/') + 1;
					assert_true(link[0] == '/');
					/* the link is named as the unit, or S??/S90/K10 and the script */
					assert_true(streq(base, s->name) || (strlen(base) > 3 && streq(base + 3, s->name)));
				}
		}
	}
	assert_null(init_layout(INIT_UNKNOWN));
	assert_null(init_system_title(INIT_UNKNOWN));
	assert_string_equal(init_system_name(INIT_UNKNOWN), "auto");
	assert_string_equal(init_layout(INIT_SYSTEMD)->boot.path, "/usr/lib/systemd/system/osconf.service");
}

static void link_to(const char *rel, const char *target)
{
	assert_true(atomic_symlink(root.fd, rel, target) >= 0);
}

static void test_init_read_and_enabled(void **state)
{
	(void)state;
	struct fs_borrowed fb;
	struct fsview *fs = fs_borrow_root(root.fd, &fb);
	struct init_info ii, sd = { .system = INIT_SYSTEMD }, sv = { .system = INIT_SYSV },
				  rc = { .system = INIT_OPENRC };
	char how[400];
	assert_int_equal(init_read(NULL, &ii), -ENODEV);
	assert_int_equal(init_read(fs, &ii), 0);
	assert_int_equal(ii.system, INIT_UNKNOWN);
	scratch_put("usr/lib/systemd/systemd", "");
	assert_int_equal(init_read(fs, &ii), 0);   /* systemd and no other /sbin/init */
	assert_int_equal(ii.system, INIT_SYSTEMD);
	scratch_put("sbin/init", "");
	scratch_put("etc/inittab", "id:2:initdefault:\n");
	assert_int_equal(init_read(fs, &ii), 0);   /* /sbin/init is sysvinit's */
	assert_int_equal(ii.system, INIT_SYSV);
	assert_string_equal(ii.how, "/etc/inittab");

	/* systemd: wants links in /etc and /usr/lib, an alias; sysvinit S links; OpenRC runlevels */
	link_to("etc/systemd/system/multi-user.target.wants/NetworkManager.service", "/x/NetworkManager.service");
	link_to("usr/lib/systemd/system/sysinit.target.wants/static.service", "../static.service");
	link_to("etc/systemd/system/network.service", "/usr/lib/systemd/system/wicked.service");
	link_to("etc/rc.d/rc3.d/S10network", "../init.d/network");
	link_to("etc/runlevels/boot/networking", "/etc/init.d/networking");
	assert_true(init_unit_enabled(fs, &sd, "NetworkManager", how, sizeof(how)));
	assert_string_equal(how, "systemd: /etc/systemd/system/multi-user.target.wants/NetworkManager.service");
	assert_true(init_unit_enabled(fs, &sd, "static.service", NULL, 0));
	assert_true(init_unit_enabled(fs, &sd, "wicked", how, sizeof(how)));
	assert_non_null(strstr(how, "alias"));
	assert_true(init_unit_enabled(fs, &sv, "network.service", how, sizeof(how)));
	assert_string_equal(how, "sysvinit: /etc/rc.d/rc3.d/S10network");
	assert_false(init_unit_enabled(fs, &sv, "NetworkManager", NULL, 0));
	/* systemd runs a sysvinit script only when there is no unit of that name */
	assert_false(init_unit_enabled(fs, &sd, "network", NULL, 0));   /* the alias is a unit */
	link_to("etc/rc.d/rc3.d/S20legacy", "../init.d/legacy");
	assert_true(init_unit_enabled(fs, &sd, "legacy", how, sizeof(how)));
	assert_string_equal(how, "systemd (sysv-generator): /etc/rc.d/rc3.d/S20legacy");
	scratch_put("usr/lib/systemd/system/legacy.service", "");
	assert_false(init_unit_enabled(fs, &sd, "legacy", NULL, 0));
	assert_true(init_unit_enabled(fs, &rc, "networking", how, sizeof(how)));
	assert_string_equal(how, "openrc: /etc/runlevels/boot/networking");
	assert_false(init_unit_enabled(fs, &sd, "networking", NULL, 0));
	assert_true(init_unit_enabled(fs, NULL, "networking", NULL, 0));   /* unknown: every way */
	assert_int_equal(init_read(fs, &ii), 0);   /* a runlevel directory says OpenRC */
	assert_int_equal(ii.system, INIT_OPENRC);
	assert_int_equal(unlinkat(root.fd, "sbin/init", 0), 0);
	link_to("sbin/init", "../lib/systemd/systemd");
	assert_int_equal(init_read(fs, &ii), 0);
	assert_int_equal(ii.system, INIT_SYSTEMD);
	assert_string_equal(ii.how, "/sbin/init -> ../lib/systemd/systemd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agent_conf),
		cmocka_unit_test(test_agent_lock_wait),
		cmocka_unit_test(test_fstab),
		cmocka_unit_test(test_sysconf),
		cmocka_unit_test(test_initramfs),
		cmocka_unit_test(test_bootcfg),
		cmocka_unit_test(test_sshd_config),
		cmocka_unit_test(test_osrelease),
		cmocka_unit_test(test_osrelease_read),
		cmocka_unit_test(test_read_head),
		cmocka_unit_test(test_init_layout_table),
		cmocka_unit_test(test_init_read_and_enabled),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
