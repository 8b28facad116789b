/* cmd_watch.c — `osconf watch`: stay running and re-apply os.conf whenever it appears or changes. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
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

struct watch_ctx {
	struct run_opts run;
};

static void apply_now(void *ud)
{
	struct watch_ctx *c = ud;
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

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "root", required_argument, NULL, 'r' },
		{ "backend", required_argument, NULL, 'b' },
		{ "no-live", no_argument, NULL, 'n' },
		{ "keep", no_argument, NULL, 'k' },
		{ "debounce", required_argument, NULL, 'D' },
		{ "once", no_argument, NULL, '1' },
		{ 0 },
	};
	struct watch_ctx c = { .run = { .root = NULL } };
	struct watch_opts w = { .name = "os.conf", .debounce_ms = 1000 };
	const char *dir = NULL;
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'r':
			c.run.root = optarg;
			break;
		case 'b':
			c.run.backend = optarg;
			break;
		case 'n':
			c.run.no_live = true;
			break;
		case 'k':
			c.run.keep = true;
			break;
		case 'D': {
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 600000) {
				usage_error(argv[0], "--debounce wants milliseconds (0-600000), not '%s'", optarg);
				return EXIT_USAGE;
			}
			w.debounce_ms = (int)v;
			break;
		}
		case '1':
			w.max_runs = 1;
			break;
		default:
			usage_error(argv[0], "unknown or incomplete option '%s'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	_cleanup_free_ char *found = NULL;
	_cleanup_(located_release) struct located loc = { .dirfd = -1 };
	if (!dir && default_dir(c.run.root, &loc, &found) < 0)
		return EXIT_FAILED;
	w.dir = dir ? dir : found;
	char conf[PATH_MAX];
	snprintf(conf, sizeof(conf), "%s/%s", w.dir, w.name);
	c.run.conf = conf;
	log_info("watch: watching %s", conf);
	int r = watch_run(&w, apply_now, &c);
	if (r < 0) {
		log_error("watch: inotify: %s", strerror(-r));
		return EXIT_FAILED;
	}
	return EXIT_APPLIED;
}
