/* diff.c — unified diff of two small texts (LCS table), for `osconf plan`. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

#define DIFF_MAX_LINES 4000

struct lines {
	const char **s;
	size_t *len;
	size_t n;
};

static int split(const struct buf *b, struct lines *l)
{
	size_t n = 0, pos = 0, len;
	const char *s;
	while (buf_next_line(b, &pos, &s, &len))
		n++;
	l->s = calloc(n + 1, sizeof(*l->s));
	l->len = calloc(n + 1, sizeof(*l->len));
	if (!l->s || !l->len)
		return -1;
	pos = 0;
	for (l->n = 0; buf_next_line(b, &pos, &s, &len); l->n++) {
		l->s[l->n] = s;
		l->len[l->n] = len;
	}
	return 0;
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

enum op { OP_SAME, OP_DEL, OP_ADD };

/* Edit script from the LCS table: ops[] of length <= na + nb. */
static size_t edit_script(const struct lines *a, const struct lines *b, enum op *ops)
{
	size_t na = a->n, nb = b->n, w = nb + 1;
	uint16_t *t = calloc((na + 1) * w, sizeof(*t));
	if (!t)
		return 0;
	for (size_t i = na; i-- > 0;)
		for (size_t j = nb; j-- > 0;)
			t[i * w + j] = line_eq(a, i, b, j) ? t[(i + 1) * w + j + 1] + 1
				       : (t[(i + 1) * w + j] > t[i * w + j + 1] ? t[(i + 1) * w + j] : t[i * w + j + 1]);
	size_t i = 0, j = 0, n = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && line_eq(a, i, b, j)) {
			ops[n++] = OP_SAME;
			i++, j++;
		} else if (i < na && (j == nb || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			ops[n++] = OP_DEL; /* deletions first, as diff(1) prints them */
			i++;
		} else {
			ops[n++] = OP_ADD;
			j++;
		}
	}
	free(t);
	return n;
}

static void print_hunk(FILE *out, const struct lines *a, const struct lines *b, const enum op *ops, size_t from,
		       size_t to, size_t ai, size_t bi)
{
	size_t ac = 0, bc = 0;
	for (size_t k = from; k < to; k++) {
		ac += ops[k] != OP_ADD;
		bc += ops[k] != OP_DEL;
	}
	fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ac ? ai + 1 : ai, ac, bc ? bi + 1 : bi, bc);
	for (size_t k = from; k < to; k++) {
		if (ops[k] == OP_ADD) {
			fprintf(out, "+%.*s\n", (int)b->len[bi], b->s[bi]);
			bi++;
		} else if (ops[k] == OP_DEL) {
			fprintf(out, "-%.*s\n", (int)a->len[ai], a->s[ai]);
			ai++;
		} else {
			fprintf(out, " %.*s\n", (int)a->len[ai], a->s[ai]);
			ai++, bi++;
		}
	}
}

void diff_unified(FILE *out, const char *label_a, const char *label_b, const struct buf *a, const struct buf *b)
{
	struct lines la = { 0 }, lb = { 0 };
	enum op *ops = NULL;
	if (split(a, &la) < 0 || split(b, &lb) < 0)
		goto done;
	fprintf(out, "--- %s\n+++ %s\n", label_a, label_b);
	if (la.n > DIFF_MAX_LINES || lb.n > DIFF_MAX_LINES) {
		fprintf(out, "@@ file replaced: %zu lines -> %zu lines (too large to diff) @@\n", la.n, lb.n);
		goto done;
	}
	ops = calloc(la.n + lb.n + 1, sizeof(*ops));
	if (!ops)
		goto done;
	size_t n = edit_script(&la, &lb, ops);
	const size_t ctx = 3;
	size_t k = 0, ai = 0, bi = 0;
	while (k < n) {
		if (ops[k] == OP_SAME) {
			k++, ai++, bi++;
			continue;
		}
		/* hunk: back up to ctx lines of context, extend while changes are within 2*ctx */
		size_t back = 0;
		while (back < ctx && back < k && ops[k - back - 1] == OP_SAME)
			back++;
		size_t start = k - back, hai = ai - back, hbi = bi - back, end = k, same = 0;
		for (size_t m = k; m < n; m++) {
			if (ops[m] == OP_SAME) {
				if (++same > 2 * ctx)
					break;
			} else {
				same = 0;
				end = m + 1;
			}
		}
		size_t stop = end;
		for (size_t c = 0; c < ctx && stop < n && ops[stop] == OP_SAME; c++)
			stop++;
		print_hunk(out, &la, &lb, ops, start, stop, hai, hbi);
		for (; k < stop; k++) {
			ai += ops[k] != OP_ADD;
			bi += ops[k] != OP_DEL;
		}
	}
	if (b->len && b->data[b->len - 1] != '\n')
		fprintf(out, "\\ No newline at end of file\n");
done:
	free(ops);
	free(la.s);
	free(la.len);
	free(lb.s);
	free(lb.len);
}
