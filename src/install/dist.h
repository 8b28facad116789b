/* dist.h — the files of dist/ (units, init scripts) compiled into the binary by mk/embed.sh. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

struct dist_file {
	const char *name; /* path below dist/, e.g. "systemd/osconf.service" */
	const char *data; /* NUL-terminated */
	size_t len;
};

extern const struct dist_file dist_files[];
extern const int dist_files_count;

/* The embedded file called name, or NULL. */
const struct dist_file *dist_file(const char *name);
