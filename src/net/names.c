/* names.c — the kernel names of os.conf's NICs: found by MAC over rtnetlink on the running system. */
#include <stdio.h>
#include <stdlib.h>

#include "net/backend.h"
#include "sys/netlink.h"

/* RTM_GETLINK (not /sys/class/net) so that the answer is the caller's network namespace. */
void nic_names_resolve(const struct osconf_model *m, bool live, struct nic_names *out)
{
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		snprintf(out->name[i], sizeof(out->name[i]), "%s", m->nics[i].name);
		out->by_mac[i] = false;
	}
	if (!live)
		return;
	struct nl nl = NL_INIT;
	struct nl_link *links = NULL;
	size_t n = 0;
	if (nl_open(&nl, NULL, 0) < 0)
		return;
	int r = nl_dump_links(&nl, &links, &n, NULL, 0);
	nl_close(&nl);
	if (r < 0)
		return;
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		if (!m->nics[i].present || !m->nics[i].has_mac)
			continue;
		const struct nl_link *l = nl_link_by_mac(links, n, m->nics[i].mac);
		if (l) {
			snprintf(out->name[i], sizeof(out->name[i]), "%s", l->name);
			out->by_mac[i] = true;
		}
	}
	free(links);
}
