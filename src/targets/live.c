/* live.c — the live network target: net/live.c's operations as plan entries sharing one rtnetlink socket. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/live.h"
#include "plan/plan.h"
#include "targets/target.h"
#include "util/macros.h"

struct live_conn {
	struct nl nl;
	unsigned refs;
	bool default_failed;   /* our default route could not be set: keep the others */
};

struct live_entry {
	struct live_op op;
	struct live_conn *conn;
};

static void entry_describe(const struct plan_entry *e, FILE *out)
{
	const struct live_entry *le = e->data;
	char line[192];
	live_op_format(&le->op, line, sizeof(line));
	fprintf(out, "%s\n", line);
}

static void entry_summary(const struct plan_entry *e, char *out, size_t size)
{
	const struct live_entry *le = e->data;
	live_op_format(&le->op, out, size);
}

/* "eth0 (ens5)" or "ens5" for messages. */
static void who(const struct live_op *op, char *buf, size_t size)
{
	if (*op->nic && !streq(op->nic, op->dev))
		snprintf(buf, size, "%s (%s)", op->nic, op->dev);
	else
		snprintf(buf, size, "%s", op->dev);
}

static int entry_apply(struct plan_entry *e, struct apply_ctx *ctx)
{
	struct live_entry *le = e->data;
	const struct live_op *op = &le->op;
	char kerr[160], line[160], name[48], mac[18];
	int r;
	if (op->kind == LIVE_MISSING) {
		char want[40] = "";
		if (op->addr.prefix || op->addr.local.s_addr) {
			char a[16];
			snprintf(want, sizeof(want), " for %s/%u", ip4_str(op->addr.local, a), op->addr.prefix);
		}
		if (op->has_mac)
			snprintf(ctx->err, sizeof(ctx->err), "%s: no network interface with MAC %s%s; not configured",
				 op->nic, mac_str(op->mac, mac), want);
		else
			snprintf(ctx->err, sizeof(ctx->err), "%s: no network interface named %s%s; not configured", op->nic,
				 op->nic, want);
		return -ENODEV;
	}
	if (!le->conn->nl.sock && (r = nl_open(&le->conn->nl, kerr, sizeof(kerr))) < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "rtnetlink: %s", kerr);
		return r;
	}
	struct nl *nl = &le->conn->nl;
	switch (op->kind) {
	case LIVE_LINK_UP:
		r = nl_link_set_up(nl, op->ifindex, kerr, sizeof(kerr));
		break;
	case LIVE_ADDR_DEL:
		r = nl_addr4(nl, RTM_DELADDR, 0, &op->addr, kerr, sizeof(kerr));
		if (r == -EADDRNOTAVAIL)
			return 1; /* already gone (with the primary it belonged to) */
		break;
	case LIVE_ADDR_ADD:
		r = nl_addr4(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &op->addr, kerr, sizeof(kerr));
		break;
	case LIVE_ROUTE_REPLACE:
		r = nl_route4(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &op->route, kerr, sizeof(kerr));
		if (r < 0 && op->route.prefix == 0)
			le->conn->default_failed = true;
		break;
	case LIVE_ROUTE_DEL:
		if (op->other_default && le->conn->default_failed)
			return 1; /* never leave the system without a default route */
		r = nl_route4(nl, RTM_DELROUTE, 0, &op->route, kerr, sizeof(kerr));
		if (r == -ESRCH)
			return 1; /* already gone (flushed with an address) */
		break;
	default:
		r = -EINVAL;
		snprintf(kerr, sizeof(kerr), "unknown operation");
	}
	if (r < 0) {
		live_op_format(op, line, sizeof(line));
		who(op, name, sizeof(name));
		/* The kernel's message matters most: it is kept when the line is long. */
		if (snprintf(ctx->err, sizeof(ctx->err), "%s: %s: %s", name, line, kerr) >= (int)sizeof(ctx->err))
			snprintf(ctx->err, sizeof(ctx->err), "%s: %s", name, kerr);
		return r;
	}
	return 0;
}

static void entry_destroy(void *data)
{
	struct live_entry *le = data;
	if (!le)
		return;
	if (le->conn && --le->conn->refs == 0) {
		nl_close(&le->conn->nl);
		free(le->conn);
	}
	free(le);
}

static const struct plan_entry_ops live_entry_ops = {
	.describe = entry_describe,
	.apply = entry_apply,
	.summary = entry_summary,
	.destroy = entry_destroy,
};

static void free_state(struct nl_link *links, struct nl_addr4 *addrs, struct nl_route4 *routes)
{
	free(links);
	free(addrs);
	free(routes);
}

static int live_plan(struct target_ctx *ctx, struct plan *p)
{
	if (!ctx->live || !model_applies(ctx->m, SEC_NETWORK))
		return 0;
	struct nl nl = NL_INIT;
	struct nl_link *links = NULL;
	struct nl_addr4 *addrs = NULL;
	struct nl_route4 *routes = NULL;
	struct live_state st = { 0 };
	struct live_ops ops = { 0 };
	_cleanup_buf_ struct buf notes = BUF_INIT;
	char kerr[160];
	int r = nl_open(&nl, kerr, sizeof(kerr));
	if (r >= 0)
		r = nl_dump_links(&nl, &links, &st.n_links, kerr, sizeof(kerr));
	if (r >= 0)
		r = nl_dump_addrs4(&nl, &addrs, &st.n_addrs, kerr, sizeof(kerr));
	if (r >= 0)
		r = nl_dump_routes4(&nl, &routes, &st.n_routes, kerr, sizeof(kerr));
	nl_close(&nl);
	if (r < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "reading the kernel's network state: %s", kerr);
		free_state(links, addrs, routes);
		return r;
	}
	st.links = links;
	st.addrs = addrs;
	st.routes = routes;
	r = live_compute(ctx->m, &st, &ops, &notes);
	free_state(links, addrs, routes);
	if (r < 0)
		goto fail;

	size_t pos = 0, len;
	const char *line;
	while (buf_next_line(&notes, &pos, &line, &len))
		if ((r = plan_note(p, "%.*s", (int)len, line)) < 0)
			goto fail;
	if (!ops.n)
		goto done;

	struct live_conn *conn = calloc(1, sizeof(*conn));
	if (!conn) {
		r = -ENOMEM;
		goto fail;
	}
	conn->refs = 1; /* held until the loop ends */
	for (size_t i = 0; i < ops.n && r >= 0; i++) {
		struct live_entry *le = calloc(1, sizeof(*le));
		if (!le) {
			r = -ENOMEM;
			break;
		}
		le->op = ops.items[i];
		le->conn = conn;
		conn->refs++;
		r = plan_add(p, &live_entry_ops, SEC_BIT(SEC_NETWORK), le);
	}
	if (--conn->refs == 0)
		free(conn);
	if (r < 0)
		goto fail;
done:
	live_ops_free(&ops);
	return 0;
fail:
	live_ops_free(&ops);
	snprintf(ctx->err, sizeof(ctx->err), "planning live network changes: %s", strerror(-r));
	return r;
}

const struct target target_live = {
	.name = "live",
	.section = SEC_NETWORK,
	.plan = live_plan,
};
