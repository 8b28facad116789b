/* ifupdown.c — backend for ifupdown (Debian) and ifupdown-ng (Alpine): /etc/network/interfaces.d/osconf. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "util/macros.h"
#include "util/text.h"

#define IFACES "/etc/network/interfaces"
#define OURS "/etc/network/interfaces.d/osconf"
#define MARK "#osconf# "

/* Stanzas by kernel name (ifupdown has no MAC match; the name was resolved by MAC on the
 * running system). At boot osconf has already configured the NICs live, so `ifup` must not fail
 * on what is already there: `inet static` keeps `address` (ifquery shows it) and ifupdown's own
 * `ip addr add`, which fails on an existing address, is preceded by a pre-up that deletes our
 * address if present (no-op on a fresh NIC); routes, the default route included, are
 * `up ip route replace` lines (idempotent, metric 0 like the live step, also where
 * ifupdown-ng's `gateway` would add metric 1). Understood alike by ifupdown and ifupdown-ng
 * (both run these lines with /bin/sh -c); dns-nameservers feeds resolvconf if installed. */
static int render(const struct net_ctx *c, struct buf *b)
{
	const struct osconf_model *m = c->m;
	char ip[16], gw[16];
	render_header(b, "#");
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		const struct nic_conf *n = &m->nics[i];
		const char *name = c->names->name[i];
		if (!n->present)
			continue;
		ip4_str(n->addr, ip);
		buf_printf(b, "\nauto %s\niface %s inet static\n\taddress %s/%u\n", name, name, ip, n->prefix);
		buf_printf(b, "\tpre-up ip -4 addr del %s/%u dev %s 2>/dev/null || true\n", ip, n->prefix, name);
		if (m->default_nic == i)
			buf_printf(b, "\tup ip route replace default via %s dev %s%s\n", ip4_str(m->default_gw, gw), name,
				   nic_gw_needs_onlink(n, m->default_gw) ? " onlink" : "");
		for (size_t k = 0; k < n->n_routes; k++)
			buf_printf(b, "\tup ip route replace %s/%u via %s dev %s%s\n", ip4_str(n->routes[k].dst, ip),
				   n->routes[k].prefix, ip4_str(n->routes[k].gw, gw), name,
				   nic_gw_needs_onlink(n, n->routes[k].gw) ? " onlink" : "");
		if (nic_has_dns(c, i)) {
			buf_puts(b, "\tdns-nameservers");
			for (size_t k = 0; k < m->n_dns; k++)
				buf_printf(b, " %s", ip4_str(m->dns[k], ip));
			buf_puts(b, "\n");
		}
	}
	return buf_error(b);
}

static const char *const toplevel[] = { "iface", "mapping", "auto", "source", "source-directory", "rename",
					"no-auto-down", "no-scripts", "template" };

static bool is_toplevel(const char *s, size_t len)
{
	if (len > 6 && !strncmp(s, "allow-", 6))
		return true;
	for (size_t k = 0; k < ARRAY_SIZE(toplevel); k++)
		if (line_has_word(s, len, toplevel[k]))
			return true;
	return false;
}

/* The n-th blank-separated word of a line (0-based). */
static size_t word(const char *s, size_t len, int n, const char **w)
{
	size_t k = 0;
	for (int i = 0;; i++) {
		while (k < len && (s[k] == ' ' || s[k] == '\t'))
			k++;
		size_t st = k;
		while (k < len && s[k] != ' ' && s[k] != '\t')
			k++;
		if (i == n) {
			*w = s + st;
			return k - st;
		}
		if (k >= len)
			return 0;
	}
}

static int our_nic(const struct net_ctx *c, const char *w, size_t wl)
{
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		if (c->m->nics[i].present && wl == strlen(c->names->name[i]) && !strncmp(w, c->names->name[i], wl))
			return i;
	return -1;
}

/* Comment out the IPv4 stanzas ("iface X inet …", ifupdown-ng's bare "iface X") of our NICs
 * and drop our NICs from auto/allow-* lines; every other line stays as it was. */
