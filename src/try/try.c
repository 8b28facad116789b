/* try.c — `osconf image try`: working copy, os.conf onto partition 1, two boots under QEMU, the judging, clean-up. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "try/try.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/elf.h"
#include "image/write.h"
#include "image/inspect.h"
#include "try/conf.h"
#include "try/proc.h"
#include "try/ssh.h"
#include "try/vm.h"
#include "util/macros.h"

#define P1_DIR "aliyun_custom_image"
#define ESP_TYPE_GPT "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define BIOS_BOOT_GPT "21686148-6453-6f6e-744e-656564454649"

/* SIGINT, SIGTERM or SIGHUP: stop the VM, remove the working copy, report what was judged. */
static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

struct trial {
	const struct try_opts *o;
	struct try_report *rep;
	char work[256];              /* the working directory: copy, firmware variables, logs */
	char src_format[8];          /* qemu-img's name of the input format */
	char p1fs[24];
	uint64_t p1off;
	struct vm_plan plan;
	struct try_conf conf;
	char ssh[PATH_MAX];
	int timeout_s;
};

static void work_path(const struct trial *t, char *out, size_t len, const char *name, int boot)
{
	if (boot)
		snprintf(out, len, "%s/%s-%d.log", t->work, name, boot);
	else
		snprintf(out, len, "%s/%s", t->work, name);
}

/* UEFI when the disk has an EFI system partition and nothing that BIOS would boot (a GPT BIOS
 * boot partition, or boot code in the MBR of a DOS disk); BIOS otherwise. */
static enum vm_firmware firmware_of(struct inspect *ctx, int *esp)
{
	bool bios_boot = false;
	*esp = -1;
	for (int i = 0; i < ctx->disk.nparts; i++) {
		const char *ty = ctx->disk.parts[i].type;
		if (!strcasecmp(ty, ESP_TYPE_GPT) || !strcasecmp(ty, "0xef"))
			*esp = i;
		bios_boot |= !strcasecmp(ty, BIOS_BOOT_GPT);
	}
	if (*esp < 0 || bios_boot)
		return FW_BIOS;
	if (streq(ctx->disk.pttype, "dos")) {
		uint8_t mbr[440];
		bool code = false;
		if (image_pread(&ctx->img, mbr, sizeof(mbr), 0) == 0)
			for (size_t i = 0; i < sizeof(mbr); i++)
				code |= mbr[i] != 0;
		if (code)
			return FW_BIOS;
	}
	return FW_UEFI;
}

/* The architecture: the ESP's default loader name, else the root's own programs. */
static int arch_of(struct inspect *ctx, int esp, enum vm_arch *arch, char *err, size_t errlen)
{
	const char *e;
	struct fsview *fs = esp >= 0 ? inspect_fs(ctx, esp, &e) : NULL;
	if (fs && fs_is_file(fs, "/EFI/BOOT/BOOTAA64.EFI"))
		return *arch = ARCH_AARCH64, 0;
	if (fs && fs_is_file(fs, "/EFI/BOOT/BOOTX64.EFI"))
		return *arch = ARCH_X86_64, 0;
	static const char *const progs[] = { "/sbin/init", "/bin/sh", "/usr/bin/env", NULL };
	for (const char *const *p = progs; ctx->root && *p; p++) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		struct elf_info info;
		char why[120];
		if (fs_read_file(ctx->root, *p, 16u << 20, &b) < 0 || elf_parse((uint8_t *)b.data, b.len, &info, why, sizeof(why)) < 0)
			continue;
		const char *m = elf_machine_name(&info);
		if (m && streq(m, "x86-64"))
			return *arch = ARCH_X86_64, 0;
		if (m && streq(m, "aarch64"))
			return *arch = ARCH_AARCH64, 0;
		snprintf(err, errlen, "the image's %s is for %s: only x86-64 and arm64 images boot here", *p, m ? m : "another machine");
		return -ENOTSUP;
	}
	snprintf(err, errlen, "cannot tell the image's architecture (no EFI loader, no readable /sbin/init or /bin/sh)");
	return -ENOTSUP;
}

