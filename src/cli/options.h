/* options.h — the one command-line parser: each command declares its options as a const table. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/* One option of a command. `id` is the command's own enum value, handed back to its setter;
 * `value` is the placeholder shown in help ("DIR"), NULL for a flag that takes no value. */
struct cli_opt {
	const char *name;   /* long name without the leading "--" */
	char key;           /* short letter (-q), or 0 */
	int id;
	const char *value;
	const char *help;   /* one line */
};

/* Called once for every option given, in order; `value` is NULL for a flag. Returns NULL, or
 * what the option wants ("milliseconds (0-600000)"): the parser then reports
 * "--NAME wants WHAT, not 'VALUE'" as a usage error. */
typedef const char *cli_setter(void *ctx, int id, const char *value);

/* A command: its options, its positional arguments and a one-line summary. The usage line,
 * `--help` and the global command list are all printed from this. */
struct cli_spec {
	const char *name;            /* as typed after "osconf": "plan", "image check" */
	const struct cli_opt *opts;  /* ends with a row whose name is NULL; NULL: none */
	cli_setter *set;             /* NULL when there are no options */
	const char *args;            /* positional arguments as shown ("FILE"), NULL for none */
	int min_args, max_args;
	const char *summary;
	bool stop_at_arg;            /* options only before the first argument (the global ones) */
	void (*print_help)(FILE *out);  /* for --help; NULL: cli_print_help */
};

/* The setter of a command whose only option takes a string: ctx is the const char * to set. */
cli_setter cli_set_only_string;

/* cli_parse's result other than CLI_GO is the exit status to return: 0 after --help,
 * EXIT_USAGE after a usage error (already reported). */
enum { CLI_GO = -1 };

/* Parse argv[1..] (argv[0] is the command name) with getopt_long: `--opt=value` and
 * `--opt value`, unknown options and missing values reported as usage errors, `--help`.
 * The positional arguments are left in argv[*first..argc-1]. Safe to call repeatedly. */
int cli_parse(const struct cli_spec *s, int argc, char **argv, void *ctx, int *first);

/* "[--conf FILE] [--root DIR] … ARGS", what follows the command name in a usage line. */
void cli_print_synopsis(const struct cli_spec *s, FILE *out);

/* Every option (and --help), one a line with its help. */
void cli_print_options(const struct cli_spec *s, FILE *out);

/* The command's whole help: usage line, summary, every option with its help. */
void cli_print_help(const struct cli_spec *s, FILE *out);

/* The --root DIR row most commands share. */
#define CLI_OPT_ROOT(id) { "root", 0, (id), "DIR", "work on the system tree at DIR (default /)" }
