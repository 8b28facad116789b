/* validate.c — check every value and the cross-key rules (NICs, the single default route). */
/* SPDX-License-Identifier: Apache-2.0 */
#include "conf/validate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/schema.h"
#include "util/macros.h"

struct vctx {
	struct osconf_model *m;
	struct diags *d;
	/* default-route candidates per NIC, from the route lists */
	bool has_default[OSCONF_MAX_NICS];
	struct in_addr default_gw[OSCONF_MAX_NICS];
	unsigned default_line[OSCONF_MAX_NICS];
};

static void invalid(struct vctx *v, const struct assignment *a, enum section s, const char *why)
{
	diags_add(v->d, DIAG_ERROR, a->line, (int)s, "%s: %s", a->key, why);
	v->m->invalid |= SEC_BIT(s);
}

static bool bad_host_addr(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);
	return h == 0 || h == 0xffffffff || (h >> 24) == 127 || (h >> 28) == 0xe;
}

static int parse_routes(struct vctx *v, const struct assignment *a, int n)
{
	struct nic_conf *nic = &v->m->nics[n];
	char err[160];
	_cleanup_free_ char *copy = strdup(a->value);
	if (!copy)
		return -ENOMEM;
	char *save = NULL, *wsave = NULL;
	for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		char *dst = strtok_r(item, " \t", &wsave), *gw = dst ? strtok_r(NULL, " \t", &wsave) : NULL;
		char *extra = gw ? strtok_r(NULL, " \t", &wsave) : NULL;
		if (!dst)
			continue; /* empty entry, e.g. a trailing ';' */
		if (!gw || extra) {
			snprintf(err, sizeof(err), "route entry '%s%s%s' must be 'DST GW'", dst, gw ? " " : "",
				 gw ? gw : "");
			invalid(v, a, SEC_NETWORK, err);
			return 0;
		}
		struct route4 r;
		struct in_addr g;
		if (parse_cidr(dst, &r.dst, &r.prefix, err, sizeof(err)) < 0) {
			invalid(v, a, SEC_NETWORK, err);
			return 0;
		}
		if (parse_ipv4(gw, &g) < 0 || bad_host_addr(g)) {
			snprintf(err, sizeof(err), "'%s' is not a usable gateway address", gw);
			invalid(v, a, SEC_NETWORK, err);
			return 0;
		}
		r.gw = g;
		if (r.prefix == 0) {
			if (v->has_default[n] && v->default_gw[n].s_addr != g.s_addr) {
				invalid(v, a, SEC_NETWORK, "two different default routes in one list");
				return 0;
			}
			v->has_default[n] = true;
			v->default_gw[n] = g;
			v->default_line[n] = a->line;
			continue;
		}
		bool dup = false;
		for (size_t i = 0; i < nic->n_routes; i++) {
			struct route4 *o = &nic->routes[i];
			if (o->dst.s_addr == r.dst.s_addr && o->prefix == r.prefix) {
				if (o->gw.s_addr != r.gw.s_addr) {
					snprintf(err, sizeof(err), "destination %s is listed twice with different gateways",
						 dst);
					invalid(v, a, SEC_NETWORK, err);
					return 0;
				}
				diags_add(v->d, DIAG_WARNING, a->line, SEC_NETWORK, "%s: duplicate route %s ignored", a->key,
					  dst);
				dup = true;
			}
		}
		if (dup)
			continue;
		if (nic->n_routes == OSCONF_MAX_ROUTES) {
			snprintf(err, sizeof(err), "more than %d routes", OSCONF_MAX_ROUTES);
			invalid(v, a, SEC_NETWORK, err);
			return 0;
		}
		nic->routes[nic->n_routes++] = r;
	}
	return 0;
}

static int parse_dns(struct vctx *v, const struct assignment *a)
{
	_cleanup_free_ char *copy = strdup(a->value);
	if (!copy)
		return -ENOMEM;
	char *save = NULL, err[160];
	size_t n = 0;
	struct in_addr list[OSCONF_MAX_DNS];
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		struct in_addr x;
		if (parse_ipv4(w, &x) < 0 || bad_host_addr(x)) {
			snprintf(err, sizeof(err), "'%s' is not a usable IPv4 name server address", w);
			invalid(v, a, SEC_DNS, err);
			return 0;
		}
		if (n == OSCONF_MAX_DNS) {
			snprintf(err, sizeof(err), "more than %d name servers", OSCONF_MAX_DNS);
			invalid(v, a, SEC_DNS, err);
			return 0;
		}
		list[n++] = x;
	}
	if (n > 3)
		diags_add(v->d, DIAG_WARNING, a->line, SEC_DNS,
			  "%s: %zu name servers; the C library resolver uses only the first 3", a->key, n);
	memcpy(v->m->dns, list, n * sizeof(list[0]));
	v->m->n_dns = n;
	return 0;
}

