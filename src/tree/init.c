/* init.c — which init system a tree runs, osconf's boot layout per init system, enabled units. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "tree/init.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tree/fsview.h"
#include "util/macros.h"

#define SYSTEMD_UNIT "/usr/lib/systemd/system/osconf.service"
#define SYSTEMD_PATH_UNIT "/usr/lib/systemd/system/osconf.path"
#define SYSTEMD_KEYGEN_UNIT "/usr/lib/systemd/system/osconf-ssh-keygen.service"
#define RC(base, n, name) base "/rc" #n ".d/" name

const struct init_layout init_layouts[] = {
	{ INIT_SYSTEMD, "systemd", "systemd",
	  { "osconf.service", "systemd/osconf.service", SYSTEMD_UNIT, 0644, SYSTEMD_UNIT, INIT_PICK_ONLY,
	    { { { "/etc/systemd/system/sysinit.target.wants/osconf.service" } } } },
	  { "osconf.path", "systemd/osconf.path", SYSTEMD_PATH_UNIT, 0644, SYSTEMD_PATH_UNIT, INIT_PICK_ONLY,
	    { { { "/etc/systemd/system/paths.target.wants/osconf.path" } } } },
	  { "osconf-ssh-keygen.service", "systemd/osconf-ssh-keygen.service", SYSTEMD_KEYGEN_UNIT, 0644,
	    SYSTEMD_KEYGEN_UNIT, INIT_PICK_ONLY,
	    { { { "/etc/systemd/system/multi-user.target.wants/osconf-ssh-keygen.service" } } } } },
	/* Debian's rcS.d (Default-Start: S), RHEL's /etc/rc.d/rcN.d, else /etc/rcN.d (2345). */
	{ INIT_SYSV, "sysv", "sysvinit",
	  { "osconf", "sysv/osconf", "/etc/init.d/osconf", 0755, "../init.d/osconf", INIT_PICK_DIRS,
	    { { { "/etc/rcS.d/S??osconf" } },
	      { { RC("/etc/rc.d", 2, "S??osconf"), RC("/etc/rc.d", 3, "S??osconf"), RC("/etc/rc.d", 4, "S??osconf"),
		  RC("/etc/rc.d", 5, "S??osconf") } },
	      { { RC("/etc", 2, "S??osconf"), RC("/etc", 3, "S??osconf"), RC("/etc", 4, "S??osconf"),
		  RC("/etc", 5, "S??osconf") } } } },
	  /* started late in runlevels 2-5, stopped early in 0, 1 and 6 */
	  { "osconf-watch", "sysv/osconf-watch", "/etc/init.d/osconf-watch", 0755, "../init.d/osconf-watch", INIT_PICK_DIRS,
	    { { { RC("/etc/rc.d", 0, "K10osconf-watch"), RC("/etc/rc.d", 1, "K10osconf-watch"),
		  RC("/etc/rc.d", 2, "S90osconf-watch"), RC("/etc/rc.d", 3, "S90osconf-watch"),
		  RC("/etc/rc.d", 4, "S90osconf-watch"), RC("/etc/rc.d", 5, "S90osconf-watch"),
		  RC("/etc/rc.d", 6, "K10osconf-watch") } },
	      { { RC("/etc", 0, "K10osconf-watch"), RC("/etc", 1, "K10osconf-watch"), RC("/etc", 2, "S90osconf-watch"),
		  RC("/etc", 3, "S90osconf-watch"), RC("/etc", 4, "S90osconf-watch"), RC("/etc", 5, "S90osconf-watch"),
		  RC("/etc", 6, "K10osconf-watch") } } } },
	  /* where osconf's links go, with its number: S06osconf-ssh-keygen sorts after S06osconf */
	  { "osconf-ssh-keygen", "sysv/osconf-ssh-keygen", "/etc/init.d/osconf-ssh-keygen", 0755,
	    "../init.d/osconf-ssh-keygen", INIT_PICK_DIRS,
	    { { { "/etc/rcS.d/S??osconf-ssh-keygen" } },
	      { { RC("/etc/rc.d", 2, "S??osconf-ssh-keygen"), RC("/etc/rc.d", 3, "S??osconf-ssh-keygen"),
		  RC("/etc/rc.d", 4, "S??osconf-ssh-keygen"), RC("/etc/rc.d", 5, "S??osconf-ssh-keygen") } },
	      { { RC("/etc", 2, "S??osconf-ssh-keygen"), RC("/etc", 3, "S??osconf-ssh-keygen"),
		  RC("/etc", 4, "S??osconf-ssh-keygen"), RC("/etc", 5, "S??osconf-ssh-keygen") } } } } },
	/* OpenRC orders within a runlevel only: sysinit where the network service starts there
	 * (Debian's OpenRC), else boot (Alpine: networking is there). */
	{ INIT_OPENRC, "openrc", "openrc",
	  { "osconf", "openrc/osconf", "/etc/init.d/osconf", 0755, "/etc/init.d/osconf", INIT_PICK_NETWORK,
	    { { { "/etc/runlevels/sysinit/osconf" } }, { { "/etc/runlevels/boot/osconf" } } } },
	  { "osconf-watch", "openrc/osconf-watch", "/etc/init.d/osconf-watch", 0755, "/etc/init.d/osconf-watch",
	    INIT_PICK_ONLY, { { { "/etc/runlevels/default/osconf-watch" } } } },
	  /* osconf's runlevel: before the default one, where sshd starts */
	  { "osconf-ssh-keygen", "openrc/osconf-ssh-keygen", "/etc/init.d/osconf-ssh-keygen", 0755,
	    "/etc/init.d/osconf-ssh-keygen", INIT_PICK_NETWORK,
	    { { { "/etc/runlevels/sysinit/osconf-ssh-keygen" } }, { { "/etc/runlevels/boot/osconf-ssh-keygen" } } } } },
};
const size_t init_layouts_count = ARRAY_SIZE(init_layouts);
_Static_assert(ARRAY_SIZE(init_layouts) == INIT_LAYOUTS_N, "INIT_LAYOUTS_N counts init_layouts");

