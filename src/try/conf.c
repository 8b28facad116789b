/* conf.c — image try's os.conf: generated for QEMU's user-mode network or the owner's, parsed by the agent's own parser. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "try/conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/validate.h"
#include "sys/entropy.h"
#include "util/macros.h"
#include "util/text.h"

#define CONF_MAX (64 * 1024)

static void base64(const char *in, size_t len, char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)(uint8_t)in[i] << 16 | (i + 1 < len ? (uint32_t)(uint8_t)in[i + 1] << 8 : 0) |
			     (i + 2 < len ? (uint8_t)in[i + 2] : 0);
		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

/* A random string of n letters and digits. */
static int random_word(char *out, size_t n)
{
	static const char alnum[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	uint8_t r[64];
	if (n >= sizeof(r))
		return -EINVAL;
	int rc = random_bytes(r, n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		out[i] = alnum[r[i] % (sizeof(alnum) - 1)];
	out[n] = '\0';
	explicit_bzero(r, sizeof(r));
	return rc;
}

/* What the guest must show, from the os.conf bytes (the agent's parser and validator). */
static int conf_expect(struct try_conf *c, char *err, size_t errlen)
{
	struct osconf_model m;
	struct diags d = { 0 };
	model_init(&m);
	int r = conf_load(c->text.data, c->text.len, &m, &d);
	const struct nic_conf *n = &m.nics[0];
	if (r == 0 && (diags_count(&d, DIAG_ERROR) || !model_applies(&m, SEC_PASSWORD) || !n->has_addr || !n->has_mac)) {
		const struct diag *e = diags_count(&d, DIAG_ERROR) ? &d.items[0] : NULL;
		if (e)
			snprintf(err, errlen, "os.conf:%u: %s", e->line, e->msg);
		else
			snprintf(err, errlen, "os.conf must set password, eth0_ip_addr and eth0_mac_addr for image try");
		r = -EINVAL;
	}
	if (r == 0) {
		char b[18];
		snprintf(c->hostname, sizeof(c->hostname), "%s", m.has_hostname ? m.hostname : "");
		free(c->password);
		c->password = strdup(m.password);
		snprintf(c->mac, sizeof(c->mac), "%s", mac_str(n->mac, b));
		snprintf(c->addr, sizeof(c->addr), "%s", ip4_str(n->addr, b));
		c->prefix = n->prefix;
		snprintf(c->gw, sizeof(c->gw), "%s", m.default_nic >= 0 ? ip4_str(m.default_gw, b) : "");
		c->ndns = m.n_dns < 8 ? m.n_dns : 8;
		for (size_t i = 0; i < c->ndns; i++)
			ip4_str(m.dns[i], c->dns[i]);
		if (!c->password)
			r = -ENOMEM;
	}
	model_free(&m);
	diags_free(&d);
	return r;
}

int try_conf_default(struct try_conf *c, char *err, size_t errlen)
{
	char host[8], pw[17], pw64[32];
	uint8_t mac[3];
	int r = random_word(host, 6);
	if (r == 0)
		r = random_word(pw, 16);
	if (r == 0)
		r = random_bytes(mac, sizeof(mac));
	c->text.secret = true;
	if (r == 0) {
		base64(pw, strlen(pw), pw64);
		for (char *p = host; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		buf_printf(&c->text,
			   "# os.conf written by osconf image try for QEMU's user-mode network\n"
			   "hostname=try-%s\npassword=%s\neth0_ip_addr=10.0.2.15\neth0_netmask=255.255.255.0\n"
			   "eth0_mac_addr=00:16:3e:%02x:%02x:%02x\neth0_gateway=10.0.2.2\n"
			   "eth0_route=\"0.0.0.0/0 10.0.2.2\"\ndns_nameserver=\"10.0.2.3\"\n",
			   host, pw64, mac[0], mac[1], mac[2]);
		r = buf_error(&c->text);
	}
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(pw64, sizeof(pw64));
	if (r < 0)
		snprintf(err, errlen, "cannot make an os.conf: %s", strerror(-r));
	return r < 0 ? r : conf_expect(c, err, errlen);
}

int try_conf_load(const char *path, struct try_conf *c, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r = 0;
	c->text.secret = true;
	if (fd < 0)
		r = -errno;
	while (r == 0 && c->text.len <= CONF_MAX && (r = buf_reserve(&c->text, 4096)) == 0) {
		ssize_t n = read(fd, c->text.data + c->text.len, 4096);
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		c->text.len += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (r == 0 && c->text.len > CONF_MAX)
		r = -EFBIG;
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	return conf_expect(c, err, errlen);
}

int try_conf_change(struct try_conf *c, char *err, size_t errlen)
{
	char host[8], pw[17], pw64[32], name[16];
	int r = random_word(host, 6);
	if (r == 0)
		r = random_word(pw, 16);
	for (char *p = host; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	snprintf(name, sizeof(name), "changed-%s", host);
	base64(pw, strlen(pw), pw64);
	if (r == 0)
		r = text_set_assignment(&c->text, "hostname", name, true);
	if (r == 0)
		r = text_set_assignment(&c->text, "password", pw64, true);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(pw64, sizeof(pw64));
	if (r < 0) {
		snprintf(err, errlen, "cannot change os.conf: %s", strerror(-r));
		return r;
	}
	return conf_expect(c, err, errlen);
}

static bool in_net(const char *ip, uint32_t net, uint32_t mask)
{
	struct in_addr a;
	return inet_pton(AF_INET, ip, &a) == 1 && (ntohl(a.s_addr) & mask) == net;
}

void try_conf_netopts(const struct try_conf *c, char *out, size_t outlen)
{
	struct in_addr a;
	out[0] = '\0';
	if (!strcmp(c->addr, "10.0.2.15") && c->prefix == 24)
		return;   /* QEMU's own */
	if (inet_pton(AF_INET, c->addr, &a) != 1 || c->prefix < 8 || c->prefix > 30)
		return;
	uint32_t mask = ~0u << (32 - c->prefix), net = ntohl(a.s_addr) & mask;
	struct in_addr na = { htonl(net) };
	char nb[16];
	size_t n = (size_t)snprintf(out, outlen, ",net=%s/%d", inet_ntop(AF_INET, &na, nb, sizeof(nb)), c->prefix);
	if (c->gw[0] && in_net(c->gw, net, mask) && strcmp(c->gw, c->addr) && n < outlen)
		n += (size_t)snprintf(out + n, outlen - n, ",host=%s", c->gw);
	if (c->ndns && in_net(c->dns[0], net, mask) && strcmp(c->dns[0], c->addr) && strcmp(c->dns[0], c->gw) && n < outlen)
		snprintf(out + n, outlen - n, ",dns=%s", c->dns[0]);
}

void try_conf_free(struct try_conf *c)
{
	buf_free(&c->text);
	if (c->password) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	*c = (struct try_conf){ 0 };
}