static int take_value(struct vctx *v, const struct assignment *a, const struct key_spec *spec, int n)
{
	struct osconf_model *m = v->m;
	struct nic_conf *nic = n >= 0 ? &m->nics[n] : NULL;
	char err[160];
	switch (spec->type) {
	case KT_HOSTNAME:
		if (validate_hostname(a->value, err, sizeof(err)) < 0)
			return invalid(v, a, spec->section, err), 0;
		snprintf(m->hostname, sizeof(m->hostname), "%s", a->value);
		m->has_hostname = true;
		return 0;
	case KT_PASSWORD: {
		char *pw = NULL;
		size_t len = 0;
		int r = decode_password(a->value, &pw, &len, err, sizeof(err));
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return invalid(v, a, spec->section, err), 0;
		model_drop_password(m); /* an earlier value (duplicate key) */
		m->password = pw;
		m->password_len = len;
		return 0;
	}
	case KT_DNS:
		return parse_dns(v, a);
	case KT_IPV4:
		if (parse_ipv4(a->value, &nic->addr) < 0 || bad_host_addr(nic->addr))
			return invalid(v, a, spec->section, "not a usable IPv4 address"), 0;
		nic->has_addr = true;
		return 0;
	case KT_GATEWAY:
		if (parse_ipv4(a->value, &nic->gw) < 0 || bad_host_addr(nic->gw))
			return invalid(v, a, spec->section, "not a usable IPv4 gateway address"), 0;
		nic->has_gw = true;
		return 0;
	case KT_NETMASK:
		if (parse_netmask(a->value, &nic->prefix, err, sizeof(err)) < 0)
			return invalid(v, a, spec->section, err), 0;
		return 0;
	case KT_MAC:
		if (parse_mac(a->value, nic->mac, err, sizeof(err)) < 0)
			return invalid(v, a, spec->section, err), 0;
		nic->has_mac = true;
		return 0;
	case KT_ROUTES:
		nic->n_routes = 0;
		v->has_default[n] = false;
		return parse_routes(v, a, n);
	}
	return 0;
}

/* Per NIC: an address and a netmask are required; the address must be a host address. */
static void check_nics(struct vctx *v)
{
	struct osconf_model *m = v->m;
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		struct nic_conf *nic = &m->nics[i];
		if (!nic->present)
			continue;
		if (!nic->has_addr || !nic->prefix) {
			if (!(m->invalid & SEC_BIT(SEC_NETWORK)))
				diags_add(v->d, DIAG_ERROR, nic->first_line, SEC_NETWORK, "%s: %s is missing", nic->name,
					  !nic->has_addr ? "ip_addr" : "netmask");
			m->invalid |= SEC_BIT(SEC_NETWORK);
			continue;
		}
		uint32_t a = ntohl(nic->addr.s_addr), mask = ntohl(prefix_to_mask(nic->prefix).s_addr);
		if (nic->prefix <= 30 && ((a & ~mask) == 0 || (a & ~mask) == ~mask)) {
			diags_add(v->d, DIAG_ERROR, nic->first_line, SEC_NETWORK,
				  "%s: %s/%u is the network or broadcast address of its subnet", nic->name,
				  inet_ntoa(nic->addr), nic->prefix);
			m->invalid |= SEC_BIT(SEC_NETWORK);
		}
		for (int j = 0; j < i; j++)
			if (m->nics[j].present && nic->has_mac && m->nics[j].has_mac &&
			    !memcmp(m->nics[j].mac, nic->mac, 6)) {
				diags_add(v->d, DIAG_ERROR, nic->first_line, SEC_NETWORK, "%s and %s have the same MAC",
					  m->nics[j].name, nic->name);
				m->invalid |= SEC_BIT(SEC_NETWORK);
			}
	}
}

/* Exactly one default route: the 0.0.0.0/0 entry of the public NIC's list (eth1 on the
 * classic network, eth0 in a VPC), else another list's, else the public NIC's gateway. */
static void pick_default(struct vctx *v)
{
	struct osconf_model *m = v->m;
	int pub = m->classic ? 1 : 0;
	int chosen = -1;
	if (v->has_default[pub])
		chosen = pub;
	for (int i = 0; i < OSCONF_MAX_NICS && chosen < 0; i++)
		if (v->has_default[i])
			chosen = i;
	if (chosen >= 0) {
		m->default_nic = chosen;
		m->default_gw = v->default_gw[chosen];
	} else if (m->nics[pub].present && m->nics[pub].has_gw) {
		m->default_nic = pub;
		m->default_gw = m->nics[pub].gw;
	}
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		if (v->has_default[i] && i != chosen)
			diags_add(v->d, DIAG_WARNING, v->default_line[i], SEC_NETWORK,
				  "eth%d_route: default route ignored; the default route is via %s (%s network)", i,
				  m->nics[chosen].name, m->classic ? "classic" : "VPC");
	if (m->default_nic < 0 && model_nic_count(m))
		diags_add(v->d, DIAG_WARNING, 0, SEC_NETWORK, "no default route: no 0.0.0.0/0 route and no %s_gateway",
			  m->nics[pub].name);
}

