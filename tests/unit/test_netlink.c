/* test_netlink.c — netlink messages against malformed input, and the rtnetlink helper against the real kernel in a private network namespace (root). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sys/netlink.h"
#include "sys/nlmsg.h"

static bool netns; /* main() made a namespace with the veth pair t0/t0p */

/* ---- messages and attributes (no kernel) ---- */

#define ALIGNED __attribute__((aligned(8)))

/* A raw attribute header at p (for building malformed input by hand). */
static void raw_attr(void *p, uint16_t len, uint16_t type)
{
	struct rtattr a = { .rta_len = len, .rta_type = type };
	memcpy(p, &a, sizeof(a));
}

/* n bytes of src copied to the very end of a page whose next page is unmapped: a read past
 * them faults instead of passing unnoticed. */
static const void *guarded(const void *src, size_t n)
{
	static char *pages;
	long pg = sysconf(_SC_PAGESIZE);
	if (!pages) {
		pages = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(pages != MAP_FAILED);
		assert_int_equal(mprotect(pages + pg, (size_t)pg, PROT_NONE), 0);
	}
	assert_true(n <= (size_t)pg);
	return memcpy(pages + pg - n, src, n);
}

static void test_attr_put_bounds(void **state)
{
	(void)state;
	char buf[64] ALIGNED;
	memset(buf, 0xAA, sizeof(buf));
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh = nl_msg_init(buf, 40, RTM_NEWADDR, 0, sizeof(*ifa), (void **)&ifa);
	assert_non_null(nlh);
	assert_int_equal(nlh->nlmsg_len, NLMSG_LENGTH(sizeof(*ifa)));  /* 24 */
	assert_int_equal(nl_attr_put_u32(nlh, 40, IFA_FLAGS, 7), 0);   /* 32 */
	/* 5 bytes need 12 with padding: only 8 are left */
	assert_int_equal(nl_attr_put(nlh, 40, IFA_LABEL, "eth0", 5), -EMSGSIZE);
	assert_int_equal(nl_attr_put(nlh, 40, IFA_LOCAL, "\x0a\0\0\x02", 4), 0); /* exactly full: 40 */
	assert_int_equal(nlh->nlmsg_len, 40);
	assert_int_equal(nl_attr_put(nlh, 40, IFA_ADDRESS, NULL, 0), -EMSGSIZE);
	assert_int_equal(nl_attr_put_u32(nlh, 40, IFA_FLAGS, 1), -EMSGSIZE);
	assert_int_equal(nlh->nlmsg_len, 40);
	for (size_t i = 40; i < sizeof(buf); i++)
		assert_int_equal((unsigned char)buf[i], 0xAA); /* nothing written past the buffer's size */
	/* rta_len is 16 bits: a payload it cannot describe is refused, however large the buffer */
	static char big[70000] ALIGNED;
	nlh = nl_msg_init(big, sizeof(big), RTM_NEWADDR, 0, sizeof(*ifa), NULL);
	assert_int_equal(nl_attr_put(nlh, sizeof(big), IFA_LABEL, big + 65536, 65532), -EMSGSIZE);
	assert_int_equal(nl_msg_init(buf, NLMSG_SPACE(sizeof(*ifa)) - 1, RTM_NEWADDR, 0, sizeof(*ifa), NULL), NULL);

	/* what was put parses back */
	nlh = nl_msg_init(buf, sizeof(buf), RTM_NEWADDR, 0, sizeof(*ifa), NULL);
	assert_int_equal(nl_attr_put(nlh, sizeof(buf), IFA_LABEL, "eth0", 5), 0);
	assert_int_equal(nl_attr_put_u32(nlh, sizeof(buf), IFA_FLAGS, 0x80), 0);
	const struct rtattr *tb[IFA_MAX + 1];
	assert_int_equal(nl_msg_attrs(nlh, sizeof(*ifa), tb, IFA_MAX), 0);
	assert_string_equal(nl_attr_str(tb[IFA_LABEL]), "eth0");
	uint32_t flags = 0;
	assert_true(nl_attr_u32(tb[IFA_FLAGS], &flags));
	assert_int_equal(flags, 0x80);
	assert_false(nl_attr_u32(tb[IFA_LABEL], &flags)); /* 5 bytes are not a u32 */
	assert_null(tb[IFA_LOCAL]);
}

