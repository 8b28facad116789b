/* options.c — the one command-line parser (getopt_long over a command's option table) and its help. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/options.h"

#include <getopt.h>
#include <string.h>

#include "cli/cli.h"

/* getopt_long's value for row i of the table (above every short letter). */
#define OPT_VAL 0x100
/* Rows a table may have (the longest, watch's, has 7). */
#define MAX_OPTS 16

/* Every command has it; listed in its help like the table's own rows. */
static const struct cli_opt help_opt = { "help", 'h', 0, NULL, "show this help and exit" };

static int count_opts(const struct cli_spec *s)
{
	int n = 0;
	while (s->opts && s->opts[n].name)
		n++;
	return n;
}

/* Row i of the table, or the help row at i == n. */
static const struct cli_opt *row(const struct cli_spec *s, int n, int i)
{
	return i == n ? &help_opt : &s->opts[i];
}

/* getopt_long's tables for rows 0..n (the last being --help). */
static void build(const struct cli_spec *s, int n, struct option *lo, char *shorts)
{
	char *p = shorts;
	if (s->stop_at_arg)
		*p++ = '+';
	*p++ = ':';   /* a missing value returns ':', not '?' */
	for (int i = 0; i <= n; i++) {
		const struct cli_opt *o = row(s, n, i);
		lo[i] = (struct option){ o->name, o->value ? required_argument : no_argument, NULL, OPT_VAL + i };
		if (o->key) {
			*p++ = o->key;
			if (o->value)
				*p++ = ':';
		}
	}
	lo[n + 1] = (struct option){ 0 };
	*p = '\0';
}

/* The row index getopt_long's value or optopt stands for, or -1. */
static int row_of(const struct cli_spec *s, int n, int c)
{
	if (c >= OPT_VAL && c <= OPT_VAL + n)
		return c - OPT_VAL;
	for (int i = 0; c > 0 && i <= n; i++)
		if (row(s, n, i)->key == c)
			return i;
	return -1;
}

/* Report the option getopt_long refused ('?' or ':'). */
static void refused(const struct cli_spec *s, int n, int c, char **argv)
{
	int i = row_of(s, n, optopt);
	if (i < 0 && optopt > 0)
		usage_error(s->name, "unknown option '-%c'", optopt);
	else if (i < 0)
		usage_error(s->name, "unknown option '%s'", argv[optind - 1]);
	else if (c == ':')
		usage_error(s->name, "--%s needs a value (%s)", row(s, n, i)->name, row(s, n, i)->value);
	else
		usage_error(s->name, "--%s takes no value", row(s, n, i)->name);
}

static int check_args(const struct cli_spec *s, int argc, char **argv, int first)
{
	int have = argc - first;
	if (have < s->min_args) {
		usage_error(s->name, "expects %s", s->args);
		return EXIT_USAGE;
	}
	if (have > s->max_args) {
		usage_error(s->name, "unexpected argument '%s'", argv[first + s->max_args]);
		return EXIT_USAGE;
	}
	return CLI_GO;
}

const char *cli_set_only_string(void *ctx, int id, const char *value)
{
	(void)id;
	*(const char **)ctx = value;
	return NULL;
}

int cli_parse(const struct cli_spec *s, int argc, char **argv, void *ctx, int *first)
{
	int n = count_opts(s);
	struct option lo[MAX_OPTS + 2];
	char shorts[2 * (MAX_OPTS + 1) + 3];
	if (n > MAX_OPTS) {
		usage_error(s->name, "more than %d options in its table", MAX_OPTS);
		return EXIT_FAILED;
	}
	build(s, n, lo, shorts);
	optind = 0;   /* GNU getopt: 0 re-initialises it completely, for every call */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		int i = c == '?' || c == ':' ? -1 : row_of(s, n, c);
		if (i < 0) {
			refused(s, n, c, argv);
			return EXIT_USAGE;
		}
		if (i == n) {
			s->print_help ? s->print_help(stdout) : cli_print_help(s, stdout);
			return EXIT_APPLIED;
		}
		const char *want = s->set(ctx, s->opts[i].id, optarg);
		if (want) {
			usage_error(s->name, "--%s wants %s, not '%s'", s->opts[i].name, want, optarg ? optarg : "");
			return EXIT_USAGE;
		}
	}
	*first = optind;
	return check_args(s, argc, argv, optind);
}

void cli_print_synopsis(const struct cli_spec *s, FILE *out)
{
	const char *sep = "";
	for (const struct cli_opt *o = s->opts; o && o->name; o++, sep = " ")
		fprintf(out, "%s[--%s%s%s]", sep, o->name, o->value ? " " : "", o->value ? o->value : "");
	if (s->args)
		fprintf(out, s->min_args ? "%s%s" : "%s[%s]", sep, s->args);
}

/* Columns on a terminal: UTF-8 continuation bytes take none (placeholders have "…"). */
static int columns(const char *t)
{
	int n = 0;
	for (; *t; t++)
		n += ((unsigned char)*t & 0xc0) != 0x80;
	return n;
}

static int opt_width(const struct cli_opt *o)
{
	return (o->key ? 4 : 0) + 2 + columns(o->name) + (o->value ? 1 + columns(o->value) : 0);
}

void cli_print_options(const struct cli_spec *s, FILE *out)
{
	int n = count_opts(s), w = 0;
	for (int i = 0; i <= n; i++)
		if (opt_width(row(s, n, i)) > w)
			w = opt_width(row(s, n, i));
	for (int i = 0; i <= n; i++) {
		const struct cli_opt *o = row(s, n, i);
		char k[8] = "";
		if (o->key)
			snprintf(k, sizeof(k), "-%c, ", o->key);
		fprintf(out, "  %s--%s%s%s%*s  %s\n", k, o->name, o->value ? " " : "", o->value ? o->value : "",
			w - opt_width(o), "", o->help);
	}
}

void cli_print_help(const struct cli_spec *s, FILE *out)
{
	fprintf(out, "Usage: osconf %s ", s->name);
	cli_print_synopsis(s, out);
	fprintf(out, "\n%s\n\nOptions:\n", s->summary);
	cli_print_options(s, out);
}
