/* sshd.c — sshd_config with its Includes (the effective global settings) and the image's ways of making SSH host keys at boot. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/sshd.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tree/fsview.h"
#include "util/buf.h"
#include "util/macros.h"

/* The next word of [*p, end): blanks (and one '=' after the keyword) separate, "…" quotes. */
static bool next_word(const char **p, const char *end, char *out, size_t len)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '='))
		s++;
	if (s >= end || *s == '#') {
		*p = end;
		return false;
	}
	size_t n = 0;
	char q = *s == '"' ? *s++ : 0;
	for (; s < end && (q ? *s != q : !strchr(" \t\r=", *s)); s++)
		if (n + 1 < len)
			out[n++] = *s;
	out[n] = '\0';
	*p = s < end && q ? s + 1 : s;
	return true;
}

static void set_first(struct sshd_value *v, const char *value, const char *name, unsigned line)
{
	if (v->value[0])
		return;
	size_t i = 0;
	for (; value[i] && i + 1 < sizeof(v->value); i++)
		v->value[i] = (char)(value[i] >= 'A' && value[i] <= 'Z' ? value[i] - 'A' + 'a' : value[i]);
	v->value[i] = '\0';
	snprintf(v->at, sizeof(v->at), "%s:%u", name, line);
}

static int include_patterns(const char *p, const char *end, struct sshd_config *cfg, sshd_include_fn inc,
			    void *userdata, int depth)
{
	char word[256], abs[300];
	while (next_word(&p, end, word, sizeof(word))) {
		snprintf(abs, sizeof(abs), "%s%s", word[0] == '/' ? "" : "/etc/ssh/", word);
		int r = inc ? inc(userdata, abs, cfg, depth + 1) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

int sshd_config_parse(const char *name, const char *data, size_t len, struct sshd_config *cfg, sshd_include_fn inc,
		      void *userdata, int depth)
{
	const char *p = data, *end = data + len;
	unsigned line = 0;
	bool in_match = false;
	cfg->files++;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *q = p;
		char key[64], value[128];
		line++;
		p = le + 1;
		if (!next_word(&q, le, key, sizeof(key)))
			continue;
		if (!strcasecmp(key, "Match")) {   /* conditional up to the next Match; "Match all" is global */
			char crit[16], more[8];
			in_match = !(next_word(&q, le, crit, sizeof(crit)) && !strcasecmp(crit, "all") &&
				     !next_word(&q, le, more, sizeof(more)));
			continue;
		}
		if (in_match)
			continue;
		if (!strcasecmp(key, "Include")) {
			int r = include_patterns(q, le, cfg, inc, userdata, depth);
			if (r < 0)
				return r;
			continue;
		}
		if (!next_word(&q, le, value, sizeof(value)))
			continue;
		if (!strcasecmp(key, "PermitRootLogin"))
			set_first(&cfg->permit_root_login, value, name, line);
		else if (!strcasecmp(key, "PasswordAuthentication"))
			set_first(&cfg->password_auth, value, name, line);
		else if (!strcasecmp(key, "HostKey") && cfg->nhostkeys < SSHD_HOSTKEYS_MAX)
			snprintf(cfg->hostkeys[cfg->nhostkeys++], sizeof(cfg->hostkeys[0]), "%s", value);
	}
	return 0;
}

/* --- reading through a view --------------------------------------------------------------- */

struct sshd_reader {
	struct fsview *fs;
	const char *pat;       /* the last component of the pattern being expanded */
	char **names;
	size_t n, cap;
};

static void note(struct sshd_config *cfg, const char *what, const char *path, int err)
{
	if (!cfg->error[0])
		snprintf(cfg->error, sizeof(cfg->error), "%s %.120s: %s", what, path, strerror(-err));
}

static int parse_file(struct sshd_reader *rd, const char *path, struct sshd_config *cfg, int depth);

static int match_cb(const char *name, enum fs_type type, void *userdata)
{
	struct sshd_reader *rd = userdata;
	if (type == FS_DIR || fnmatch(rd->pat, name, FNM_PERIOD) != 0)
		return 0;
	if (rd->n == rd->cap) {
		size_t cap = rd->cap ? rd->cap * 2 : 16;
		if (cap > SSHD_FILES_MAX)
			return 1;
		char **n = realloc(rd->names, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		rd->names = n;
		rd->cap = cap;
	}
	return (rd->names[rd->n] = strdup(name)) ? (rd->n++, 0) : -ENOMEM;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int include_cb(void *userdata, const char *pattern, struct sshd_config *cfg, int depth)
{
	struct sshd_reader *outer = userdata;
	if (depth > SSHD_DEPTH_MAX || cfg->files >= SSHD_FILES_MAX) {
		note(cfg, "Include nested too deep or too many files at", pattern, -ELOOP);
		return 0;
	}
	if (!strpbrk(pattern, "*?["))
		return parse_file(outer, pattern, cfg, depth);
	const char *slash = strrchr(pattern, '/');
	char dir[300];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - pattern), pattern);
	if (strpbrk(dir, "*?[")) {
		note(cfg, "Include with a wildcard in a directory name not expanded:", pattern, -ENOTSUP);
		return 0;
	}
	struct sshd_reader rd = { .fs = outer->fs, .pat = slash + 1 };
	int r = fs_list_dir(rd.fs, dir[0] ? dir : "/", match_cb, &rd);
	if (r < 0 && r != -ENOENT)
		note(cfg, "cannot list", dir, r);
	qsort(rd.names, rd.n, sizeof(*rd.names), cmp_names);
	for (size_t i = 0; i < rd.n && r >= 0; i++) {
		char path[600];
		snprintf(path, sizeof(path), "%s/%s", dir, rd.names[i]);
		r = parse_file(&rd, path, cfg, depth);
	}
	for (size_t i = 0; i < rd.n; i++)
		free(rd.names[i]);
	free(rd.names);
	return r == -ENOMEM ? r : 0;
}

static int parse_file(struct sshd_reader *rd, const char *path, struct sshd_config *cfg, int depth)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r = fs_read_file(rd->fs, path, SSHD_FILE_MAX, &b);
	if (r < 0) {
		if (depth == 0)
			return r;
		if (r != -ENOENT)   /* sshd skips an Include that matches nothing */
			note(cfg, "cannot read", path, r);
		return r == -ENOMEM ? r : 0;
	}
	return sshd_config_parse(path, b.data ? b.data : "", b.len, cfg, include_cb, rd, depth);
}

int sshd_config_read(struct fsview *fs, struct sshd_config *out)
{
	static const char *const mains[] = { SSHD_CONFIG, "/usr/etc/ssh/sshd_config" };
	struct sshd_reader rd = { .fs = fs };
	for (size_t i = 0; i < ARRAY_SIZE(mains); i++) {
		struct sshd_config c = { .exists = true };
		snprintf(c.path, sizeof(c.path), "%s", mains[i]);
		int r = parse_file(&rd, mains[i], &c, 0);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		*out = c;
		return 0;
	}
	*out = (struct sshd_config){ 0 };
	return 0;
}

bool sshd_root_password_allowed(const struct sshd_config *c, const char **why)
{
	const char *prl = c->permit_root_login.value, *pa = c->password_auth.value;
	if (!prl[0]) {
		*why = "PermitRootLogin is not set: OpenSSH's default (since 7.0) is prohibit-password";
		return false;
	}
	if (strcmp(prl, "yes") != 0) {
		*why = "PermitRootLogin is not yes";
		return false;
	}
	if (!strcmp(pa, "no")) {
		*why = "PasswordAuthentication is no";
		return false;
	}
	*why = "PermitRootLogin yes and PasswordAuthentication not no";
	return true;
}
