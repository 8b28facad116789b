/* model.h — the validated instance settings from os.conf: what every later stage consumes. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OSCONF_MAX_NICS 8
#define OSCONF_MAX_ROUTES 64
#define OSCONF_MAX_DNS 8
#define OSCONF_HOSTNAME_MAX 64
#define OSCONF_PASSWORD_MAX 512

/* Settings are applied per section: an invalid section is skipped, the others still apply. */
enum section {
	SEC_PASSWORD,
	SEC_HOSTNAME,
	SEC_NETWORK,
	SEC_DNS,
	SEC_COUNT,
};
#define SEC_BIT(s) (1u << (s))
/* In osconf_model.invalid: a refused line that belongs to no section (e.g. a command). */
#define INVALID_LINES (1u << SEC_COUNT)
const char *section_name(enum section s);

struct route4 {
	struct in_addr dst;
	uint8_t prefix;
	struct in_addr gw;
};

struct nic_conf {
	bool present;   /* os.conf has at least one ethN_ key */
	char name[16];  /* the logical name "ethN" */
	bool has_addr, has_mac, has_gw;
	struct in_addr addr;
	uint8_t prefix;
	struct in_addr gw;   /* ethN_gateway (used for the default route only when the NIC owns it) */
	uint8_t mac[6];
	struct route4 routes[OSCONF_MAX_ROUTES]; /* non-default routes, in os.conf order */
	size_t n_routes;
	unsigned first_line;  /* line of its first key, for messages */
};

struct osconf_model {
	bool has_hostname;
	char hostname[OSCONF_HOSTNAME_MAX + 1];

	char *password;        /* plain text, NUL-terminated; wiped by model_free */
	size_t password_len;

	struct nic_conf nics[OSCONF_MAX_NICS];
	bool classic;          /* any eth1_* key present */
	int default_nic;       /* index of the NIC owning the default route, -1 = none */
	struct in_addr default_gw;

	struct in_addr dns[OSCONF_MAX_DNS];
	size_t n_dns;

	unsigned present;      /* SEC_BIT()s that os.conf sets */
	unsigned invalid;      /* SEC_BIT()s with an invalid value (not applied), | INVALID_LINES */
};

void model_init(struct osconf_model *m);
/* Wipes and frees the password, then resets every setting (the model is empty again). */
void model_free(struct osconf_model *m);
/* Wipes and frees the password only (as soon as its hash is made, or for a repeated key). */
void model_drop_password(struct osconf_model *m);
size_t model_nic_count(const struct osconf_model *m);
/* Whether a section is set and valid, i.e. should be applied. */
bool model_applies(const struct osconf_model *m, enum section s);

/* Formatting helpers used by every renderer. */
const char *ip4_str(struct in_addr a, char buf[16]);
const char *mac_str(const uint8_t mac[6], char buf[18]);
struct in_addr prefix_to_mask(uint8_t prefix);
