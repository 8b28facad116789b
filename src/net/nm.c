/* nm.c — backend for NetworkManager: one keyfile per NIC in /etc/NetworkManager/system-connections. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "util/macros.h"

#define CONN_DIR "/etc/NetworkManager/system-connections"
#define PREFIX "osconf-"
#define SCRIPTS "/etc/sysconfig/network-scripts"

/* A stable UUID for the NIC (from its MAC, else its name) so a re-run changes nothing. */
static void nic_uuid(const struct net_ctx *c, int i, char out[37])
{
	const struct nic_conf *n = &c->m->nics[i];
	uint8_t u[16];
	char key[48];
	char mac[18];
	snprintf(key, sizeof(key), "osconf:%s", n->has_mac ? mac_str(n->mac, mac) : c->names->name[i]);
	for (int half = 0; half < 2; half++) {
		uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)(half + 1);
		for (const char *s = key; *s; s++)
			h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
		for (int k = 0; k < 8; k++)
			u[half * 8 + k] = (uint8_t)(h >> (8 * k));
	}
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
		 u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Profile: manual IPv4, the MAC as the match, autoconnect-priority above the default 0 of
 * the image's profiles. The default route is gateway= on its NIC (a 0.0.0.0/0 route with
 * onlink=true when the gateway is outside the subnet); the others get never-default. */
static int render_keyfile(const struct net_ctx *c, int i, struct buf *b)
{
	const struct osconf_model *m = c->m;
	const struct nic_conf *n = &m->nics[i];
	char ip[16], gw[16], mac[18], uuid[37];
	bool def = m->default_nic == i;
	unsigned rn = 0;
	nic_uuid(c, i, uuid);
	render_header(b, "#");
	buf_printf(b, "[connection]\nid=osconf-%s\nuuid=%s\ntype=ethernet\n", c->names->name[i], uuid);
	if (!n->has_mac)
		buf_printf(b, "interface-name=%s\n", c->names->name[i]);
	buf_puts(b, "autoconnect=true\nautoconnect-priority=100\n");
	if (n->has_mac)
		buf_printf(b, "\n[ethernet]\nmac-address=%s\n", mac_str(n->mac, mac));
	buf_printf(b, "\n[ipv4]\nmethod=manual\naddress1=%s/%u\n", ip4_str(n->addr, ip), n->prefix);
	if (def && !nic_gw_needs_onlink(n, m->default_gw))
		buf_printf(b, "gateway=%s\n", ip4_str(m->default_gw, gw));
	if (!def)
		buf_puts(b, "never-default=true\n");
	if (nic_has_dns(c, i)) {
		buf_puts(b, "dns=");
		for (size_t k = 0; k < m->n_dns; k++)
			buf_printf(b, "%s;", ip4_str(m->dns[k], ip));
		buf_puts(b, "\n");
	}
	for (size_t k = 0; k < n->n_routes; k++) {
		const struct route4 *rt = &n->routes[k];
		buf_printf(b, "route%u=%s/%u,%s\n", ++rn, ip4_str(rt->dst, ip), rt->prefix, ip4_str(rt->gw, gw));
		if (nic_gw_needs_onlink(n, rt->gw))
			buf_printf(b, "route%u_options=onlink=true\n", rn);
	}
	if (def && nic_gw_needs_onlink(n, m->default_gw)) {
		rn++;
		buf_printf(b, "route%u=0.0.0.0/0,%s\nroute%u_options=onlink=true\n", rn, ip4_str(m->default_gw, gw),
			   rn);
	}
	buf_puts(b, "\n[ipv6]\nmethod=disabled\n");
	return buf_error(b);
}

/* The value of key in [section] of an ini text (first match), or NULL; *len its length. */
static const char *ini_get(const struct buf *t, const char *section, const char *key, size_t *vlen)
{
	size_t pos = 0, len, klen = strlen(key), slen = strlen(section);
	const char *line;
	bool in = false;
	while (buf_next_line(t, &pos, &line, &len)) {
		if (len && line[0] == '[') {
			in = len >= slen + 2 && !strncmp(line + 1, section, slen) && line[slen + 1] == ']';
			continue;
		}
		if (in && len > klen && !strncmp(line, key, klen) && line[klen] == '=') {
			*vlen = len - klen - 1;
			return line + klen + 1;
		}
	}
	return NULL;
}

static bool val_eq(const char *v, size_t len, const char *s)
{
	return v && len == strlen(s) && !strncmp(v, s, len);
}

/* Set key=value in [section]: replace the line or insert it right after the header
 * (appending the section when missing). */