static int inspect_source(struct trial *t, char *err, size_t errlen)
{
	struct inspect ctx;
	int r = inspect_image(t->o->image, &ctx);
	static const char *const qfmt[IMG_KINDS] = {
		[IMG_RAW] = "raw", [IMG_QCOW2] = "qcow2", [IMG_VHD_FIXED] = "vpc", [IMG_VHD_DYNAMIC] = "vpc",
		[IMG_VMDK_SPARSE] = "vmdk", [IMG_VMDK_DESCRIPTOR] = "vmdk",
	};
	if (r < 0 || ctx.img_rc < 0)
		snprintf(err, errlen, "%s: %s", t->o->image, ctx.img_err[0] ? ctx.img_err : strerror(r < 0 ? -r : -ctx.img_rc));
	else if (!qfmt[ctx.img.format] || !ctx.img.readable)
		snprintf(err, errlen, "%s: %s image%s%s cannot be booted here", t->o->image, ctx.img.detail ? ctx.img.detail : image_format_name(ctx.img.format),
			 ctx.img.readable ? "" : ": ", ctx.img.readable ? "" : ctx.img.why_unreadable), r = -ENOTSUP;
	else if (ctx.disk_rc < 0)
		snprintf(err, errlen, "%s: %s", t->o->image, ctx.disk_err), r = ctx.disk_rc;
	if (r == 0 && !err[0]) {
		int i = inspect_part_index(&ctx, 1), esp;
		const struct partition *p = i >= 0 ? &ctx.disk.parts[i] : NULL;
		if (!p || !fstype_allowed(p->fstype, p->fsversion) || streq(p->fstype, "ufs")) {
			snprintf(err, errlen, "partition 1 is %s: image try writes os.conf onto FAT32 or ext2/3/4",
				 p ? (p->fstype[0] ? p->fstype : "without a file system") : "missing");
			r = -ENOTSUP;
		} else {
			snprintf(t->src_format, sizeof(t->src_format), "%s", qfmt[ctx.img.format]);
			snprintf(t->p1fs, sizeof(t->p1fs), "%s", p->fstype);
			t->p1off = p->start;
			t->plan.firmware = firmware_of(&ctx, &esp);
			r = arch_of(&ctx, esp, &t->plan.arch, err, errlen);
		}
	}
	inspect_free(&ctx);
	return r < 0 ? r : err[0] ? -EINVAL : 0;
}

/* The raw sparse working copy (qemu-img convert reads every format image check knows). */
static int make_copy(struct trial *t, char *err, size_t errlen)
{
	char qimg[PATH_MAX], log[PATH_MAX];
	if (proc_find("qemu-img", qimg, sizeof(qimg)) < 0) {
		snprintf(err, errlen, "qemu-img not found (Debian: apt-get install qemu-utils)");
		return -ENOENT;
	}
	work_path(t, t->plan.disk, sizeof(t->plan.disk), "disk.raw", 0);
	work_path(t, log, sizeof(log), "qemu-img", 1);
	char *const argv[] = { qimg, "convert", "-q", "-f", t->src_format, "-O", "raw", "-S", "4k",
			       (char *)t->o->image, t->plan.disk, NULL };
	int code, r = proc_run(argv, NULL, -1, log, 3600 * 1000, &code);
	if (r == 0 && code) {
		char tail[400];
		console_tail(log, 3, tail, sizeof(tail));
		snprintf(err, errlen, "qemu-img convert failed: %s", tail);
		return -EIO;
	}
	if (r < 0)
		snprintf(err, errlen, "qemu-img convert: %s", strerror(-r));
	return r;
}

