/* osrelease.c — /etc/os-release of a target root: the one parser and reader (os-release(5)). */
/* SPDX-License-Identifier: Apache-2.0 */
#include "tree/osrelease.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tree/fsview.h"
#include "util/buf.h"
#include "util/macros.h"

/* The shell word at p..end (up to an unquoted blank) into out, unquoted; cut to len-1 bytes. */
static void unquote(const char *p, const char *end, char *out, size_t len)
{
	size_t n = 0;
	char q = 0;
	for (; p < end; p++) {
		char c = *p;
		if (!q && (c == ' ' || c == '\t' || c == '\r'))
			break;
		if (!q && (c == '"' || c == '\'')) {
			q = c;
			continue;
		}
		if (q && c == q) {
			q = 0;
			continue;
		}
		if (c == '\\' && q != '\'' && p + 1 < end && (!q || strchr("\"\\$`", p[1])))
			c = *++p;
		if (n + 1 < len)
			out[n++] = c;
	}
	out[n] = '\0';
}

static const struct {
	const char *key;
	size_t off, len;
} os_keys[] = {
	{ "ID", offsetof(struct osrelease, id), sizeof(((struct osrelease *)0)->id) },
	{ "ID_LIKE", offsetof(struct osrelease, id_like), sizeof(((struct osrelease *)0)->id_like) },
	{ "VERSION_ID", offsetof(struct osrelease, version_id), sizeof(((struct osrelease *)0)->version_id) },
	{ "PRETTY_NAME", offsetof(struct osrelease, pretty_name), sizeof(((struct osrelease *)0)->pretty_name) },
};

bool shell_var_get(const char *data, size_t len, const char *key, char *out, size_t outlen)
{
	bool found = false;
	size_t klen = strlen(key);
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(le - p) > klen && p[klen] == '=' && !strncmp(p, key, klen)) {
			unquote(p + klen + 1, le, out, outlen);
			found = true;
		}
		p = le + 1;
	}
	return found;
}

void osrelease_parse(const char *data, size_t len, struct osrelease *out)
{
	struct osrelease o = { .exists = true };
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		const char *eq = memchr(p, '=', (size_t)(le - p));
		for (size_t i = 0; eq && *p != '#' && i < ARRAY_SIZE(os_keys); i++)
			if ((size_t)(eq - p) == strlen(os_keys[i].key) && !strncmp(p, os_keys[i].key, (size_t)(eq - p)))
				unquote(eq + 1, le, (char *)&o + os_keys[i].off, os_keys[i].len);
		p = le + 1;
	}
	*out = o;
}

int osrelease_read(struct fsview *fs, struct osrelease *out)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		int r = fs_read_file(fs, paths[i], OSRELEASE_MAX, &b);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		osrelease_parse(b.data ? b.data : "", b.len, out);
		snprintf(out->path, sizeof(out->path), "%s", paths[i]);
		return 0;
	}
	*out = (struct osrelease){ 0 };
	return 0;
}

bool osrelease_is(const struct osrelease *o, const char *w)
{
	if (streq(o->id, w))
		return true;
	size_t n = strlen(w);
	for (const char *s = o->id_like; (s = strstr(s, w)); s += n)
		if ((s == o->id_like || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
			return true;
	return false;
}
