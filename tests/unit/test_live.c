/* test_live.c — the live target's decisions: model + a synthetic kernel state → rtnetlink operations. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf/validate.h"
#include "net/live.h"

/* A kernel state built up by each test. */
struct fake {
	struct nl_link links[8];
	struct nl_addr4 addrs[16];
	struct nl_route4 routes[16];
	size_t nl, na, nr;
};

static struct in_addr ip(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void link_add(struct fake *f, int ifindex, const char *name, uint8_t last, bool up)
{
	struct nl_link *l = &f->links[f->nl++];
	*l = (struct nl_link){ .ifindex = ifindex, .has_mac = true, .flags = up ? IFF_UP : 0 };
	snprintf(l->name, sizeof(l->name), "%s", name);
	memcpy(l->mac, (uint8_t[]){ 0x00, 0x8c, 0xfa, 0x5e, 0x14, last }, 6);
}

static void addr_add(struct fake *f, int ifindex, const char *a, uint8_t prefix, bool secondary)
{
	f->addrs[f->na++] = (struct nl_addr4){ .ifindex = ifindex, .local = ip(a), .peer = ip(a), .prefix = prefix,
					       .flags = IFA_F_PERMANENT | (secondary ? IFA_F_SECONDARY : 0) };
}

static void route_add(struct fake *f, int oif, const char *dst, uint8_t prefix, const char *gw, uint8_t proto,
		      uint32_t metric)
{
	f->routes[f->nr++] = (struct nl_route4){
		.dst = ip(dst), .prefix = prefix, .protocol = proto, .scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
		.type = RTN_UNICAST, .has_gw = gw != NULL, .gw = gw ? ip(gw) : (struct in_addr){ 0 }, .oif = oif,
		.table = RT_TABLE_MAIN, .priority = metric,
	};
}

/* The classic sample, applied: what the kernel shows afterwards. */
static void classic_applied(struct fake *f)
{
	link_add(f, 2, "ens5", 0x23, true);
	link_add(f, 3, "ens6", 0x24, true);
	addr_add(f, 2, "10.171.254.123", 24, false);
	addr_add(f, 3, "42.120.74.105", 24, false);
	route_add(f, 2, "10.171.254.0", 24, NULL, RTPROT_KERNEL, 0);
	route_add(f, 3, "42.120.74.0", 24, NULL, RTPROT_KERNEL, 0);
	route_add(f, 2, "10.0.0.0", 8, "10.171.254.1", LIVE_RTPROT, 0);
	route_add(f, 2, "172.16.0.0", 12, "10.171.254.1", LIVE_RTPROT, 0);
	route_add(f, 3, "0.0.0.0", 0, "42.120.74.1", LIVE_RTPROT, 0);
}

static const char classic[] = "eth0_ip_addr=10.171.254.123\n"
			      "eth0_mac_addr=00:8c:fa:5e:14:23\n"
			      "eth0_netmask=255.255.255.0\n"
			      "eth0_gateway=10.171.254.1\n"
			      "eth0_route=\"10.0.0.0/8 10.171.254.1;172.16.0.0/12 10.171.254.1\"\n"
			      "eth1_ip_addr=42.120.74.105\n"
			      "eth1_mac_addr=00:8c:fa:5e:14:24\n"
			      "eth1_netmask=255.255.255.0\n"
			      "eth1_gateway=42.120.74.1\n"
			      "eth1_route=\"0.0.0.0/0 42.120.74.1\"\n";

/* Run live_compute and return its operations as `ip` lines (caller frees); notes optional. */
static char *compute(const char *conf, const struct fake *f, char **notes_out)
{
	struct osconf_model m;
	struct diags d = { 0 };
	model_init(&m);
	assert_int_equal(conf_load(conf, strlen(conf), &m, &d), 0);
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].severity == DIAG_ERROR)
			fail_msg("conf error line %u: %s", d.items[i].line, d.items[i].msg);
	struct live_state st = { f->links, f->nl, f->addrs, f->na, f->routes, f->nr };
	struct live_ops ops = { 0 };
	struct buf notes = BUF_INIT;
	assert_int_equal(live_compute(&m, &st, &ops, &notes), 0);
	struct buf out = BUF_INIT;
	buf_puts(&out, "");
	for (size_t i = 0; i < ops.n; i++) {
		char line[200];
		live_op_format(&ops.items[i], line, sizeof(line));
		buf_printf(&out, "%s\n", line);
	}
	live_ops_free(&ops);
	if (notes_out)
		*notes_out = notes.data ? notes.data : strdup("");
	else
		buf_free(&notes);
	diags_free(&d);
	model_free(&m);
	return out.data;
}

