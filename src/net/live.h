/* live.h — the live network target's pure core: model + kernel state → rtnetlink operations. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/model.h"
#include "sys/netlink.h"
#include "util/buf.h"

/* Routes osconf adds carry this protocol number, so a later apply can tell its own routes
 * (and remove stale ones) from everybody else's. `ip route` shows it as "proto 111"
 * (or "proto osconf" with /etc/iproute2/rt_protos.d/osconf.conf). */
#define LIVE_RTPROT 111

/* The kernel's current state (main routing table only). */
struct live_state {
	const struct nl_link *links;
	size_t n_links;
	const struct nl_addr4 *addrs;
	size_t n_addrs;
	const struct nl_route4 *routes;
	size_t n_routes;
};

enum live_op_kind {
	LIVE_LINK_UP,
	LIVE_ADDR_DEL,
	LIVE_ADDR_ADD,        /* NLM_F_CREATE | NLM_F_REPLACE ("ip addr replace" when it exists) */
	LIVE_ROUTE_REPLACE,   /* NLM_F_CREATE | NLM_F_REPLACE */
	LIVE_ROUTE_DEL,
	LIVE_MISSING,         /* a NIC of os.conf that does not exist: fails when applied */
};

struct live_op {
	enum live_op_kind kind;
	char nic[16];         /* os.conf's name ("eth0"), or the device for a stale route */
	char dev[IFNAMSIZ];   /* the kernel's name of the link */
	int ifindex;          /* the link (0 for a missing NIC) */
	uint8_t mac[6];
	bool has_mac;
	bool exists;          /* LIVE_ADDR_ADD: the address is there already (re-asserted) */
	bool other_default;   /* LIVE_ROUTE_DEL of another default route: only once ours is set */
	struct nl_addr4 addr;
	struct nl_route4 route;
};

struct live_ops {
	struct live_op *items;
	size_t n, cap;
};

/* Pure: compute the operations that make the kernel state match the model's network
 * settings, in the order to apply them (NICs that do not exist last). notes receives
 * explanatory lines ("eth0 is ens5 (MAC …)"). Returns 0 or -ENOMEM. */
int live_compute(const struct osconf_model *m, const struct live_state *st, struct live_ops *out,
		 struct buf *notes);
void live_ops_free(struct live_ops *ops);

/* The operation as an `ip` command line (or a "# …" comment for a missing NIC). */
void live_op_format(const struct live_op *op, char *buf, size_t size);
