/* cmd_image.c — `osconf image check IMAGE|--root DIR [--json]`: check before upload. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "image/checks.h"
#include "image/inspect.h"
#include "image/report.h"
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

int cmd_image(int argc, char **argv)
{
	if (argc >= 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
		cli_print_help(&image_check_spec, stdout);
		return EXIT_APPLIED;
	}
	if (argc < 2 || !streq(argv[1], "check")) {
		usage_error("image", "expected 'check'");
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
