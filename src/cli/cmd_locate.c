/* cmd_locate.c — `osconf locate`: where os.conf is (or would be) and why, changing nothing. */
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

int cmd_locate(int argc, char **argv)
{
	const char *rootdir = "/";
	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "--root") && i + 1 < argc) {
			rootdir = argv[++i];
		} else if (!strncmp(argv[i], "--root=", 7)) {
			rootdir = argv[i] + 7;
		} else {
			usage_error(argv[0], "unexpected argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
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
	r = locate_osconf(root.fd, &env, &l, err, sizeof(err));
	print_located(&l);
	located_release(&l);
	root_close(&root);
	if (r < 0) {
		log_error("%s", err);
		return EXIT_FAILED;
	}
	return EXIT_APPLIED;
}