const struct init_layout *init_layout(enum init_system system)
{
	for (size_t i = 0; i < ARRAY_SIZE(init_layouts); i++)
		if (init_layouts[i].system == system)
			return &init_layouts[i];
	return NULL;
}

int init_system_parse(const char *s, enum init_system *out)
{
	if (streq(s, "auto")) {
		*out = INIT_UNKNOWN;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(init_layouts); i++)
		if (streq(s, init_layouts[i].name)) {
			*out = init_layouts[i].system;
			return 0;
		}
	return -EINVAL;
}

const char *init_system_name(enum init_system system)
{
	const struct init_layout *l = init_layout(system);
	return l ? l->name : system == INIT_UNKNOWN ? "auto" : "?";
}

const char *init_system_title(enum init_system system)
{
	const struct init_layout *l = init_layout(system);
	return l ? l->title : NULL;
}

/* --- detection --------------------------------------------------------------------------- */

static bool first_exists(struct fsview *fs, const char *const *paths, const char **found)
{
	for (; *paths; paths++)
		if (fs_exists(fs, *paths)) {
			*found = *paths;
			return true;
		}
	return false;
}

/* The rules, in order: /sbin/init a link to systemd; OpenRC's programs; systemd without any
 * other /sbin/init; OpenRC's runlevels; sysvinit's inittab or init.d; systemd at all. */
int init_read(struct fsview *fs, struct init_info *out)
{
	static const char *const inits[] = { "/sbin/init", "/usr/sbin/init", NULL };
	static const char *const openrc[] = { "/sbin/openrc-run", "/usr/sbin/openrc-run", "/sbin/openrc",
					      "/usr/sbin/openrc", NULL };
	static const char *const systemd[] = { "/usr/lib/systemd/systemd", "/lib/systemd/systemd", NULL };
	static const char *const sysv[] = { "/etc/inittab", "/etc/init.d", "/etc/rc.d/init.d", NULL };
	if (!fs)
		return -ENODEV;
	struct init_info i = { .system = INIT_UNKNOWN };
	const char *p, *sd = NULL;
	char target[160];
	bool has_sd = first_exists(fs, systemd, &sd), has_init = first_exists(fs, inits, &p);
	for (const char *const *n = inits; *n && !i.system; n++)
		if (fs_readlink(fs, *n, target, sizeof(target)) == 0 && strstr(target, "systemd")) {
			i.system = INIT_SYSTEMD;
			snprintf(i.how, sizeof(i.how), "%s -> %s", *n, target);
		}
	if (i.system)
		;
	else if (first_exists(fs, openrc, &p))
		i.system = INIT_OPENRC, snprintf(i.how, sizeof(i.how), "%s", p);
	else if (has_sd && !has_init)
		i.system = INIT_SYSTEMD, snprintf(i.how, sizeof(i.how), "%s, and no other /sbin/init", sd);
	else if (fs_is_dir(fs, "/etc/runlevels"))
		i.system = INIT_OPENRC, snprintf(i.how, sizeof(i.how), "/etc/runlevels");
	else if (first_exists(fs, sysv, &p))
		i.system = INIT_SYSV, snprintf(i.how, sizeof(i.how), "%s", p);
	else if (has_sd)
		i.system = INIT_SYSTEMD, snprintf(i.how, sizeof(i.how), "%s", sd);
	*out = i;
	return 0;
}

/* --- enabled units ----------------------------------------------------------------------- */

static const char *const unit_dirs[] = { "/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system" };

struct unit_scan {
	struct fsview *fs;
	const char *dir, *unit;
	char found[512];
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && streq(s + n - k, suffix);
}

