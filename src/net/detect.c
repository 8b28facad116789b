/* detect.c — choose the persistent network backend from the target root alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree/agent.h"
#include "tree/fsview.h"
#include "net/backend.h"
#include "util/macros.h"
#include "util/text.h"

struct osinfo {
	char id[64], like[256], version[32];
};

/* os-release (its symlink followed inside the root); none is an unknown distro, but one
 * that cannot be read fails the detection (an EIO must not pick another backend). */
static int osinfo_read(int rootfd, struct osinfo *o, char *why, size_t whylen)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	memset(o, 0, sizeof(*o));
	const char *path = "/etc/os-release";
	int r = root_read(rootfd, path, ROOT_FOLLOW | ROOT_OPTIONAL, 64 * 1024, &b);
	if (r == 0 && !b.data)
		r = root_read(rootfd, path = "/usr/lib/os-release", ROOT_FOLLOW | ROOT_OPTIONAL, 64 * 1024, &b);
	if (r < 0) {
		snprintf(why, whylen, "%s: %s", path, root_strerror(r));
		return r;
	}
	if (!b.data)
		return 0;
	text_get(&b, "ID", '=', o->id, sizeof(o->id));
	text_get(&b, "ID_LIKE", '=', o->like, sizeof(o->like));
	text_get(&b, "VERSION_ID", '=', o->version, sizeof(o->version));
	return 0;
}

