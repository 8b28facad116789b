/* test_validate.c — every value rule and cross-key rule of the os.conf schema. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <arpa/inet.h>

#include "conf/schema.h"
#include "conf/validate.h"

static const char classic[] = "hostname=iZ23r29djmjZ\n"
			      "password=cXdlcjEyMzQK\n"
			      "eth0_ip_addr=10.171.254.123\n"
			      "eth0_mac_addr=00:8c:fa:5e:14:23\n"
			      "eth0_netmask=255.255.255.0\n"
			      "eth0_gateway=10.171.254.1\n"
			      "eth0_route=\"10.0.0.0/8 10.171.254.1;172.16.0.0/12 10.171.254.1\"\n"
			      "eth1_ip_addr=42.120.74.105\n"
			      "eth1_mac_addr=00:8c:fa:5e:14:24\n"
			      "eth1_netmask=255.255.255.0\n"
			      "eth1_gateway=42.120.74.1\n"
			      "eth1_route=\"0.0.0.0/0 42.120.74.1\"\n"
			      "dns_nameserver=\"7.7.7.7 8.8.8.8\"\n";

static const char vpc[] = "hostname=iZ23r29djmjZ\n"
			  "password=cXdlcjEyMzQK\n"
			  "eth0_ip_addr=10.171.254.123\n"
			  "eth0_mac_addr=00:8c:fa:5e:14:23\n"
			  "eth0_netmask=255.255.255.0\n"
			  "eth0_gateway=10.171.254.1\n"
			  "eth0_route=\"0.0.0.0/0 10.171.254.1\"\n"
			  "dns_nameserver=\"7.7.7.7 8.8.8.8\"\n";

struct loaded {
	struct osconf_model m;
	struct diags d;
};

static void load(const char *text, struct loaded *l)
{
	memset(&l->d, 0, sizeof(l->d));
	model_init(&l->m);
	assert_int_equal(conf_load(text, strlen(text), &l->m, &l->d), 0);
}

static void release(struct loaded *l)
{
	model_free(&l->m);
	diags_free(&l->d);
}

static const char *ip(struct in_addr a)
{
	static char b[4][16];
	static int i;
	return inet_ntop(AF_INET, &a, b[i++ % 4], 16);
}

/* The value is invalid: exactly its section is invalid, with an error naming the needle. */
static void want_invalid(const char *text, enum section sec, const char *needle)
{
	struct loaded l;
	load(text, &l);
	bool found = false;
	for (size_t i = 0; i < l.d.n; i++)
		if (l.d.items[i].severity == DIAG_ERROR && strstr(l.d.items[i].msg, needle))
			found = true;
	if (!found || l.m.invalid != SEC_BIT(sec)) {
		print_error("input: %s\n", text);
		for (size_t i = 0; i < l.d.n; i++)
			print_error("diag %u: %s\n", l.d.items[i].line, l.d.items[i].msg);
		fail_msg("expected section %s invalid with '%s' (invalid mask %#x)", section_name(sec), needle,
			 l.m.invalid);
	}
	release(&l);
}

static void test_classic_sample(void **state)
{
	(void)state;
	struct loaded l;
	load(classic, &l);
	assert_int_equal(l.d.n, 0);
	assert_int_equal(l.m.invalid, 0);
	assert_true(l.m.classic);
	assert_string_equal(l.m.hostname, "iZ23r29djmjZ");
	assert_string_equal(l.m.password, "qwer1234"); /* trailing newline dropped */
	assert_int_equal(l.m.password_len, 8);
	assert_int_equal(l.m.nics[0].prefix, 24);
	assert_int_equal(l.m.nics[0].n_routes, 2); /* both pairs, not only the first */
	assert_string_equal(ip(l.m.nics[0].routes[1].dst), "172.16.0.0");
	assert_int_equal(l.m.nics[0].routes[1].prefix, 12);
	assert_int_equal(l.m.nics[1].n_routes, 0); /* the default route is not a plain route */
	assert_int_equal(l.m.default_nic, 1);
	assert_string_equal(ip(l.m.default_gw), "42.120.74.1");
	assert_int_equal(l.m.n_dns, 2);
	assert_string_equal(ip(l.m.dns[1]), "8.8.8.8");
	assert_int_equal(l.m.nics[1].mac[5], 0x24);
	release(&l);
}

