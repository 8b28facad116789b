/* sysconf.h — small KEY=VALUE configuration files of a target root that image check reads: SELinux's and ufw's. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct fsview;

#define SYSCONF_MAX (64 * 1024)

/* /etc/selinux/config */
struct selinux_conf {
	bool exists;
	char mode[16];   /* SELINUX=: "enforcing", "permissive", "disabled", "" when unset */
	char type[32];   /* SELINUXTYPE= */
};
/* /etc/ufw/ufw.conf */
struct ufw_conf {
	bool exists;
	bool enabled;    /* ENABLED=yes: ufw loads its rules at boot */
};

/* Pure parsers of the file's bytes. */
void selinux_conf_parse(const char *data, size_t len, struct selinux_conf *out);
void ufw_conf_parse(const char *data, size_t len, struct ufw_conf *out);
/* Read from a tree: absent gives exists false and 0; other errors are returned (negative
 * errno) with *out untouched. */
int selinux_conf_read(struct fsview *fs, struct selinux_conf *out);
int ufw_conf_read(struct fsview *fs, struct ufw_conf *out);
