/* cmd_run.c — `osconf plan` and `osconf apply`: their options around run_pipeline(). */
/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/cli.h"
#include "cli/pipeline.h"

const char *run_opt_set(struct run_opts *o, enum run_opt id, const char *value)
{
	switch (id) {
	case RUN_CONF: o->conf = value; break;
	case RUN_ROOT: o->root = value; break;
	case RUN_BACKEND: o->backend = value; break;
	case RUN_NO_LIVE: o->no_live = true; break;
	case RUN_KEEP: o->keep = true; break;
	case RUN_OPT_COUNT: break;
	}
	return NULL;
}

static const char *set(void *ctx, int id, const char *value)
{
	return run_opt_set(ctx, (enum run_opt)id, value);
}

static const struct cli_opt plan_opts[] = {
	RUN_OPT_CONF, RUN_OPT_ROOT, RUN_OPT_BACKEND, RUN_OPT_NO_LIVE, { 0 },
};

const struct cli_spec plan_spec = {
	.name = "plan", .opts = plan_opts, .set = set,
	.summary = "print every change apply would make; change nothing",
};

static const struct cli_opt apply_opts[] = {
	RUN_OPT_CONF, RUN_OPT_ROOT, RUN_OPT_BACKEND, RUN_OPT_NO_LIVE, RUN_OPT_KEEP, { 0 },
};

const struct cli_spec apply_spec = {
	.name = "apply", .opts = apply_opts, .set = set,
	.summary = "apply os.conf, then remove it (unless --keep)",
};

static int run(const struct cli_spec *spec, struct run_opts *o, int argc, char **argv)
{
	int first, st = cli_parse(spec, argc, argv, o, &first);
	return st != CLI_GO ? st : run_pipeline(o);
}

int cmd_plan(int argc, char **argv)
{
	return run(&plan_spec, &(struct run_opts){ .root = "/", .dry_run = true }, argc, argv);
}

int cmd_apply(int argc, char **argv)
{
	return run(&apply_spec, &(struct run_opts){ .root = "/" }, argc, argv);
}
