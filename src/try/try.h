/* try.h — `osconf image try`: boot a copy of an image with an os.conf, as ECS would, and judge it from outside. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "try/judge.h"

struct try_opts {
	const char *image;
	const char *conf;            /* the owner's os.conf, or NULL: generated */
	const char *keep_logs;       /* copy consoles and SSH transcripts here, or NULL */
	int timeout;                 /* seconds from power-on to a login prompt; 0: the default */
};

/* Run the whole trial into rep. 0 when it ran (rep says PASS or FAIL), negative errno when it
 * could not (qemu missing, format or architecture not bootable here …: err says why). */
int try_image(const struct try_opts *o, struct try_report *rep, char *err, size_t errlen);