static void want_ops(const char *conf, const struct fake *f, const char *expected)
{
	char *got = compute(conf, f, NULL);
	if (strcmp(got, expected)) {
		print_error("expected:\n%s\ngot:\n%s\n", expected, got);
		free(got);
		fail_msg("operations differ");
	}
	free(got);
}

static void test_fresh_classic(void **state)
{
	(void)state;
	struct fake f = { 0 };
	link_add(&f, 2, "ens5", 0x23, false);
	link_add(&f, 3, "ens6", 0x24, false);
	want_ops(classic, &f,
		 "ip link set dev ens5 up\n"
		 "ip addr add 10.171.254.123/24 dev ens5\n"
		 "ip route replace 10.0.0.0/8 via 10.171.254.1 dev ens5 proto 111\n"
		 "ip route replace 172.16.0.0/12 via 10.171.254.1 dev ens5 proto 111\n"
		 "ip link set dev ens6 up\n"
		 "ip addr add 42.120.74.105/24 dev ens6\n"
		 "ip route replace default via 42.120.74.1 dev ens6 proto 111\n");
}

static void test_applied_is_noop(void **state)
{
	(void)state;
	struct fake f = { 0 };
	classic_applied(&f);
	want_ops(classic, &f, "");
}

static void test_changed_address_reasserts_routes(void **state)
{
	(void)state;
	struct fake f = { 0 };
	classic_applied(&f);
	addr_add(&f, 2, "10.171.254.99", 24, true); /* someone's secondary on eth0 */
	addr_add(&f, 2, "192.168.1.1", 24, false);
	/* Secondaries go first; then the configured address is re-asserted (deleting a primary
	 * may take its secondaries along) and the NIC's routes with it. */
	want_ops(classic, &f,
		 "ip addr del 10.171.254.99/24 dev ens5\n"
		 "ip addr del 192.168.1.1/24 dev ens5\n"
		 "ip addr replace 10.171.254.123/24 dev ens5\n"
		 "ip route replace 10.0.0.0/8 via 10.171.254.1 dev ens5 proto 111\n"
		 "ip route replace 172.16.0.0/12 via 10.171.254.1 dev ens5 proto 111\n");
}

static void test_leased_address_made_permanent(void **state)
{
	(void)state;
	struct fake f = { 0 };
	classic_applied(&f);
	f.addrs[1].flags = 0; /* 42.120.74.105 from a DHCP lease: it would expire */
	want_ops(classic, &f, "ip addr replace 42.120.74.105/24 dev ens6\n");
}

static void test_stale_and_foreign_routes(void **state)
{
	(void)state;
	struct fake f = { 0 };
	classic_applied(&f);
	route_add(&f, 2, "192.0.2.0", 24, "10.171.254.1", LIVE_RTPROT, 0);   /* ours, no longer wanted */
	route_add(&f, 3, "198.51.100.0", 24, "42.120.74.1", RTPROT_BOOT, 0); /* someone else's */
	route_add(&f, 2, "10.0.0.0", 8, "10.171.254.1", LIVE_RTPROT, 50);   /* ours, other metric */
	want_ops(classic, &f,
		 "ip route del 192.0.2.0/24 via 10.171.254.1 dev ens5 proto 111\n"
		 "ip route del 10.0.0.0/8 via 10.171.254.1 dev ens5 proto 111 metric 50\n");
}

static void test_route_taken_over(void **state)
{
	(void)state;
	struct fake f = { 0 };
	classic_applied(&f);
	f.routes[2].gw = ip("10.171.254.2"); /* 10.0.0.0/8: different gateway */
	f.routes[3].protocol = RTPROT_BOOT;  /* 172.16.0.0/12: same, but not ours */
	want_ops(classic, &f,
		 "ip route replace 10.0.0.0/8 via 10.171.254.1 dev ens5 proto 111\n"
		 "ip route replace 172.16.0.0/12 via 10.171.254.1 dev ens5 proto 111\n");
}

static void test_one_default_route(void **state)
{
	(void)state;
	struct fake f = { 0 };
	classic_applied(&f);
	route_add(&f, 2, "0.0.0.0", 0, "10.171.254.1", RTPROT_DHCP, 100);
	f.routes[4].oif = 2; /* our default on the wrong NIC */
	f.routes[4].gw = ip("10.171.254.1");
	want_ops(classic, &f,
		 "ip route replace default via 42.120.74.1 dev ens6 proto 111\n"
		 "ip route del default via 10.171.254.1 dev ens5 proto 16 metric 100\n");
}

