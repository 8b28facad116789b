/* cmd_conf.c — `osconf check FILE` and `osconf show FILE [--json]`: validate and print, change nothing. */
#include <string.h>

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

int cmd_check(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		usage_error("check", "expects exactly one FILE");
		return EXIT_USAGE;
	}
	struct osconf_model m;
	struct diags d = { 0 };
	if (load(argv[1], &m, &d) < 0)
		return EXIT_INVALID;
	report_diags(argv[1], &d);
	int rc = diags_count(&d, DIAG_ERROR) ? EXIT_INVALID : EXIT_APPLIED;
	model_free(&m);
	diags_free(&d);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	const char *file = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else {
			usage_error("show", "unexpected argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!file) {
		usage_error("show", "expects a FILE");
		return EXIT_USAGE;
	}
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
