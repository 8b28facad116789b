/* test_options.c — the command-line parser: both value forms, usage errors, arguments, repeated use. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include "cli/cli.h"
#include "cli/pipeline.h"
#include "install/install.h"

/* main.c's reporter, here recording the last message. */
static char last_error[256];

void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(last_error, sizeof(last_error), "%s: ", cmd ? cmd : "osconf");
	va_start(ap, fmt);
	vsnprintf(last_error + n, sizeof(last_error) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* cli_parse over copies of the NULL-terminated words (getopt_long reorders argv). */
static int parse(const struct cli_spec *s, void *ctx, int *first, char **argv, const char *const *words)
{
	int argc = 0;
	for (; words[argc]; argc++)
		argv[argc] = (char *)words[argc];
	argv[argc] = NULL;
	last_error[0] = '\0';
	return cli_parse(s, argc, argv, ctx, first);
}

#define PARSE(spec, ctx, ...) parse((spec), (ctx), &first, argv, (const char *const[]){ __VA_ARGS__, NULL })

static void test_both_forms(void **state)
{
	(void)state;
	char *argv[16];
	int first;
	struct run_opts a = { 0 }, b = { 0 };
	assert_int_equal(PARSE(&apply_spec, &a, "apply", "--root=/x", "--conf=/c", "--backend=ifcfg", "--keep"), CLI_GO);
	assert_int_equal(PARSE(&apply_spec, &b, "apply", "--root", "/x", "--conf", "/c", "--backend", "ifcfg", "--keep"),
			 CLI_GO);
	assert_string_equal(a.root, "/x");
	assert_string_equal(a.conf, "/c");
	assert_string_equal(a.backend, "ifcfg");
	assert_true(a.keep && b.keep && !a.no_live);
	assert_string_equal(b.root, a.root);
	assert_string_equal(b.conf, a.conf);
	assert_string_equal(b.backend, a.backend);
}

static void test_usage_errors(void **state)
{
	(void)state;
	char *argv[16];
	int first;
	struct run_opts o = { 0 };
	assert_int_equal(PARSE(&plan_spec, &o, "plan", "--bogus"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "unknown option '--bogus'"));
	assert_int_equal(PARSE(&plan_spec, &o, "plan", "--keep"), EXIT_USAGE);   /* apply's, not plan's */
	assert_non_null(strstr(last_error, "'--keep'"));
	assert_int_equal(PARSE(&plan_spec, &o, "plan", "-x"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "'-x'"));
	assert_int_equal(PARSE(&plan_spec, &o, "plan", "--conf"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "--conf needs a value (FILE)"));
	assert_int_equal(PARSE(&plan_spec, &o, "plan", "--no-live=yes"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "--no-live takes no value"));
	assert_int_equal(PARSE(&plan_spec, &o, "plan", "stray"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "unexpected argument 'stray'"));
	struct install_opts io = { .init = INIT_AUTO };
	assert_int_equal(PARSE(&install_spec, &io, "install", "--init=upstart"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "--init wants auto, systemd, sysv or openrc, not 'upstart'"));
	assert_int_equal(PARSE(&install_spec, &io, "install", "--init", "sysv"), CLI_GO);
	assert_int_equal(io.init, INIT_SYSV);
}

static void test_arguments(void **state)
{
	(void)state;
	char *argv[16];
	int first;
	bool json = false;
	assert_int_equal(PARSE(&show_spec, &json, "show", "f.conf", "--json"), CLI_GO);
	assert_true(json);
	assert_string_equal(argv[first], "f.conf");
	assert_int_equal(PARSE(&show_spec, &json, "show", "--json"), EXIT_USAGE);
	assert_non_null(strstr(last_error, "expects FILE"));
	assert_int_equal(PARSE(&check_spec, NULL, "check", "--", "--odd-name"), CLI_GO);
	assert_string_equal(argv[first], "--odd-name");
	struct global_opts g = { .verbosity = 1 };   /* global options stop at the command */
	assert_int_equal(PARSE(&global_spec, &g, "osconf", "-q", "plan", "--root", "/x"), CLI_GO);
	assert_int_equal(g.verbosity, 0);
	assert_string_equal(argv[first], "plan");
	assert_string_equal(argv[first + 1], "--root");
}

/* A parse abandoned half-way (an error inside a cluster of short options) must not leak into
 * the next one. */
static void test_repeated(void **state)
{
	(void)state;
	char *argv[16];
	int first;
	struct global_opts g = { .verbosity = 1 };
	assert_int_equal(PARSE(&global_spec, &g, "osconf", "-qxv", "check"), EXIT_USAGE);
	for (int i = 0; i < 3; i++) {
		struct run_opts o = { 0 };
		assert_int_equal(PARSE(&plan_spec, &o, "plan", "--root=/r", "--no-live"), CLI_GO);
		assert_string_equal(o.root, "/r");
		assert_true(o.no_live);
		assert_int_equal(first, 3);
	}
	g = (struct global_opts){ .verbosity = 1 };
	assert_int_equal(PARSE(&global_spec, &g, "osconf", "-v", "locate"), CLI_GO);
	assert_int_equal(g.verbosity, 2);
	assert_string_equal(argv[first], "locate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_forms),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_repeated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
