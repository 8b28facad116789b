/* cmd_run.c — `osconf plan` and `osconf apply`: option parsing around run_pipeline(). */
#include <string.h>

#include "cli/cli.h"
#include "cli/pipeline.h"

static int parse_opts(int argc, char **argv, struct run_opts *o, bool allow_keep)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = !strcmp(a, "--conf") ? &o->conf : !strcmp(a, "--root") ? &o->root
				 : !strcmp(a, "--backend") ? &o->backend : NULL;
		if (dst) {
			if (++i >= argc) {
				usage_error(argv[0], "%s needs a value", a);
				return -1;
			}
			*dst = argv[i];
		} else if (!strcmp(a, "--no-live")) {
			o->no_live = true;
		} else if (allow_keep && !strcmp(a, "--keep")) {
			o->keep = true;
		} else {
			usage_error(argv[0], "unexpected argument '%s'", a);
			return -1;
		}
	}
	return 0;
}

int cmd_plan(int argc, char **argv)
{
	struct run_opts o = { .root = "/", .dry_run = true };
	if (parse_opts(argc, argv, &o, false) < 0)
		return EXIT_USAGE;
	return run_pipeline(&o);
}

int cmd_apply(int argc, char **argv)
{
	struct run_opts o = { .root = "/" };
	if (parse_opts(argc, argv, &o, true) < 0)
		return EXIT_USAGE;
	return run_pipeline(&o);
}