static void test_vpc_sample(void **state)
{
	(void)state;
	struct loaded l;
	load(vpc, &l);
	assert_int_equal(l.d.n, 0);
	assert_false(l.m.classic);
	assert_int_equal(l.m.default_nic, 0);
	assert_string_equal(ip(l.m.default_gw), "10.171.254.1");
	assert_int_equal(model_nic_count(&l.m), 1);
	release(&l);
}

static void test_classic_by_keys_not_text(void **state)
{
	(void)state;
	struct loaded l;
	/* "eth1" in a value or comment does not make it classic (the sample's grep did) */
	load("# eth1\nhostname=eth1-host\neth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_gateway=10.0.0.1\n", &l);
	assert_false(l.m.classic);
	assert_int_equal(l.m.default_nic, 0); /* falls back to the public NIC's gateway */
	release(&l);
}

static void test_default_route_rules(void **state)
{
	(void)state;
	struct loaded l;
	/* classic without a 0/0 entry: eth1's gateway; never eth0's */
	load("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_gateway=10.0.0.1\n"
	     "eth1_ip_addr=42.0.0.2\neth1_netmask=24\neth1_gateway=42.0.0.1\n",
	     &l);
	assert_int_equal(l.m.default_nic, 1);
	assert_string_equal(ip(l.m.default_gw), "42.0.0.1");
	release(&l);
	/* two lists with a default: the public NIC's wins, the other is reported */
	load("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_route=\"0.0.0.0/0 10.0.0.1\"\n"
	     "eth1_ip_addr=42.0.0.2\neth1_netmask=24\neth1_route=\"0.0.0.0/0 42.0.0.1\"\n",
	     &l);
	assert_int_equal(l.m.default_nic, 1);
	assert_int_equal(diags_count(&l.d, DIAG_WARNING), 1);
	assert_non_null(strstr(l.d.items[0].msg, "default route ignored"));
	release(&l);
	/* no gateway anywhere: a warning, no default route */
	load("eth0_ip_addr=10.0.0.2\neth0_netmask=24\n", &l);
	assert_int_equal(l.m.default_nic, -1);
	assert_int_equal(diags_count(&l.d, DIAG_WARNING), 1);
	release(&l);
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_route=\"0.0.0.0/0 10.0.0.1;default 10.0.0.9\"\n",
		     SEC_NETWORK, "two different default routes");
}

static void test_many_routes(void **state)
{
	(void)state;
	struct loaded l;
	load("eth0_ip_addr=10.0.0.2\neth0_netmask=24\n"
	     "eth0_route=\"10.0.0.0/8 10.0.0.1;172.16.0.0/12 10.0.0.1;192.168.0.0/16 10.0.0.1;100.64.0.0/10 10.0.0.1;"
	     "1.2.3.4 10.0.0.1;\"\n",
	     &l);
	assert_int_equal(l.d.n, 1); /* no default route warning only */
	assert_int_equal(l.m.nics[0].n_routes, 5);
	assert_int_equal(l.m.nics[0].routes[4].prefix, 32); /* a bare address is a /32 */
	release(&l);
	load("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_gateway=10.0.0.1\n"
	     "eth0_route=\"10.0.0.0/8 10.0.0.1;10.0.0.0/8 10.0.0.1\"\n",
	     &l);
	assert_int_equal(l.m.nics[0].n_routes, 1);
	assert_int_equal(diags_count(&l.d, DIAG_WARNING), 1);
	release(&l);
}

static void test_same_destination_two_nics(void **state)
{
	(void)state;
	struct loaded l;
	load("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_route=\"192.168.0.0/16 10.0.0.1;10.0.0.0/8 10.0.0.1\"\n"
	     "eth1_ip_addr=42.0.0.2\neth1_netmask=24\neth1_route=\"0.0.0.0/0 42.0.0.1;192.168.0.0/16 42.0.0.1\"\n",
	     &l);
	assert_int_equal(l.m.invalid, 0);
	assert_int_equal(l.m.nics[0].n_routes, 1); /* kept on eth1, which owns the default route */
	assert_string_equal(ip(l.m.nics[0].routes[0].dst), "10.0.0.0");
	assert_int_equal(l.m.nics[1].n_routes, 1);
	assert_int_equal(diags_count(&l.d, DIAG_WARNING), 1);
	assert_non_null(strstr(l.d.items[0].msg, "also routed via eth1"));
	release(&l);
}

