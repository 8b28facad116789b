/* ifcfg.c — backend for RHEL/CentOS network-scripts (initscripts and NetworkManager's ifcfg-rh). */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "tree/fsview.h"
#include "tree/init.h"
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

/* route-X: "DST via GW dev X", one per non-default route. A gateway outside the NIC's subnet
 * first gets a host route "GW/32 dev X" (a device route, which both initscripts' ifup-routes
 * and NetworkManager's ifcfg-rh read), so routes through it can be added.
 *
 * The default route: both readers take GATEWAY= of ifcfg-X, except that initscripts' ifup-eth
 * skips a GATEWAY= outside the subnet. Then initscripts need a "default via GW dev X" line in
 * route-X, after the host route — but ifcfg-rh since NetworkManager 1.22 reads such a line as a
 * second default route (before 1.22 it ignored it). So the line is written only when
 * initscripts read the files alone: when NetworkManager is enabled, it brings the NICs up
 * (with NM_CONTROLLED=yes initscripts' ifup hands them over) from GATEWAY= and the host route. */
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

static int render_routes(const struct net_ctx *c, int i, bool nm, struct buf *b)
{
	const struct nic_conf *n = &c->m->nics[i];
	const char *dev = c->names->name[i];
	char dst[16], gw[16];
	struct in_addr done[OSCONF_MAX_ROUTES + 1];
	size_t ndone = 0;
	render_header(b, "#");
	if (c->m->default_nic == i && nic_gw_needs_onlink(n, c->m->default_gw)) {
		add_gw_host_route(b, n, c->m->default_gw, dev, done, &ndone);
		if (!nm)
			buf_printf(b, "default via %s dev %s\n", ip4_str(c->m->default_gw, gw), dev);
	}
	for (size_t k = 0; k < n->n_routes; k++)
		add_gw_host_route(b, n, n->routes[k].gw, dev, done, &ndone);
	for (size_t k = 0; k < n->n_routes; k++)
		buf_printf(b, "%s/%u via %s dev %s\n", ip4_str(n->routes[k].dst, dst), n->routes[k].prefix,
			   ip4_str(n->routes[k].gw, gw), dev);
	return buf_error(b);
}

/* Whether NetworkManager (ifcfg-rh) brings the NICs up, rather than initscripts alone. */
static int nm_reads_ifcfg(int rootfd, bool *nm)
{
	struct fs_borrowed fb;
	struct fsview *fs = fs_borrow_root(rootfd, &fb);
	struct init_info init;
	int r = init_read(fs, &init);
	if (r < 0)
		return r;
	*nm = init_unit_enabled(fs, &init, "NetworkManager", NULL, 0);
	return 0;
}

static int ifcfg_plan(const struct net_ctx *c, struct plan *p, char *err, size_t errlen)
{
	const struct file_meta meta = { .mode = 0644 };
	char path[128] = "/";
	bool nm = false;
	int r = nm_reads_ifcfg(c->rootfd, &nm);
	if (r == 0 && nm)
		plan_note(p, "network: NetworkManager is enabled: it reads the ifcfg files (no default route in route files)");
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
			r = render_routes(c, i, nm, &b);
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
	int have = r == 0 ? root_exists(c->rootfd, "/etc/sysconfig/network") : 0;
	if (have < 0) {
		snprintf(p->failed, sizeof(p->failed), "/etc/sysconfig/network");
		r = have;
	}
	if (r == 0 && have) {
		r = plan_file(p, c->rootfd, "/etc/sysconfig/network", SEC_BIT(SEC_NETWORK), NULL, &f);
		if (r == 0)
			r = text_set_assignment(&f->new, "GATEWAY", NULL, false);
		if (r == 0)
			r = text_set_assignment(&f->new, "GATEWAYDEV", NULL, false);
		if (r == 0)
			r = text_set_assignment(&f->new, "NETWORKING", "yes", true);
	}
	if (r < 0)
		net_plan_error(p, r, path, err, errlen);
	return r;
}

const struct net_backend net_backend_ifcfg = {
	.name = "ifcfg",
	.owns_dns = false,
	.plan = ifcfg_plan,
};
