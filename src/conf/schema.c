/* schema.c — the os.conf key table and the pure value parsers it uses. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "conf/schema.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct key_spec key_specs[] = {
	{ "hostname", false, KT_HOSTNAME, SEC_HOSTNAME },
	{ "password", false, KT_PASSWORD, SEC_PASSWORD },
	{ "dns_nameserver", false, KT_DNS, SEC_DNS },
	{ "ip_addr", true, KT_IPV4, SEC_NETWORK },
	{ "mac_addr", true, KT_MAC, SEC_NETWORK },
	{ "netmask", true, KT_NETMASK, SEC_NETWORK },
	{ "gateway", true, KT_GATEWAY, SEC_NETWORK },
	{ "route", true, KT_ROUTES, SEC_NETWORK },
};
const size_t key_specs_count = sizeof(key_specs) / sizeof(key_specs[0]);

const struct key_spec *schema_lookup(const char *key, int *nic)
{
	*nic = -1;
	if (strncmp(key, "eth", 3) == 0 && isdigit((unsigned char)key[3]) && key[4] == '_') {
		for (size_t i = 0; i < key_specs_count; i++)
			if (key_specs[i].per_nic && strcmp(key + 5, key_specs[i].name) == 0) {
				int n = key[3] - '0';
				if (n >= OSCONF_MAX_NICS)
					return NULL;
				*nic = n;
				return &key_specs[i];
			}
		return NULL;
	}
	for (size_t i = 0; i < key_specs_count; i++)
		if (!key_specs[i].per_nic && strcmp(key, key_specs[i].name) == 0)
			return &key_specs[i];
	return NULL;
}

/* Strict dotted quad: four decimal numbers 0-255, no leading zeros (inet_aton would read octal). */
int parse_ipv4(const char *s, struct in_addr *out)
{
	uint32_t v = 0;
	for (int part = 0; part < 4; part++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (s[0] == '0' && isdigit((unsigned char)s[1]))
			return -EINVAL;
		unsigned n = 0;
		int digits = 0;
		while (isdigit((unsigned char)*s) && digits < 4) {
			n = n * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (n > 255 || digits > 3)
			return -EINVAL;
		v = (v << 8) | n;
		if (part < 3 && *s++ != '.')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	out->s_addr = htonl(v);
	return 0;
}

static int parse_prefix_len(const char *s, uint8_t *prefix)
{
	if (!isdigit((unsigned char)*s) || (s[0] == '0' && s[1]) || strlen(s) > 2)
		return -EINVAL;
	unsigned n = (unsigned)atoi(s);
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
	if (n > 32)
		return -EINVAL;
	*prefix = (uint8_t)n;
	return 0;
}

int parse_netmask(const char *s, uint8_t *prefix, char *err, size_t errlen)
{
	uint8_t p;
	if (*s == '/')
		s++;
	if (strchr(s, '.') == NULL) {
		if (parse_prefix_len(s, &p) < 0) {
			snprintf(err, errlen, "'%s' is neither a dotted-quad netmask nor a prefix length 0-32", s);
			return -EINVAL;
		}
	} else {
		struct in_addr a;
		if (parse_ipv4(s, &a) < 0) {
			snprintf(err, errlen, "'%s' is not a dotted-quad netmask", s);
			return -EINVAL;
		}
		uint32_t m = ntohl(a.s_addr);
		if (m & (~m >> 1)) {
			snprintf(err, errlen, "netmask %s is not contiguous", s);
			return -EINVAL;
		}
		p = (uint8_t)__builtin_popcount(m);
	}
	if (p == 0) {
		snprintf(err, errlen, "netmask %s leaves no network", s);
		return -EINVAL;
	}
	*prefix = p;
	return 0;
}

int parse_mac(const char *s, uint8_t mac[6], char *err, size_t errlen)
{
	uint8_t m[6];
	const char *orig = s;
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) || (i < 5 && s[2] != ':') ||
		    (i == 5 && s[2] != '\0')) {
			snprintf(err, errlen, "'%s' is not a MAC address (six hex octets separated by ':')", orig);
			return -EINVAL;
		}
		char hex[3] = { s[0], s[1], 0 };
		m[i] = (uint8_t)strtoul(hex, NULL, 16);
		s += 3;
	}
	if (m[0] & 1) {
		snprintf(err, errlen, "MAC address is a multicast address");
		return -EINVAL;
	}
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
		snprintf(err, errlen, "MAC address is all zeros");
		return -EINVAL;
	}
	memcpy(mac, m, 6);
	return 0;
}