static void test_attr_parse_malformed(void **state)
{
	(void)state;
	char b[32] ALIGNED = { 0 };
	const struct rtattr *tb[4];
	raw_attr(b, 8, 1);
	raw_attr(b + 8, 5, 2 | NLA_F_NESTED); /* flag bits are not part of the type */
	raw_attr(b + 16, 4, 9);               /* above max: skipped */
	assert_int_equal(nl_attr_parse(tb, 3, b, 20), 0);
	assert_ptr_equal(tb[1], b);
	assert_ptr_equal(tb[2], b + 8);
	assert_null(tb[3]);
	/* the last attribute may end without its padding */
	assert_int_equal(nl_attr_parse(tb, 3, b, 13), 0);
	assert_ptr_equal(tb[2], b + 8);

	/* truncated: leftover bytes too few for a header (their header is not even read), or an
	 * attribute cut by the end */
	assert_int_equal(nl_attr_parse(tb, 3, guarded(b, 10), 10), -EBADMSG);
	assert_int_equal(nl_attr_parse(tb, 3, guarded(b, 2), 2), -EBADMSG);
	assert_int_equal(nl_attr_parse(tb, 3, guarded(b, 1), 1), -EBADMSG);
	assert_int_equal(nl_attr_parse(tb, 3, b, 12), -EBADMSG); /* second claims 5, 4 are left */
	assert_null(tb[1]);                                       /* nothing half-parsed is left */
	/* a length beyond the message */
	raw_attr(b, 200, 1);
	assert_int_equal(nl_attr_parse(tb, 3, guarded(b, sizeof(b)), sizeof(b)), -EBADMSG);
	/* zero length (would never advance) and lengths shorter than the header */
	raw_attr(b, 0, 1);
	assert_int_equal(nl_attr_parse(tb, 3, b, sizeof(b)), -EBADMSG);
	raw_attr(b, 3, 1);
	assert_int_equal(nl_attr_parse(tb, 3, b, sizeof(b)), -EBADMSG);
	raw_attr(b, 8, 1);
	raw_attr(b + 8, 0, 2);
	assert_int_equal(nl_attr_parse(tb, 3, b, sizeof(b)), -EBADMSG);
	/* nothing at all is fine */
	assert_int_equal(nl_attr_parse(tb, 3, b, 0), 0);

	/* typed reads check the payload size; strings need their NUL inside the attribute */
	char s[12] ALIGNED;
	raw_attr(s, 8, 1);
	memcpy(s + 4, "eth0", 4);                  /* no NUL */
	memcpy(s + 8, "\0\0\0\0", 4);            /* (one just behind it) */
	assert_null(nl_attr_str((const struct rtattr *)s));
	raw_attr(s, 4, 1);
	assert_null(nl_attr_str((const struct rtattr *)s));
	uint8_t mac[6] = { 0 };
	raw_attr(s, 9, 1);
	assert_false(nl_attr_bytes((const struct rtattr *)s, mac, sizeof(mac)));
	assert_null(nl_attr_str(NULL));
}

static void test_attr_nested_overflow(void **state)
{
	(void)state;
	/* IFLA_LINKINFO (12 bytes: one 8-byte IFLA_INFO_KIND) followed by IFLA_IFNAME */
	char b[32] ALIGNED = { 0 };
	raw_attr(b, 12, IFLA_LINKINFO | NLA_F_NESTED);
	raw_attr(b + 4, 8, IFLA_INFO_KIND);
	memcpy(b + 8, "vlan", 4);
	raw_attr(b + 12, 8, IFLA_IFNAME);
	memcpy(b + 16, "t0\0", 3);
	const struct rtattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	assert_int_equal(nl_attr_parse(tb, IFLA_MAX, b, 20), 0);
	assert_int_equal(nl_attr_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO]), 0);
	assert_non_null(info[IFLA_INFO_KIND]);
	assert_null(nl_attr_str(info[IFLA_INFO_KIND])); /* "vlan" without its NUL */
	/* the inner attribute claims more than the nest holds (though the message has it) */
	raw_attr(b + 4, 16, IFLA_INFO_KIND);
	assert_int_equal(nl_attr_parse(tb, IFLA_MAX, b, 20), 0);
	assert_int_equal(nl_attr_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO]), -EBADMSG);
	/* a nest that claims more than the message holds is caught by the outer parse */
	raw_attr(b, 24, IFLA_LINKINFO | NLA_F_NESTED);
	assert_int_equal(nl_attr_parse(tb, IFLA_MAX, b, 20), -EBADMSG);
	/* an empty nest is fine */
	raw_attr(b, 4, IFLA_LINKINFO);
	raw_attr(b + 4, 8, IFLA_IFNAME);
	assert_int_equal(nl_attr_parse(tb, IFLA_MAX, b, 12), 0);
	assert_int_equal(nl_attr_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO]), 0);
	assert_null(info[IFLA_INFO_KIND]);
}