static int write_conf(struct trial *t, char *err, size_t errlen)
{
	if (!streq(t->p1fs, "vfat"))
		return ext_put_file(t->plan.disk, t->p1off, P1_DIR, "os.conf", t->conf.text.data, t->conf.text.len, err, errlen);
	int fd = open(t->plan.disk, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fat_put_file(fd, t->p1off, P1_DIR, "os.conf", t->conf.text.data, t->conf.text.len, err, errlen);
	close(fd);
	return r;
}

/* After power-off: partition 1 of the working copy, read with image check's readers. */
static void judge_p1(struct trial *t, int boot, const char *how)
{
	struct inspect ctx;
	const char *e = "cannot read the working copy";
	struct fsview *fs = NULL;
	if (inspect_image(t->plan.disk, &ctx) == 0 && ctx.img_rc == 0 && inspect_part_index(&ctx, 1) >= 0)
		fs = inspect_fs(&ctx, inspect_part_index(&ctx, 1), &e);
	bool dir = fs && fs_is_dir(fs, "/" P1_DIR), conf = fs && fs_exists(fs, "/" P1_DIR "/os.conf");
	try_item_add(&t->rep[0], boot, dir && !conf, "os.conf consumed: gone from partition 1, " P1_DIR "/ kept",
		     "%s; partition 1 after power-off: %s", how,
		     !fs ? e : !dir ? P1_DIR "/ missing" : conf ? P1_DIR "/os.conf still there (not applied)" : P1_DIR "/ without os.conf");
	inspect_free(&ctx);
}

/* Power-on to a login prompt on the console (or a boot that cannot go on). */
static bool wait_login(struct trial *t, int boot, const struct vm *vm, const char *console, const char *qlog)
{
	char ev[900];
	long long deadline = vm->started_ms + (long long)t->timeout_s * 1000;
	for (;;) {
		int st;
		enum console_state cs = console_scan(console, ev, sizeof(ev));
		if (cs == CONSOLE_LOGIN) {
			try_item_add(t->rep, boot, true, "login prompt on the serial console", "%s\n(%.1f s after power-on)", ev,
				     (double)(proc_now_ms() - vm->started_ms) / 1000);
			return true;
		}
		if (cs == CONSOLE_FAILED) {
			usleep(3000 * 1000);   /* what the console says next */
			console_scan(console, ev, sizeof(ev));
			try_item_add(t->rep, boot, false, "login prompt on the serial console", "the boot stopped:\n%s", ev);
			return false;
		}
		if (interrupted) {
			try_item_add(t->rep, boot, false, "login prompt on the serial console", "interrupted (signal %d)", (int)interrupted);
			return false;
		}
		if (proc_wait(vm->pid, 0, &st) == 1) {
			console_tail(qlog, 4, ev, sizeof(ev));
			try_item_add(t->rep, boot, false, "login prompt on the serial console", "QEMU ended: %s", ev[0] ? ev : "(no message)");
			return false;
		}
		if (proc_now_ms() >= deadline) {
			console_tail(console, 12, ev, sizeof(ev));
			try_item_add(t->rep, boot, false, "login prompt on the serial console",
				     "no login prompt within %d s (--timeout); the console ends:\n%s", t->timeout_s, ev[0] ? ev : "(nothing)");
			return false;
		}
		usleep(500 * 1000);
	}
}

/* SSH on the forwarded port until root logs in with os.conf's password and the probe answers. */
static bool wait_ssh(struct trial *t, int boot, const struct vm *vm, const char *out)
{
	long long deadline = vm->started_ms + t->timeout_s * 1000LL;
	if (deadline < proc_now_ms() + 120 * 1000)
		deadline = proc_now_ms() + 120 * 1000;   /* sshd may start well after the getty */
	int denied = 0, tries = 0;
	char ev[900] = "";
	while (proc_now_ms() < deadline && !interrupted) {
		int code = -1, r = ssh_run(t->ssh, vm->port, t->conf.password, try_probe_cmd, out, 60 * 1000, &code);
		tries++;
		console_tail(out, 3, ev, sizeof(ev));
		if (r == 0 && code == 0 && strstr(ev, "TRY end")) {
			t->rep->to_ssh_ms[boot] = proc_now_ms() - vm->started_ms;
			try_item_add(t->rep, boot, true, "SSH: root logs in with os.conf's password",
				     "root@127.0.0.1:%d (guest %s:22) accepted the password %.1f s after power-on (attempt %d)",
				     vm->port, t->plan.guest_ip, (double)t->rep->to_ssh_ms[boot] / 1000, tries);
			return true;
		}
		if (strstr(ev, "Permission denied") && ++denied >= 3)
			break;   /* the server answers and refuses: not a matter of waiting */
		usleep(3000 * 1000);
	}
	try_item_add(t->rep, boot, false, "SSH: root logs in with os.conf's password", "%s after %d attempts in %.0f s: %s",
		     denied ? "refused" : "no SSH login", tries, (double)(proc_now_ms() - vm->started_ms) / 1000,
		     ev[0] ? ev : "(ssh said nothing)");
	return false;
}

/* systemctl poweroff through the session (else the VM is stopped); how it ended, into how. */
static void power_off(struct trial *t, struct vm *vm, bool ssh_ok, int boot, char *how, size_t len)
{
	int st, code;
	char out[PATH_MAX];
	work_path(t, out, sizeof(out), "poweroff", boot);
	if (ssh_ok)
		ssh_run(t->ssh, vm->port, t->conf.password, "systemctl poweroff || poweroff", out, 30 * 1000, &code);
	if (ssh_ok && proc_wait(vm->pid, 180 * 1000, &st) == 1) {
		snprintf(how, len, "the guest powered off");
		return;
	}
	proc_stop(vm->pid, 5000);
	snprintf(how, len, ssh_ok ? "the guest did not power off within 180 s: stopped" : "the VM was stopped");
}

/* One boot: power on, judge, power off, look at partition 1. */
static bool boot_once(struct trial *t, int boot)
{
	char console[PATH_MAX], qlog[PATH_MAX], probe[PATH_MAX], how[120], err[256] = "";
	struct vm vm;
	work_path(t, console, sizeof(console), "console", boot);
	work_path(t, qlog, sizeof(qlog), "qemu", boot);
	work_path(t, probe, sizeof(probe), "ssh-probe", boot);
	int r = write_conf(t, err, sizeof(err));
	if (r < 0) {
		try_item_add(t->rep, boot, false, "os.conf written onto partition 1", "%s", err[0] ? err : strerror(-r));
		return false;
	}
	if ((r = vm_start(&t->plan, console, qlog, &vm)) < 0) {
		try_item_add(t->rep, boot, false, "QEMU started", "%s: %s", t->plan.qemu, strerror(-r));
		return false;
	}
	bool ok = wait_login(t, boot, &vm, console, qlog);
	bool ssh_ok = ok && wait_ssh(t, boot, &vm, probe);
	if (ssh_ok)
		judge_guest(t->rep, boot, &t->conf, probe, boot == 1);
	power_off(t, &vm, ssh_ok, boot, how, sizeof(how));
	if (ok)
		judge_p1(t, boot, how);
	return ssh_ok;
}

/* --keep-logs DIR: the consoles, QEMU's messages and the SSH transcripts. */
static void keep_logs(const struct trial *t)
{
	DIR *d = opendir(t->work);
	struct dirent *de;
	mkdir(t->o->keep_logs, 0755);
	while (d && (de = readdir(d))) {
		if (!strstr(de->d_name, ".log"))
			continue;
		char from[PATH_MAX * 2], to[PATH_MAX * 2], buf[65536];
		snprintf(from, sizeof(from), "%s/%s", t->work, de->d_name);
		snprintf(to, sizeof(to), "%s/%s", t->o->keep_logs, de->d_name);
		int in = open(from, O_RDONLY | O_CLOEXEC), out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
		ssize_t n;
		while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0 && write(out, buf, (size_t)n) == n)
			;
		if (in >= 0)
			close(in);
		if (out >= 0)
			close(out);
	}
	if (d)
		closedir(d);
}

