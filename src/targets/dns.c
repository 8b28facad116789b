/* dns.c — name servers: resolv.conf (only its nameserver lines), or systemd-resolved's drop-in. */
#include <errno.h>
#include <string.h>

#include "net/backend.h"
#include "targets/target.h"
#include "util/macros.h"
#include "util/text.h"

#define RESOLV "/etc/resolv.conf"
#define RESOLVED_DROPIN "/etc/systemd/resolved.conf.d/50-osconf.conf"

static bool not_nameserver(const char *line, size_t len, void *data)
{
	(void)data;
	return !line_has_word(line, len, "nameserver");
}

/* resolv.conf: our nameserver lines replace the old ones at the place of the first one;
 * search, options, comments and everything else stay. */
int dns_plan_resolv_conf(int rootfd, const struct osconf_model *m, struct plan *p)
{
	struct plan_file *f;
	struct file_meta meta = { .mode = 0644 };
	int r = plan_file(p, rootfd, RESOLV, SEC_BIT(SEC_DNS), &meta, &f);
	if (r < 0)
		return r;
	/* where the first nameserver line was */
	size_t pos = 0, len, insert = f->new.len;
	const char *line;
	while (buf_next_line(&f->new, &pos, &line, &len))
		if (line_has_word(line, len, "nameserver")) {
			insert = (size_t)(line - f->new.data);
			break;
		}
	_cleanup_buf_ struct buf head = BUF_INIT, tail = BUF_INIT, out = BUF_INIT;
	r = buf_append(&head, f->new.data, insert);
	if (r == 0)
		r = buf_append(&tail, f->new.data + insert, f->new.len - insert);
	if (r == 0)
		r = text_filter_lines(&tail, not_nameserver, NULL);
	if (r == 0 && head.len && head.data[head.len - 1] != '\n')
		r = buf_append(&head, "\n", 1);
	if (r == 0)
		r = buf_append(&out, head.data, head.len);
	for (size_t i = 0; r == 0 && i < m->n_dns; i++) {
		char ip[16];
		r = buf_printf(&out, "nameserver %s\n", ip4_str(m->dns[i], ip));
	}
	if (r == 0)
		r = buf_append(&out, tail.data, tail.len);
	if (r == 0)
		buf_move(&f->new, &out);
	return r;
}

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
		plan_note(p, "dns: %s is systemd-resolved's; name servers go to %s", RESOLV, RESOLVED_DROPIN);
	return r;
}

/* Where the servers go: the backend's own files when it owns DNS and the network section is
 * planned; else resolv.conf's nameserver lines, or resolved's drop-in behind its stub link.
 * A symlink to another program's resolv.conf can only be served through the backend's
 * files (ifcfg DNSn, ifupdown dns-nameservers); without them DNS fails, and says why. */
static int dns_plan(struct target_ctx *ctx, struct plan *p)
{
	struct stat st;
	char target[4096] = "";
	bool net_ok = ctx->backend && model_applies(ctx->m, SEC_NETWORK) && !(ctx->failed & SEC_BIT(SEC_NETWORK));
	if (net_ok && ctx->backend->owns_dns) {
		plan_note(p, "dns: configured by the %s backend", ctx->backend->name);
		return 0;
	}
	int r;
	if (root_lstat(ctx->root->fd, RESOLV, &st) == 0 && S_ISLNK(st.st_mode)) {
		root_readlink(ctx->root->fd, RESOLV, target, sizeof(target));
		if (strstr(target, "systemd/resolve"))
			r = plan_resolved(ctx, p);
		else if (net_ok)
			return plan_note(p, "dns: %s is a symlink to %s; the servers are in the %s backend's files",
					 RESOLV, target, ctx->backend->name);
		else {
			snprintf(ctx->err, sizeof(ctx->err),
				 "%s is a symlink to %s (another program's) and no network configuration carries "
				 "the servers: not applied", RESOLV, target);
			return -ENOTSUP;
		}
	} else {
		r = dns_plan_resolv_conf(ctx->root->fd, ctx->m, p);
	}
	if (r < 0)
		snprintf(ctx->err, sizeof(ctx->err), "planning DNS: %s", strerror(-r));
	return r;
}

const struct target target_dns = { "dns", SEC_DNS, dns_plan };