static void test_msg_walk(void **state)
{
	(void)state;
	char b[64] ALIGNED = { 0 };
	struct nlmsghdr h = { .nlmsg_len = 18, .nlmsg_type = RTM_NEWLINK };
	memcpy(b, &h, sizeof(h));
	h.nlmsg_len = 16;
	memcpy(b + 20, &h, sizeof(h)); /* after the first one's padding */
	const struct nlmsghdr *m;
	size_t off = 0;
	assert_int_equal(nl_msg_next(b, 36, &off, &m), 1);
	assert_ptr_equal(m, b);
	assert_int_equal(nl_msg_next(b, 36, &off, &m), 1);
	assert_ptr_equal(m, b + 20);
	assert_int_equal(nl_msg_next(b, 36, &off, &m), 0);
	/* the last message may end without its padding */
	off = 0;
	assert_int_equal(nl_msg_next(b, 18, &off, &m), 1);
	assert_int_equal(nl_msg_next(b, 18, &off, &m), 0);
	/* leftover bytes too few for a header */
	off = 0;
	assert_int_equal(nl_msg_next(b, 44, &off, &m), 1);
	assert_int_equal(nl_msg_next(b, 44, &off, &m), 1);
	assert_int_equal(nl_msg_next(b, 44, &off, &m), -EBADMSG);
	/* a message longer than the datagram, or shorter than its own header */
	off = 0;
	assert_int_equal(nl_msg_next(b, 17, &off, &m), -EBADMSG);
	off = 0;
	assert_int_equal(nl_msg_next(b, 10, &off, &m), -EBADMSG);
	h.nlmsg_len = 0;
	memcpy(b, &h, sizeof(h));
	off = 0;
	assert_int_equal(nl_msg_next(b, 36, &off, &m), -EBADMSG);

	/* attributes are read within nlmsg_len, not the datagram */
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg_init(b, sizeof(b), RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	assert_int_equal(nl_attr_put(nlh, sizeof(b), IFLA_IFNAME, "t0", 3), 0);
	const struct rtattr *tb[IFLA_MAX + 1];
	assert_int_equal(nl_msg_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX), 0);
	assert_string_equal(nl_attr_str(tb[IFLA_IFNAME]), "t0");
	nlh->nlmsg_len -= 6; /* the attribute now runs past its message */
	assert_int_equal(nl_msg_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX), -EBADMSG);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi)) - 1; /* too short for the ifinfomsg */
	assert_null(nl_msg_fixed(nlh, sizeof(*ifi)));
	assert_int_equal(nl_msg_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX), -EBADMSG);
}

/* An NLMSG_ERROR with error code, our request's header echoed as claiming echo_len bytes
 * (echo_len 0: capped), then an NLMSGERR_ATTR_MSG of msglen bytes. */
static struct nlmsghdr *error_msg(char *b, size_t size, int code, uint32_t echo_len, const char *msg, size_t msglen)
{
	struct nlmsgerr *e;
	struct nlmsghdr *nlh = nl_msg_init(b, size, NLMSG_ERROR, 0, sizeof(*e), (void **)&e);
	e->error = code;
	e->msg.nlmsg_len = echo_len ? echo_len : NLMSG_LENGTH(sizeof(struct rtmsg));
	if (!echo_len)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		assert_int_equal(nl_attr_put(nlh, size, NLMSGERR_ATTR_MSG, msg, msglen), 0);
	}
	return nlh;
}

