/* cmd_install.c — `osconf install` and `osconf uninstall`: their options and reporting. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "tree/agent.h"
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

enum install_opt { INST_ROOT, INST_INIT, INST_PARTITION, INST_BINARY };

static const struct cli_opt install_opts[] = {
	CLI_OPT_ROOT(INST_ROOT),
	{ "init", 0, INST_INIT, "auto|systemd|sysv|openrc", "the init system to integrate with (default: detected)" },
	{ "partition", 0, INST_PARTITION, "UUID=…|LABEL=…",
	  "record the partition that holds os.conf (also PARTUUID=…, PARTLABEL=…)" },
	{ "binary", 0, INST_BINARY, "FILE", "the program to install (default: the running one)" },
	{ 0 },
};

static const char *install_set(void *ctx, int id, const char *value)
{
	struct install_opts *o = ctx;
	switch ((enum install_opt)id) {
	case INST_ROOT: o->root = value; break;
	case INST_INIT:
		if (init_system_parse(value, &o->init) < 0)
			return "auto, systemd, sysv or openrc";
		break;
	case INST_PARTITION:
		if (!partition_spec_valid(value))
			return "UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…";
		o->partition = value;
		break;
	case INST_BINARY: o->binary = value; break;
	}
	return NULL;
}

const struct cli_spec install_spec = {
	.name = "install", .opts = install_opts, .set = install_set,
	.summary = "put osconf and its boot integration into an image tree and enable it",
};

int cmd_install(int argc, char **argv)
{
	struct install_opts o = { .init = INIT_AUTO };
	int first, st = cli_parse(&install_spec, argc, argv, &o, &first);
	if (st != CLI_GO)
		return st;
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

static const struct cli_opt uninstall_opts[] = { CLI_OPT_ROOT(0), { 0 } };

const struct cli_spec uninstall_spec = {
	.name = "uninstall", .opts = uninstall_opts, .set = cli_set_only_string,
	.summary = "undo install (aliyun_custom_image/ is kept)",
};

int cmd_uninstall(int argc, char **argv)
{
	const char *root = NULL;
	int first, st = cli_parse(&uninstall_spec, argc, argv, &root, &first);
	if (st != CLI_GO)
		return st;
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