static void test_invalid_values(void **state)
{
	(void)state;
	want_invalid("hostname=-bad\n", SEC_HOSTNAME, "starts or ends");
	want_invalid("hostname=a_b\n", SEC_HOSTNAME, "'_' is not allowed");
	want_invalid("hostname=a..b\n", SEC_HOSTNAME, "empty");
	want_invalid("hostname=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", SEC_HOSTNAME, "1 to 64");
	want_invalid("hostname=\"a b\"\n", SEC_HOSTNAME, "' ' is not allowed");
	want_invalid("password=\"not*base64\"\n", SEC_PASSWORD, "not valid base64");
	want_invalid("password=YWJj\\\n", SEC_PASSWORD, "backslash");
	want_invalid("password=YQ\n", SEC_PASSWORD, "not valid base64");       /* unpadded */
	want_invalid("password=YR==\n", SEC_PASSWORD, "not valid base64");     /* non-canonical */
	want_invalid("password=Cg==\n", SEC_PASSWORD, "empty");                 /* "\n" */
	want_invalid("password=YQBi\n", SEC_PASSWORD, "NUL");                   /* "a\0b" */
	want_invalid("password=YQpiCg==\n", SEC_PASSWORD, "line break");        /* "a\nb\n" */
	want_invalid("eth0_ip_addr=10.0.0.256\neth0_netmask=24\n", SEC_NETWORK, "not a usable IPv4");
	want_invalid("eth0_ip_addr=010.0.0.1\neth0_netmask=24\n", SEC_NETWORK, "not a usable IPv4");
	want_invalid("eth0_ip_addr=10.0.0\neth0_netmask=24\n", SEC_NETWORK, "not a usable IPv4");
	want_invalid("eth0_ip_addr=127.0.0.2\neth0_netmask=24\n", SEC_NETWORK, "not a usable IPv4");
	want_invalid("eth0_ip_addr=10.0.0.0\neth0_netmask=24\n", SEC_NETWORK, "network or broadcast");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=255.0.255.0\n", SEC_NETWORK, "not contiguous");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=33\n", SEC_NETWORK, "prefix length");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=0.0.0.0\n", SEC_NETWORK, "leaves no network");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_mac_addr=00:xx:xx:xx:xx:23\n", SEC_NETWORK,
		     "not a MAC");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_mac_addr=01:00:5e:00:00:01\n", SEC_NETWORK,
		     "multicast");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_gateway=1.2.3\n", SEC_NETWORK, "gateway");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_route=\"10.0.0.1/8 10.0.0.1\"\n", SEC_NETWORK,
		     "host bits set");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_route=\"10.0.0.0/8\"\n", SEC_NETWORK,
		     "must be 'DST GW'");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_route=\"10.0.0.0/8 a b\"\n", SEC_NETWORK,
		     "must be 'DST GW'");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_route=\"10.0.0.0/8 10.0.0.1;10.0.0.0/8 10.0.0.9\"\n",
		     SEC_NETWORK, "different gateways");
	want_invalid("eth0_netmask=24\n", SEC_NETWORK, "ip_addr is missing");
	want_invalid("eth0_ip_addr=10.0.0.2\n", SEC_NETWORK, "netmask is missing");
	want_invalid("eth0_ip_addr=10.0.0.2\neth0_netmask=24\neth0_mac_addr=00:8c:fa:5e:14:23\n"
		     "eth1_ip_addr=10.1.0.2\neth1_netmask=24\neth1_mac_addr=00:8C:FA:5E:14:23\n",
		     SEC_NETWORK, "same MAC");
	want_invalid("dns_nameserver=\"7.7.7.7,8.8.8.8\"\n", SEC_DNS, "not a usable IPv4 name server");
	want_invalid("dns_nameserver=\"0.0.0.0\"\n", SEC_DNS, "not a usable");
}

static void test_sections_independent(void **state)
{
	(void)state;
	struct loaded l;
	load("hostname=good\npassword=$(x)\ndns_nameserver=8.8.8.8\n", &l);
	assert_int_equal(l.m.invalid, SEC_BIT(SEC_PASSWORD));
	assert_true(model_applies(&l.m, SEC_HOSTNAME));
	assert_true(model_applies(&l.m, SEC_DNS));
	assert_false(model_applies(&l.m, SEC_PASSWORD));
	assert_false(model_applies(&l.m, SEC_NETWORK)); /* absent */
	release(&l);
}

