/* vm.c — the QEMU command line of image try (fixed argv): virtio disk and NIC, SeaBIOS or OVMF/AAVMF, KVM or TCG. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "try/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "try/proc.h"
#include "util/macros.h"

const char *vm_arch_name(enum vm_arch a) { return a == ARCH_AARCH64 ? "arm64" : "x86-64"; }
const char *vm_firmware_name(enum vm_firmware f) { return f == FW_UEFI ? "UEFI" : "BIOS"; }

#if defined(__x86_64__)
static void on_alarm(int sig) { (void)sig; }

/* What KVM offers guests: a real x86-64 CPU has SSE2, SSE3 and long mode. A KVM without them
 * (seen with nested virtualisation) creates VMs whose kernels hang early. */
static bool kvm_cpuid_sane(int kvm, char *why, size_t whylen)
{
	enum { N = 256 };
	struct { struct kvm_cpuid2 h; struct kvm_cpuid_entry2 e[N]; } c = { .h.nent = N };
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &c) < 0)
		return snprintf(why, whylen, "/dev/kvm does not list its CPU features: %s", strerror(errno)), false;
	bool sse2 = false, sse3 = false, lm = false;
	for (uint32_t i = 0; i < c.h.nent && i < N; i++) {
		if (c.e[i].function == 1)
			sse2 = c.e[i].edx >> 26 & 1, sse3 = c.e[i].ecx & 1;
		if (c.e[i].function == 0x80000001)
			lm = c.e[i].edx >> 29 & 1;
	}
	if (!sse2 || !sse3 || !lm)
		snprintf(why, whylen, "/dev/kvm offers guests a CPU without %s (a nested or broken KVM)",
			 !lm ? "long mode" : !sse2 ? "SSE2" : "SSE3");
	return sse2 && sse3 && lm;
}

/* A vCPU runs one HLT instruction in real mode: KVM must come back with KVM_EXIT_HLT within a
 * second (a /dev/kvm that creates VMs but never runs them is not usable). */
static bool kvm_runs(int vmfd, char *why, size_t whylen)
{
	int kvm = -1;
	size_t page = 4096;
	uint8_t *mem = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return snprintf(why, whylen, "no memory for the KVM probe"), false;
	mem[0] = 0xf4;   /* hlt */
	struct kvm_userspace_memory_region region = { .slot = 0, .guest_phys_addr = 0x1000, .memory_size = page,
						      .userspace_addr = (uintptr_t)mem };
	int cpu = ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &region) < 0 ? -1 : ioctl(vmfd, KVM_CREATE_VCPU, 0);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	long runsz = kvm >= 0 && kvm_cpuid_sane(kvm, why, whylen) ? ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0) : -1;
	struct kvm_run *run = cpu >= 0 && runsz > 0 ? mmap(NULL, (size_t)runsz, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0) : MAP_FAILED;
	struct kvm_sregs sregs;
	bool ok = false;
	if (run != MAP_FAILED && ioctl(cpu, KVM_GET_SREGS, &sregs) == 0) {
		sregs.cs.base = 0, sregs.cs.selector = 0;
		struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
		struct sigaction sa = { .sa_handler = on_alarm }, old;
		sigaction(SIGALRM, &sa, &old);
		alarm(1);
		int r = ioctl(cpu, KVM_SET_SREGS, &sregs) == 0 && ioctl(cpu, KVM_SET_REGS, &regs) == 0 ? ioctl(cpu, KVM_RUN, 0) : -1;
		int e = errno;
		alarm(0);
		sigaction(SIGALRM, &old, NULL);
		ok = r == 0 && run->exit_reason == KVM_EXIT_HLT;
		if (!ok)
			snprintf(why, whylen, "/dev/kvm cannot run a vCPU (%s)", r < 0 ? strerror(e) : "it did not halt");
	} else if (!why[0]) {
		snprintf(why, whylen, "/dev/kvm cannot make a vCPU: %s", strerror(errno));
	}
	if (run != MAP_FAILED)
		munmap(run, (size_t)runsz);
	if (cpu >= 0)
		close(cpu);
	if (kvm >= 0)
		close(kvm);
	munmap(mem, page);
	return ok;
}
#else
static bool kvm_runs(int vmfd, char *why, size_t whylen) { return (void)vmfd, (void)why, (void)whylen, true; }
#endif

#if defined(__x86_64__)
#define HOST_ARCH ARCH_X86_64
#elif defined(__aarch64__)
#define HOST_ARCH ARCH_AARCH64
#endif

bool vm_kvm_usable(enum vm_arch guest, char *why, size_t whylen)
{
	why[0] = '\0';
#ifdef HOST_ARCH
	if (guest != HOST_ARCH) {
		snprintf(why, whylen, "KVM runs only %s guests on this %s machine", vm_arch_name(HOST_ARCH), vm_arch_name(HOST_ARCH));
		return false;
	}
#endif
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "/dev/kvm: %s", strerror(errno));
		return false;
	}
	int v = ioctl(fd, KVM_GET_API_VERSION, 0), vmfd = v == KVM_API_VERSION ? ioctl(fd, KVM_CREATE_VM, 0) : -1;
	int e = errno;
	if (v != KVM_API_VERSION)
		snprintf(why, whylen, "/dev/kvm: API version %d, not %d", v, KVM_API_VERSION);
	else if (vmfd < 0)
		snprintf(why, whylen, "/dev/kvm cannot create a VM: %s", strerror(e));
	bool ok = vmfd >= 0 && kvm_runs(vmfd, why, whylen);
	if (vmfd >= 0)
		close(vmfd);
	close(fd);
	return ok;
}

