/* names.c — the kernel names of os.conf's NICs: found by MAC over rtnetlink on the running system. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "net/backend.h"
#include "sys/netlink.h"

#define UDEV_WAIT_MS 10000

/* At boot osconf may run while udev is still probing or renaming NICs (eth0 → ens5): a
 * link counts as ready once udev has recorded it (/run/udev/data/n<ifindex>, as
 * systemd-networkd checks). Without a running udev every link is ready. */
static bool udev_ready(const struct nl_link *l)
{
	char path[64];
	if (access("/run/udev/control", F_OK) < 0)
		return true;
	snprintf(path, sizeof(path), "/run/udev/data/n%d", l->ifindex);
	return access(path, F_OK) == 0;
}

/* Match os.conf's NICs to links; true when every NIC with a MAC was found and is ready. */
static bool match_links(const struct osconf_model *m, const struct nl_link *links, size_t n, struct nic_names *out)
{
	bool all = true;
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		if (!m->nics[i].present || !m->nics[i].has_mac)
			continue;
		const struct nl_link *l = nl_link_by_mac(links, n, m->nics[i].mac);
		if (!l || !udev_ready(l)) {
			all = false;
			continue;
		}
		snprintf(out->name[i], sizeof(out->name[i]), "%s", l->name);
		out->by_mac[i] = true;
	}
	return all;
}

/* RTM_GETLINK (not /sys/class/net) so that the answer is the caller's network namespace.
 * Waits up to UDEV_WAIT_MS for NICs that are missing or not yet processed by udev. */
void nic_names_resolve(const struct osconf_model *m, bool live, struct nic_names *out)
{
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		snprintf(out->name[i], sizeof(out->name[i]), "%s", m->nics[i].name);
		out->by_mac[i] = false;
	}
	if (!live)
		return;
	bool udev = access("/run/udev/control", F_OK) == 0;
	for (int waited = 0;; waited += 50) {
		struct nl nl = NL_INIT;
		struct nl_link *links = NULL;
		size_t n = 0;
		/* a failed dump (a starved boot's timeout) is tried again, not taken as no NIC */
		int r = nl_open(&nl, NULL, 0);
		if (r == 0)
			r = nl_dump_links(&nl, &links, &n, NULL, 0);
		nl_close(&nl);
		bool all = r == 0 && match_links(m, links, n, out);
		free(links);
		if (all || (r == 0 && !udev) || waited >= UDEV_WAIT_MS)
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
	}
}
