/* text.c — small text edits on struct buf, used for sysconfig, login.defs, hosts and resolv.conf. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "util/text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *skip_blank(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

bool line_has_word(const char *line, size_t len, const char *word)
{
	const char *end = line + len, *s = skip_blank(line, end);
	size_t wl = strlen(word);
	return (size_t)(end - s) >= wl && memcmp(s, word, wl) == 0 &&
	       (s + wl == end || s[wl] == ' ' || s[wl] == '\t');
}

static const char *match_key(const char *line, size_t len, const char *key, char sep)
{
	const char *end = line + len, *s = skip_blank(line, end);
	size_t kl = strlen(key);
	if ((size_t)(end - s) <= kl || memcmp(s, key, kl) != 0)
		return NULL;
	s += kl;
	if (sep == '=')
		return *s == '=' ? s + 1 : NULL;
	if (*s != ' ' && *s != '\t')
		return NULL;
	return skip_blank(s, end);
}

int text_get(const struct buf *b, const char *key, char sep, char *out, size_t size)
{
	size_t pos = 0, len;
	const char *line;
	int found = -ENOENT;
	while (buf_next_line(b, &pos, &line, &len)) {
		const char *v = match_key(line, len, key, sep), *end = line + len;
		if (!v)
			continue;
		while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (end - v >= 2 && (*v == '"' || *v == '\'') && end[-1] == *v)
			v++, end--;
		snprintf(out, size, "%.*s", (int)(end - v), v);
		found = 0; /* the last assignment wins, as when the file is sourced */
	}
	return found;
}

int text_set_assignment(struct buf *b, const char *key, const char *value, bool add)
{
	struct buf out = { 0 };
	size_t pos = 0, len;
	const char *line;
	bool done = false;
	int r = buf_reserve(&out, b->len + 64);
	while (r == 0 && buf_next_line(b, &pos, &line, &len)) {
		if (match_key(line, len, key, '=')) {
			if (!done && value)
				r = buf_printf(&out, "%s=%s\n", key, value);
			done = true;
			continue;
		}
		r = buf_append(&out, line, len);
		if (r == 0)
			r = buf_append(&out, "\n", 1); /* also terminates an unterminated last line */
	}
	if (r == 0 && !done && add && value)
		r = buf_printf(&out, "%s=%s\n", key, value);
	if (r < 0) {
		buf_free(&out);
		return r;
	}
	buf_move(b, &out);
	return 0;
}

int text_filter_lines(struct buf *b, bool (*keep)(const char *line, size_t len, void *data), void *data)
{
	struct buf out = { 0 };
	size_t pos = 0, len;
	const char *line;
	int r = buf_reserve(&out, b->len);
	while (r == 0 && buf_next_line(b, &pos, &line, &len)) {
		if (!keep(line, len, data))
			continue;
		r = buf_append(&out, line, len);
		if (r == 0)
			r = buf_append(&out, "\n", 1);
	}
	if (r < 0) {
		buf_free(&out);
		return r;
	}
	buf_move(b, &out);
	return 0;
}
