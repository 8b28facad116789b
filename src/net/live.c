/* live.c — the live network target's pure core: NICs found by MAC, the rtnetlink operations to apply. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "net/live.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

static struct live_op *push(struct live_ops *ops, enum live_op_kind kind, const char *nic, const char *dev,
			     int ifindex)
{
	if (ops->n == ops->cap) {
		size_t cap = ops->cap ? ops->cap * 2 : 16;
		struct live_op *p = realloc(ops->items, cap * sizeof(*p));
		if (!p)
			return NULL;
		ops->items = p;
		ops->cap = cap;
	}
	struct live_op *op = &ops->items[ops->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	snprintf(op->nic, sizeof(op->nic), "%s", nic);
	snprintf(op->dev, sizeof(op->dev), "%s", dev);
	op->ifindex = ifindex;
	return op;
}

void live_ops_free(struct live_ops *ops)
{
	if (!ops)
		return;
	free(ops->items);
	*ops = (struct live_ops){ 0 };
}

static uint32_t mask_of(uint8_t prefix)
{
	return prefix ? ~0u << (32 - prefix) : 0;
}

static bool same_net(struct in_addr a, struct in_addr b, uint8_t prefix)
{
	return ((ntohl(a.s_addr) ^ ntohl(b.s_addr)) & mask_of(prefix)) == 0;
}

/* The kernel keys an IPv4 route in a table by destination, prefix, TOS and metric:
 * "replace" takes over the route with the same key. */
static bool same_key(const struct nl_route4 *a, const struct nl_route4 *b)
{
	return a->dst.s_addr == b->dst.s_addr && a->prefix == b->prefix && a->tos == b->tos &&
	       a->priority == b->priority;
}

/* Whether the existing route e is exactly the route w osconf wants. */
static bool same_route(const struct nl_route4 *e, const struct nl_route4 *w)
{
	return same_key(e, w) && e->type == w->type && !e->multipath && e->oif == w->oif && e->has_gw == w->has_gw &&
	       (!w->has_gw || e->gw.s_addr == w->gw.s_addr) && e->protocol == w->protocol && e->scope == w->scope;
}

static const struct nl_link *link_by_index(const struct live_state *st, int ifindex)
{
	for (size_t i = 0; i < st->n_links; i++)
		if (st->links[i].ifindex == ifindex)
			return &st->links[i];
	return NULL;
}

/* Every route osconf wants, over all NICs; routes of a NIC that does not exist are kept
 * (unplannable) so that routes with their key are not deleted as stale. */
struct wanted {
	struct nl_route4 r;
	bool plannable;
};

struct wanted_list {
	struct wanted items[OSCONF_MAX_NICS * (2 * OSCONF_MAX_ROUTES + 2)];
	size_t n;
};

static bool wanted_has_key(const struct wanted_list *w, const struct nl_route4 *r)
{
	for (size_t i = 0; i < w->n; i++)
		if (same_key(&w->items[i].r, r))
			return true;
	return false;
}

static struct nl_route4 route_via(struct in_addr dst, uint8_t prefix, struct in_addr gw, int oif)
{
	return (struct nl_route4){
		.dst = { htonl(ntohl(dst.s_addr) & mask_of(prefix)) },
		.prefix = prefix,
		.protocol = LIVE_RTPROT,
		.scope = RT_SCOPE_UNIVERSE,
		.type = RTN_UNICAST,
		.has_gw = true,
		.gw = gw,
		.oif = oif,
		.table = RT_TABLE_MAIN,
	};
}

static struct nl_route4 route_onlink_host(struct in_addr gw, int oif)
{
	return (struct nl_route4){
		.dst = gw,
		.prefix = 32,
		.protocol = LIVE_RTPROT,
		.scope = RT_SCOPE_LINK,
		.type = RTN_UNICAST,
		.oif = oif,
		.table = RT_TABLE_MAIN,
	};
}

/* The routes wanted on one NIC, in order: on-link host routes to gateways outside the
 * NIC's subnet, the os.conf routes, the default route when this NIC owns it. */
