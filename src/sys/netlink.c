/* netlink.c — rtnetlink on the kernel's own UAPI: every request waits for its ack; dumps of links, IPv4 addresses and routes. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "sys/netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sys/nlmsg.h"
#include "util/macros.h"

#define NL_RECV_SIZE 32768      /* the kernel's largest dump chunk (it sizes them by our reads) */
#define NL_REQ_SIZE 512         /* every request osconf builds fits */
#define NL_MAX_DATAGRAMS 65536  /* answers to one request: far beyond the largest routing table */
#define NL_TIMEOUT_SEC 30       /* one read; the kernel answers at once unless the rtnl lock is held */

static int fail(char *err, size_t errlen, int code, const char *kmsg)
{
	if (err && errlen) {
		if (kmsg && *kmsg)
			snprintf(err, errlen, "%s (kernel: %s)", strerror(-code), kmsg);
		else
			snprintf(err, errlen, "%s", strerror(-code));
	}
	return code;
}

/* Our own explanation (not the kernel's): "why (strerror)". */
static int fail_why(char *err, size_t errlen, int code, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s (%s)", why, strerror(-code));
	return code;
}

int nl_open(struct nl *nl, char *err, size_t errlen)
{
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return fail(err, errlen, negerrno(), NULL);
	if (fd < 3) {
		/* 0 means "not open" in struct nl (zeroed structs); keep off stdin/out/err too */
		int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (moved < 0)
			return fail(err, errlen, negerrno(), NULL);
		close(fd);
		fd = moved;
	}
	int one = 1;
	/* Extended acks (4.12) carry the kernel's own message; capped acks (4.3) do not echo our
	 * request. Both are optional (old kernels): failure to enable them is not an error. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	struct timeval tv = { .tv_sec = NL_TIMEOUT_SEC };
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return fail(err, errlen, negerrno(), NULL);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = 0 }; /* the kernel picks the portid */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(err, errlen, negerrno(), NULL);
	socklen_t salen = sizeof(sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) < 0)
		return fail(err, errlen, negerrno(), NULL);
	if (salen != sizeof(sa) || sa.nl_family != AF_NETLINK)
		return fail_why(err, errlen, -EPROTO, "getsockname: not a netlink address");
	nl->portid = sa.nl_pid;
	nl->seq = (unsigned)time(NULL);
	nl->sock = TAKE_FD(fd);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (!nl || nl->sock <= 0)
		return;
	close(nl->sock);
	nl->sock = 0;
}

static int nl_send(struct nl *nl, const struct nlmsghdr *nlh, char *err, size_t errlen)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	for (int tries = 0; tries < 100; tries++) {
		ssize_t n = sendto(nl->sock, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
		if (n >= 0)
			return (size_t)n == nlh->nlmsg_len ? 0 : fail(err, errlen, -EIO, NULL);
		if (errno != EINTR)
			return fail(err, errlen, negerrno(), NULL);
	}
	return fail(err, errlen, -EINTR, NULL);
}

/* One datagram: its length, 0 for one to ignore (not from the kernel, or interrupted), or
 * negative errno; one cut short by the buffer is an error (its rest is lost). */
static ssize_t nl_recv(struct nl *nl, void *buf, size_t size, char *err, size_t errlen)
{
	struct sockaddr_nl from = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t len = recvmsg(nl->sock, &mh, 0);
	if (len < 0) {
		if (errno == EINTR)
			return 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return fail_why(err, errlen, -ETIMEDOUT, "no answer from the kernel");
		return fail(err, errlen, negerrno(), NULL);
	}
	if (mh.msg_flags & MSG_TRUNC)
		return fail_why(err, errlen, -EMSGSIZE, "reply truncated");
	if (mh.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0)
		return 0;
	return len;
}

typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Read the answers to request seq until its ack, error or NLMSG_DONE. Data messages go
 * to cb; after a callback failure the rest is drained so the socket stays in sync. A
 * malformed datagram ends the wait at once: what is left of the answer carries our old
 * sequence number, which the next wait skips. */
