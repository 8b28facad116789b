/* model.c — model lifetime and the formatting helpers shared by renderers. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "conf/model.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *section_name(enum section s)
{
	static const char *const names[SEC_COUNT] = {
		[SEC_PASSWORD] = "password",
		[SEC_HOSTNAME] = "hostname",
		[SEC_NETWORK] = "network",
		[SEC_DNS] = "dns",
	};
	return (unsigned)s < SEC_COUNT ? names[s] : "?";
}

void model_init(struct osconf_model *m)
{
	memset(m, 0, sizeof(*m));
	m->default_nic = -1;
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		snprintf(m->nics[i].name, sizeof(m->nics[i].name), "eth%d", i);
}

void model_drop_password(struct osconf_model *m)
{
	if (m->password) {
		explicit_bzero(m->password, m->password_len);
		free(m->password);
	}
	m->password = NULL;
	m->password_len = 0;
}

void model_free(struct osconf_model *m)
{
	if (!m)
		return;
	model_drop_password(m);
	model_init(m);
}

size_t model_nic_count(const struct osconf_model *m)
{
	size_t n = 0;
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		n += m->nics[i].present;
	return n;
}

bool model_applies(const struct osconf_model *m, enum section s)
{
	return (m->present & SEC_BIT(s)) && !(m->invalid & SEC_BIT(s));
}

const char *ip4_str(struct in_addr a, char buf[16])
{
	return inet_ntop(AF_INET, &a, buf, 16);
}

const char *mac_str(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

struct in_addr prefix_to_mask(uint8_t prefix)
{
	return (struct in_addr){ htonl(prefix ? ~0u << (32 - prefix) : 0) };
}
