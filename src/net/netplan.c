/* netplan.c — backend for netplan (Ubuntu): /etc/netplan/90-osconf.yaml, mode 0600. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "util/macros.h"

#define NETPLAN_DIR "/etc/netplan"
#define OURS NETPLAN_DIR "/90-osconf.yaml"

/* One ethernets entry per NIC, matched by MAC (quoted: an unquoted MAC can read as a
 * base-60 number in YAML 1.1); routes with "to: default" on the NIC owning it; DNS in
 * order on that NIC (systemd-resolved per-link DNS with networkd, NM's with NetworkManager). */
static int render_yaml(const struct net_ctx *c, struct buf *b)
{
	const struct osconf_model *m = c->m;
	char ip[16], gw[16], mac[18];
	render_header(b, "#");
	buf_puts(b, "network:\n  version: 2\n  ethernets:\n");
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		const struct nic_conf *n = &m->nics[i];
		bool def = m->default_nic == i;
		if (!n->present)
			continue;
		buf_printf(b, "    %s:\n", c->names->name[i]);
		if (n->has_mac)
			buf_printf(b, "      match:\n        macaddress: \"%s\"\n", mac_str(n->mac, mac));
		buf_printf(b, "      dhcp4: false\n      dhcp6: false\n      accept-ra: false\n      link-local: []\n"
			      "      addresses:\n        - %s/%u\n", ip4_str(n->addr, ip), n->prefix);
		if (n->n_routes || def)
			buf_puts(b, "      routes:\n");
		for (size_t k = 0; k < n->n_routes; k++) {
			buf_printf(b, "        - to: %s/%u\n          via: %s\n", ip4_str(n->routes[k].dst, ip),
				   n->routes[k].prefix, ip4_str(n->routes[k].gw, gw));
			if (nic_gw_needs_onlink(n, n->routes[k].gw))
				buf_puts(b, "          on-link: true\n");
		}
		if (def) {
			buf_printf(b, "        - to: default\n          via: %s\n", ip4_str(m->default_gw, gw));
			if (nic_gw_needs_onlink(n, m->default_gw))
				buf_puts(b, "          on-link: true\n");
		}
		if (nic_has_dns(c, i)) {
			buf_puts(b, "      nameservers:\n        addresses:\n");
			for (size_t k = 0; k < m->n_dns; k++)
				buf_printf(b, "          - %s\n", ip4_str(m->dns[k], ip));
		}
	}
	return buf_error(b);
}

struct yline {
	const char *s;   /* the line */
	size_t len;
	int indent;      /* -1: blank or comment */
};

static int indent_of(const char *s, size_t len)
{
	size_t k = 0;
	while (k < len && s[k] == ' ')
		k++;
	return k == len || s[k] == '#' ? -1 : (int)k;
}

/* Whether line (after its indentation) is "key:" with key (quotes removed) equal to want. */
static bool yaml_key_is(const char *s, size_t len, const char *want)
{
	while (len && (*s == ' ' || *s == '\'' || *s == '"'))
		s++, len--;
	size_t wl = strlen(want);
	return len > wl && !strncmp(s, want, wl) && (s[wl] == ':' || ((s[wl] == '"' || s[wl] == '\'') &&
								  len > wl + 1 && s[wl + 1] == ':'));
}

/* The value after "key:" on a line ("" when none). */
static const char *yaml_value(const char *s, size_t len, size_t *vlen)
{
	const char *colon = memchr(s, ':', len);
	if (!colon) {
		*vlen = 0;
		return s;
	}
	const char *v = colon + 1, *e = s + len;
	while (v < e && *v == ' ')
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\r'))
		e--;
	*vlen = (size_t)(e - v);
	return v;
}

/* Whether the ethernets entry in lines [a, b) configures NIC i: its id is ours (netplan
 * would merge it into our entry); its match: macaddress is ours; or, when it has no MAC
 * match or our NIC has no MAC, its match: name or set-name is our kernel name. */
static bool entry_is_nic(const struct net_ctx *c, int i, const struct yline *l, size_t a, size_t b)
{
	const struct nic_conf *n = &c->m->nics[i];
	const char *name = c->names->name[i];
	/* an entry with our id is merged into ours by netplan, whatever it matches: it is ours */
	if (yaml_key_is(l[a].s, l[a].len, name))
		return true;
	bool has_mac = false, name_hit = false;
	for (size_t k = a + 1; k < b; k++) {
		if (l[k].indent < 0)
			continue;
		size_t vl;
		const char *v = yaml_value(l[k].s, l[k].len, &vl);
		const char *t = l[k].s + l[k].indent;
		size_t tl = l[k].len - (size_t)l[k].indent;
		if (yaml_key_is(t, tl, "macaddress")) {
			has_mac = true;
			if (n->has_mac && mac_text_eq(v, vl, n->mac))
				return true;
		} else if ((yaml_key_is(t, tl, "name") || yaml_key_is(t, tl, "set-name")) && vl == strlen(name) &&
			   !strncmp(v, name, vl)) {
			name_hit = true;
		}
	}
	return name_hit && (!has_mac || !n->has_mac);
}

