/* detect.c — choose the persistent network backend from the target root alone. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree/agent.h"
#include "tree/fsview.h"
#include "tree/init.h"
#include "tree/osrelease.h"
#include "net/backend.h"
#include "util/macros.h"

/* 1: netplan is installed and /etc/netplan exists; 0: not; negative errno (failing path in
 * *at): an error is never taken for "not installed". */
static int netplan_installed(int rootfd, const char **at)
{
	static const char *const paths[] = { "/usr/sbin/netplan", "/usr/share/netplan", "/usr/lib/netplan/generate",
					     "/usr/libexec/netplan/generate", "/lib/netplan/generate" };
	*at = "/etc/netplan";
	int r = root_is_dir(rootfd, *at);
	if (r <= 0)
		return r;
	for (size_t k = 0; k < ARRAY_SIZE(paths); k++) {
		*at = paths[k];
		r = root_exists(rootfd, *at);
		if (r != 0)
			return r;
	}
	return 0;
}

/* RHEL-family releases before 9 (and their rebuilds) configure through network-scripts. */
static bool rhel_before_9(const struct osrelease *o)
{
	if (osrelease_is(o, "fedora") && streq(o->id, "fedora"))
		return false;
	if (streq(o->id, "openEuler") || streq(o->id, "alinux") || streq(o->id, "anolis"))
		return true;
	return (osrelease_is(o, "rhel") || osrelease_is(o, "centos") || osrelease_is(o, "fedora")) && o->version_id[0] && atoi(o->version_id) < 9;
}

struct rule {
	const char *backend;
	const char *service;
};

/* The backend from what the root has installed and enabled, or NULL. */
static const char *by_service(bool netplan, struct fsview *fs, const struct osrelease *o, char *why, size_t whylen)
{
	static const struct rule rules[] = {
		{ "nm", "NetworkManager" }, { "wicked", "wicked" }, { "networkd", "systemd-networkd" },
		{ "ifupdown", "networking" },
	};
	const char *id = o->id[0] ? o->id : "-";
	if (netplan) {
		snprintf(why, whylen, "ID=%s; netplan is installed and /etc/netplan exists", id);
		return "netplan";
	}
	if (rhel_before_9(o)) {
		snprintf(why, whylen, "ID=%s VERSION_ID=%s: the RHEL family before 9 reads network-scripts", id,
			 o->version_id);
		return "ifcfg";
	}
	struct init_info init;
	char how[320];
	if (init_read(fs, &init) < 0)
		init.system = INIT_UNKNOWN;
	for (size_t k = 0; k < ARRAY_SIZE(rules); k++)
		if (init_unit_enabled(fs, &init, rules[k].service, how, sizeof(how))) {
			snprintf(why, whylen, "ID=%s; %s is enabled (%s)", id, rules[k].service, how);
			return rules[k].backend;
		}
	return NULL;
}

static const char *by_distro(const struct osrelease *o)
{
	if (osrelease_is(o, "ubuntu"))
		return "netplan";
	if (osrelease_is(o, "debian") || osrelease_is(o, "alpine"))
		return "ifupdown";
	if (osrelease_is(o, "arch") || streq(o->id, "flatcar") || osrelease_is(o, "coreos"))
		return "networkd";
	if (osrelease_is(o, "suse") || osrelease_is(o, "opensuse"))
		return "wicked";
	if (osrelease_is(o, "rhel") || osrelease_is(o, "fedora") || osrelease_is(o, "centos"))
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
	struct osrelease o;
	struct fsview *fs = fs_borrow_root(rootfd, &fb);
	r = osrelease_read(fs, &o);
	if (r < 0) {
		snprintf(why, whylen, "/etc/os-release: %s", root_strerror(r));
		return r;
	}
	const char *at;
	r = netplan_installed(rootfd, &at);
	if (r < 0) {
		snprintf(why, whylen, "%s: %s", at, root_strerror(r));
		return r;
	}
	const char *name = by_service(r > 0, fs, &o, why, whylen);
	if (!name && (name = by_distro(&o)))
		snprintf(why, whylen, "ID=%s ID_LIKE=%s; no network service enabled: the distro's default", o.id,
			 o.id_like[0] ? o.id_like : "-");
	if (!name) {
		name = "ifcfg";
		snprintf(why, whylen, "ID=%s: unknown distro and no network service enabled: the vendor's default",
			 o.id[0] ? o.id : "-");
	}
	*out = net_backend_find(name);
	return *out ? 0 : -EINVAL;
}
