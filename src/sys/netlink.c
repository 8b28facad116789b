/* netlink.c — rtnetlink over libmnl: every request waits for its ack; dumps of links, IPv4 addresses and routes. */
#include "sys/netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util/macros.h"

#define NL_RECV_SIZE 32768   /* the kernel's largest dump chunk */
#define NL_REQ_SIZE 512      /* every request osconf builds fits */

static void set_err(char *err, size_t errlen, int code, const char *kmsg)
{
	if (!err || !errlen)
		return;
	if (kmsg && *kmsg)
		snprintf(err, errlen, "%s (kernel: %s)", strerror(-code), kmsg);
	else
		snprintf(err, errlen, "%s", strerror(-code));
}

int nl_open(struct nl *nl, char *err, size_t errlen)
{
	struct mnl_socket *s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s) {
		int r = negerrno();
		set_err(err, errlen, r, NULL);
		return r;
	}
	int one = 1;
	/* Extended acks carry the kernel's own message; capped acks do not echo our request.
	 * Both are optional (old kernels): failure to enable them is not an error. */
	(void)mnl_socket_setsockopt(s, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(s, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = negerrno();
		mnl_socket_close(s);
		set_err(err, errlen, r, NULL);
		return r;
	}
	nl->sock = s;
	nl->portid = mnl_socket_get_portid(s);
	nl->seq = (unsigned)time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (!nl || !nl->sock)
		return;
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* NLMSG_ERROR: 0 for an ack, else the negative errno with the extended-ack message. */
static int parse_error(const struct nlmsghdr *nlh, char *err, size_t errlen)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		set_err(err, errlen, -EBADMSG, NULL);
		return -EBADMSG;
	}
	if (e->error == 0)
		return 0;
	int code = e->error < 0 ? e->error : -e->error;
	const char *kmsg = NULL;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (MNL_ALIGN(off) < mnl_nlmsg_get_payload_len(nlh))
			mnl_attr_parse(nlh, (unsigned)off, extack_cb, &kmsg);
	}
	set_err(err, errlen, code, kmsg);
	return code;
}

typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Read the answers to request seq until its ack, error or NLMSG_DONE. Data messages go
 * to cb; after a callback failure the rest is drained so the socket stays in sync. */
static int nl_wait(struct nl *nl, unsigned seq, nl_msg_cb cb, void *data, char *err, size_t errlen)
{
	char buf[NL_RECV_SIZE] __attribute__((aligned(8)));
	int ret = 0;
	bool intr = false;
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			int r = negerrno();
			set_err(err, errlen, r, NULL);
			return r;
		}
		int rem = (int)len;
		for (const struct nlmsghdr *nlh = (const void *)buf; mnl_nlmsg_ok(nlh, rem);
		     nlh = mnl_nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq != seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid))
				continue; /* a late answer to something else */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				int r = parse_error(nlh, ret ? NULL : err, errlen);
				if (!ret)
					ret = r;
				goto done;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !cb || ret)
				continue;
			ret = cb(nlh, data);
			if (ret < 0)
				set_err(err, errlen, ret, NULL);
		}
	}
done:
	if (!ret && intr) {
		set_err(err, errlen, -EAGAIN, "dump interrupted by a concurrent change");
		ret = -EAGAIN;
	}
	return ret;
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh, char *err, size_t errlen)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		int r = negerrno();
		set_err(err, errlen, r, NULL);
		return r;
	}
	return nl_wait(nl, nlh->nlmsg_seq, NULL, NULL, err, errlen);
}

/* A growable array of fixed-size records filled by a dump callback. */
struct vec {
	void *items;
	size_t n, cap, size;
};

static void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *p = realloc(v->items, cap * v->size);
		if (!p)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	void *slot = (char *)v->items + v->n++ * v->size;
	memset(slot, 0, v->size);
	return slot;
}

/* Send a dump request and collect the records; retried when the kernel says the dump
 * was interrupted by a concurrent change. */
static int nl_dump(struct nl *nl, struct nlmsghdr *nlh, nl_msg_cb cb, struct vec *v, char *err, size_t errlen)
{
	int r = -EAGAIN;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	for (int attempt = 0; attempt < 3 && r == -EAGAIN; attempt++) {
		v->n = 0;
		nlh->nlmsg_seq = ++nl->seq;
		if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
			r = negerrno();
			set_err(err, errlen, r, NULL);
			break;
		}
		r = nl_wait(nl, nlh->nlmsg_seq, cb, v, err, errlen);
	}
	if (r < 0) {
		free(v->items);
		v->items = NULL;
		v->n = 0;
	}
	return r;
}

/* ---- links ---- */

struct link_attrs {
	const struct nlattr *tb[IFLA_MAX + 1];
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);
	if (type <= IFLA_MAX)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	const char **kind = data;
	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*kind = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_attrs a = { 0 };
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &a) < 0)
		return -EBADMSG;
	struct nl_link *l = vec_push(data);
	if (!l)
		return -ENOMEM;
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (a.tb[IFLA_IFNAME] && mnl_attr_validate(a.tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) >= 0)
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a.tb[IFLA_IFNAME]));
	if (a.tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(a.tb[IFLA_ADDRESS]) == 6) {
		memcpy(l->mac, mnl_attr_get_payload(a.tb[IFLA_ADDRESS]), 6);
		l->has_mac = true;
	}
	l->enslaved = a.tb[IFLA_MASTER] != NULL;
	if (a.tb[IFLA_LINKINFO]) {
		const char *kind = NULL;
		mnl_attr_parse_nested(a.tb[IFLA_LINKINFO], linkinfo_cb, &kind);
		l->vlan = kind && streq(kind, "vlan");
	}
	return 0;
}

