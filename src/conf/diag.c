/* diag.c — accumulate os.conf problems; the caller decides how to report them. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "conf/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void diags_add(struct diags *d, enum diag_severity sev, unsigned line, int section, const char *fmt, ...)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct diag *n = realloc(d->items, cap * sizeof(*n));
		if (!n)
			return; /* out of memory: the problem is still counted through the section bit */
		d->items = n;
		d->cap = cap;
	}
	struct diag *x = &d->items[d->n++];
	x->severity = sev;
	x->line = line;
	x->section = section;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
}

size_t diags_count(const struct diags *d, enum diag_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->items[i].severity == sev;
	return n;
}

void diags_free(struct diags *d)
{
	if (!d)
		return;
	free(d->items);
	*d = (struct diags){ 0 };
}

void diags_sort(struct diags *d)
{
	/* insertion sort: stable, and the lists are short */
	for (size_t i = 1; i < d->n; i++) {
		struct diag x = d->items[i];
		size_t j = i;
		while (j > 0 && d->items[j - 1].line > x.line) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = x;
	}
}