static void test_missing_nic_last(void **state)
{
	(void)state;
	struct fake f = { 0 };
	link_add(&f, 3, "ens6", 0x24, true);
	addr_add(&f, 3, "42.120.74.105", 24, false);
	route_add(&f, 3, "42.120.74.0", 24, NULL, RTPROT_KERNEL, 0);
	route_add(&f, 3, "0.0.0.0", 0, "42.120.74.1", LIVE_RTPROT, 0);
	route_add(&f, 3, "10.0.0.0", 8, "42.120.74.1", LIVE_RTPROT, 0); /* eth0's key: not stale */
	want_ops(classic, &f, "# eth0: no network interface has MAC 00:8c:fa:5e:14:23 (not configured)\n");

	/* the default route's NIC is missing: the existing defaults are left alone */
	struct fake g = { 0 };
	link_add(&g, 2, "ens5", 0x23, true);
	addr_add(&g, 2, "10.171.254.123", 24, false);
	route_add(&g, 2, "0.0.0.0", 0, "10.171.254.1", RTPROT_DHCP, 100);
	route_add(&g, 2, "0.0.0.0", 0, "10.171.254.1", LIVE_RTPROT, 0);
	want_ops(classic, &g,
		 "ip route replace 10.0.0.0/8 via 10.171.254.1 dev ens5 proto 111\n"
		 "ip route replace 172.16.0.0/12 via 10.171.254.1 dev ens5 proto 111\n"
		 "# eth1: no network interface has MAC 00:8c:fa:5e:14:24 (not configured)\n");
}

static void test_gateway_outside_subnet(void **state)
{
	(void)state;
	struct fake f = { 0 };
	link_add(&f, 2, "eth0", 0x23, true);
	char *notes;
	char *got = compute("eth0_ip_addr=10.0.0.2\neth0_netmask=255.255.255.0\n"
			    "eth0_route=\"0.0.0.0/0 10.0.1.1;10.8.0.0/16 10.0.1.1;10.0.0.0/24 10.0.0.1\"\n",
			    &f, &notes);
	assert_string_equal(got, "ip addr add 10.0.0.2/24 dev eth0\n"
				 "ip route replace 10.0.1.1 dev eth0 scope link proto 111\n"
				 "ip route replace 10.8.0.0/16 via 10.0.1.1 dev eth0 proto 111\n"
				 "ip route replace default via 10.0.1.1 dev eth0 proto 111\n");
	assert_non_null(strstr(notes, "matched by name"));
	assert_non_null(strstr(notes, "gateway 10.0.1.1 is outside 10.0.0.2/24"));
	assert_non_null(strstr(notes, "10.0.0.0/24 is eth0's own subnet"));
	free(got);
	free(notes);
}

static void test_kernel_routes_kept(void **state)
{
	(void)state;
	struct fake f = { 0 };
	classic_applied(&f);
	/* eth0 lists eth1's connected subnet: the kernel's route stays */
	char conf[1024];
	snprintf(conf, sizeof(conf), "%seth0_route=\"42.120.74.0/24 10.171.254.1;10.0.0.0/8 10.171.254.1\"\n",
		 classic);
	want_ops(conf, &f, "ip route del 172.16.0.0/12 via 10.171.254.1 dev ens5 proto 111\n");
}

static void test_mac_lookup(void **state)
{
	(void)state;
	struct nl_link l[3] = {
		{ .ifindex = 5, .name = "eth0.100", .has_mac = true, .vlan = true },
		{ .ifindex = 7, .name = "ens5", .has_mac = true },
		{ .ifindex = 6, .name = "other", .has_mac = true },
	};
	uint8_t mac[6] = { 0x00, 0x8c, 0xfa, 0x5e, 0x14, 0x23 };
	memcpy(l[0].mac, mac, 6);
	memcpy(l[1].mac, mac, 6);
	l[2].mac[0] = 2;
	const struct nl_link *got = nl_link_by_mac(l, 3, mac);
	assert_non_null(got);
	assert_string_equal(got->name, "ens5");
	mac[5] = 0x99;
	assert_null(nl_link_by_mac(l, 3, mac));
	assert_string_equal(nl_link_by_name(l, 3, "other")->name, "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_classic),
		cmocka_unit_test(test_applied_is_noop),
		cmocka_unit_test(test_changed_address_reasserts_routes),
		cmocka_unit_test(test_leased_address_made_permanent),
		cmocka_unit_test(test_stale_and_foreign_routes),
		cmocka_unit_test(test_route_taken_over),
		cmocka_unit_test(test_one_default_route),
		cmocka_unit_test(test_missing_nic_last),
		cmocka_unit_test(test_gateway_outside_subnet),
		cmocka_unit_test(test_kernel_routes_kept),
		cmocka_unit_test(test_mac_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
