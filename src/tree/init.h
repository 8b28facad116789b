/* init.h — a tree's init system, osconf's boot layout for each, and whether a unit is enabled: the one source. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct fsview;

/* INIT_UNKNOWN: nothing recognised; INIT_AUTO, the same value: `install --init auto`, detect it. */
enum init_system { INIT_UNKNOWN, INIT_AUTO = INIT_UNKNOWN, INIT_SYSTEMD, INIT_SYSV, INIT_OPENRC };

#define INIT_OSCONF_BINARY "/usr/sbin/osconf"
#define INIT_LINKS_MAX 8
#define INIT_LINKSETS_MAX 3
#define INIT_LAYOUTS_N 3 /* systemd, sysvinit, OpenRC: the entries of init_layouts */

/* Which enable links install writes: a set of paths (NULL-terminated). In a sysvinit link
 * "??" is the start number install chooses (just below the network script's). */
struct init_linkset {
	const char *paths[INIT_LINKS_MAX];
};

/* How install picks one of the alternative link sets (the last one is the default). */
enum init_pick {
	INIT_PICK_ONLY,    /* one set */
	INIT_PICK_DIRS,    /* the first set whose link directories all exist */
	INIT_PICK_NETWORK, /* the first set whose directory holds the network service */
};

/* One thing osconf installs for an init system: the file, where its enable links go. */
struct init_service {
	const char *name;   /* as init_unit_enabled() takes it: "osconf.service", "osconf" */
	const char *dist;   /* the dist/ file installed at path ("systemd/osconf.service") */
	const char *path;   /* where it goes */
	unsigned mode;      /* its permissions */
	const char *target; /* what its enable links point at */
	enum init_pick pick;
	struct init_linkset links[INIT_LINKSETS_MAX];
};

/* osconf's boot layout on one init system: the paths install writes and image check checks. */
struct init_layout {
	enum init_system system;
	const char *name;  /* as --init takes it: "systemd", "sysv", "openrc" */
	const char *title; /* as reports name it: "systemd", "sysvinit", "openrc" */
	struct init_service boot;  /* osconf apply at boot */
	struct init_service watch; /* re-apply on change (where partition 1 is mounted permanently) */
	struct init_service keygen; /* ssh-keygen -A before sshd when there is no host key (a new
				     * instance's, src/identity/); on sysvinit and OpenRC only where
				     * the tree has no mechanism of its own (src/tree/sshkeys.h) */
};

/* The layout of system, or NULL for INIT_UNKNOWN. */
const struct init_layout *init_layout(enum init_system system);
/* The table itself: init_layouts_count entries, one per known init system. */
extern const struct init_layout init_layouts[];
extern const size_t init_layouts_count;

/* "systemd", "sysv", "openrc" (and "auto" for INIT_UNKNOWN) → system; -EINVAL otherwise. */
int init_system_parse(const char *s, enum init_system *out);
const char *init_system_name(enum init_system system);  /* "auto" for INIT_UNKNOWN */
const char *init_system_title(enum init_system system); /* NULL for INIT_UNKNOWN */

struct init_info {
	enum init_system system;
	char how[192]; /* the evidence: "/sbin/init -> /lib/systemd/systemd", "" when unknown */
};

/* Which init system the tree boots with (INIT_UNKNOWN when none is recognised). Returns 0,
 * or -ENODEV without a view. */
int init_read(struct fsview *fs, struct init_info *out);

/* Whether the tree starts unit_or_service at boot, as its init system does it (every way when
 * info is NULL or its system unknown). The name with or without ".service": systemd looks for
 * NAME.service, sysvinit and OpenRC for NAME. systemd: a link in a *.wants/ directory of
 * /etc/systemd/system, /usr/lib/systemd/system or /lib/systemd/system, or an alias in
 * /etc/systemd/system, or (no such unit: sysv-generator) a sysvinit S link; sysvinit:
 * rcS.d or rc2-5.d (also under /etc/rc.d)/S??NAME; OpenRC: /etc/runlevels/ANY/NAME. how (may
 * be NULL) says which link, e.g. "systemd: /etc/systemd/system/x.target.wants/NAME.service". */
bool init_unit_enabled(struct fsview *fs, const struct init_info *info, const char *unit_or_service, char *how,
		       size_t howlen);
/* Where the tree has s's file: its declared path, else (the same name) systemd's other unit
 * directories or /etc/rc.d/init.d. The path into path; false when it is nowhere. */
bool init_service_file(struct fsview *fs, const struct init_service *s, char *path, size_t len);
