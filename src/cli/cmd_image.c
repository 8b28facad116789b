/* cmd_image.c — `osconf image check IMAGE|--root DIR [--json]`: check before upload. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "image/checks.h"
#include "image/inspect.h"
#include "image/report.h"
#include "util/log.h"
#include "util/macros.h"

int cmd_image(int argc, char **argv)
{
	const char *image = NULL, *root = NULL;
	bool json = false;
	if (argc < 2 || !streq(argv[1], "check")) {
		usage_error("image", "expected 'check'");
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (streq(argv[i], "--json")) {
			json = true;
		} else if (streq(argv[i], "--root")) {
			if (++i >= argc) {
				usage_error("image", "--root needs a directory");
				return EXIT_USAGE;
			}
			root = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			usage_error("image", "unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		} else if (!image) {
			image = argv[i];
		} else {
			usage_error("image", "more than one image given");
			return EXIT_USAGE;
		}
	}
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