static int ini_set(struct buf *t, const char *section, const char *key, const char *value)
{
	size_t pos = 0, len, klen = strlen(key), slen = strlen(section), at = SIZE_MAX, end = SIZE_MAX;
	const char *line;
	bool in = false;
	while (buf_next_line(t, &pos, &line, &len)) {
		if (len && line[0] == '[') {
			in = len >= slen + 2 && !strncmp(line + 1, section, slen) && line[slen + 1] == ']';
			if (in && at == SIZE_MAX)
				at = end = pos;
			continue;
		}
		if (in && len > klen && !strncmp(line, key, klen) && line[klen] == '=') {
			at = (size_t)(line - t->data);
			end = pos;
			break;
		}
	}
	_cleanup_buf_ struct buf out = BUF_INIT;
	if (at == SIZE_MAX) {
		at = end = t->len;
		buf_append(&out, t->data, at);
		if (t->len && t->data[t->len - 1] != '\n')
			buf_puts(&out, "\n");
		buf_printf(&out, "[%s]\n", section);
	} else {
		buf_append(&out, t->data, at);
		if (at && t->data[at - 1] != '\n')
			buf_puts(&out, "\n"); /* "[section]" was the last line, without a newline */
	}
	buf_printf(&out, "%s=%s\n", key, value);
	buf_append(&out, t->data + end, t->len - end);
	if (!out.data)
		return -ENOMEM;
	buf_move(t, &out);
	return 0;
}

/* Whether a keyfile text configures one of our NICs: an ethernet profile whose mac-address
 * is ours, or without a MAC whose interface-name is ours. Returns the NIC index or -1. */
static int keyfile_nic(const struct net_ctx *c, const struct buf *t)
{
	size_t tl, ml = 0, il = 0;
	const char *type = ini_get(t, "connection", "type", &tl);
	if (!val_eq(type, tl, "ethernet") && !val_eq(type, tl, "802-3-ethernet"))
		return -1;
	const char *mac = ini_get(t, "ethernet", "mac-address", &ml);
	if (!mac)
		mac = ini_get(t, "802-3-ethernet", "mac-address", &ml);
	const char *ifn = ini_get(t, "connection", "interface-name", &il);
	for (int i = 0; i < OSCONF_MAX_NICS; i++) {
		const struct nic_conf *n = &c->m->nics[i];
		if (!n->present)
			continue;
		if (mac && n->has_mac && mac_text_eq(mac, ml, n->mac))
			return i;
		if (!mac && val_eq(ifn, il, c->names->name[i]))
			return i;
	}
	return -1;
}

/* The image's own profiles for our NICs (cloud-init's, a saved "Wired connection 1", a DHCP
 * profile) stay on disk but stop autoconnecting; everything else is untouched. */
static int neutralise_keyfiles(const struct net_ctx *c, struct plan *p)
{
	_cleanup_(names_free) struct names l = { 0 };
	int r = root_list_dir(c->rootfd, CONN_DIR, &l);
	for (size_t k = 0; r == 0 && k < l.n; k++) {
		char path[512];
		struct plan_file *f;
		if (!strncmp(l.v[k], PREFIX, strlen(PREFIX)))
			continue;
		snprintf(path, sizeof(path), CONN_DIR "/%s", l.v[k]);
		_cleanup_buf_ struct buf t = BUF_INIT;
		if ((r = root_read(c->rootfd, path, ROOT_OPTIONAL, 1 << 20, &t)) < 0 || !t.data)
			continue; /* absent (gone meanwhile): skipped; an error ends the loop and fails */
		int i = keyfile_nic(c, &t);
		size_t al = 0;
		if (i < 0 || val_eq(ini_get(&t, "connection", "autoconnect", &al), al, "false"))
			continue;
		r = plan_file(p, c->rootfd, path, SEC_BIT(SEC_NETWORK), NULL, &f);
		if (r == 0)
			r = ini_set(&f->new, "connection", "autoconnect", "false");
		if (r == 0)
			plan_note(p, "network: %s configures %s too: autoconnect=false, ours takes over", path,
				  c->names->name[i]);
	}
	return r;
}

static int nm_plan(const struct net_ctx *c, struct plan *p, char *err, size_t errlen)
{
	char path[128] = CONN_DIR;
	int r = net_plan_per_nic(c, p, CONN_DIR "/" PREFIX, ".nmconnection", 0600, render_keyfile, path, sizeof(path));
	if (r == 0)
		r = net_plan_remove_stale(c, p, CONN_DIR, PREFIX);
	if (r == 0)
		r = neutralise_keyfiles(c, p);
	if (r == 0)
		r = net_plan_disable_ifcfg(c, p, SCRIPTS);
	return net_plan_finish(c, p, true, r, path, err, errlen);
}

const struct net_backend net_backend_nm = {
	.name = "nm",
	.owns_dns = true,
	.plan = nm_plan,
};