/* Drop from a netplan file the ethernets entries that configure our NICs (block style as
 * cloud-init and installers write it); the ethernets: key goes too when nothing is left
 * under it. Returns the number of entries removed. */
static int strip_entries(const struct net_ctx *c, struct buf *t, struct plan *p, const char *path)
{
	size_t nl = 0, pos = 0, len;
	const char *line;
	while (buf_next_line(t, &pos, &line, &len))
		nl++;
	_cleanup_free_ struct yline *l = calloc(nl + 1, sizeof(*l));
	_cleanup_free_ bool *drop = calloc(nl + 1, sizeof(*drop));
	if (!l || !drop)
		return -ENOMEM;
	pos = 0;
	for (size_t k = 0; buf_next_line(t, &pos, &line, &len); k++)
		l[k] = (struct yline){ line, len, indent_of(line, len) };
	int removed = 0;
	for (size_t e = 0; e < nl; e++) {
		if (l[e].indent < 0 || !yaml_key_is(l[e].s + l[e].indent, l[e].len - (size_t)l[e].indent, "ethernets"))
			continue;
		size_t end = e + 1, kept = 0, here = 0;
		while (end < nl && (l[end].indent < 0 || l[end].indent > l[e].indent))
			end++;
		int ci = -1;
		for (size_t k = e + 1; k < end && ci < 0; k++)
			ci = l[k].indent;
		for (size_t a = e + 1; a < end;) {
			if (l[a].indent != ci) {
				a++;
				continue;
			}
			size_t b = a + 1;
			while (b < end && (l[b].indent < 0 || l[b].indent > ci))
				b++;
			int hit = -1;
			for (int i = 0; i < OSCONF_MAX_NICS && hit < 0; i++)
				if (c->m->nics[i].present && entry_is_nic(c, i, l, a, b))
					hit = i;
			if (hit >= 0) {
				for (size_t k = a; k < b; k++)
					drop[k] = true;
				removed++;
				here++;
				plan_note(p, "network: %s configured %s too: that entry is removed, ours takes over", path,
					  c->names->name[hit]);
			} else {
				kept++;
			}
			a = b;
		}
		if (!kept && here)
			for (size_t k = e; k < end; k++)
				drop[k] = true;
		e = end - 1;
	}
	if (!removed)
		return 0;
	_cleanup_buf_ struct buf out = BUF_INIT;
	for (size_t k = 0; k < nl; k++)
		if (!drop[k]) {
			buf_append(&out, l[k].s, l[k].len);
			buf_puts(&out, "\n");
		}
	if (!out.data && buf_reserve(&out, 0) < 0)
		return -ENOMEM;
	buf_move(t, &out);
	return removed;
}

/* netplan merges all of /etc/netplan (and /run, /lib) in file-name order; the image's
 * entries for our NICs (50-cloud-init.yaml's DHCP, an installer's 00-installer-config.yaml)
 * are removed from their files, so no merge of their keys into ours can happen. */
static int neutralise(const struct net_ctx *c, struct plan *p)
{
	_cleanup_(names_free) struct names l = { 0 };
	int r = root_list_dir(c->rootfd, NETPLAN_DIR, &l);
	for (size_t k = 0; r == 0 && k < l.n; k++) {
		char path[512];
		size_t n = strlen(l.v[k]);
		if (n < 6 || strcmp(l.v[k] + n - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), NETPLAN_DIR "/%s", l.v[k]);
		if (streq(path, OURS))
			continue;
		_cleanup_buf_ struct buf t = BUF_INIT;
		if ((r = root_read(c->rootfd, path, ROOT_OPTIONAL, 1 << 20, &t)) < 0 || !t.data)
			continue; /* absent (gone meanwhile): skipped; an error ends the loop and fails */
		r = strip_entries(c, &t, p, path);
		if (r > 0) {
			struct plan_file *f;
			r = plan_file(p, c->rootfd, path, SEC_BIT(SEC_NETWORK), NULL, &f);
			if (r == 0)
				buf_move(&f->new, &t);
		}
	}
	return r;
}

static int netplan_plan(const struct net_ctx *c, struct plan *p, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	int r = render_yaml(c, &b);
	if (r == 0)
		r = net_plan_set(c, p, OURS, 0600, &b);
	buf_free(&b);
	if (r == 0)
		r = neutralise(c, p);
	return net_plan_finish(c, p, true, r, OURS, err, errlen);
}

const struct net_backend net_backend_netplan = {
	.name = "netplan",
	.owns_dns = true,
	.plan = netplan_plan,
};