static int nic_routes(const struct osconf_model *m, int i, const struct live_state *st, int ifindex,
		      struct wanted_list *w, struct buf *notes)
{
	const struct nic_conf *nic = &m->nics[i];
	struct nl_route4 list[OSCONF_MAX_ROUTES + 1];
	size_t n = 0;
	char a[16], b[16];
	for (size_t k = 0; k < nic->n_routes; k++) {
		const struct route4 *r = &nic->routes[k];
		if (nic->has_addr && r->prefix == nic->prefix && same_net(r->dst, nic->addr, nic->prefix)) {
			if (buf_printf(notes, "live: %s: route %s/%u is %s's own subnet; the kernel's on-link route is kept\n",
				       nic->name, ip4_str(r->dst, a), r->prefix, nic->name) < 0)
				return -ENOMEM;
			continue;
		}
		list[n++] = route_via(r->dst, r->prefix, r->gw, ifindex);
	}
	if (m->default_nic == i)
		list[n++] = route_via((struct in_addr){ 0 }, 0, m->default_gw, ifindex);

	/* Gateways outside the subnet: an on-link host route first, as `ip route add GW dev X`. */
	size_t first = w->n;
	for (size_t k = 0; k < n && ifindex; k++) {
		struct in_addr gw = list[k].gw;
		bool inside = false;
		if (nic->has_addr) {
			inside = same_net(gw, nic->addr, nic->prefix);
		} else {
			for (size_t j = 0; j < st->n_addrs && !inside; j++)
				inside = st->addrs[j].ifindex == ifindex &&
					 same_net(gw, st->addrs[j].local, st->addrs[j].prefix);
		}
		if (inside)
			continue;
		struct nl_route4 h = route_onlink_host(gw, ifindex);
		bool dup = false;
		for (size_t j = first; j < w->n; j++)
			dup |= same_route(&w->items[j].r, &h);
		if (dup)
			continue;
		w->items[w->n++] = (struct wanted){ h, true };
		char subnet[24] = "its subnets";
		if (nic->has_addr)
			snprintf(subnet, sizeof(subnet), "%s/%u", ip4_str(nic->addr, b), nic->prefix);
		if (buf_printf(notes, "live: %s: gateway %s is outside %s; reached through an on-link host route\n",
			       nic->name, ip4_str(gw, a), subnet) < 0)
			return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++)
		w->items[w->n++] = (struct wanted){ list[k], ifindex != 0 };
	return 0;
}

static const struct nl_route4 *find_key(const struct live_state *st, const struct nl_route4 *r)
{
	for (size_t i = 0; i < st->n_routes; i++)
		if (same_key(&st->routes[i], r))
			return &st->routes[i];
	return NULL;
}

static bool is_configured(const struct nl_addr4 *a, const struct nic_conf *nic)
{
	return a->local.s_addr == nic->addr.s_addr && a->prefix == nic->prefix && a->peer.s_addr == a->local.s_addr;
}

/* Exactly the configured address on the NIC. *flushed: addresses are removed, which can
 * take the NIC's routes along. */