int nl_dump_links(struct nl *nl, struct nl_link **out, size_t *n, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	struct vec v = { .size = sizeof(struct nl_link) };
	int r = nl_dump(nl, nlh, link_cb, &v, err, errlen);
	if (r < 0)
		return r;
	*out = v.items;
	*n = v.n;
	return 0;
}

const struct nl_link *nl_link_by_mac(const struct nl_link *links, size_t n, const uint8_t mac[6])
{
	const struct nl_link *best = NULL;
	int best_score = -1;
	for (size_t i = 0; i < n; i++) {
		const struct nl_link *l = &links[i];
		if (!l->has_mac || memcmp(l->mac, mac, 6))
			continue;
		int score = (l->vlan ? 0 : 2) + (l->enslaved ? 0 : 1);
		if (score > best_score || (score == best_score && l->ifindex < best->ifindex)) {
			best = l;
			best_score = score;
		}
	}
	return best;
}

const struct nl_link *nl_link_by_name(const struct nl_link *links, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(links[i].name, name))
			return &links[i];
	return NULL;
}

/* ---- IPv4 addresses ---- */

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	if (type <= IFA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static bool attr_in_addr(const struct nlattr *a, struct in_addr *out)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*out))
		return false;
	memcpy(out, mnl_attr_get_payload(a), sizeof(*out));
	return true;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWADDR)
		return 0;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET)
		return 0;
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb) < 0)
		return -EBADMSG;
	struct in_addr local, peer;
	bool has_local = attr_in_addr(tb[IFA_LOCAL], &local), has_peer = attr_in_addr(tb[IFA_ADDRESS], &peer);
	if (!has_local && !has_peer)
		return 0;
	struct nl_addr4 *a = vec_push(data);
	if (!a)
		return -ENOMEM;
	a->ifindex = (int)ifa->ifa_index;
	a->local = has_local ? local : peer;
	a->peer = has_peer ? peer : local;
	a->prefix = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = tb[IFA_FLAGS] && mnl_attr_get_payload_len(tb[IFA_FLAGS]) == 4 ? mnl_attr_get_u32(tb[IFA_FLAGS])
										 : ifa->ifa_flags;
	return 0;
}

int nl_dump_addrs4(struct nl *nl, struct nl_addr4 **out, size_t *n, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	struct vec v = { .size = sizeof(struct nl_addr4) };
	int r = nl_dump(nl, nlh, addr_cb, &v, err, errlen);
	if (r < 0)
		return r;
	*out = v.items;
	*n = v.n;
	return 0;
}

/* ---- IPv4 routes ---- */

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	if (type <= RTA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return 0;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET)
		return 0;
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	if (mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb) < 0)
		return -EBADMSG;
	uint32_t table = rtm->rtm_table;
	if (tb[RTA_TABLE] && mnl_attr_get_payload_len(tb[RTA_TABLE]) == 4)
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN)
		return 0;
	struct nl_route4 *r = vec_push(data);
	if (!r)
		return -ENOMEM;
	r->table = table;
	r->prefix = rtm->rtm_dst_len;
	r->tos = rtm->rtm_tos;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->type = rtm->rtm_type;
	attr_in_addr(tb[RTA_DST], &r->dst);
	r->has_gw = attr_in_addr(tb[RTA_GATEWAY], &r->gw);
	if (tb[RTA_OIF] && mnl_attr_get_payload_len(tb[RTA_OIF]) == 4)
		r->oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_PRIORITY] && mnl_attr_get_payload_len(tb[RTA_PRIORITY]) == 4)
		r->priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	r->multipath = tb[RTA_MULTIPATH] != NULL;
	return 0;
}

int nl_dump_routes4(struct nl *nl, struct nl_route4 **out, size_t *n, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	struct vec v = { .size = sizeof(struct nl_route4) };
	int r = nl_dump(nl, nlh, route_cb, &v, err, errlen);
	if (r < 0)
		return r;
	*out = v.items;
	*n = v.n;
	return 0;
}

/* ---- changes ---- */

int nl_link_set_up(struct nl *nl, int ifindex, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_request(nl, nlh, err, errlen);
}

int nl_addr4(struct nl *nl, uint16_t cmd, uint16_t flags, const struct nl_addr4 *a, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = cmd;
	nlh->nlmsg_flags = flags;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = a->prefix;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (unsigned)a->ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(a->local), &a->local);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a->peer), &a->peer);
	if (cmd == RTM_NEWADDR && a->prefix < 31 && a->local.s_addr == a->peer.s_addr) {
		uint32_t mask = a->prefix ? ~0u << (32 - a->prefix) : 0;
		struct in_addr brd = { htonl(ntohl(a->local.s_addr) | ~mask) };
		mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), &brd);
	}
	return nl_request(nl, nlh, err, errlen);
}

int nl_route4(struct nl *nl, uint16_t cmd, uint16_t flags, const struct nl_route4 *r, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = cmd;
	nlh->nlmsg_flags = flags;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->prefix;
	rtm->rtm_tos = r->tos;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = cmd == RTM_DELROUTE ? RT_SCOPE_NOWHERE : r->scope;
	rtm->rtm_type = r->type;
	if (r->table >= 256)
		mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->prefix)
		mnl_attr_put(nlh, RTA_DST, sizeof(r->dst), &r->dst);
	if (r->has_gw)
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(r->gw), &r->gw);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	if (r->priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->priority);
	return nl_request(nl, nlh, err, errlen);
}
