/* dns.c — name servers: resolv.conf (only its nameserver lines), or systemd-resolved's drop-in. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/backend.h"
#include "shared/resolv.h"
#include "sys/root.h"
#include "targets/target.h"
#include "util/macros.h"
#include "util/text.h"

#define RESOLVED_DROPIN "/etc/systemd/resolved.conf.d/50-osconf.conf"

static int plan_resolved(struct target_ctx *ctx, struct plan *p)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	struct file_meta meta = { .mode = 0644 };
	render_header(&b, "#");
	int r = buf_puts(&b, "[Resolve]\nDNS=");
	for (size_t i = 0; r == 0 && i < ctx->m->n_dns; i++) {
		char ip[16];
		r = buf_printf(&b, "%s%s", i ? " " : "", ip4_str(ctx->m->dns[i], ip));
	}
	if (r == 0)
		r = buf_puts(&b, "\n");
	if (r == 0)
		r = plan_file_set(p, ctx->root->fd, RESOLVED_DROPIN, SEC_BIT(SEC_DNS), &meta, &b);
	if (r == 0)
		plan_note(p, "dns: %s is systemd-resolved's; name servers go to %s", RESOLV_CONF, RESOLVED_DROPIN);
	return r;
}

/* Our drop-in holds servers only while resolv.conf is resolved's stub and no backend carries
 * them: every other plan removes it, so a run that puts the servers elsewhere (the backend's
 * files, resolv.conf) converges instead of leaving an old drop-in beside them. */
static int drop_resolved(struct target_ctx *ctx, struct plan *p)
{
	int r = plan_file_remove(p, ctx->root->fd, RESOLVED_DROPIN, SEC_BIT(SEC_DNS));
	if (r < 0)
		snprintf(ctx->err, sizeof(ctx->err), "cannot plan the removal of %s: %s", RESOLVED_DROPIN,
			 root_strerror(r));
	return r;
}

static int plan_where(struct target_ctx *ctx, struct plan *p, bool net_ok, bool *dropin)
{
	char target[4096] = "";
	int link = resolv_is_link(ctx->root->fd, target, sizeof(target));
	if (link < 0) {
		snprintf(p->failed, sizeof(p->failed), "%s", RESOLV_CONF);
		return link;
	}
	if (!link)
		return resolv_plan_nameservers(p, ctx->root->fd, SEC_BIT(SEC_DNS), ctx->m->dns, ctx->m->n_dns);
	if (strstr(target, "systemd/resolve")) {
		*dropin = true;
		return plan_resolved(ctx, p);
	}
	if (net_ok)
		return plan_note(p, "dns: %s is a symlink to %s; the servers are in the %s backend's files",
				 RESOLV_CONF, target, ctx->backend->name);
	snprintf(ctx->err, sizeof(ctx->err),
		 "%s is a symlink to %s (another program's) and no network configuration carries "
		 "the servers: not applied", RESOLV_CONF, target);
	return -ENOTSUP;
}

/* Where the servers go: the backend's own files when it owns DNS and the network section is
 * planned; else resolv.conf's nameserver lines, or resolved's drop-in behind its stub link.
 * A symlink to another program's resolv.conf can only be served through the backend's
 * files (ifcfg DNSn, ifupdown dns-nameservers); without them DNS fails, and says why.
 * When the network section is set but failed and its backend would carry the servers (or
 * no backend was found), DNS fails too: written elsewhere (a drop-in, resolv.conf) it
 * would be a half state that the successful run has to undo. os.conf is kept either way. */
static int dns_plan(struct target_ctx *ctx, struct plan *p)
{
	bool net_set = model_applies(ctx->m, SEC_NETWORK);
	bool net_failed = net_set && (ctx->failed & SEC_BIT(SEC_NETWORK));
	bool net_ok = ctx->backend && net_set && !net_failed;
	if (net_failed && (!ctx->backend || ctx->backend->owns_dns)) {
		snprintf(ctx->err, sizeof(ctx->err), "the network section failed and its backend carries the name "
			 "servers: not applied either");
		return -ECANCELED;
	}
	if (net_ok && ctx->backend->owns_dns) {
		plan_note(p, "dns: configured by the %s backend", ctx->backend->name);
		return drop_resolved(ctx, p);
	}
	bool dropin = false;
	int r = plan_where(ctx, p, net_ok, &dropin);
	if (r < 0 && !ctx->err[0])
		snprintf(ctx->err, sizeof(ctx->err), "planning DNS: %.160s: %s", p->failed[0] ? p->failed : RESOLV_CONF,
			 root_strerror(r));
	if (r == 0 && !dropin)
		r = drop_resolved(ctx, p);
	return r;
}

const struct target target_dns = { "dns", SEC_DNS, dns_plan };
