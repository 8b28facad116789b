/* osrelease.h — the distro of a target root, /etc/os-release (or /usr/lib/os-release): its one reader. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define OSRELEASE_MAX (64 * 1024)

struct fsview;

struct osrelease {
	bool exists;          /* one of the two files is there */
	char path[24];        /* which one was read, "" when none */
	char id[64];          /* ID, "" when not set */
	char id_like[256];    /* ID_LIKE: space-separated */
	char version_id[64];  /* VERSION_ID */
	char pretty_name[128]; /* PRETTY_NAME */
};

/* Pure: os-release(5) lines, KEY=VALUE with the value shell-quoted ('…', "…" with \" \\ \$ \`
 * escapes, unquoted with \ escapes); # comments and blank lines skipped; the last assignment
 * of a key wins; values too long for their field are cut. */
void osrelease_parse(const char *data, size_t len, struct osrelease *out);
/* Pure: the value of the last KEY=VALUE line for key in the same syntax (other files of this
 * form: /etc/selinux/config, /etc/ufw/ufw.conf); false (out untouched) when key is not set. */
bool shell_var_get(const char *data, size_t len, const char *key, char *out, size_t outlen);
/* /etc/os-release, else (missing) /usr/lib/os-release. Neither there: 0 with exists false;
 * any other error is returned (negative errno) and *out is untouched. */
int osrelease_read(struct fsview *fs, struct osrelease *out);
/* Whether the distro is word or like it (ID, or a word of ID_LIKE). */
bool osrelease_is(const struct osrelease *o, const char *word);
