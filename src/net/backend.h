/* backend.h — a persistent network backend writes the distro's own network configuration format. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/model.h"
#include "plan/plan.h"
#include "sys/root.h"

/* The kernel names of the NICs in os.conf (by MAC on the running system, else "ethN"). */
struct nic_names {
	char name[OSCONF_MAX_NICS][16];
	bool by_mac[OSCONF_MAX_NICS];   /* the name was found from the MAC on the running system */
};

struct net_ctx {
	const struct osconf_model *m;
	int rootfd;
	const struct nic_names *names;
	unsigned sections;               /* SEC_BIT(SEC_NETWORK) (| SEC_BIT(SEC_DNS) for backends owning DNS) */
};

struct net_backend {
	const char *name;
	const char *distros;             /* for --help and the README table */
	/* Whether the backend configures DNS itself (then the dns target delegates). */
	bool owns_dns;
	int (*plan)(const struct net_ctx *ctx, struct plan *p, char *err, size_t errlen);
};

extern const struct net_backend net_backend_ifcfg;

extern const struct net_backend *const net_backends[];
extern const size_t net_backends_count;

const struct net_backend *net_backend_find(const char *name);

/* Pick the backend for the target root: the override in /etc/osconf.conf, then the
 * distro and enabled network service. why receives a one-line explanation. */
int net_backend_detect(int rootfd, const struct net_backend **out, char *why, size_t whylen);

/* Resolve kernel names for the NICs (by MAC through /sys/class/net when live). */
void nic_names_resolve(const struct osconf_model *m, bool live, struct nic_names *out);

/* Header comment every generated file starts with (with the given comment prefix). */
void render_header(struct buf *b, const char *comment);
