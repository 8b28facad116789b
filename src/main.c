/* main.c — osconf entry point: global options and dispatch to a subcommand. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "sys/sandbox.h"
#include "try/ssh.h"
#include "util/log.h"

void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, cmd ? "osconf %s: " : "osconf: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'osconf --help'.\n");
}

/* The password passes through this process: no core dump, no ptrace by other users.
 * Directories it creates must be readable by the services that use them (networkd runs
 * unprivileged), whatever umask it was started with. */
static void harden_process(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	umask(022);
}

/* At boot the disk is cold and each first touch of a page of the program is a read from it:
 * ask for the whole program at once (one readahead) instead of a fault at a time. */
extern const char __executable_start[], _end[];
static void prefetch_self(void)
{
	uintptr_t from = (uintptr_t)__executable_start & ~(uintptr_t)4095;
	madvise((void *)from, (uintptr_t)_end - from, MADV_WILLNEED);
}

/* Every command runs under osconf's own seccomp filter but `image try`, which runs QEMU. A
 * kernel without seccomp filters (or qemu-user, which refuses them) runs it unfiltered, and
 * so does OSCONF_SECCOMP=0 (as SYSTEMD_SECCOMP=0: for valgrind, whose translations are
 * executable memory). */
static void enter_sandbox(int argc, char **argv, int i)
{
	const char *env = getenv("OSCONF_SECCOMP");
	if ((!strcmp(argv[i], "image") && i + 1 < argc && !strcmp(argv[i + 1], "try")) || (env && !strcmp(env, "0")))
		return;
	int r = sandbox_enter();
	if (r < 0 && r != -EINVAL && r != -ENOSYS)
		log_warn("cannot install osconf's seccomp filter: %s; running without it", strerror(-r));
}

int main(int argc, char **argv)
{
	prefetch_self();
	harden_process();
	int askpass;
	if (try_askpass(&askpass))   /* the password helper of the ssh `image try` runs (try/ssh.c) */
		return askpass;
	struct global_opts g = { .verbosity = 1 };
	int i, st = cli_parse(&global_spec, argc, argv, &g, &i);
	if (st != CLI_GO)
		return st;
	if (g.version) {
		printf("osconf %s\n", OSCONF_VERSION);
		return 0;
	}
	log_set_verbosity(g.verbosity);
	if (g.syslog)
		log_set_syslog(true); /* service mode: also syslog, or /dev/kmsg early at boot */
	if (i >= argc) {
		commands_usage(stderr);
		return EXIT_USAGE;
	}
	enter_sandbox(argc, argv, i);
	for (int c = 0; c < commands_count; c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i, argv + i);
	fprintf(stderr, "osconf: unknown command '%s'\nTry 'osconf --help'.\n", argv[i]);
	return EXIT_USAGE;
}
