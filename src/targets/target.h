/* target.h — a target turns the model plus the target root's state into plan entries. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "conf/model.h"
#include "plan/plan.h"
#include "sys/root.h"

struct net_backend;

struct target_ctx {
	const struct osconf_model *m;
	struct root *root;
	const struct net_backend *backend;  /* the persistent network backend chosen */
	bool live;                          /* apply to the running system too */
	unsigned failed;                    /* SEC_BIT()s whose planning failed so far */
	char err[256];                      /* why plan() failed */
};

struct target {
	const char *name;
	enum section section;
	/* Add this target's entries to p. Negative errno (with ctx->err) = section failed. */
	int (*plan)(struct target_ctx *ctx, struct plan *p);
};

extern const struct target target_password;
extern const struct target target_hostname;
extern const struct target target_dns;
extern const struct target target_network;   /* persistent files via ctx->backend */
extern const struct target target_live;      /* rtnetlink on the running system (over net/live.h) */

extern const struct target *const targets[];
extern const size_t targets_count;
