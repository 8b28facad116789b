/* insserv.c — add or remove one script in insserv's makefile-style boot order, keeping the rest. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "install/insserv.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "sys/atomic.h"
#include "sys/root.h"
#include "util/macros.h"

#define DEPEND_MAX (256u << 10)

static bool in_list(const char *const *list, const char *w, size_t len)
{
	for (; list && *list; list++)
		if (strlen(*list) == len && !memcmp(*list, w, len))
			return true;
	return false;
}

/* Next blank-separated word of s (slen bytes) from *i: *w, *wlen; false at the end. */
static bool next_word(const char *s, size_t slen, size_t *i, const char **w, size_t *wlen)
{
	while (*i < slen && isspace((unsigned char)s[*i]))
		(*i)++;
	size_t j = *i;
	while (j < slen && !isspace((unsigned char)s[j]))
		j++;
	*w = s + *i;
	*wlen = j - *i;
	*i = j;
	return *wlen > 0;
}

/* Whether the word w (len bytes) occurs in s (slen bytes). */
static bool has_word(const char *s, size_t slen, const char *w, size_t len)
{
	const char *x;
	size_t xl, i = 0;
	while (next_word(s, slen, &i, &x, &xl))
		if (xl == len && !memcmp(x, w, len))
			return true;
	return false;
}

/* Appends the words of s (slen bytes) except name; then name when add (where it was, when it
 * was there: a second install changes nothing). */
static void words_without(struct buf *out, const char *s, size_t slen, const char *name, bool add)
{
	const char *x;
	size_t xl, i = 0, nlen = strlen(name);
	bool keep = add && has_word(s, slen, name, nlen);
	while (next_word(s, slen, &i, &x, &xl))
		if (keep || !(xl == nlen && !memcmp(x, name, nlen))) {
			buf_puts(out, " ");
			buf_append(out, x, xl);
		}
	if (add && !keep) {
		buf_puts(out, " ");
		buf_puts(out, name);
	}
}

/* "name: DEPS" (only DEPS that are in targets). */
static void put_rule(struct buf *out, const char *name, const char *const *deps, const char *targets, size_t tlen)
{
	buf_printf(out, "%s:", name);
	for (; deps && *deps; deps++)
		if (has_word(targets, tlen, *deps, strlen(*deps)))
			buf_printf(out, " %s", *deps);
	buf_puts(out, "\n");
}

int insserv_edit(int rootfd, const char *rel, const char *name, const char *const *deps,
		 const char *const *before, bool add, struct buf *log)
{
	_cleanup_buf_ struct buf old = BUF_INIT, out = BUF_INIT;
	int r = root_read_file(rootfd, rel, DEPEND_MAX, &old);
	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return r;
	size_t pos = 0, len, nlen = strlen(name);
	const char *line, *targets = "";
	size_t tlen = 0;
	while (buf_next_line(&old, &pos, &line, &len))
		if (len > 9 && !strncmp(line, "TARGETS =", 9)) {
			targets = line + 9;
			tlen = len - 9;
		}
	pos = 0;
	bool ruled = false;
	while (buf_next_line(&old, &pos, &line, &len)) {
		const char *colon = memchr(line, ':', len);
		size_t tl = colon ? (size_t)(colon - line) : 0;
		if (len > 9 && !strncmp(line, "TARGETS =", 9)) {
			buf_puts(&out, "TARGETS =");
			words_without(&out, line + 9, len - 9, name, add);
		} else if (colon && tl == nlen && !memcmp(line, name, nlen)) {
			if (add && !ruled) /* our own rule, written again where it was */
				put_rule(&out, name, deps, targets, tlen);
			ruled = true;
			continue;
		} else if (colon && in_list(before, line, tl)) {
			buf_append(&out, line, tl + 1);
			words_without(&out, colon + 1, len - tl - 1, name, add);
		} else {
			buf_append(&out, line, len);
		}
		buf_puts(&out, "\n");
	}
	if (add && !ruled)
		put_rule(&out, name, deps, targets, tlen);
	if (!out.data)
		return -ENOMEM;
	const struct file_meta meta = { .mode = 0644 };
	r = atomic_write(rootfd, rel, &out, &meta, 0);
	if (r == 0)
		buf_printf(log, "%s %s in %s\n", add ? "ordered" : "removed", name, rel);
	return r;
}
