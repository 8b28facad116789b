/* hostname.c — the host name: sethostname(2) when live, and every file the distro reads it from. */
/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/hosts.h"
#include "targets/target.h"
#include "util/macros.h"
#include "util/text.h"

struct live_hostname {
	char old[OSCONF_HOSTNAME_MAX + 1];
	char new[OSCONF_HOSTNAME_MAX + 1];
};

static void lh_describe(const struct plan_entry *e, FILE *out)
{
	const struct live_hostname *h = e->data;
	fprintf(out, "hostname: %s -> %s (running system)\n", h->old, h->new);
}

static int lh_apply(struct plan_entry *e, struct apply_ctx *ctx)
{
	const struct live_hostname *h = e->data;
	if (sethostname(h->new, strlen(h->new)) < 0) {
		int r = negerrno();
		snprintf(ctx->err, sizeof(ctx->err), "sethostname %s: %s", h->new, strerror(-r));
		return r;
	}
	return 0;
}

static void lh_summary(const struct plan_entry *e, char *out, size_t size)
{
	snprintf(out, size, "set the running host name to %s", ((const struct live_hostname *)e->data)->new);
}

static const struct plan_entry_ops live_hostname_ops = {
	.describe = lh_describe,
	.apply = lh_apply,
	.summary = lh_summary,
	.destroy = free,
};

/* /etc/hosts: our one line maps the name to the first NIC's address (127.0.1.1 without one)
 * unless another line already maps it (src/shared/hosts.c). */
static int plan_hosts(struct target_ctx *ctx, struct plan *p)
{
	const struct osconf_model *m = ctx->m;
	char ip[16] = "127.0.1.1";
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		if (model_applies(m, SEC_NETWORK) && m->nics[i].present) {
			ip4_str(m->nics[i].addr, ip);
			break;
		}
	return hosts_plan_name(p, ctx->root->fd, SEC_BIT(SEC_HOSTNAME), m->hostname, ip);
}

/* The type of path (S_IFREG, S_IFDIR, …), 0 when absent, or a negative errno: an error,
 * never taken for absence. */
static int file_type(int fd, const char *path)
{
	struct stat st;
	int r = root_lstat(fd, path, &st);
	return r == -ENOENT ? 0 : r < 0 ? r : (int)(st.st_mode & S_IFMT);
}

static int hostname_plan(struct target_ctx *ctx, struct plan *p)
{
	const struct osconf_model *m = ctx->m;
	const unsigned sec = SEC_BIT(SEC_HOSTNAME);
	int fd = ctx->root->fd, t = 0;
	const char *at = "/etc/hostname";
	struct file_meta meta = { .mode = 0644 };
	_cleanup_buf_ struct buf content = BUF_INIT;
	int r = buf_printf(&content, "%s\n", m->hostname);
	if (r == 0)
		r = plan_file_set(p, fd, at, sec, &meta, &content);
	/* RHEL/CentOS initscripts: HOSTNAME= in /etc/sysconfig/network, when the file exists */
	struct plan_file *f;
	if (r == 0 && (t = file_type(fd, at = "/etc/sysconfig/network")) < 0)
		r = t;
	if (r == 0 && t && t != S_IFDIR) {
		r = plan_file(p, fd, at, sec, NULL, &f);
		if (r == 0)
			r = text_set_assignment(&f->new, "HOSTNAME", m->hostname, true);
	}
	/* SUSE reads /etc/HOSTNAME (often a symlink to /etc/hostname: then nothing to do) */
	if (r == 0 && (t = file_type(fd, at = "/etc/HOSTNAME")) < 0)
		r = t;
	if (r == 0 && t == S_IFREG) {
		r = buf_printf(&content, "%s\n", m->hostname);
		if (r == 0)
			r = plan_file_set(p, fd, at, sec, &meta, &content);
	}
	if (r == 0) {
		at = "/etc/hosts";
		r = plan_hosts(ctx, p);
	}
	if (r < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "planning the host name files: %s: %s", at, root_strerror(r));
		return r;
	}
	if (!ctx->live)
		return 0;
	struct live_hostname *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	gethostname(h->old, sizeof(h->old) - 1);
	snprintf(h->new, sizeof(h->new), "%s", m->hostname);
	if (streq(h->old, h->new)) {
		free(h);
		return 0;
	}
	return plan_add(p, &live_hostname_ops, sec, h);
}

const struct target target_hostname = { "hostname", SEC_HOSTNAME, hostname_plan };
