/* cmd_watch.c — `osconf watch`: stay running and re-apply os.conf whenever it appears or changes. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/pipeline.h"
#include "locate/locate.h"
#include "sys/root.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/macros.h"
#include "watch/watch.h"

/* What the command line sets; also what apply_now gets. */
struct watch_args {
	struct run_opts run;
	struct watch_opts w;
	const char *dir;
};

static void apply_now(void *ud)
{
	struct watch_args *c = ud;
	log_info("watch: %s changed, applying", c->run.conf);
	int status = run_pipeline(&c->run);
	log_info("watch: apply finished with exit status %d", status);
}

/* Without --dir: partition 1 as the boot-time run finds it (src/locate/), which must be mounted
 * on the system: writes through another mount would never reach our private one. */
static int default_dir(const char *rootpath, struct located *loc, char **dir)
{
	_cleanup_(root_close) struct root root = ROOT_INIT;
	rootpath = rootpath ? rootpath : "/";
	int r = root_open(rootpath, &root);
	if (r < 0) {
		log_error("watch: cannot open root %s: %s", rootpath, strerror(-r));
		return r;
	}
	struct locate_env env = LOCATE_ENV_DEFAULT;
	char err[512] = "";
	r = locate_osconf(root.fd, &env, loc, err, sizeof(err));
	if (r < 0) {
		log_error("watch: locating os.conf: %s", err);
		return r;
	}
	if (loc->we_mounted) {
		log_error("watch: partition 1 (%s) is not mounted on this system, so no change to os.conf "
			  "could be seen; mount it permanently (/etc/fstab, e.g. at /boot) or give --dir",
			  loc->device);
		return -ENOENT;
	}
	if (loc->read_only)
		log_warn("watch: %s is read-only: os.conf will be applied but cannot be removed", loc->device);
	if (asprintf(dir, "%s/%s", loc->mountpoint, OSCONF_DIR) < 0)
		return -ENOMEM;
	return 0;
}

/* After the ones watch shares with plan and apply (enum run_opt). */
enum watch_opt { WATCH_DIR = RUN_OPT_COUNT, WATCH_DEBOUNCE, WATCH_ONCE };

static const struct cli_opt watch_opts[] = {
	{ "dir", 0, WATCH_DIR, "DIR", "watch this directory (default: aliyun_custom_image/ on partition 1)" },
	RUN_OPT_ROOT, RUN_OPT_BACKEND, RUN_OPT_NO_LIVE, RUN_OPT_KEEP,
	{ "debounce", 0, WATCH_DEBOUNCE, "MS", "apply once os.conf has been quiet this long (default 1000)" },
	{ "once", 0, WATCH_ONCE, NULL, "return after the first apply" },
	{ 0 },
};

static const char *watch_set(void *ctx, int id, const char *value)
{
	struct watch_args *a = ctx;
	char *end;
	long v;
	switch (id) {
	case WATCH_DIR: a->dir = value; break;
	case WATCH_DEBOUNCE:
		v = strtol(value, &end, 10);
		if (*end || end == value || v < 0 || v > 600000)
			return "milliseconds (0-600000)";
		a->w.debounce_ms = (int)v;
		break;
	case WATCH_ONCE: a->w.max_runs = 1; break;
	default: return run_opt_set(&a->run, (enum run_opt)id, value);
	}
	return NULL;
}

const struct cli_spec watch_spec = {
	.name = "watch", .opts = watch_opts, .set = watch_set,
	.summary = "stay running; apply os.conf whenever it appears or changes (inotify)",
};

int cmd_watch(int argc, char **argv)
{
	struct watch_args a = { .run = { .root = NULL }, .w = { .name = "os.conf", .debounce_ms = 1000 } };
	int first, st = cli_parse(&watch_spec, argc, argv, &a, &first);
	if (st != CLI_GO)
		return st;
	_cleanup_free_ char *found = NULL;
	_cleanup_(located_release) struct located loc = { .dirfd = -1 };
	if (!a.dir && default_dir(a.run.root, &loc, &found) < 0)
		return EXIT_FAILED;
	a.w.dir = a.dir ? a.dir : found;
	char conf[PATH_MAX];
	snprintf(conf, sizeof(conf), "%s/%s", a.w.dir, a.w.name);
	a.run.conf = conf;
	log_info("watch: watching %s", conf);
	int r = watch_run(&a.w, apply_now, &a);
	if (r < 0) {
		log_error("watch: inotify: %s", strerror(-r));
		return EXIT_FAILED;
	}
	return EXIT_APPLIED;
}
