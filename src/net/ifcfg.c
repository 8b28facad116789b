/* ifcfg.c — backend for RHEL/CentOS network-scripts (initscripts and NetworkManager's ifcfg-rh). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "util/text.h"

#define SCRIPTS "/etc/sysconfig/network-scripts"

/* ifcfg-X: static address, matched by HWADDR; GATEWAY/DEFROUTE=yes only on the NIC that
 * owns the default route. DNSn on that NIC (else the first) too, so ifcfg-rh/initscripts agree with resolv.conf. */
static int render_ifcfg(const struct net_ctx *c, int i, struct buf *b)
{
	const struct osconf_model *m = c->m;
	const struct nic_conf *n = &m->nics[i];
	char ip[16], mac[18];
	bool def = m->default_nic == i;
	render_header(b, "#");
	buf_printf(b, "DEVICE=%s\n", c->names->name[i]);
	if (n->has_mac)
		buf_printf(b, "HWADDR=%s\n", mac_str(n->mac, mac));
	buf_printf(b, "TYPE=Ethernet\nONBOOT=yes\nBOOTPROTO=none\n");
	buf_printf(b, "IPADDR=%s\nPREFIX=%u\n", ip4_str(n->addr, ip), n->prefix);
	if (def)
		buf_printf(b, "GATEWAY=%s\nDEFROUTE=yes\n", ip4_str(m->default_gw, ip));
	else
		buf_printf(b, "DEFROUTE=no\n");
	if (nic_has_dns(c, i))
		for (size_t k = 0; k < m->n_dns; k++)
			buf_printf(b, "DNS%zu=%s\n", k + 1, ip4_str(m->dns[k], ip));
	buf_printf(b, "IPV6INIT=no\nNM_CONTROLLED=yes\n");
	return buf_error(b);
}

/* route-X: "DST via GW dev X", one per non-default route (ifcfg-rh ignores default routes
 * in route files, so the default route lives in GATEWAY= of ifcfg-X only). A gateway outside
 * the NIC's subnet first gets a host route "GW/32 dev X" (a device route, which both
 * initscripts' ifup-routes and ifcfg-rh read), so routes through it can be added. */
static bool needs_route_file(const struct net_ctx *c, int i)
{
	const struct nic_conf *n = &c->m->nics[i];
	return n->n_routes || (c->m->default_nic == i && nic_gw_needs_onlink(n, c->m->default_gw));
}

static void add_gw_host_route(struct buf *b, const struct nic_conf *n, struct in_addr gw, const char *dev,
			      struct in_addr *done, size_t *ndone)
{
	char a[16];
	if (!nic_gw_needs_onlink(n, gw))
		return;
	for (size_t k = 0; k < *ndone; k++)
		if (done[k].s_addr == gw.s_addr)
			return;
	done[(*ndone)++] = gw;
	buf_printf(b, "%s/32 dev %s\n", ip4_str(gw, a), dev);
}

static int render_routes(const struct net_ctx *c, int i, struct buf *b)
{
	const struct nic_conf *n = &c->m->nics[i];
	const char *dev = c->names->name[i];
	char dst[16], gw[16];
	struct in_addr done[OSCONF_MAX_ROUTES + 1];
	size_t ndone = 0;
	render_header(b, "#");
	if (c->m->default_nic == i && nic_gw_needs_onlink(n, c->m->default_gw)) {
		/* initscripts' ifup-eth skips a GATEWAY= outside the subnet: the default route is
		 * added here, after the host route to the gateway. NetworkManager's ifcfg-rh
		 * ignores default routes in route files and uses GATEWAY=, so there is one. */
		add_gw_host_route(b, n, c->m->default_gw, dev, done, &ndone);
		buf_printf(b, "default via %s dev %s\n", ip4_str(c->m->default_gw, gw), dev);
	}
	for (size_t k = 0; k < n->n_routes; k++)
		add_gw_host_route(b, n, n->routes[k].gw, dev, done, &ndone);
	for (size_t k = 0; k < n->n_routes; k++)
		buf_printf(b, "%s/%u via %s dev %s\n", ip4_str(n->routes[k].dst, dst), n->routes[k].prefix,
			   ip4_str(n->routes[k].gw, gw), dev);
	return buf_error(b);
}

static int ifcfg_plan(const struct net_ctx *c, struct plan *p, char *err, size_t errlen)
{
	const struct file_meta meta = { .mode = 0644 };
	char path[128];
	int r = 0;
	for (int i = 0; r == 0 && i < OSCONF_MAX_NICS; i++) {
		if (!c->m->nics[i].present)
			continue;
		unsigned sec = c->sections;
		struct buf b = BUF_INIT;
		snprintf(path, sizeof(path), SCRIPTS "/ifcfg-%s", c->names->name[i]);
		r = render_ifcfg(c, i, &b);
		if (r == 0)
			r = plan_file_set(p, c->rootfd, path, sec, &meta, &b);
		buf_free(&b);
		snprintf(path, sizeof(path), SCRIPTS "/route-%s", c->names->name[i]);
		if (r == 0 && needs_route_file(c, i)) {
			r = render_routes(c, i, &b);
			if (r == 0)
				r = plan_file_set(p, c->rootfd, path, SEC_BIT(SEC_NETWORK), &meta, &b);
			buf_free(&b);
		} else if (r == 0) {
			r = plan_file_remove(p, c->rootfd, path, SEC_BIT(SEC_NETWORK));
		}
	}
	/* Another ifcfg file for the same NIC (e.g. "ifcfg-System_eth0" with our HWADDR) would
	 * bring it up a second time, maybe with DHCP. */
	if (r == 0)
		r = net_plan_disable_ifcfg(c, p, SCRIPTS);
	/* A global GATEWAY= in /etc/sysconfig/network would add a second default route. */
	struct plan_file *f;
	if (r == 0 && root_exists(c->rootfd, "/etc/sysconfig/network")) {
		r = plan_file(p, c->rootfd, "/etc/sysconfig/network", SEC_BIT(SEC_NETWORK), NULL, &f);
		if (r == 0)
			r = text_set_assignment(&f->new, "GATEWAY", NULL, false);
		if (r == 0)
			r = text_set_assignment(&f->new, "GATEWAYDEV", NULL, false);
		if (r == 0)
			r = text_set_assignment(&f->new, "NETWORKING", "yes", true);
	}
	if (r < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
	return r;
}

const struct net_backend net_backend_ifcfg = {
	.name = "ifcfg",
	.owns_dns = false,
	.plan = ifcfg_plan,
};