/* DIR/X.wants/UNIT, or (in /etc/systemd/system) an alias DIR/OTHER.service -> …/UNIT. */
static int unit_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct unit_scan *s = userdata;
	char path[320], target[256];
	if (ends_with(name, ".wants")) {
		snprintf(path, sizeof(path), "%s/%s/%s", s->dir, name, s->unit);
		if (!fs_exists(s->fs, path))
			return 0;
		snprintf(s->found, sizeof(s->found), "%s", path);
		return 1;
	}
	if (!streq(s->dir, unit_dirs[0]) || !ends_with(name, ".service") || streq(name, s->unit))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	if (fs_readlink(s->fs, path, target, sizeof(target)) < 0)
		return 0;
	const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (!streq(base, s->unit))
		return 0;
	snprintf(s->found, sizeof(s->found), "%s (alias of %s)", path, s->unit);
	return 1;
}

static bool systemd_enabled(struct fsview *fs, const char *unit, char *found, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		struct unit_scan s = { .fs = fs, .dir = unit_dirs[i], .unit = unit };
		fs_list_dir(fs, unit_dirs[i], unit_cb, &s);
		if (s.found[0]) {
			snprintf(found, len, "%s", s.found);
			return true;
		}
	}
	return false;
}

static bool systemd_has_unit(struct fsview *fs, const char *unit)
{
	char path[320];
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", unit_dirs[i], unit);
		if (fs_exists(fs, path))
			return true;
	}
	return false;
}

struct rc_scan {
	const char *dir, *svc;
	char found[512];
};

static int rc_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct rc_scan *s = userdata;
	if (name[0] != 'S' || !isdigit((unsigned char)name[1]) || !isdigit((unsigned char)name[2]) ||
	    !streq(name + 3, s->svc))
		return 0;
	snprintf(s->found, sizeof(s->found), "%s/%s", s->dir, name);
	return 1;
}

static bool sysv_enabled(struct fsview *fs, const char *svc, char *found, size_t len)
{
	static const char *const dirs[] = { "/etc/rcS.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d",
					    "/etc/rc.d/rc2.d", "/etc/rc.d/rc3.d", "/etc/rc.d/rc4.d", "/etc/rc.d/rc5.d" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct rc_scan s = { .dir = dirs[i], .svc = svc };
		fs_list_dir(fs, dirs[i], rc_cb, &s);
		if (s.found[0]) {
			snprintf(found, len, "%s", s.found);
			return true;
		}
	}
	return false;
}

struct runlevel_scan {
	struct fsview *fs;
	const char *svc;
	char found[512];
};

static int runlevel_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct runlevel_scan *s = userdata;
	char path[320];
	snprintf(path, sizeof(path), "/etc/runlevels/%s/%s", name, s->svc);
	if (!fs_exists(s->fs, path))
		return 0;
	snprintf(s->found, sizeof(s->found), "%s", path);
	return 1;
}

static bool openrc_enabled(struct fsview *fs, const char *svc, char *found, size_t len)
{
	struct runlevel_scan s = { .fs = fs, .svc = svc };
	fs_list_dir(fs, "/etc/runlevels", runlevel_cb, &s);
	snprintf(found, len, "%s", s.found);
	return s.found[0] != '\0';
}

bool init_unit_enabled(struct fsview *fs, const struct init_info *info, const char *unit_or_service, char *how,
		       size_t howlen)
{
	enum init_system sys = info ? info->system : INIT_UNKNOWN;
	char unit[128], svc[128], found[512] = "";
	size_t n = strlen(unit_or_service);
	if (ends_with(unit_or_service, ".service"))
		n -= 8;
	snprintf(svc, sizeof(svc), "%.*s", (int)n, unit_or_service);
	snprintf(unit, sizeof(unit), "%s%s", unit_or_service, strchr(unit_or_service, '.') ? "" : ".service");
	const char *by = NULL;
	if ((sys == INIT_SYSTEMD || !sys) && systemd_enabled(fs, unit, found, sizeof(found)))
		by = "systemd";
	else if ((sys == INIT_SYSTEMD && !systemd_has_unit(fs, unit)) && sysv_enabled(fs, svc, found, sizeof(found)))
		by = "systemd (sysv-generator)";
	else if ((sys == INIT_SYSV || !sys) && sysv_enabled(fs, svc, found, sizeof(found)))
		by = "sysvinit";
	else if ((sys == INIT_OPENRC || !sys) && openrc_enabled(fs, svc, found, sizeof(found)))
		by = "openrc";
	if (by && how)
		snprintf(how, howlen, "%s: %s", by, found);
	return by != NULL;
}

bool init_service_file(struct fsview *fs, const struct init_service *s, char *path, size_t len)
{
	static const char *const script_dirs[] = { "/etc/init.d", "/etc/rc.d/init.d" };
	bool unit = ends_with(s->path, ".service") || ends_with(s->path, ".path");
	const char *const *dirs = unit ? unit_dirs : script_dirs;
	size_t n = unit ? ARRAY_SIZE(unit_dirs) : ARRAY_SIZE(script_dirs);
	if (fs_is_file(fs, s->path)) {
		snprintf(path, len, "%s", s->path);
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(path, len, "%s/%s", dirs[i], s->name);
		if (fs_is_file(fs, path))
			return true;
	}
	path[0] = '\0';
	return false;
}