static int nl_wait(struct nl *nl, unsigned seq, nl_msg_cb cb, void *data, char *err, size_t errlen)
{
	char buf[NL_RECV_SIZE] __attribute__((aligned(8)));
	int ret = 0;
	bool intr = false;
	for (unsigned count = 0; count < NL_MAX_DATAGRAMS; count++) {
		ssize_t len = nl_recv(nl, buf, sizeof(buf), err, errlen);
		if (len < 0)
			return (int)len;
		size_t off = 0;
		const struct nlmsghdr *nlh;
		int more;
		while ((more = nl_msg_next(buf, (size_t)len, &off, &nlh)) > 0) {
			if (nlh->nlmsg_seq != seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != nl->portid))
				continue; /* a late answer to something else */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
				const char *kmsg;
				int r = nl_msg_status(nlh, &kmsg);
				if (!ret && r < 0)
					ret = fail(err, errlen, r, kmsg);
				goto done;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !cb || ret)
				continue;
			ret = cb(nlh, data);
			if (ret < 0)
				fail_why(err, errlen, ret, ret == -EBADMSG ? "malformed message" : "cannot keep the answer");
		}
		if (more < 0)
			return fail_why(err, errlen, more, "malformed reply");
	}
	return fail_why(err, errlen, -EOVERFLOW, "too many replies");
done:
	if (!ret && intr)
		ret = fail_why(err, errlen, -EAGAIN, "dump interrupted by a concurrent change");
	return ret;
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh, char *err, size_t errlen)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	int r = nl_send(nl, nlh, err, errlen);
	if (r < 0)
		return r;
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
		r = nl_send(nl, nlh, err, errlen);
		if (r < 0)
			break;
		r = nl_wait(nl, nlh->nlmsg_seq, cb, v, err, errlen);
	}
	if (r < 0) {
		free(v->items);
		v->items = NULL;
		v->n = 0;
	}
	return r;
}

/* Dump with the request in req (built by the caller) into a fresh array of records. */
static int nl_dump_into(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, size_t size, void **out, size_t *n,
			char *err, size_t errlen)
{
	struct vec v = { .size = size };
	int r = nl_dump(nl, req, cb, &v, err, errlen);
	if (r < 0)
		return r;
	*out = v.items;
	*n = v.n;
	return 0;
}

/* ---- links ---- */

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	const struct ifinfomsg *ifi = nl_msg_fixed(nlh, sizeof(*ifi));
	const struct rtattr *tb[IFLA_MAX + 1];
	if (!ifi || nl_msg_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX) < 0)
		return -EBADMSG;
	const char *kind = NULL;
	if (tb[IFLA_LINKINFO]) {
		const struct rtattr *info[IFLA_INFO_MAX + 1];
		if (nl_attr_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO]) < 0)
			return -EBADMSG;
		kind = nl_attr_str(info[IFLA_INFO_KIND]);
	}
	struct nl_link *l = vec_push(data);
	if (!l)
		return -ENOMEM;
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	const char *name = nl_attr_str(tb[IFLA_IFNAME]);
	if (name)
		snprintf(l->name, sizeof(l->name), "%s", name);
	l->has_mac = nl_attr_bytes(tb[IFLA_ADDRESS], l->mac, sizeof(l->mac));
	l->enslaved = tb[IFLA_MASTER] != NULL;
	l->vlan = kind && streq(kind, "vlan");
	return 0;
}

int nl_dump_links(struct nl *nl, struct nl_link **out, size_t *n, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg_init(buf, sizeof(buf), RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	int r = nl_attr_put_u32(nlh, sizeof(buf), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (r < 0)
		return fail(err, errlen, r, NULL);
	return nl_dump_into(nl, nlh, link_cb, sizeof(**out), (void **)out, n, err, errlen);
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

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWADDR)
		return 0;
	const struct ifaddrmsg *ifa = nl_msg_fixed(nlh, sizeof(*ifa));
	if (!ifa)
		return -EBADMSG;
	if (ifa->ifa_family != AF_INET)
		return 0;
	const struct rtattr *tb[IFA_MAX + 1];
	if (nl_msg_attrs(nlh, sizeof(*ifa), tb, IFA_MAX) < 0)
		return -EBADMSG;
	struct in_addr local, peer;
	bool has_local = nl_attr_bytes(tb[IFA_LOCAL], &local, sizeof(local));
	bool has_peer = nl_attr_bytes(tb[IFA_ADDRESS], &peer, sizeof(peer));
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
	if (!nl_attr_u32(tb[IFA_FLAGS], &a->flags))
		a->flags = ifa->ifa_flags;
	return 0;
}

int nl_dump_addrs4(struct nl *nl, struct nl_addr4 **out, size_t *n, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = nl_msg_init(buf, sizeof(buf), RTM_GETADDR, 0, sizeof(*ifa), (void **)&ifa);
	ifa->ifa_family = AF_INET;
	return nl_dump_into(nl, nlh, addr_cb, sizeof(**out), (void **)out, n, err, errlen);
}

/* ---- IPv4 routes ---- */

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return 0;
	const struct rtmsg *rtm = nl_msg_fixed(nlh, sizeof(*rtm));
	if (!rtm)
		return -EBADMSG;
	if (rtm->rtm_family != AF_INET)
		return 0;
	const struct rtattr *tb[RTA_MAX + 1];
	if (nl_msg_attrs(nlh, sizeof(*rtm), tb, RTA_MAX) < 0)
		return -EBADMSG;
	uint32_t table = rtm->rtm_table;
	nl_attr_u32(tb[RTA_TABLE], &table);
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
	nl_attr_bytes(tb[RTA_DST], &r->dst, sizeof(r->dst));
	r->has_gw = nl_attr_bytes(tb[RTA_GATEWAY], &r->gw, sizeof(r->gw));
	uint32_t oif;
	if (nl_attr_u32(tb[RTA_OIF], &oif))
		r->oif = (int)oif;
	nl_attr_u32(tb[RTA_PRIORITY], &r->priority);
	r->multipath = tb[RTA_MULTIPATH] != NULL;
	return 0;
}

