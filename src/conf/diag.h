/* diag.h — collected problems of os.conf (errors and warnings with line numbers); never printed here. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/model.h"

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_severity severity;
	unsigned line;        /* 0 = the file as a whole */
	int section;          /* enum section it invalidates, or -1 */
	char msg[200];
};

struct diags {
	struct diag *items;
	size_t n, cap;
};

void diags_add(struct diags *d, enum diag_severity sev, unsigned line, int section, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
size_t diags_count(const struct diags *d, enum diag_severity sev);
void diags_free(struct diags *d);
/* Sort by line (stable), for reporting in file order. */
void diags_sort(struct diags *d);