static void test_duplicates_and_unknown(void **state)
{
	(void)state;
	struct loaded l;
	load("hostname=first\nfuture_key=1\nhostname=second\neth9_ip_addr=1.2.3.4\n", &l);
	assert_string_equal(l.m.hostname, "second");
	assert_int_equal(l.m.invalid, 0);
	assert_int_equal(diags_count(&l.d, DIAG_WARNING), 3);
	assert_non_null(strstr(l.d.items[0].msg, "unknown key 'future_key'"));
	assert_non_null(strstr(l.d.items[1].msg, "first on line 1"));
	assert_int_equal(l.d.items[1].line, 3);
	release(&l);
	/* bash semantics: only the last assignment counts (an earlier bad value is not used) */
	load("hostname=bad_one\nhostname=good\n", &l);
	assert_int_equal(l.m.invalid, 0);
	assert_string_equal(l.m.hostname, "good");
	release(&l);
	/* ... and an empty last assignment unsets the key */
	load("hostname=web1\nhostname=\npassword=cXdlcjEyMzQK\npassword=''\n", &l);
	assert_false(l.m.has_hostname);
	assert_null(l.m.password);
	assert_int_equal(l.m.present, 0);
	release(&l);
	/* blanks only are empty too: no DNS section, resolv.conf is not emptied */
	load("dns_nameserver=\"  \"\n", &l);
	assert_int_equal(l.m.present, 0);
	assert_int_equal(l.m.invalid, 0);
	release(&l);
}

static void test_refused_lines(void **state)
{
	(void)state;
	struct loaded l;
	/* a control character on a password line disables the password section */
	load("hostname=web2\npassword=cXdlcjEy\x01MzQK\n", &l);
	assert_int_equal(l.m.invalid, SEC_BIT(SEC_PASSWORD));
	assert_true(model_applies(&l.m, SEC_HOSTNAME));
	release(&l);
	/* a line of no section (a command, "export …") makes the input invalid as a whole */
	load("hostname=web2\nexport password=cXdlcjEyMzQK\n", &l);
	assert_int_equal(l.m.invalid, INVALID_LINES);
	assert_true(model_applies(&l.m, SEC_HOSTNAME));
	release(&l);
	load("hostname=web2\nreboot\n", &l);
	assert_int_equal(l.m.invalid, INVALID_LINES);
	release(&l);
}

static void test_value_parsers(void **state)
{
	(void)state;
	uint8_t p, mac[6];
	char err[128];
	struct in_addr a;
	assert_int_equal(parse_netmask("255.255.255.255", &p, err, sizeof(err)), 0);
	assert_int_equal(p, 32);
	assert_int_equal(parse_netmask("/16", &p, err, sizeof(err)), 0);
	assert_int_equal(p, 16);
	assert_int_equal(parse_netmask("255.255.128.0", &p, err, sizeof(err)), 0);
	assert_int_equal(p, 17);
	assert_int_equal(parse_netmask("255.255.255.1", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_mac("00:8C:fa:5e:14:23", mac, err, sizeof(err)), 0);
	assert_int_equal(mac[1], 0x8c);
	assert_int_equal(parse_mac("00:8c:fa:5e:14", mac, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_mac("00:8c:fa:5e:14:23:11", mac, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_mac("00-8c-fa-5e-14-23", mac, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_ipv4("1.2.3.4", &a), 0);
	assert_int_equal(parse_ipv4("1.2.3.4.", &a), -EINVAL);
	assert_int_equal(parse_ipv4(" 1.2.3.4", &a), -EINVAL);
	assert_int_equal(parse_ipv4("1.2.3.0004", &a), -EINVAL);
	assert_int_equal(parse_cidr("default", &a, &p, err, sizeof(err)), 0);
	assert_int_equal(p, 0);
	char *pw = NULL;
	size_t len;
	assert_int_equal(decode_password("cXdlcjEyMzQ=", &pw, &len, err, sizeof(err)), 0);
	assert_string_equal(pw, "qwer1234");
	free(pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic_sample),
		cmocka_unit_test(test_vpc_sample),
		cmocka_unit_test(test_classic_by_keys_not_text),
		cmocka_unit_test(test_default_route_rules),
		cmocka_unit_test(test_many_routes),
		cmocka_unit_test(test_same_destination_two_nics),
		cmocka_unit_test(test_invalid_values),
		cmocka_unit_test(test_sections_independent),
		cmocka_unit_test(test_duplicates_and_unknown),
		cmocka_unit_test(test_refused_lines),
		cmocka_unit_test(test_value_parsers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
