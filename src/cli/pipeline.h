/* pipeline.h — the whole job: locate → read → parse → validate → plan → apply → finish. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

struct run_opts {
	const char *conf;     /* --conf FILE, or NULL: locate os.conf on the first partition */
	const char *root;     /* --root DIR (default "/") */
	const char *backend;  /* --backend NAME, or NULL: detect from the target root */
	bool no_live;         /* --no-live: no rtnetlink, no sethostname */
	bool keep;            /* --keep: leave os.conf in place after success */
	bool dry_run;         /* `plan`: print the plan, change nothing */
};

/* Runs the job and returns the process exit status (EXIT_* in cli.h). Reports everything
 * itself (stderr/syslog); used by `plan`, `apply` and `watch`. */
int run_pipeline(const struct run_opts *o);

/* The options plan, apply and watch share: rows of their tables (options.h), set by run_opt_set. */
enum run_opt { RUN_CONF, RUN_ROOT, RUN_BACKEND, RUN_NO_LIVE, RUN_KEEP, RUN_OPT_COUNT };
#define RUN_OPT_CONF { "conf", 0, RUN_CONF, "FILE", "use this file instead of locating os.conf on partition 1" }
#define RUN_OPT_ROOT CLI_OPT_ROOT(RUN_ROOT)
#define RUN_OPT_BACKEND { "backend", 0, RUN_BACKEND, "NAME", "write the network configuration for this backend" }
#define RUN_OPT_NO_LIVE { "no-live", 0, RUN_NO_LIVE, NULL, "do not change the running system, only files" }
#define RUN_OPT_KEEP { "keep", 0, RUN_KEEP, NULL, "leave os.conf in place after success" }
const char *run_opt_set(struct run_opts *o, enum run_opt id, const char *value);
