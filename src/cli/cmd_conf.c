/* cmd_conf.c — `osconf check FILE` and `osconf show FILE [--json]`: validate and print, change nothing. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/cli.h"
#include "cli/report.h"
#include "conf/validate.h"

static int load(const char *path, struct osconf_model *m, struct diags *d)
{
	_cleanup_buf_ struct buf b = { .secret = true };
	if (read_conf_file(path, &b, NULL) < 0)
		return -1;
	model_init(m);
	if (conf_load(b.data, b.len, m, d) < 0) {
		fprintf(stderr, "osconf: out of memory\n");
		return -1;
	}
	return 0;
}

const struct cli_spec check_spec = {
	.name = "check", .args = "FILE", .min_args = 1, .max_args = 1,
	.summary = "validate an os.conf; every problem as FILE:LINE: message",
};

int cmd_check(int argc, char **argv)
{
	int first, st = cli_parse(&check_spec, argc, argv, NULL, &first);
	if (st != CLI_GO)
		return st;
	const char *file = argv[first];
	struct osconf_model m;
	struct diags d = { 0 };
	if (load(file, &m, &d) < 0)
		return EXIT_INVALID;
	report_diags(file, &d);
	int rc = diags_count(&d, DIAG_ERROR) ? EXIT_INVALID : EXIT_APPLIED;
	model_free(&m);
	diags_free(&d);
	return rc;
}

enum show_opt { SHOW_JSON };

static const struct cli_opt show_opts[] = {
	{ "json", 0, SHOW_JSON, NULL, "print the settings and the problems as one JSON object" },
	{ 0 },
};

static const char *show_set(void *ctx, int id, const char *value)
{
	bool *json = ctx;
	(void)value;
	switch ((enum show_opt)id) {
	case SHOW_JSON: *json = true; break;
	}
	return NULL;
}

const struct cli_spec show_spec = {
	.name = "show", .opts = show_opts, .set = show_set, .args = "FILE", .min_args = 1, .max_args = 1,
	.summary = "print the parsed settings (the password only as set/unset)",
};

int cmd_show(int argc, char **argv)
{
	bool json = false;
	int first, st = cli_parse(&show_spec, argc, argv, &json, &first);
	if (st != CLI_GO)
		return st;
	const char *file = argv[first];
	struct osconf_model m;
	struct diags d = { 0 };
	if (load(file, &m, &d) < 0)
		return EXIT_INVALID;
	report_diags(file, &d);
	if (json)
		show_model_json(&m, &d, stdout);
	else
		show_model(&m, stdout);
	int rc = diags_count(&d, DIAG_ERROR) ? EXIT_INVALID : EXIT_APPLIED;
	model_free(&m);
	diags_free(&d);
	return rc;
}
