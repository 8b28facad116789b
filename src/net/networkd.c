/* networkd.c — backend for systemd-networkd: one /etc/systemd/network/05-osconf-X.network per NIC. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"

#define DIR_NETWORK "/etc/systemd/network"
#define PREFIX "05-osconf-"

/* networkd applies the first .network file (by file name, across /etc, /run and /usr/lib)
 * whose [Match] fits a link: "05-" sorts before netplan's 10-netplan-*, cloud-init's
 * 50-cloud-init-* and the distros' 80-/89-/99- DHCP defaults, so ours wins without
 * touching them. DNS= on the default NIC is systemd-resolved's per-link DNS, in order. */
static int render_network(const struct net_ctx *c, int i, struct buf *b)
{
	const struct osconf_model *m = c->m;
	const struct nic_conf *n = &m->nics[i];
	char ip[16], gw[16], mac[18];
	render_header(b, "#");
	buf_puts(b, "[Match]\n");
	if (n->has_mac)
		buf_printf(b, "MACAddress=%s\n", mac_str(n->mac, mac));
	else
		buf_printf(b, "Name=%s\n", c->names->name[i]);
	buf_printf(b, "\n[Network]\nDHCP=no\nLinkLocalAddressing=no\nIPv6AcceptRA=no\nAddress=%s/%u\n",
		   ip4_str(n->addr, ip), n->prefix);
	if (nic_has_dns(c, i)) {
		for (size_t k = 0; k < m->n_dns; k++)
			buf_printf(b, "DNS=%s\n", ip4_str(m->dns[k], ip));
		buf_puts(b, "Domains=~.\n");
	}
	for (size_t k = 0; k < n->n_routes; k++) {
		buf_printf(b, "\n[Route]\nDestination=%s/%u\nGateway=%s\n", ip4_str(n->routes[k].dst, ip),
			   n->routes[k].prefix, ip4_str(n->routes[k].gw, gw));
		if (nic_gw_needs_onlink(n, n->routes[k].gw))
			buf_puts(b, "GatewayOnLink=yes\n");
	}
	if (m->default_nic == i) {
		buf_printf(b, "\n[Route]\nGateway=%s\n", ip4_str(m->default_gw, gw));
		if (nic_gw_needs_onlink(n, m->default_gw))
			buf_puts(b, "GatewayOnLink=yes\n");
	}
	return buf_error(b);
}

static int networkd_plan(const struct net_ctx *c, struct plan *p, char *err, size_t errlen)
{
	char path[128] = DIR_NETWORK;
	int r = net_plan_per_nic(c, p, DIR_NETWORK "/" PREFIX, ".network", 0644, render_network, path, sizeof(path));
	if (r == 0)
		r = net_plan_remove_stale(c, p, DIR_NETWORK, PREFIX);
	return net_plan_finish(c, p, true, r, path, err, errlen);
}

const struct net_backend net_backend_networkd = {
	.name = "networkd",
	.owns_dns = true,
	.plan = networkd_plan,
};
