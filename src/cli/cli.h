/* cli.h — the subcommand table and the exit statuses every command shares. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "cli/options.h"

enum {
	EXIT_APPLIED = 0,  /* applied (or nothing to do) */
	EXIT_FAILED = 1,   /* a failure while applying, or os.conf could not be removed */
	EXIT_USAGE = 2,
	EXIT_INVALID = 65, /* invalid input (EX_DATAERR); valid sections were still applied */
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	const struct cli_spec *spec;         /* its options, arguments and summary (options.h) */
};

extern const struct command commands[];
extern const int commands_count;

int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_install(int argc, char **argv);
int cmd_uninstall(int argc, char **argv);
int cmd_locate(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_help(int argc, char **argv);

extern const struct cli_spec check_spec, show_spec, plan_spec, apply_spec, watch_spec, install_spec,
	uninstall_spec, locate_spec, image_check_spec, image_try_spec, help_spec;

/* The options before the command (-q, -v, --syslog, --version), parsed with global_spec. */
struct global_opts {
	int verbosity;   /* 0 quiet, 1 normal, 2 verbose */
	bool syslog;
	bool version;
};
extern const struct cli_spec global_spec;

/* The global usage: options and every command of the table with its synopsis and summary. */
void commands_usage(FILE *out);

void usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
