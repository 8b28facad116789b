/* cmd_image.c — `osconf image check IMAGE|--root DIR [--json]` and `osconf image try IMAGE`: check and boot before upload. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "image/checks.h"
#include "image/inspect.h"
#include "image/report.h"
#include "try/try.h"
#include "util/log.h"
#include "util/macros.h"

struct image_args {
	const char *root;
	bool json;
};

enum image_opt { IMAGE_ROOT, IMAGE_JSON };

static const struct cli_opt image_opts[] = {
	{ "root", 0, IMAGE_ROOT, "DIR", "check this unpacked tree instead of an image (container checks skipped)" },
	{ "json", 0, IMAGE_JSON, NULL, "print the result as one JSON object" },
	{ 0 },
};

static const char *image_set(void *ctx, int id, const char *value)
{
	struct image_args *a = ctx;
	switch ((enum image_opt)id) {
	case IMAGE_ROOT: a->root = value; break;
	case IMAGE_JSON: a->json = true; break;
	}
	return NULL;
}

const struct cli_spec image_check_spec = {
	.name = "image check", .opts = image_opts, .set = image_set, .args = "IMAGE", .min_args = 0, .max_args = 1,
	.summary = "check a disk image (raw/qcow2/VHD/VMDK) or tree against the Customized Linux rules before upload",
};

struct try_args {
	struct try_opts o;
	bool json;
};

enum try_opt { TRY_CONF, TRY_TIMEOUT, TRY_KEEP_LOGS, TRY_JSON };

static const struct cli_opt try_opts[] = {
	{ "conf", 0, TRY_CONF, "FILE", "this os.conf (its eth0 MAC for the NIC) instead of one made for QEMU's network" },
	{ "timeout", 0, TRY_TIMEOUT, "S", "seconds from power-on to a login prompt (default 300 with TCG, 120 with KVM)" },
	{ "keep-logs", 0, TRY_KEEP_LOGS, "DIR", "keep the serial consoles, QEMU's messages and the SSH transcripts in DIR" },
	{ "json", 0, TRY_JSON, NULL, "print the result as one JSON object" },
	{ 0 },
};

static const char *try_set(void *ctx, int id, const char *value)
{
	struct try_args *a = ctx;
	char *end;
	switch ((enum try_opt)id) {
	case TRY_CONF: a->o.conf = value; break;
	case TRY_KEEP_LOGS: a->o.keep_logs = value; break;
	case TRY_JSON: a->json = true; break;
	case TRY_TIMEOUT:
		errno = 0;
		long t = strtol(value, &end, 10);
		if (errno || *end || end == value || t < 10 || t > 7200)
			return "seconds (10-7200)";
		a->o.timeout = (int)t;
		break;
	}
	return NULL;
}

const struct cli_spec image_try_spec = {
	.name = "image try", .opts = try_opts, .set = try_set, .args = "IMAGE", .min_args = 1, .max_args = 1,
	.summary = "boot a copy of the image under QEMU with an os.conf, as ECS would, and judge it (console, SSH, settings)",
};

static int image_try(int argc, char **argv)
{
	struct try_args a = { 0 };
	int first, st = cli_parse(&image_try_spec, argc, argv, &a, &first);
	if (st != CLI_GO)
		return st;
	a.o.image = argv[first];
	static struct try_report rep;
	char err[512];
	int r = try_image(&a.o, &rep, err, sizeof(err));
	if (r < 0) {
		log_error("osconf image try: %s", err[0] ? err : strerror(-r));
		return EXIT_FAILED;
	}
	if (a.json)
		try_report_json(&rep, stdout);
	else
		try_report_text(&rep, stdout);
	return try_report_pass(&rep) ? 0 : EXIT_FAILED;
}

int cmd_image(int argc, char **argv)
{
	if (argc >= 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
		cli_print_help(&image_check_spec, stdout);
		cli_print_help(&image_try_spec, stdout);
		return EXIT_APPLIED;
	}
	if (argc >= 2 && streq(argv[1], "try"))
		return image_try(argc - 1, argv + 1);
	if (argc < 2 || !streq(argv[1], "check")) {
		usage_error("image", "expected 'check' or 'try'");
		return EXIT_USAGE;
	}
	struct image_args a = { 0 };
	int first, st = cli_parse(&image_check_spec, argc - 1, argv + 1, &a, &first);
	if (st != CLI_GO)
		return st;
	const char *image = first + 1 < argc ? argv[first + 1] : NULL, *root = a.root;
	bool json = a.json;
	if (!image == !root) {
		usage_error("image", "give either IMAGE or --root DIR");
		return EXIT_USAGE;
	}
	struct inspect ctx;
	char err[256] = "";
	int r = root ? inspect_dir(root, &ctx, err, sizeof(err)) : inspect_image(image, &ctx);
	if (r < 0) {
		log_error("osconf image check: %s", err[0] ? err : strerror(-r));
		inspect_free(&ctx);
		return EXIT_FAILED;
	}
	struct report rep = { 0 };
	_cleanup_buf_ struct buf out = BUF_INIT;
	r = image_checks_run(&ctx, &rep);
	if (r == 0 && !json)
		r = report_render_text(&rep, &out);
	int status = r < 0 ? EXIT_FAILED : report_count(&rep, CHECK_FAIL) ? EXIT_FAILED : 0;
	if (r < 0)
		log_error("osconf image check: %s", strerror(-r));
	else if (json)
		report_render_json(&rep, stdout);
	else
		fwrite(out.data, 1, out.len, stdout);
	report_free(&rep);
	inspect_free(&ctx);
	return status;
}
