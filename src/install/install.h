/* install.h — put osconf and its init integration into a root tree, enable it, or take it out again. */
#pragma once

#include <stdbool.h>

#include "util/buf.h"

enum init_system { INIT_AUTO, INIT_SYSTEMD, INIT_SYSV, INIT_OPENRC };

/* The fixed layout `image check` verifies. */
#define INSTALL_BINARY "/usr/sbin/osconf"
#define INSTALL_UNIT "/usr/lib/systemd/system/osconf.service"
#define INSTALL_UNIT_LINK "/etc/systemd/system/sysinit.target.wants/osconf.service"
#define INSTALL_PATH_UNIT "/usr/lib/systemd/system/osconf.path"
#define INSTALL_PATH_LINK "/etc/systemd/system/paths.target.wants/osconf.path"
#define INSTALL_INITD "/etc/init.d/osconf"
/* OpenRC: the boot runlevel, or sysinit where the network service starts there (Debian). */
#define INSTALL_OPENRC_LINK "/etc/runlevels/boot/osconf"
#define INSTALL_OPENRC_SYSINIT_LINK "/etc/runlevels/sysinit/osconf"
/* sysvinit and OpenRC: `osconf watch` as a service where partition 1 is mounted permanently. */
#define INSTALL_WATCH_INITD "/etc/init.d/osconf-watch"
#define INSTALL_OPENRC_WATCH_LINK "/etc/runlevels/default/osconf-watch"
#define INSTALL_CONF "/etc/osconf.conf"
#define INSTALL_CONF_DIR "aliyun_custom_image"

struct install_opts {
	const char *root;      /* target root directory ("/" when NULL) */
	enum init_system init; /* INIT_AUTO: detect from the target */
	const char *partition; /* UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…; NULL: keep what is recorded */
	const char *binary;    /* the program to copy (NULL: /proc/self/exe) */
};

int init_system_parse(const char *s, enum init_system *out);
const char *init_system_name(enum init_system init);

/* Which init system the tree at rootfd boots with; -ENOENT when none is recognised. */
int install_detect_init(int rootfd, enum init_system *out);


/* The mount point the target's /etc/fstab gives the partition spec (e.g. "/boot"), or NULL. */
char *fstab_mount_point(int rootfd, const char *spec);

/* Install into o->root. Every action is appended to log as one line; on failure err says
 * what failed. Returns 0 or negative errno. */
int osconf_install(const struct install_opts *o, struct buf *log, char *err, size_t errlen);

/* Remove what osconf_install put in root (aliyun_custom_image/ and its contents stay). */
int osconf_uninstall(const char *root, struct buf *log, char *err, size_t errlen);
