/* commands.c — the one table of subcommands (one row per command, implemented in cmd_*.c), and `help`. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <limits.h>
#include <stdio.h>

#include "cli/cli.h"
#include "util/macros.h"

const struct command commands[] = {
	{ "check", cmd_check, &check_spec },
	{ "show", cmd_show, &show_spec },
	{ "plan", cmd_plan, &plan_spec },
	{ "apply", cmd_apply, &apply_spec },
	{ "watch", cmd_watch, &watch_spec },
	{ "install", cmd_install, &install_spec },
	{ "uninstall", cmd_uninstall, &uninstall_spec },
	{ "locate", cmd_locate, &locate_spec },
	{ "image", cmd_image, &image_check_spec },
	{ "image", cmd_image, &image_try_spec },   /* the same command: cmd_image dispatches check and try */
	{ "help", cmd_help, &help_spec },
};
const int commands_count = sizeof(commands) / sizeof(commands[0]);

enum global_opt { G_QUIET, G_VERBOSE, G_SYSLOG, G_VERSION };

static const struct cli_opt global_opts[] = {
	{ "quiet", 'q', G_QUIET, NULL, "only warnings and errors" },
	{ "verbose", 'v', G_VERBOSE, NULL, "also debug messages (every decision of locate)" },
	{ "syslog", 0, G_SYSLOG, NULL, "also send every message to syslog, or /dev/kmsg early at boot" },
	{ "version", 0, G_VERSION, NULL, "print the version and exit" },
	{ 0 },
};

static const char *set_global(void *ctx, int id, const char *value)
{
	struct global_opts *g = ctx;
	(void)value;
	switch ((enum global_opt)id) {
	case G_QUIET: g->verbosity = 0; break;
	case G_VERBOSE: g->verbosity = 2; break;
	case G_SYSLOG: g->syslog = true; break;
	case G_VERSION: g->version = true; break;
	}
	return NULL;
}

const struct cli_spec global_spec = {
	.name = NULL, .opts = global_opts, .set = set_global, .args = "COMMAND [ARGS]",
	.min_args = 0, .max_args = INT_MAX, .stop_at_arg = true, .print_help = commands_usage,
};

void commands_usage(FILE *out)
{
	fprintf(out, "Usage: osconf [OPTIONS] COMMAND [ARGS]\n\n"
		     "Configure a Linux instance from Alibaba Cloud's aliyun_custom_image/os.conf,\n"
		     "safely (the file is parsed, never executed).\n\nCommands:\n");
	for (int i = 0; i < commands_count; i++) {
		fprintf(out, "  %-8s ", commands[i].spec->name);
		cli_print_synopsis(commands[i].spec, out);
		fprintf(out, "\n           %s\n", commands[i].spec->summary);
	}
	fprintf(out, "\nGlobal options:\n");
	cli_print_options(&global_spec, out);
	fprintf(out, "\n'osconf COMMAND --help' lists the options of a command.\n"
		     "Exit status: 0 applied or nothing to do, 1 failure while applying,\n"
		     "2 usage, 65 invalid input (valid sections still applied).\n");
}

const struct cli_spec help_spec = {
	.name = "help", .args = "COMMAND", .min_args = 0, .max_args = 2,
	.summary = "list the commands, or show the options of one",
};

/* `help image` shows every row of that command; `help image try` the one of that name. */
int cmd_help(int argc, char **argv)
{
	int first, st = cli_parse(&help_spec, argc, argv, NULL, &first);
	if (st != CLI_GO)
		return st;
	if (first == argc) {
		commands_usage(stdout);
		return EXIT_APPLIED;
	}
	char full[64];
	snprintf(full, sizeof(full), "%s%s%s", argv[first], first + 1 < argc ? " " : "", first + 1 < argc ? argv[first + 1] : "");
	bool shown = false;
	for (int i = 0; i < commands_count; i++)
		if (first + 1 < argc ? streq(full, commands[i].spec->name) : streq(argv[first], commands[i].name)) {
			cli_print_help(commands[i].spec, stdout);
			shown = true;
		}
	if (!shown) {
		usage_error("help", "unknown command '%s'", full);
		return EXIT_USAGE;
	}
	return EXIT_APPLIED;
}