int parse_cidr(const char *s, struct in_addr *dst, uint8_t *prefix, char *err, size_t errlen)
{
	char addr[32];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (strcmp(s, "default") == 0) {
		dst->s_addr = 0;
		*prefix = 0;
		return 0;
	}
	if (alen >= sizeof(addr) || (snprintf(addr, sizeof(addr), "%.*s", (int)alen, s), parse_ipv4(addr, dst) < 0)) {
		snprintf(err, errlen, "'%s' is not an IPv4 destination (a.b.c.d/len or a.b.c.d)", s);
		return -EINVAL;
	}
	uint8_t p = 32;
	if (slash && parse_prefix_len(slash + 1, &p) < 0) {
		snprintf(err, errlen, "'%s' has an invalid prefix length", s);
		return -EINVAL;
	}
	uint32_t mask = p ? ~0u << (32 - p) : 0;
	if (ntohl(dst->s_addr) & ~mask) {
		snprintf(err, errlen, "'%s' has host bits set (did you mean %s/%u?)", s,
			 inet_ntoa((struct in_addr){ htonl(ntohl(dst->s_addr) & mask) }), p);
		return -EINVAL;
	}
	*prefix = p;
	return 0;
}

int validate_hostname(const char *s, char *err, size_t errlen)
{
	size_t len = strlen(s);
	if (len == 0 || len > OSCONF_HOSTNAME_MAX) {
		snprintf(err, errlen, "host name must be 1 to %d bytes long", OSCONF_HOSTNAME_MAX);
		return -EINVAL;
	}
	const char *label = s;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t l = (size_t)(p - label);
			if (l == 0 || l > 63) {
				snprintf(err, errlen, "host name label %s (labels are 1 to 63 characters)",
					 l ? "too long" : "empty");
				return -EINVAL;
			}
			if (label[0] == '-' || p[-1] == '-') {
				snprintf(err, errlen, "host name label starts or ends with '-'");
				return -EINVAL;
			}
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-') {
			snprintf(err, errlen, "'%c' is not allowed in a host name (letters, digits, '-' and '.')", *p);
			return -EINVAL;
		}
	}
	return 0;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int b64_decode(const char *in, size_t len, unsigned char *out, size_t *outlen)
{
	if (len == 0 || len % 4)
		return -EINVAL;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			char c = in[i + j];
			if (c == '=' && i + 4 == len && j >= 2) {
				v[j] = 0;
				pad++;
			} else if (pad || (v[j] = b64_value(c)) < 0) {
				return -EINVAL;
			}
		}
		uint32_t n = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		/* strict: unused bits before padding must be zero */
		if ((pad == 1 && (n & 0xff)) || (pad == 2 && (n & 0xffff)))
			return -EINVAL;
		out[o++] = (unsigned char)(n >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(n >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)n;
	}
	*outlen = o;
	return 0;
}

int decode_password(const char *b64, char **out, size_t *outlen, char *err, size_t errlen)
{
	size_t len = strlen(b64);
	if (len > (OSCONF_PASSWORD_MAX + 2) / 3 * 4 + 4) {
		snprintf(err, errlen, "password is longer than %d bytes", OSCONF_PASSWORD_MAX);
		return -EINVAL;
	}
	unsigned char *buf = malloc(len / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	size_t n = 0;
	int r = b64_decode(b64, len, buf, &n);
	if (r < 0) {
		snprintf(err, errlen, "password is not valid base64");
		goto fail;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--; /* `echo PASS | base64` adds one; the sample script's $(...) drops it too */
	r = -EINVAL;
	if (n == 0) {
		snprintf(err, errlen, "password is empty");
		goto fail;
	}
	if (n > OSCONF_PASSWORD_MAX) {
		snprintf(err, errlen, "password is longer than %d bytes", OSCONF_PASSWORD_MAX);
		goto fail;
	}
	if (memchr(buf, '\0', n)) {
		snprintf(err, errlen, "decoded password contains a NUL byte");
		goto fail;
	}
	if (memchr(buf, '\n', n) || memchr(buf, '\r', n)) {
		snprintf(err, errlen, "decoded password contains a line break");
		goto fail;
	}
	buf[n] = '\0';
	*out = (char *)buf;
	*outlen = n;
	return 0;
fail:
	explicit_bzero(buf, len / 4 * 3 + 1);
	free(buf);
	return r;
}
