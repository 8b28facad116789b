/* network.c — the persistent network configuration, delegated to the chosen backend. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "targets/target.h"

static int network_plan(struct target_ctx *ctx, struct plan *p)
{
	struct nic_names names;
	nic_names_resolve(ctx->m, ctx->live, &names);
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		if (ctx->m->nics[i].present && names.by_mac[i] && strcmp(names.name[i], ctx->m->nics[i].name))
			plan_note(p, "network: %s is %s here (matched by MAC)", ctx->m->nics[i].name, names.name[i]);
	struct net_ctx nc = {
		.m = ctx->m,
		.rootfd = ctx->root->fd,
		.names = &names,
		.sections = SEC_BIT(SEC_NETWORK) | (model_applies(ctx->m, SEC_DNS) ? SEC_BIT(SEC_DNS) : 0),
	};
	return ctx->backend->plan(&nc, p, ctx->err, sizeof(ctx->err));
}

const struct target target_network = { "network", SEC_NETWORK, network_plan };
