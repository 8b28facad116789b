/* sandbox.c — osconf's own seccomp filter: what no command but `image try` may do, in a few dozen BPF instructions. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "sys/sandbox.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "util/macros.h"

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif

/* Refused with EPERM: running programs (osconf never does), tracing, kernel modules and
 * images, reboot, swap, the clocks, BPF and perf, keyrings, personality, real-time
 * scheduling, port I/O. */
static const int denied[] = {
	__NR_execve, __NR_execveat, __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
	__NR_kexec_load, __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_reboot,
	__NR_swapon, __NR_swapoff, __NR_bpf, __NR_perf_event_open, __NR_personality, __NR_acct,
	__NR_settimeofday, __NR_clock_settime, __NR_clock_adjtime, __NR_adjtimex, __NR_keyctl,
	__NR_add_key, __NR_request_key, __NR_userfaultfd, __NR_pivot_root, __NR_setns,
	__NR_sched_setscheduler, __NR_sched_setattr,
#ifdef __NR_kexec_file_load
	__NR_kexec_file_load,
#endif
#ifdef __NR_iopl
	__NR_iopl, __NR_ioperm, __NR_modify_ldt,
#endif
#ifdef __NR_uselib
	__NR_uselib,
#endif
#ifdef __NR__sysctl
	__NR__sysctl,
#endif
};

#define ARG(n) (offsetof(struct seccomp_data, args) + 8 * (n))   /* its low 32 bits (little endian) */
#define DENY(err) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err))
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define LOAD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
/* A == k: on to the next instruction, else skip n (A, the call's number, kept) */
#define IF_EQ(k, n) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)(k), 0, (n))

enum { MAX_INSNS = 2 * ARRAY_SIZE(denied) + 40 };

/* Appends the instructions of f, as far as they fit: the caller compares the count with MAX_INSNS. */
static size_t put(struct sock_filter *p, size_t n, const struct sock_filter *f, size_t len)
{
	for (size_t i = 0; i < len; i++, n++)
		if (n < MAX_INSNS)
			p[n] = f[i];
	return n;
}

/* The rules on arguments: sockets of the four families osconf speaks, a mount namespace its
 * only new namespace, no executable memory (the program is static: it never maps code). */
static size_t arg_rules(struct sock_filter *p, size_t n)
{
	const struct sock_filter sock[] = {
		IF_EQ(__NR_socket, 7),
		LOAD(ARG(0)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 1, 0),
		DENY(EAFNOSUPPORT),
		ALLOW,
	};
	const struct sock_filter ns[] = {
		IF_EQ(__NR_unshare, 4),
		LOAD(ARG(0)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CLONE_NEWNS, 0, 1),
		ALLOW,
		DENY(EPERM),
	};
	n = put(p, n, sock, ARRAY_SIZE(sock));
	n = put(p, n, ns, ARRAY_SIZE(ns));
	static const int prot_calls[] = { __NR_mmap, __NR_mprotect, __NR_pkey_mprotect };
	for (size_t i = 0; i < ARRAY_SIZE(prot_calls); i++) {
		const struct sock_filter prot[] = {
			IF_EQ(prot_calls[i], 4),
			LOAD(ARG(2)),
			BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 0, 1),
			DENY(EPERM),
			ALLOW,
		};
		n = put(p, n, prot, ARRAY_SIZE(prot));
	}
	return n;
}

int sandbox_enter(void)
{
#ifndef SANDBOX_ARCH
	return -ENOSYS;
#else
	struct sock_filter p[MAX_INSNS];
	const struct sock_filter head[] = {
		LOAD(offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL),   /* another ABI's calls: never */
		LOAD(offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),   /* the x32 ABI */
		DENY(EPERM),
#endif
	};
	const struct sock_filter allow[] = { ALLOW };
	size_t n = put(p, 0, head, ARRAY_SIZE(head));
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
		const struct sock_filter deny[] = { IF_EQ(denied[i], 1), DENY(EPERM) };
		n = put(p, n, deny, ARRAY_SIZE(deny));
	}
	n = put(p, arg_rules(p, n), allow, 1);
	if (n > MAX_INSNS)
		return -E2BIG;
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = p };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return negerrno();
	return 0;
#endif
}
