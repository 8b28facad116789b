/* cmd_locate.c — `osconf locate`: where os.conf is (or would be) and why, changing nothing. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "cli/cli.h"
#include "locate/locate.h"
#include "sys/root.h"
#include "util/log.h"
#include "util/macros.h"

static void print_located(const struct located *l)
{
	if (l->device[0])
		printf("device:     %s (%u:%u)\n", l->device, major(l->devno), minor(l->devno));
	if (l->how[0])
		printf("found by:   %s\n", l->how);
	if (l->fstype[0])
		printf("fs:         %s%s\n", l->fstype, l->read_only ? " (read-only: os.conf cannot be removed)" : "");
	if (l->mountpoint[0])
		printf("mount:      %s (%s)\n", l->mountpoint,
		       l->we_mounted ? "mounted privately by osconf for this run, unmounted again" : "already mounted");
	if (l->conf_path[0])
		printf("os.conf:    %s (%s)\n", l->conf_path, l->present ? "present" : "absent");
	if (l->notes[0]) {
		printf("decisions:\n");
		for (const char *p = l->notes; *p;) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);
			printf("  - %.*s\n", len, p);
			p += len + (nl != NULL);
		}
	}
}

static const struct cli_opt locate_opts[] = { CLI_OPT_ROOT(0), { 0 } };

const struct cli_spec locate_spec = {
	.name = "locate", .opts = locate_opts, .set = cli_set_only_string,
	.summary = "show where os.conf is found (device, how, fs, mount) and why",
};

int cmd_locate(int argc, char **argv)
{
	const char *rootdir = "/";
	int first, st = cli_parse(&locate_spec, argc, argv, &rootdir, &first);
	if (st != CLI_GO)
		return st;
	struct root root = ROOT_INIT;
	int r = root_open(rootdir, &root);
	if (r < 0) {
		log_error("cannot open root %s: %s", rootdir, strerror(-r));
		return EXIT_FAILED;
	}
	struct located l;
	char err[512] = "";
	struct locate_env env = LOCATE_ENV_DEFAULT;
	env.mount_ro = true;   /* only to look */
	r = locate_check_root(&root, err, sizeof(err));
	if (r == 0) {
		r = locate_osconf(root.fd, &env, &l, err, sizeof(err));
		print_located(&l);
		located_release(&l);
	}
	root_close(&root);
	if (r < 0) {
		log_error("%s", err);
		return EXIT_FAILED;
	}
	return EXIT_APPLIED;
}
