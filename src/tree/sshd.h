/* sshd.h — OpenSSH's sshd of a target root: its effective configuration (sshd_config with its Includes) and whether the image makes host keys at boot. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct fsview;

#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SSHD_FILE_MAX (1 << 20)   /* bytes of one configuration file */
#define SSHD_FILES_MAX 256        /* files read, Includes counted */
#define SSHD_DEPTH_MAX 16         /* Include nesting, as sshd allows */
#define SSHD_HOSTKEYS_MAX 8

/* One setting's effective value: the first one outside a Match block, and where it was. */
struct sshd_value {
	char value[32];   /* lower-cased; "" when not set (sshd's default applies) */
	char at[160];     /* "FILE:LINE" */
};

struct sshd_config {
	bool exists;
	char path[32];    /* the main file read: /etc/ssh/sshd_config, or SUSE's /usr/etc/ssh/sshd_config */
	struct sshd_value permit_root_login, password_auth;
	char hostkeys[SSHD_HOSTKEYS_MAX][128];   /* HostKey paths, in order */
	int nhostkeys;
	int files;        /* configuration files read */
	char error[200];  /* a part that could not be read (the values may be incomplete) */
};

/* Where an Include pattern's files come from: called with the pattern made absolute (relative
 * ones are under /etc/ssh); it parses each file it matches (sshd_config_parse, depth + 1).
 * Return 0 or negative errno. */
typedef int (*sshd_include_fn)(void *userdata, const char *pattern, struct sshd_config *cfg, int depth);

/* Pure: one file's lines into cfg (keywords without case, "Key value" or "Key=value", quotes,
 * # comments). First value wins. Lines after a Match line are conditional and ignored (their
 * Includes too) up to "Match all" or the end of the file — a Match in an included file ends
 * with it, as in sshd: only the global part counts. Include calls inc. */
int sshd_config_parse(const char *name, const char *data, size_t len, struct sshd_config *cfg, sshd_include_fn inc,
		      void *userdata, int depth);
/* The effective configuration of the tree's sshd: absent gives exists false and 0. Include
 * globs are expanded in their last component (sorted, as glob(3) does). Read errors of the
 * main file are returned; those of included files go to cfg->error. */
int sshd_config_read(struct fsview *fs, struct sshd_config *out);

/* Whether root may log in with a password: PermitRootLogin yes (unset: OpenSSH's default since
 * 7.0, prohibit-password) and PasswordAuthentication not no. *why says which setting decided. */
bool sshd_root_password_allowed(const struct sshd_config *c, const char **why);
