/* cli.h — the subcommand table and the exit statuses every command shares. */
#pragma once

#include <stdbool.h>

enum {
	EXIT_APPLIED = 0,  /* applied (or nothing to do) */
	EXIT_FAILED = 1,   /* a failure while applying, or os.conf could not be removed */
	EXIT_USAGE = 2,
	EXIT_INVALID = 65, /* invalid input (EX_DATAERR); valid sections were still applied */
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	const char *args;                    /* usage line after the name */
	const char *help;                    /* one line */
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

void usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
