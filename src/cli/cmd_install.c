/* cmd_install.c — `osconf install` and `osconf uninstall`: option parsing and reporting. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "conf/agent.h"
#include "install/install.h"
#include "util/log.h"
#include "util/macros.h"

static void report(const struct buf *log)
{
	size_t pos = 0, len;
	const char *line;
	while (buf_next_line(log, &pos, &line, &len))
		log_info("%.*s", (int)len, line);
}

int cmd_install(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "init", required_argument, NULL, 'i' },
		{ "partition", required_argument, NULL, 'p' },
		{ "binary", required_argument, NULL, 'b' },
		{ 0 },
	};
	struct install_opts o = { .init = INIT_AUTO };
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.root = optarg;
			break;
		case 'i':
			if (init_system_parse(optarg, &o.init) < 0) {
				usage_error(argv[0], "--init wants auto, systemd, sysv or openrc, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			if (!partition_spec_valid(optarg)) {
				usage_error(argv[0], "--partition wants UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…, not '%s'", optarg);
				return EXIT_USAGE;
			}
			o.partition = optarg;
			break;
		case 'b':
			o.binary = optarg;
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
	_cleanup_buf_ struct buf log = BUF_INIT;
	char err[512] = "";
	int r = osconf_install(&o, &log, err, sizeof(err));
	report(&log);
	if (r < 0) {
		log_error("install: %s", err[0] ? err : strerror(-r));
		return EXIT_FAILED;
	}
	return EXIT_APPLIED;
}

int cmd_uninstall(int argc, char **argv)
{
	const char *root = NULL;
	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strncmp(argv[i], "--root=", 7))
			root = argv[i] + 7;
		else {
			usage_error(argv[0], "unknown or incomplete option '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	_cleanup_buf_ struct buf log = BUF_INIT;
	char err[512] = "";
	int r = osconf_uninstall(root, &log, err, sizeof(err));
	report(&log);
	if (r < 0) {
		log_error("uninstall: %s", err[0] ? err : strerror(-r));
		return EXIT_FAILED;
	}
	return EXIT_APPLIED;
}