/* Whether the distro is w or like it (ID, or a word of ID_LIKE). */
static bool is(const struct osinfo *o, const char *w)
{
	if (streq(o->id, w))
		return true;
	size_t n = strlen(w);
	for (const char *s = o->like; (s = strstr(s, w)); s += n)
		if ((s == o->like || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
			return true;
	return false;
}

/* A systemd unit is enabled when a *.wants/ directory under /etc/systemd/system holds it
 * or an alias in /etc/systemd/system points at it (network.service, dbus-org.…). */
static bool systemd_enabled(int rootfd, const char *unit)
{
	_cleanup_(names_free) struct names l = { 0 };
	char path[512], target[256];
	if (root_list_dir(rootfd, "/etc/systemd/system", &l) < 0)
		return false;
	for (size_t k = 0; k < l.n; k++) {
		size_t n = strlen(l.v[k]);
		if (n > 6 && streq(l.v[k] + n - 6, ".wants")) {
			snprintf(path, sizeof(path), "/etc/systemd/system/%s/%s", l.v[k], unit);
			if (root_exists(rootfd, path))
				return true;
		} else if (n > 8 && streq(l.v[k] + n - 8, ".service")) {
			snprintf(path, sizeof(path), "/etc/systemd/system/%s", l.v[k]);
			if (root_readlink(rootfd, path, target, sizeof(target)) == 0) {
				const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
				if (streq(base, unit) && !streq(l.v[k], unit))
					return true;
			}
		}
	}
	return false;
}

/* An OpenRC service is enabled when a runlevel under /etc/runlevels holds it. */
static bool openrc_enabled(int rootfd, const char *svc)
{
	_cleanup_(names_free) struct names l = { 0 };
	char path[512];
	if (root_list_dir(rootfd, "/etc/runlevels", &l) < 0)
		return false;
	for (size_t k = 0; k < l.n; k++) {
		snprintf(path, sizeof(path), "/etc/runlevels/%s/%s", l.v[k], svc);
		if (root_exists(rootfd, path))
			return true;
	}
	return false;
}

static bool netplan_installed(int rootfd)
{
	static const char *const paths[] = { "/usr/sbin/netplan", "/usr/share/netplan", "/usr/lib/netplan/generate",
					     "/usr/libexec/netplan/generate", "/lib/netplan/generate" };
	if (!root_is_dir(rootfd, "/etc/netplan"))
		return false;
	for (size_t k = 0; k < ARRAY_SIZE(paths); k++)
		if (root_exists(rootfd, paths[k]))
			return true;
	return false;
}

/* RHEL-family releases before 9 (and their rebuilds) configure through network-scripts. */
static bool rhel_before_9(const struct osinfo *o)
{
	if (is(o, "fedora") && streq(o->id, "fedora"))
		return false;
	if (streq(o->id, "openEuler") || streq(o->id, "alinux") || streq(o->id, "anolis"))
		return true;
	return (is(o, "rhel") || is(o, "centos") || is(o, "fedora")) && o->version[0] && atoi(o->version) < 9;
}

struct rule {
	const char *backend;
	const char *service;
};

/* The backend from what the root has installed and enabled, or NULL. */
static const char *by_service(int rootfd, const struct osinfo *o, char *why, size_t whylen)
{
	static const struct rule systemd[] = {
		{ "nm", "NetworkManager.service" }, { "wicked", "wicked.service" },
		{ "networkd", "systemd-networkd.service" }, { "ifupdown", "networking.service" },
	};
	static const struct rule openrc[] = { { "nm", "NetworkManager" }, { "ifupdown", "networking" } };
	const char *id = o->id[0] ? o->id : "-";
	if (netplan_installed(rootfd)) {
		snprintf(why, whylen, "ID=%s; netplan is installed and /etc/netplan exists", id);
		return "netplan";
	}
	if (rhel_before_9(o)) {
		snprintf(why, whylen, "ID=%s VERSION_ID=%s: the RHEL family before 9 reads network-scripts", id,
			 o->version);
		return "ifcfg";
	}
	for (size_t k = 0; k < ARRAY_SIZE(systemd); k++)
		if (systemd_enabled(rootfd, systemd[k].service)) {
			snprintf(why, whylen, "ID=%s; systemd enables %s", id, systemd[k].service);
			return systemd[k].backend;
		}
	for (size_t k = 0; k < ARRAY_SIZE(openrc); k++)
		if (openrc_enabled(rootfd, openrc[k].service)) {
			snprintf(why, whylen, "ID=%s; an OpenRC runlevel has %s", id, openrc[k].service);
			return openrc[k].backend;
		}
	return NULL;
}

static const char *by_distro(const struct osinfo *o)
{
	if (is(o, "ubuntu"))
		return "netplan";
	if (is(o, "debian") || is(o, "alpine"))
		return "ifupdown";
	if (is(o, "arch") || streq(o->id, "flatcar") || is(o, "coreos"))
		return "networkd";
	if (is(o, "suse") || is(o, "opensuse"))
		return "wicked";
	if (is(o, "rhel") || is(o, "fedora") || is(o, "centos"))
		return "nm";
	return NULL;
}

int net_backend_detect(int rootfd, const struct net_backend **out, char *why, size_t whylen)
{
	struct agent_conf ac;
	struct fs_borrowed fb;
	int r = agent_conf_read(fs_borrow_root(rootfd, &fb), &ac);
	if (r < 0) {
		snprintf(why, whylen, "%s: %s", AGENT_CONF_PATH, strerror(-r));
		return r;
	}
	if (ac.backend[0]) {
		const struct net_backend *b = net_backend_find(ac.backend);
		if (!b) {
			snprintf(why, whylen, "/etc/osconf.conf names an unknown backend '%s'", ac.backend);
			return -EINVAL;
		}
		*out = b;
		snprintf(why, whylen, "backend=%s in /etc/osconf.conf", ac.backend);
		return 0;
	}
	struct osinfo o;
	if ((r = osinfo_read(rootfd, &o, why, whylen)) < 0)
		return r;
	const char *name = by_service(rootfd, &o, why, whylen);
	if (!name && (name = by_distro(&o)))
		snprintf(why, whylen, "ID=%s ID_LIKE=%s; no network service enabled: the distro's default", o.id,
			 o.like[0] ? o.like : "-");
	if (!name) {
		name = "ifcfg";
		snprintf(why, whylen, "ID=%s: unknown distro and no network service enabled: the vendor's default",
			 o.id[0] ? o.id : "-");
	}
	*out = net_backend_find(name);
	return *out ? 0 : -EINVAL;
}