static int strip_stanzas(const struct net_ctx *c, const struct buf *t, struct buf *out, struct plan *p,
			 const char *path)
{
	size_t pos = 0, len;
	const char *line;
	bool in = false;
	int changed = 0;
	while (buf_next_line(t, &pos, &line, &len)) {
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		const char *s = line + k, *w;
		size_t sl = len - k;
		if (sl && s[0] != '#' && is_toplevel(s, sl)) {
			in = false;
			size_t wl = word(s, sl, 1, &w);
			const char *fam;
			size_t fl = word(s, sl, 2, &fam);
			int i = line_has_word(s, sl, "iface") ? our_nic(c, w, wl) : -1;
			if (i >= 0 && !(fl == 5 && !strncmp(fam, "inet6", 5))) {
				in = true;
				changed++;
				plan_note(p, "network: %s configured %s too: that stanza is commented out, ours takes over",
					  path, c->names->name[i]);
			} else if (line_has_word(s, sl, "auto") || (sl > 6 && !strncmp(s, "allow-", 6))) {
				/* keep the keyword and every name that is not ours */
				size_t kl = word(s, sl, 0, &w);
				struct buf nl = BUF_INIT;
				buf_append(&nl, w, kl);
				int kept = 0, dropped = 0;
				for (int n = 1; (wl = word(s, sl, n, &w)); n++) {
					if (our_nic(c, w, wl) >= 0) {
						dropped++;
						continue;
					}
					buf_puts(&nl, " ");
					buf_append(&nl, w, wl);
					kept++;
				}
				if (dropped) {
					changed++;
					if (kept)
						buf_append(out, nl.data, nl.len);
					else
						buf_printf(out, MARK "%.*s", (int)len, line);
					buf_puts(out, "\n");
					buf_free(&nl);
					continue;
				}
				buf_free(&nl);
			}
		}
		if (in && sl && s[0] != '#')
			buf_puts(out, MARK);
		buf_append(out, line, len);
		buf_puts(out, "\n");
	}
	if (!out->data)
		return -ENOMEM;
	return changed;
}

/* Whether the interfaces file reads our file (a source of interfaces.d/ or of it). */
static bool sources_ours(const struct buf *t)
{
	size_t pos = 0, len;
	const char *line, *w;
	while (buf_next_line(t, &pos, &line, &len)) {
		size_t wl = word(line, len, 1, &w);
		bool dir = line_has_word(line, len, "source-directory");
		if (!dir && !line_has_word(line, len, "source"))
			continue;
		_cleanup_free_ char *arg = strndup(w, wl);
		if (!arg)
			continue;
		if (dir && (streq(arg, "/etc/network/interfaces.d") || streq(arg, "/etc/network/interfaces.d/") ||
			    streq(arg, "interfaces.d")))
			return true;
		if (!dir && (streq(arg, "/etc/network/interfaces.d/*") || streq(arg, OURS) ||
			     streq(arg, "interfaces.d/*")))
			return true;
	}
	return false;
}

static int neutralise(const struct net_ctx *c, struct plan *p, const char *path)
{
	_cleanup_buf_ struct buf t = BUF_INIT, out = BUF_INIT;
	int r = root_read(c->rootfd, path, ROOT_OPTIONAL, 1 << 20, &t);
	if (r < 0 || !t.data)
		return r; /* absent: nothing to neutralise; an error fails the section */
	r = strip_stanzas(c, &t, &out, p, path);
	if (r <= 0)
		return r;
	struct plan_file *f;
	r = plan_file(p, c->rootfd, path, SEC_BIT(SEC_NETWORK), NULL, &f);
	if (r == 0)
		buf_move(&f->new, &out);
	return r;
}

static int ifupdown_plan(const struct net_ctx *c, struct plan *p, char *err, size_t errlen)
{
	const char *path = OURS;
	struct buf b = BUF_INIT;
	int r = render(c, &b);
	if (r == 0)
		r = net_plan_set(c, p, OURS, 0644, &b);
	buf_free(&b);
	_cleanup_(names_free) struct names l = { 0 };
	if (r == 0)
		r = root_list_dir(c->rootfd, "/etc/network/interfaces.d", &l);
	for (size_t k = 0; r == 0 && k < l.n; k++) {
		char other[512];
		snprintf(other, sizeof(other), "/etc/network/interfaces.d/%s", l.v[k]);
		if (!streq(other, OURS))
			r = neutralise(c, p, other);
	}
	path = IFACES;
	if (r == 0)
		r = neutralise(c, p, IFACES);
	struct plan_file *f;
	if (r == 0)
		r = plan_file(p, c->rootfd, IFACES, SEC_BIT(SEC_NETWORK), NULL, &f);
	if (r == 0 && !f->existed && !f->new.len)
		r = buf_puts(&f->new, "auto lo\niface lo inet loopback\n");
	if (r == 0 && !sources_ours(&f->new)) {
		if (f->new.len && f->new.data[f->new.len - 1] != '\n')
			buf_puts(&f->new, "\n");
		r = buf_puts(&f->new, "\nsource " OURS "\n");
	}
	return net_plan_finish(c, p, false, r, path, err, errlen);
}

const struct net_backend net_backend_ifupdown = {
	.name = "ifupdown",
	.owns_dns = false,
	.plan = ifupdown_plan,
};