/* "KEY=" and "KEY='  '" mean not set, as in the sample script ([[ -n $x ]]). */
static bool blank(const char *v)
{
	return v[strspn(v, " \t")] == '\0';
}

/* The kernel keeps one route per destination: the same destination listed on two NICs would
 * flip between them on every apply. Keep it on the NIC owning the default route (else the
 * first NIC), and say which copy was dropped. */
static void drop_cross_nic_duplicates(struct vctx *v)
{
	struct osconf_model *m = v->m;
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		for (int j = i + 1; j < OSCONF_MAX_NICS; j++) {
			if (!m->nics[i].present || !m->nics[j].present)
				continue;
			int keep = m->default_nic == j ? j : i, drop = keep == i ? j : i;
			struct nic_conf *d = &m->nics[drop], *k = &m->nics[keep];
			for (size_t a = 0; a < d->n_routes;) {
				bool dup = false;
				for (size_t b = 0; b < k->n_routes; b++)
					dup |= d->routes[a].dst.s_addr == k->routes[b].dst.s_addr &&
					       d->routes[a].prefix == k->routes[b].prefix;
				if (!dup) {
					a++;
					continue;
				}
				char dst[16];
				diags_add(v->d, DIAG_WARNING, d->first_line, SEC_NETWORK,
					  "%s_route: %s/%u is also routed via %s; kept there only", d->name,
					  ip4_str(d->routes[a].dst, dst), d->routes[a].prefix, k->name);
				memmove(&d->routes[a], &d->routes[a + 1], (d->n_routes - a - 1) * sizeof(d->routes[0]));
				d->n_routes--;
			}
		}
}

int conf_validate(const struct assignments *as, struct osconf_model *m, struct diags *d)
{
	struct vctx v = { .m = m, .d = d };
	/* one slot per key and NIC: where it was first set and which assignment is the last */
	size_t slots = key_specs_count * OSCONF_MAX_NICS;
	_cleanup_free_ unsigned *seen_line = calloc(slots, sizeof(*seen_line));
	_cleanup_free_ size_t *last = calloc(slots, sizeof(*last));
	if (!seen_line || !last)
		return -ENOMEM;
	/* bash semantics: the last assignment of a key wins, an empty one unsets it */
	for (size_t i = 0; i < as->n; i++) {
		int n;
		const struct key_spec *spec = schema_lookup(as->items[i].key, &n);
		if (spec)
			last[(size_t)(spec - key_specs) * OSCONF_MAX_NICS + (size_t)(n < 0 ? 0 : n)] = i;
	}
	for (size_t i = 0; i < as->n; i++) {
		const struct assignment *a = &as->items[i];
		int n;
		const struct key_spec *spec = schema_lookup(a->key, &n);
		if (!spec) {
			diags_add(d, DIAG_WARNING, a->line, -1, "unknown key '%s' ignored", a->key);
			continue;
		}
		size_t slot = (size_t)(spec - key_specs) * OSCONF_MAX_NICS + (size_t)(n < 0 ? 0 : n);
		if (seen_line[slot])
			diags_add(d, DIAG_WARNING, a->line, (int)spec->section,
				  "%s set again (first on line %u); the last value wins", a->key, seen_line[slot]);
		else
			seen_line[slot] = a->line;
		if (last[slot] != i || blank(a->value))
			continue;
		m->present |= SEC_BIT(spec->section);
		if (n >= 0) {
			if (!m->nics[n].present)
				m->nics[n].first_line = a->line;
			m->nics[n].present = true;
			if (n == 1)
				m->classic = true;
		}
		int r = take_value(&v, a, spec, n);
		if (r < 0)
			return r;
	}
	if (m->present & SEC_BIT(SEC_NETWORK)) {
		check_nics(&v);
		if (!(m->invalid & SEC_BIT(SEC_NETWORK))) {
			pick_default(&v);
			drop_cross_nic_duplicates(&v);
		}
	}
	/* errors from the parser invalidate their section; a refused line of no section
	 * (a command, a control character before any key) makes the input invalid as a whole */
	for (size_t i = 0; i < d->n; i++) {
		if (d->items[i].severity != DIAG_ERROR)
			continue;
		if (d->items[i].section < 0) {
			m->invalid |= INVALID_LINES;
			continue;
		}
		m->invalid |= SEC_BIT(d->items[i].section);
		m->present |= SEC_BIT(d->items[i].section);
	}
	return 0;
}

int conf_load(const char *data, size_t len, struct osconf_model *m, struct diags *d)
{
	struct assignments a = { 0 };
	int r = conf_parse(data, len, &a, d);
	if (r == 0)
		r = conf_validate(&a, m, d);
	assignments_free(&a);
	diags_sort(d);
	return r;
}