static void remove_work(const struct trial *t)
{
	DIR *d = opendir(t->work);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(t->work);
}

static int prepare(struct trial *t, char *err, size_t errlen)
{
	int r = inspect_source(t, err, errlen);
	if (r == 0)
		r = t->o->conf ? try_conf_load(t->o->conf, &t->conf, err, errlen) : try_conf_default(&t->conf, err, errlen);
	if (r < 0)
		return r;
	const char *tmp = getenv("TMPDIR");
	if ((size_t)snprintf(t->work, sizeof(t->work), "%s/osconf-try.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/var/tmp") >= sizeof(t->work))
		errno = ENAMETOOLONG;
	else if (mkdtemp(t->work))
		errno = 0;
	if (errno) {
		snprintf(err, errlen, "cannot make a working directory: %s", strerror(errno));
		t->work[0] = '\0';
		return -errno;
	}
	if ((r = vm_prepare(&t->plan, t->work, err, errlen)) < 0)
		return r;
	if (proc_find("ssh", t->ssh, sizeof(t->ssh)) < 0) {
		snprintf(err, errlen, "ssh not found (Debian: apt-get install openssh-client)");
		return -ENOENT;
	}
	snprintf(t->plan.mac, sizeof(t->plan.mac), "%s", t->conf.mac);
	snprintf(t->plan.guest_ip, sizeof(t->plan.guest_ip), "%s", t->conf.addr);
	try_conf_netopts(&t->conf, t->plan.netopts, sizeof(t->plan.netopts));
	t->plan.kvm = vm_kvm_usable(t->plan.arch, t->plan.accel_why, sizeof(t->plan.accel_why));
	t->timeout_s = t->o->timeout > 0 ? t->o->timeout : t->plan.kvm ? 120 : 300;
	snprintf(t->rep->machine, sizeof(t->rep->machine), "%s, %s, %s%s%s; NIC %s; timeout %d s", vm_arch_name(t->plan.arch),
		 t->plan.firmware == FW_BIOS ? "BIOS (SeaBIOS)" : t->plan.arch == ARCH_AARCH64 ? "UEFI (AAVMF)" : "UEFI (OVMF)", t->plan.kvm ? "KVM" : "TCG",
		 t->plan.kvm ? "" : " — KVM unusable: ", t->plan.kvm ? "" : t->plan.accel_why, t->plan.mac, t->timeout_s);
	return make_copy(t, err, errlen);
}

int try_image(const struct try_opts *o, struct try_report *rep, char *err, size_t errlen)
{
	struct trial t = { .o = o, .rep = rep };
	*rep = (struct try_report){ .image = o->image, .to_ssh_ms = { -1, -1, -1 } };
	err[0] = '\0';
	struct sigaction sa = { .sa_handler = on_signal }, old[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	int r = prepare(&t, err, errlen);
	if (r == 0 && boot_once(&t, 1) && !interrupted) {
		char e2[256] = "";
		if (try_conf_change(&t.conf, e2, sizeof(e2)) < 0)
			try_item_add(rep, 2, false, "changed os.conf (new host name and password)", "%s", e2);
		else
			boot_once(&t, 2);
	}
	if (t.work[0] && o->keep_logs)
		keep_logs(&t);
	if (t.work[0])
		remove_work(&t);
	try_conf_free(&t.conf);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return r;
}