/* One file of a firmware package, the first that exists. */
static int first_file(const char *const *cands, char *out, size_t outlen)
{
	for (; *cands; cands++)
		if (access(*cands, R_OK) == 0) {
			snprintf(out, outlen, "%s", *cands);
			return 0;
		}
	return -ENOENT;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, r = 0;
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	char buf[65536];
	ssize_t n;
	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			r = -EIO;
			break;
		}
	if (out < 0 || n < 0)
		r = -errno;
	close(in);
	if (out >= 0 && close(out) < 0 && !r)
		r = -errno;
	return r;
}

int vm_prepare(struct vm_plan *p, const char *workdir, char *err, size_t errlen)
{
	static const char *const ovmf_code[] = { "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd", NULL };
	static const char *const ovmf_vars[] = { "/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd", NULL };
	static const char *const aavmf_code[] = { "/usr/share/AAVMF/AAVMF_CODE.fd", NULL };
	static const char *const aavmf_vars[] = { "/usr/share/AAVMF/AAVMF_VARS.fd", NULL };
	bool arm = p->arch == ARCH_AARCH64;
	const char *qemu = arm ? "qemu-system-aarch64" : "qemu-system-x86_64";
	if (proc_find(qemu, p->qemu, sizeof(p->qemu)) < 0) {
		snprintf(err, errlen, "%s not found (Debian: apt-get install %s)", qemu, arm ? "qemu-system-arm" : "qemu-system-x86");
		return -ENOENT;
	}
	if (arm && p->firmware != FW_UEFI) {
		snprintf(err, errlen, "an arm64 image boots only through UEFI, and this one has no EFI system partition");
		return -ENOTSUP;
	}
	if (p->firmware == FW_BIOS)
		return 0;   /* QEMU's own SeaBIOS */
	char vars[PATH_MAX];
	if (first_file(arm ? aavmf_code : ovmf_code, p->code, sizeof(p->code)) < 0 ||
	    first_file(arm ? aavmf_vars : ovmf_vars, vars, sizeof(vars)) < 0) {
		snprintf(err, errlen, "no UEFI firmware for %s (Debian: apt-get install %s)", vm_arch_name(p->arch),
			 arm ? "qemu-efi-aarch64" : "ovmf");
		return -ENOENT;
	}
	snprintf(p->vars, sizeof(p->vars), "%s/efivars.fd", workdir);   /* AAVMF's: 64 MiB */
	int r = copy_file(vars, p->vars);
	if (r < 0)
		snprintf(err, errlen, "cannot copy %s: %s", vars, strerror(-r));
	return r;
}

/* A free local TCP port (closed again: QEMU binds it a moment later). */
static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int port = -EADDRNOTAVAIL;
	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 && getsockname(s, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(s);
	return port;
}

/* The command line: on arm64 the virt machine (under TCG a "max" CPU whose pointer authentication
 * uses QEMU's cheap implementation-defined algorithm rather than the emulated QARMA), firmware in
 * two pflash units (code read-only, this run's variables), virtio disk and NIC on PCI, the first
 * serial port (ttyS0; ttyAMA0 on arm64) into console_path. */
void vm_argv(const struct vm_plan *p, int port, const char *console_path, struct vm_argv *a)
{
	bool arm = p->arch == ARCH_AARCH64;
	snprintf(a->drive, sizeof(a->drive), "file=%s,format=raw,if=none,id=d0,cache=unsafe", p->disk);
	snprintf(a->net, sizeof(a->net), "user,id=n0%s,hostfwd=tcp:127.0.0.1:%d-%s:22", p->netopts, port, p->guest_ip);
	snprintf(a->nic, sizeof(a->nic), "virtio-net-pci,netdev=n0,mac=%s", p->mac);
	snprintf(a->serial, sizeof(a->serial), "file:%s", console_path);
	snprintf(a->code, sizeof(a->code), "if=pflash,format=raw,unit=0,readonly=on,file=%s", p->code);
	snprintf(a->vars, sizeof(a->vars), "if=pflash,format=raw,unit=1,file=%s", p->vars);
	char **v = a->argv;
	int n = 0;
	v[n++] = (char *)p->qemu;
	if (arm) {
		v[n++] = "-machine", v[n++] = "virt", v[n++] = "-cpu", v[n++] = p->kvm ? "host" : "max,pauth-impdef=on";
	}
	v[n++] = "-accel", v[n++] = p->kvm ? "kvm" : "tcg";
	v[n++] = "-m", v[n++] = "1024", v[n++] = "-smp", v[n++] = "2";
	v[n++] = "-display", v[n++] = "none", v[n++] = "-monitor", v[n++] = "none";
	v[n++] = "-serial", v[n++] = a->serial, v[n++] = "-no-reboot";
	if (p->firmware == FW_UEFI) {
		v[n++] = "-drive", v[n++] = a->code, v[n++] = "-drive", v[n++] = a->vars;
	}
	v[n++] = "-drive", v[n++] = a->drive, v[n++] = "-device", v[n++] = "virtio-blk-pci,drive=d0,bootindex=0";
	v[n++] = "-netdev", v[n++] = a->net, v[n++] = "-device", v[n++] = a->nic;
	v[n] = NULL;
}

int vm_start(const struct vm_plan *p, const char *console_path, const char *qemu_log, struct vm *vm)
{
	int port = free_port();
	if (port < 0)
		return port;
	struct vm_argv a;
	vm_argv(p, port, console_path, &a);
	*vm = (struct vm){ .port = port, .started_ms = proc_now_ms() };
	return proc_spawn(a.argv, NULL, -1, qemu_log, &vm->pid);
}