static int nic_addrs(const struct nic_conf *nic, const struct nl_link *l, const struct live_state *st,
		     struct live_ops *out, bool *flushed)
{
	bool exists = false, permanent = false;
	for (size_t j = 0; j < st->n_addrs; j++) {
		const struct nl_addr4 *a = &st->addrs[j];
		if (a->ifindex == l->ifindex && is_configured(a, nic)) {
			exists = true;
			/* A DHCP lease of the same address would expire: replace makes it permanent. */
			permanent = a->flags & IFA_F_PERMANENT;
		}
	}
	/* Secondaries first: deleting a primary address also deletes its secondaries
	 * (unless promote_secondaries), so the configured address is re-asserted below. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t j = 0; j < st->n_addrs; j++) {
			const struct nl_addr4 *a = &st->addrs[j];
			bool secondary = a->flags & IFA_F_SECONDARY;
			if (a->ifindex != l->ifindex || secondary != (pass == 0) || is_configured(a, nic))
				continue;
			struct live_op *op = push(out, LIVE_ADDR_DEL, nic->name, l->name, l->ifindex);
			if (!op)
				return -ENOMEM;
			op->addr = *a;
			*flushed = true;
		}
	}
	if (!exists || !permanent || *flushed) {
		struct live_op *op = push(out, LIVE_ADDR_ADD, nic->name, l->name, l->ifindex);
		if (!op)
			return -ENOMEM;
		op->exists = exists;
		op->addr = (struct nl_addr4){
			.ifindex = l->ifindex, .local = nic->addr, .peer = nic->addr, .prefix = nic->prefix,
			.scope = RT_SCOPE_UNIVERSE,
		};
	}
	return 0;
}

/* A NIC of os.conf with no link: noted for the end (it fails when applied); its routes are
 * still wanted, so that routes with their key are not removed as stale. */
static int nic_missing(const struct osconf_model *m, int i, const struct live_state *st, struct wanted_list *w,
		       struct live_ops *missing, struct buf *notes)
{
	const struct nic_conf *nic = &m->nics[i];
	struct live_op *op = push(missing, LIVE_MISSING, nic->name, nic->name, 0);
	if (!op)
		return -ENOMEM;
	op->has_mac = nic->has_mac;
	memcpy(op->mac, nic->mac, 6);
	if (nic->has_addr)
		op->addr = (struct nl_addr4){ .local = nic->addr, .peer = nic->addr, .prefix = nic->prefix };
	return nic_routes(m, i, st, 0, w, notes);
}

/* Replace the wanted routes w->items[first…] of a NIC that the kernel lacks or has otherwise
 * (all of them after its addresses were flushed); the kernel's connected-subnet routes stay. */
static int nic_route_ops(const struct nic_conf *nic, const struct nl_link *l, const struct live_state *st,
			 const struct wanted_list *w, size_t first, bool flushed, struct live_ops *out,
			 struct buf *notes)
{
	for (size_t k = first; k < w->n; k++) {
		const struct nl_route4 *e = find_key(st, &w->items[k].r);
		if (e && e->protocol == RTPROT_KERNEL) {
			char d[16];
			if (buf_printf(notes, "live: %s: %s/%u is a connected subnet; the kernel's route is kept\n",
				       nic->name, ip4_str(e->dst, d), e->prefix) < 0)
				return -ENOMEM;
			continue;
		}
		/* Removing addresses can flush the NIC's routes: re-assert them all then. */
		if (e && same_route(e, &w->items[k].r) && !flushed)
			continue;
		struct live_op *op = push(out, LIVE_ROUTE_REPLACE, nic->name, l->name, l->ifindex);
		if (!op)
			return -ENOMEM;
		op->route = w->items[k].r;
	}
	return 0;
}

/* A NIC that exists as link l: bring it up, set its addresses, then its routes. */
static int nic_present(const struct osconf_model *m, int i, const struct nl_link *l, const struct live_state *st,
		       struct wanted_list *w, struct live_ops *out, struct buf *notes)
{
	const struct nic_conf *nic = &m->nics[i];
	/* (that eth0 is ens5 by its MAC is noted by the network target) */
	if (!nic->has_mac && buf_printf(notes, "live: %s has no MAC in os.conf; matched by name\n", nic->name) < 0)
		return -ENOMEM;
	if (!(l->flags & IFF_UP) && !push(out, LIVE_LINK_UP, nic->name, l->name, l->ifindex))
		return -ENOMEM;
	bool flushed = false;
	if (nic->has_addr && nic_addrs(nic, l, st, out, &flushed) < 0)
		return -ENOMEM;
	size_t first = w->n;
	int r = nic_routes(m, i, st, l->ifindex, w, notes);
	if (r == 0)
		r = nic_route_ops(nic, l, st, w, first, flushed, out, notes);
	return r;
}

/* Routes to remove: stale ones osconf added before (its protocol) and no longer wants,
 * and, once our default route could be set, every other default route of the main
 * table (other metrics, e.g. a DHCP client's): never two default routes. */
static int stale_routes(const struct live_state *st, const struct wanted_list *w, bool default_found,
			struct live_ops *out)
{
	for (size_t k = 0; k < st->n_routes; k++) {
		const struct nl_route4 *e = &st->routes[k];
		bool other_default = default_found && e->prefix == 0 && e->type == RTN_UNICAST;
		if ((e->protocol != LIVE_RTPROT && !other_default) || wanted_has_key(w, e))
			continue;
		const struct nl_link *l = link_by_index(st, e->oif);
		struct live_op *op = push(out, LIVE_ROUTE_DEL, l ? l->name : "?", l ? l->name : "?", e->oif);
		if (!op)
			return -ENOMEM;
		op->route = *e;
		op->other_default = other_default;
	}
	return 0;
}

/* Append the operations of from to out. */
static int append_ops(struct live_ops *out, const struct live_ops *from)
{
	for (size_t k = 0; k < from->n; k++) {
		struct live_op *op = push(out, LIVE_MISSING, "", "", 0);
		if (!op)
			return -ENOMEM;
		*op = from->items[k];
	}
	return 0;
}

int live_compute(const struct osconf_model *m, const struct live_state *st, struct live_ops *out, struct buf *notes)
{
	_cleanup_free_ struct wanted_list *w = calloc(1, sizeof(*w));
	struct live_ops missing = { 0 };
	if (!w)
		return -ENOMEM;
	bool default_found = false;
	int r = 0;
	for (int i = 0; r == 0 && i < OSCONF_MAX_NICS; i++) {
		const struct nic_conf *nic = &m->nics[i];
		if (!nic->present)
			continue;
		const struct nl_link *l = nic->has_mac ? nl_link_by_mac(st->links, st->n_links, nic->mac)
						       : nl_link_by_name(st->links, st->n_links, nic->name);
		if (!l) {
			r = nic_missing(m, i, st, w, &missing, notes);
			continue;
		}
		if (m->default_nic == i)
			default_found = true;
		r = nic_present(m, i, l, st, w, out, notes);
	}
	if (r == 0)
		r = stale_routes(st, w, default_found, out);
	/* NICs that do not exist fail last, after everything that can be done is done. */
	if (r == 0)
		r = append_ops(out, &missing);
	live_ops_free(&missing);
	return r;
}

static void format_route(const struct nl_route4 *r, const char *dev, char *buf, size_t size)
{
	char dst[16], gw[16], proto[16] = "", metric[24] = "";
	if (r->protocol == LIVE_RTPROT)
		snprintf(proto, sizeof(proto), " proto %d", LIVE_RTPROT);
	else if (r->protocol != RTPROT_BOOT)
		snprintf(proto, sizeof(proto), " proto %u", r->protocol);
	if (r->priority)
		snprintf(metric, sizeof(metric), " metric %u", r->priority);
	char where[48];
	if (r->prefix == 0)
		snprintf(where, sizeof(where), "default");
	else if (r->prefix == 32)
		snprintf(where, sizeof(where), "%s", ip4_str(r->dst, dst));
	else
		snprintf(where, sizeof(where), "%s/%u", ip4_str(r->dst, dst), r->prefix);
	if (r->has_gw)
		snprintf(buf, size, "%s via %s dev %s%s%s", where, ip4_str(r->gw, gw), dev, proto, metric);
	else
		snprintf(buf, size, "%s dev %s%s%s%s", where, dev, r->scope == RT_SCOPE_LINK ? " scope link" : "", proto,
			 metric);
}

void live_op_format(const struct live_op *op, char *buf, size_t size)
{
	char a[16], mac[18], route[128];
	switch (op->kind) {
	case LIVE_LINK_UP:
		snprintf(buf, size, "ip link set dev %s up", op->dev);
		break;
	case LIVE_ADDR_DEL:
		snprintf(buf, size, "ip addr del %s/%u dev %s", ip4_str(op->addr.local, a), op->addr.prefix, op->dev);
		break;
	case LIVE_ADDR_ADD:
		snprintf(buf, size, "ip addr %s %s/%u dev %s", op->exists ? "replace" : "add", ip4_str(op->addr.local, a),
			 op->addr.prefix, op->dev);
		break;
	case LIVE_ROUTE_REPLACE:
		format_route(&op->route, op->dev, route, sizeof(route));
		snprintf(buf, size, "ip route replace %s", route);
		break;
	case LIVE_ROUTE_DEL:
		format_route(&op->route, op->dev, route, sizeof(route));
		snprintf(buf, size, "ip route del %s", route);
		break;
	case LIVE_MISSING:
		if (op->has_mac)
			snprintf(buf, size, "# %s: no network interface has MAC %s (not configured)", op->nic,
				 mac_str(op->mac, mac));
		else
			snprintf(buf, size, "# %s: no network interface of that name (not configured)", op->nic);
		break;
	}
}
