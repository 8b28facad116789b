/* test_netlink.c — the rtnetlink helper against the real kernel, in a private network namespace (root). */
#define _GNU_SOURCE
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sys/netlink.h"

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
		cmocka_unit_test(test_links_by_mac),
		cmocka_unit_test(test_addresses_and_routes),
		cmocka_unit_test(test_extended_ack),
	};
	/* Everything happens in a fresh network namespace; nothing touches the host's network. */
	if (getuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		printf("1..0 # SKIP needs root and a network namespace\n");
		return 0;
	}
	if (system("ip link add t0 type veth peer name t0p && ip link set t0 address 00:8c:fa:5e:14:23 && "
		   "ip link set t0p up") != 0) {
		printf("1..0 # SKIP cannot create a veth pair (ip from iproute2)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
