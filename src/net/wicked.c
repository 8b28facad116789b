/* wicked.c — backend for SUSE's wicked: /etc/sysconfig/network/ifcfg-X and ifroute-X. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "util/macros.h"
#include "util/text.h"

#define SYSNET "/etc/sysconfig/network"

/* ifcfg-X is named after the kernel name (wicked has no MAC match; the name was resolved by
 * MAC on the running system), so it replaces the image's DHCP ifcfg-X of the same NIC. */
static int render_ifcfg(const struct net_ctx *c, int i, struct buf *b)
{
	const struct nic_conf *n = &c->m->nics[i];
	char ip[16];
	render_header(b, "#");
	buf_printf(b, "STARTMODE='auto'\nBOOTPROTO='static'\nIPADDR='%s/%u'\n", ip4_str(n->addr, ip), n->prefix);
	return buf_error(b);
}

/* ifroute-X: "DEST GATEWAY NETMASK INTERFACE"; routes are kept (cloud-init's renderer drops
 * them), the default route only on the NIC owning it, after a host route to an off-subnet
 * gateway (wicked has no on-link flag). */
static int render_routes(const struct net_ctx *c, int i, struct buf *b)
{
	const struct osconf_model *m = c->m;
	const struct nic_conf *n = &m->nics[i];
	const char *name = c->names->name[i];
	struct in_addr hosts[OSCONF_MAX_ROUTES + 1];
	size_t nh = 0;
	char dst[16], gw[16];
	render_header(b, "#");
	for (size_t k = 0; k <= n->n_routes; k++) {
		bool def = k == n->n_routes;
		if (def && m->default_nic != i)
			break;
		struct in_addr via = def ? m->default_gw : n->routes[k].gw;
		size_t h = 0;
		while (h < nh && hosts[h].s_addr != via.s_addr)
			h++;
		if (h == nh && nic_gw_needs_onlink(n, via)) {
			hosts[nh++] = via;
			buf_printf(b, "%s/32 - - %s\n", ip4_str(via, gw), name);
		}
		if (def)
			buf_printf(b, "default %s - %s\n", ip4_str(via, gw), name);
		else
			buf_printf(b, "%s/%u %s - %s\n", ip4_str(n->routes[k].dst, dst), n->routes[k].prefix,
				   ip4_str(via, gw), name);
	}
	return buf_error(b);
}

static bool not_default(const char *line, size_t len, void *data)
{
	(void)data;
	return !line_has_word(line, len, "default") && !line_has_word(line, len, "0.0.0.0") &&
	       !line_has_word(line, len, "0.0.0.0/0");
}

static int wicked_plan(const struct net_ctx *c, struct plan *p, char *err, size_t errlen)
{
	char path[128] = SYSNET;
	int r = net_plan_per_nic(c, p, SYSNET "/ifcfg-", "", 0644, render_ifcfg, path, sizeof(path));
	for (int i = 0; r == 0 && i < OSCONF_MAX_NICS; i++) {
		struct buf b = BUF_INIT;
		if (!c->m->nics[i].present)
			continue;
		snprintf(path, sizeof(path), SYSNET "/ifroute-%s", c->names->name[i]);
		if (r == 0 && (c->m->nics[i].n_routes || c->m->default_nic == i)) {
			r = render_routes(c, i, &b);
			if (r == 0)
				r = net_plan_set(c, p, path, 0644, &b);
			buf_free(&b);
		} else if (r == 0) {
			r = plan_file_remove(p, c->rootfd, path, SEC_BIT(SEC_NETWORK));
		}
	}
	/* A default route in the global routes file would be a second one. */
	struct plan_file *f;
	snprintf(path, sizeof(path), SYSNET "/routes");
	int have = r == 0 ? root_exists(c->rootfd, path) : 0;
	if (have < 0) {
		snprintf(p->failed, sizeof(p->failed), "%s", path);
		r = have;
	}
	if (r == 0 && have) {
		r = plan_file(p, c->rootfd, path, SEC_BIT(SEC_NETWORK), NULL, &f);
		if (r == 0)
			r = text_filter_lines(&f->new, not_default, NULL);
	}
	/* netconfig writes resolv.conf from the static servers, in order. */
	snprintf(path, sizeof(path), SYSNET "/config");
	if (r == 0 && (c->sections & SEC_BIT(SEC_DNS))) {
		char v[OSCONF_MAX_DNS * 16 + 1] = "", ip[16];
		for (size_t k = 0; k < c->m->n_dns; k++)
			snprintf(v + strlen(v), sizeof(v) - strlen(v), "%s%s", k ? " " : "", ip4_str(c->m->dns[k], ip));
		char q[sizeof(v) + 2];
		snprintf(q, sizeof(q), "\"%s\"", v);
		r = plan_file(p, c->rootfd, path, SEC_BIT(SEC_DNS), NULL, &f);
		if (r == 0)
			r = text_set_assignment(&f->new, "NETCONFIG_DNS_STATIC_SERVERS", q, true);
	}
	return net_plan_finish(c, p, true, r, path, err, errlen);
}

const struct net_backend net_backend_wicked = {
	.name = "wicked",
	.owns_dns = true,
	.plan = wicked_plan,
};
