/* install.h — put osconf and its init integration into a root tree, enable it, or take it out again. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "tree/agent.h"
#include "tree/init.h"
#include "util/buf.h"

/* The init systems, their boot layout (units, scripts, enable links) and detection:
 * src/tree/init.h. What does not depend on the init system: */
#define INSTALL_BINARY INIT_OSCONF_BINARY
#define INSTALL_CONF AGENT_CONF_PATH
#define INSTALL_CONF_DIR "aliyun_custom_image"

struct install_opts {
	const char *root;      /* target root directory ("/" when NULL) */
	enum init_system init; /* INIT_UNKNOWN: detect from the target */
	const char *partition; /* UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…; NULL: keep what is recorded */
	const char *binary;    /* the program to copy (NULL: /proc/self/exe) */
};

/* The mount point the target's /etc/fstab gives the partition spec (e.g. "/boot") in *out,
 * NULL when none (or spec NULL; no fstab: none). Returns 0, or the error reading /etc/fstab
 * (negative errno, *out NULL): an unreadable fstab is never "not mounted". */
int fstab_mount_point(int rootfd, const char *spec, char **out);
/* Whether rel inside the root is a mount point (a different device than its parent): 1, 0
 * (also when absent or no directory), or the error looking (negative errno). */
int root_is_mount_point(int rootfd, const char *rel);

/* Install into o->root. Every action is appended to log as one line; on failure err says
 * what failed. Returns 0 or negative errno. */
int osconf_install(const struct install_opts *o, struct buf *log, char *err, size_t errlen);

/* Remove what osconf_install put in root (aliyun_custom_image/ and its contents stay). */
int osconf_uninstall(const char *root, struct buf *log, char *err, size_t errlen);
