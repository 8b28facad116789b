/* cmd_watch.c — `osconf watch`: stay running and re-apply os.conf whenever it appears or changes. */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/pipeline.h"
#include "install/install.h"
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

/* Without --dir: the permanent mount point /etc/fstab gives the partition recorded in
 * /etc/osconf.conf (where the systemd .path unit would watch too). */
static char *default_dir(const char *rootpath)
{
	_cleanup_(root_close) struct root root = ROOT_INIT;
	if (root_open(rootpath ? rootpath : "/", &root) < 0)
		return NULL;
	_cleanup_buf_ struct buf conf = BUF_INIT;
	if (root_read_file(root.fd, INSTALL_CONF, 65536, &conf) < 0)
		return NULL;
	_cleanup_free_ char *spec = NULL;
	size_t pos = 0, len;
	const char *line;
	while (buf_next_line(&conf, &pos, &line, &len))
		if (len > 10 && !strncmp(line, "partition=", 10)) {
			free(spec);
			spec = strndup(line + 10, len - 10);
		}
	_cleanup_free_ char *mnt = fstab_mount_point(root.fd, spec);
	if (!mnt)
		return NULL;
	char *dir = NULL;
	const char *r = rootpath && !streq(rootpath, "/") ? rootpath : "";
	if (asprintf(&dir, "%s%s/%s", r, streq(mnt, "/") ? "" : mnt, INSTALL_CONF_DIR) < 0)
		return NULL;
	return dir;
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
	_cleanup_free_ char *found = dir ? NULL : default_dir(c.run.root);
	w.dir = dir ? dir : found;
	if (!w.dir) {
		log_error("watch: partition 1 has no permanent mount point here (/etc/osconf.conf + "
			  "/etc/fstab); say which directory to watch with --dir");
		return EXIT_FAILED;
	}
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
