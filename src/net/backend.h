/* backend.h — a persistent network backend writes the distro's own network configuration format. */
/* SPDX-License-Identifier: Apache-2.0 */
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
	/* Whether the backend configures DNS itself (then the dns target delegates). */
	bool owns_dns;
	int (*plan)(const struct net_ctx *ctx, struct plan *p, char *err, size_t errlen);
};

extern const struct net_backend net_backend_ifcfg;
extern const struct net_backend net_backend_networkd;
extern const struct net_backend net_backend_nm;
extern const struct net_backend net_backend_netplan;
extern const struct net_backend net_backend_ifupdown;
extern const struct net_backend net_backend_wicked;

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

/* Helpers shared by the backends (common.c). */

/* Whether NIC i carries the name servers: DNS is planned and i owns the default route (the
 * first NIC when there is no default route). */
bool nic_has_dns(const struct net_ctx *c, int i);

/* Whether gw lies outside the NIC's own subnet, so a route through it needs "on-link". */
bool nic_gw_needs_onlink(const struct nic_conf *n, struct in_addr gw);

/* Sorted names of the entries of dir inside the root (none when it is missing).
 * Free with names_free(). */
struct names {
	char **v;
	size_t n;
};
int root_list_dir(int rootfd, const char *dir, struct names *out);
void names_free(struct names *l);

/* Plan a whole generated file (content moved out); keyfiles pass 0600 and force it. */
int net_plan_set(const struct net_ctx *c, struct plan *p, const char *path, mode_t mode, struct buf *content);

/* Render and plan one file per NIC, named head + kernel name + tail; path receives the
 * last name tried (for the error message). */
typedef int (*nic_renderer)(const struct net_ctx *c, int i, struct buf *b);
int net_plan_per_nic(const struct net_ctx *c, struct plan *p, const char *head, const char *tail, mode_t mode,
		     nic_renderer render, char *path, size_t pathlen);

/* What every backend does last: net_plan_cloud_init(), then net_plan_resolv_conf() when it
 * owns DNS; fills err from path on failure. */
/* err = "FILE: reason", FILE the file whose reading failed (the plan knows it), else path. */
void net_plan_error(const struct plan *p, int r, const char *path, char *err, size_t errlen);
int net_plan_finish(const struct net_ctx *c, struct plan *p, bool owns_dns, int r, const char *path, char *err,
		    size_t errlen);

/* Remove the files in dir whose name starts with prefix that this run did not plan
 * (left over from NICs an earlier os.conf had). */
int net_plan_remove_stale(const struct net_ctx *c, struct plan *p, const char *dir, const char *prefix);

/* For backends owning DNS: a plain-file /etc/resolv.conf (no resolver daemon writes it) gets
 * the name servers too; a symlink is the daemon's. Adds a plan note either way. */
int net_plan_resolv_conf(const struct net_ctx *c, struct plan *p);

/* When cloud-init is installed in the root, stop it from rendering its DHCP network
 * config again (a cloud.cfg.d drop-in); os.conf is the network source from now on. */
int net_plan_cloud_init(const struct net_ctx *c, struct plan *p);

/* ifcfg-* files in dir (other than ifcfg-lo and the ones this run plans) that configure one of
 * our NICs (HWADDR= ours, or no HWADDR and DEVICE= our kernel name) get ONBOOT=no. */
int net_plan_disable_ifcfg(const struct net_ctx *c, struct plan *p, const char *dir);

/* Whether a MAC in text (any case, optional quotes) equals mac. */
bool mac_text_eq(const char *s, size_t len, const uint8_t mac[6]);