int nl_dump_routes4(struct nl *nl, struct nl_route4 **out, size_t *n, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct rtmsg *rtm;
	struct nlmsghdr *nlh = nl_msg_init(buf, sizeof(buf), RTM_GETROUTE, 0, sizeof(*rtm), (void **)&rtm);
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	return nl_dump_into(nl, nlh, route_cb, sizeof(**out), (void **)out, n, err, errlen);
}

/* ---- changes ---- */

int nl_link_set_up(struct nl *nl, int ifindex, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg_init(buf, sizeof(buf), RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_request(nl, nlh, err, errlen);
}

int nl_addr4(struct nl *nl, uint16_t cmd, uint16_t flags, const struct nl_addr4 *a, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = nl_msg_init(buf, sizeof(buf), cmd, flags, sizeof(*ifa), (void **)&ifa);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = a->prefix;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (unsigned)a->ifindex;
	int r = nl_attr_put(nlh, sizeof(buf), IFA_LOCAL, &a->local, sizeof(a->local));
	if (!r)
		r = nl_attr_put(nlh, sizeof(buf), IFA_ADDRESS, &a->peer, sizeof(a->peer));
	if (!r && cmd == RTM_NEWADDR && a->prefix < 31 && a->local.s_addr == a->peer.s_addr) {
		uint32_t mask = a->prefix ? ~0u << (32 - a->prefix) : 0;
		struct in_addr brd = { htonl(ntohl(a->local.s_addr) | ~mask) };
		r = nl_attr_put(nlh, sizeof(buf), IFA_BROADCAST, &brd, sizeof(brd));
	}
	return r < 0 ? fail(err, errlen, r, NULL) : nl_request(nl, nlh, err, errlen);
}

int nl_route4(struct nl *nl, uint16_t cmd, uint16_t flags, const struct nl_route4 *r, char *err, size_t errlen)
{
	char buf[NL_REQ_SIZE] __attribute__((aligned(8)));
	struct rtmsg *rtm;
	struct nlmsghdr *nlh = nl_msg_init(buf, sizeof(buf), cmd, flags, sizeof(*rtm), (void **)&rtm);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->prefix;
	rtm->rtm_tos = r->tos;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = cmd == RTM_DELROUTE ? RT_SCOPE_NOWHERE : r->scope;
	rtm->rtm_type = r->type;
	int e = 0;
	if (!e && r->table >= 256)
		e = nl_attr_put_u32(nlh, sizeof(buf), RTA_TABLE, r->table);
	if (!e && r->prefix)
		e = nl_attr_put(nlh, sizeof(buf), RTA_DST, &r->dst, sizeof(r->dst));
	if (!e && r->has_gw)
		e = nl_attr_put(nlh, sizeof(buf), RTA_GATEWAY, &r->gw, sizeof(r->gw));
	if (!e && r->oif)
		e = nl_attr_put_u32(nlh, sizeof(buf), RTA_OIF, (uint32_t)r->oif);
	if (!e && r->priority)
		e = nl_attr_put_u32(nlh, sizeof(buf), RTA_PRIORITY, r->priority);
	return e < 0 ? fail(err, errlen, e, NULL) : nl_request(nl, nlh, err, errlen);
}
