/* vm.h — how image try boots a working copy: machine, firmware, accelerator, NIC, console (QEMU). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

enum vm_firmware { FW_BIOS, FW_UEFI };
enum vm_arch { ARCH_X86_64, ARCH_AARCH64 };

struct vm_plan {
	enum vm_arch arch;
	enum vm_firmware firmware;
	char qemu[PATH_MAX];          /* qemu-system-x86_64 or -aarch64 */
	bool kvm;                     /* /dev/kvm works (else TCG) */
	char accel_why[160];          /* why not KVM */
	char code[PATH_MAX];          /* UEFI: the firmware code (read-only) … */
	char vars[PATH_MAX];          /* … and this run's copy of its variables */
	char disk[PATH_MAX];          /* the raw working copy */
	char mac[18];
	char guest_ip[16];            /* where the SSH port is forwarded to */
	char netopts[128];            /* user-mode network: ",net=…,host=…,dns=…" or "" */
};

struct vm {
	pid_t pid;
	int port;                     /* local port forwarded to the guest's 22 */
	long long started_ms;
};

const char *vm_arch_name(enum vm_arch a);
const char *vm_firmware_name(enum vm_firmware f);

/* Whether KVM can run a guest of that architecture here: the host's own, and /dev/kvm opens, answers
 * the API version, creates a VM and runs a vCPU (else why, in why). */
bool vm_kvm_usable(enum vm_arch guest, char *why, size_t whylen);

/* The QEMU binary and firmware files for the plan's arch and firmware, the vars copy made in
 * workdir: 0 or negative errno with the reason (and the Debian package to install) in err. */
int vm_prepare(struct vm_plan *p, const char *workdir, char *err, size_t errlen);

/* QEMU's argument vector for the plan (pointing into a's buffers), with local port forwarded to the
 * guest's SSH port and the serial console into console_path. */
struct vm_argv {
	char *argv[40];
	char drive[PATH_MAX + 64], net[256], nic[64], serial[PATH_MAX + 8], code[PATH_MAX + 64], vars[PATH_MAX + 64];
};
void vm_argv(const struct vm_plan *p, int port, const char *console_path, struct vm_argv *a);

/* Power on: serial console into console_path, QEMU's own messages into qemu_log. */
int vm_start(const struct vm_plan *p, const char *console_path, const char *qemu_log, struct vm *vm);
