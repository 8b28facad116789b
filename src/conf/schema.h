/* schema.h — the table of os.conf keys: name, per-NIC or global, value type, section. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/diag.h"
#include "conf/model.h"

enum key_type { KT_HOSTNAME, KT_PASSWORD, KT_DNS, KT_IPV4, KT_NETMASK, KT_MAC, KT_ROUTES, KT_GATEWAY };

struct key_spec {
	const char *name;     /* "hostname", or the suffix after "ethN_" for per-NIC keys */
	bool per_nic;
	enum key_type type;
	enum section section;
};

extern const struct key_spec key_specs[];
extern const size_t key_specs_count;

/* Look a key up: returns the spec, and for per-NIC keys the NIC index in *nic. */
const struct key_spec *schema_lookup(const char *key, int *nic);

/* Value parsers (pure). Return 0, or -EINVAL with a reason in err. */
int parse_ipv4(const char *s, struct in_addr *out);
int parse_netmask(const char *s, uint8_t *prefix, char *err, size_t errlen);
int parse_mac(const char *s, uint8_t mac[6], char *err, size_t errlen);
int parse_cidr(const char *s, struct in_addr *dst, uint8_t *prefix, char *err, size_t errlen);
int validate_hostname(const char *s, char *err, size_t errlen);
/* Decode base64 into out (secret, NUL-terminated); applies the trailing-newline rule. */
int decode_password(const char *b64, char **out, size_t *outlen, char *err, size_t errlen);
