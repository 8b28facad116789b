/* pipeline.h — the whole job: locate → read → parse → validate → plan → apply → finish. */
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