static void test_msg_status(void **state)
{
	(void)state;
	char b[128] ALIGNED;
	const char *kmsg = "unset";
	assert_int_equal(nl_msg_status(error_msg(b, sizeof(b), 0, 0, NULL, 0), &kmsg), 0);
	assert_null(kmsg);
	assert_int_equal(nl_msg_status(error_msg(b, sizeof(b), -EEXIST, 0, "File exists", 12), &kmsg), -EEXIST);
	assert_string_equal(kmsg, "File exists");
	/* not capped: the echoed request (only its header here) comes before the attributes */
	assert_int_equal(nl_msg_status(error_msg(b, sizeof(b), -ENODEV, NLMSG_HDRLEN, "no dev", 7), &kmsg), -ENODEV);
	assert_string_equal(kmsg, "no dev");
	/* an echo claiming more than the message holds: no message, no read beyond it */
	assert_int_equal(nl_msg_status(error_msg(b, sizeof(b), -ENODEV, 4000, "no dev", 7), &kmsg), -ENODEV);
	assert_null(kmsg);
	assert_int_equal(nl_msg_status(error_msg(b, sizeof(b), -ENODEV, UINT32_MAX, "no dev", 7), &kmsg), -ENODEV);
	assert_null(kmsg);
	/* a message without its NUL, or an attribute beyond the message */
	assert_int_equal(nl_msg_status(error_msg(b, sizeof(b), -EINVAL, 0, "abcd", 4), &kmsg), -EINVAL);
	assert_null(kmsg);
	struct nlmsghdr *nlh = error_msg(b, sizeof(b), -EINVAL, 0, "bad", 4);
	nlh->nlmsg_len -= 4;
	assert_int_equal(nl_msg_status(nlh, &kmsg), -EINVAL);
	assert_null(kmsg);
	/* too short for its struct nlmsgerr */
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	assert_int_equal(nl_msg_status(nlh, &kmsg), -EBADMSG);

	/* NLMSG_DONE: its int says whether the dump failed */
	int *v;
	nlh = nl_msg_init(b, sizeof(b), NLMSG_DONE, NLM_F_MULTI, sizeof(int), (void **)&v);
	assert_int_equal(nl_msg_status(nlh, &kmsg), 0);
	*v = -EMSGSIZE;
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	assert_int_equal(nl_attr_put(nlh, sizeof(b), NLMSGERR_ATTR_MSG, "dump too big", 13), 0);
	assert_int_equal(nl_msg_status(nlh, &kmsg), -EMSGSIZE);
	assert_string_equal(kmsg, "dump too big");
	nlh->nlmsg_len = NLMSG_HDRLEN; /* without the int */
	assert_int_equal(nl_msg_status(nlh, &kmsg), 0);
}

/* ---- against the kernel ---- */

