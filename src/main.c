/* main.c — osconf entry point: global options and dispatch to a subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/log.h"

static void usage(FILE *out)
{
	fprintf(out, "Usage: osconf COMMAND [OPTIONS]\n\n"
		     "Configure a Linux instance from Alibaba Cloud's aliyun_custom_image/os.conf,\n"
		     "safely (the file is parsed, never executed).\n\nCommands:\n");
	for (int i = 0; i < commands_count; i++)
		fprintf(out, "  %-8s %s\n           %s\n", commands[i].name, commands[i].args, commands[i].help);
	fprintf(out, "\nGlobal options: -q/--quiet, -v/--verbose, --syslog, -h/--help, --version\n"
		     "Exit status: 0 applied or nothing to do, 1 failure while applying,\n"
		     "2 usage, 65 invalid input (valid sections still applied).\n");
}

void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "osconf %s: ", cmd);
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

int main(int argc, char **argv)
{
	harden_process();
	int i = 1;
	int verbosity = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("osconf %s\n", OSCONF_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			verbosity = 0;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbosity = 2;
		} else if (!strcmp(argv[i], "--syslog")) {
			log_set_syslog(true); /* service mode: also syslog, or /dev/kmsg early at boot */
		} else {
			fprintf(stderr, "osconf: unknown option '%s'\nTry 'osconf --help'.\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	log_set_verbosity(verbosity);
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int c = 0; c < commands_count; c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i, argv + i);
	fprintf(stderr, "osconf: unknown command '%s'\nTry 'osconf --help'.\n", argv[i]);
	return EXIT_USAGE;
}
