/* parse.h — os.conf bytes → list of KEY=value assignments; a strict subset of shell syntax, never executed. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "conf/diag.h"

#define OSCONF_MAX_FILE (64 * 1024)
#define OSCONF_MAX_LINE 4096

struct assignment {
	char *key;
	char *value;   /* literal value, quotes removed */
	unsigned line;
};

struct assignments {
	struct assignment *items;
	size_t n, cap;
};

/* Pure: no I/O. Every problem is added to d (syntax errors name the line and, when the
 * key could be read, the section it belongs to). Returns 0, or -ENOMEM. */
int conf_parse(const char *data, size_t len, struct assignments *out, struct diags *d);
void assignments_free(struct assignments *a);