static struct in_addr ip(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const struct nl_link *find(struct nl_link *l, size_t n, const char *name)
{
	const struct nl_link *x = nl_link_by_name(l, n, name);
	assert_non_null(x);
	return x;
}

/* Open a socket and return t0's ifindex. */
static int open_t0(struct nl *nl, char *err, size_t errlen)
{
	assert_int_equal(nl_open(nl, err, errlen), 0);
	struct nl_link *links = NULL;
	size_t n = 0;
	assert_int_equal(nl_dump_links(nl, &links, &n, err, errlen), 0);
	int ifindex = find(links, n, "t0")->ifindex;
	free(links);
	return ifindex;
}

static void test_links_by_mac(void **state)
{
	(void)state;
	if (!netns)
		skip();
	struct nl nl = NL_INIT;
	char err[200];
	assert_int_equal(nl_open(&nl, err, sizeof(err)), 0);
	struct nl_link *links = NULL;
	size_t n = 0;
	assert_int_equal(nl_dump_links(&nl, &links, &n, err, sizeof(err)), 0);
	assert_true(n >= 3); /* lo, t0, t0p */
	const struct nl_link *t0 = find(links, n, "t0");
	const struct nl_link *m = nl_link_by_mac(links, n, (uint8_t[]){ 0x00, 0x8c, 0xfa, 0x5e, 0x14, 0x23 });
	assert_ptr_equal(m, t0);
	assert_false(t0->flags & IFF_UP);
	assert_int_equal(nl_link_set_up(&nl, t0->ifindex, err, sizeof(err)), 0);
	free(links);
	assert_int_equal(nl_dump_links(&nl, &links, &n, err, sizeof(err)), 0);
	assert_true(find(links, n, "t0")->flags & IFF_UP);
	free(links);
	nl_close(&nl);
}

static void test_addresses_and_routes(void **state)
{
	(void)state;
	if (!netns)
		skip();
	struct nl nl = NL_INIT;
	char err[200];
	int ifindex = open_t0(&nl, err, sizeof(err));
	assert_int_equal(nl_link_set_up(&nl, ifindex, err, sizeof(err)), 0);

	struct nl_addr4 a = { .ifindex = ifindex, .local = ip("10.0.0.2"), .peer = ip("10.0.0.2"), .prefix = 24 };
	assert_int_equal(nl_addr4(&nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &a, err, sizeof(err)), 0);
	assert_int_equal(nl_addr4(&nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &a, err, sizeof(err)), 0);
	assert_int_equal(nl_addr4(&nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &a, err, sizeof(err)), -EEXIST);

	struct nl_addr4 *addrs = NULL;
	size_t n = 0;
	assert_int_equal(nl_dump_addrs4(&nl, &addrs, &n, err, sizeof(err)), 0);
	bool seen = false;
	for (size_t i = 0; i < n; i++)
		seen |= addrs[i].ifindex == ifindex && addrs[i].local.s_addr == a.local.s_addr && addrs[i].prefix == 24;
	assert_true(seen);
	free(addrs);

	struct nl_route4 r = { .dst = ip("10.8.0.0"), .prefix = 16, .protocol = 111, .scope = RT_SCOPE_UNIVERSE,
			       .type = RTN_UNICAST, .has_gw = true, .gw = ip("10.0.0.1"), .oif = ifindex,
			       .table = RT_TABLE_MAIN };
	assert_int_equal(nl_route4(&nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &r, err, sizeof(err)), 0);
	struct nl_route4 *routes = NULL;
	assert_int_equal(nl_dump_routes4(&nl, &routes, &n, err, sizeof(err)), 0);
	seen = false;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(routes[i].table, RT_TABLE_MAIN); /* local table filtered out */
		if (routes[i].dst.s_addr == r.dst.s_addr && routes[i].prefix == 16) {
			seen = true;
			assert_int_equal(routes[i].protocol, 111);
			assert_int_equal(routes[i].gw.s_addr, r.gw.s_addr);
			assert_int_equal(routes[i].oif, ifindex);
		}
	}
	assert_true(seen);
	free(routes);
	assert_int_equal(nl_route4(&nl, RTM_DELROUTE, 0, &r, err, sizeof(err)), 0);
	assert_int_equal(nl_route4(&nl, RTM_DELROUTE, 0, &r, err, sizeof(err)), -ESRCH);
	assert_int_equal(nl_addr4(&nl, RTM_DELADDR, 0, &a, err, sizeof(err)), 0);
	assert_int_equal(nl_addr4(&nl, RTM_DELADDR, 0, &a, err, sizeof(err)), -EADDRNOTAVAIL);
	nl_close(&nl);
}

static void test_extended_ack(void **state)
{
	(void)state;
	if (!netns)
		skip();
	struct nl nl = NL_INIT;
	char err[200];
	int ifindex = open_t0(&nl, err, sizeof(err));
	/* a gateway no address of the link covers: the kernel explains why */
	struct nl_route4 r = { .dst = ip("10.9.0.0"), .prefix = 16, .protocol = 111, .type = RTN_UNICAST,
			       .has_gw = true, .gw = ip("192.0.2.77"), .oif = ifindex, .table = RT_TABLE_MAIN };
	int ret = nl_route4(&nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &r, err, sizeof(err));
	assert_true(ret < 0);
	print_message("kernel said: %s\n", err);
	assert_non_null(strstr(err, "(kernel: "));
	/* the socket stays usable after an error */
	assert_int_equal(nl_link_set_up(&nl, ifindex, err, sizeof(err)), 0);
	nl_close(&nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attr_put_bounds),
		cmocka_unit_test(test_attr_parse_malformed),
		cmocka_unit_test(test_attr_nested_overflow),
		cmocka_unit_test(test_msg_walk),
		cmocka_unit_test(test_msg_status),
		cmocka_unit_test(test_links_by_mac),
		cmocka_unit_test(test_addresses_and_routes),
		cmocka_unit_test(test_extended_ack),
	};
	alarm(20); /* a parser that stops advancing must fail, not hang */
	/* The kernel tests happen in a fresh network namespace; nothing touches the host's network. */
	if (getuid() != 0 || unshare(CLONE_NEWNET) < 0)
		print_message("# kernel tests skipped: they need root and a network namespace\n");
	else if (system("ip link add t0 type veth peer name t0p && ip link set t0 address 00:8c:fa:5e:14:23 && "
			"ip link set t0p up") != 0)
		print_message("# kernel tests skipped: cannot create a veth pair (ip from iproute2)\n");
	else
		netns = true;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
