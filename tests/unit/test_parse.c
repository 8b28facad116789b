/* test_parse.c — the os.conf tokenizer: accepted syntax, and every construct it must refuse. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include "conf/parse.h"

struct result {
	struct assignments a;
	struct diags d;
};

static void parse(const char *text, struct result *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(conf_parse(text, strlen(text), &r->a, &r->d), 0);
}

static void release(struct result *r)
{
	assignments_free(&r->a);
	diags_free(&r->d);
}

/* Exactly one error, on the given line, whose message contains needle. */
static void want_error(const char *text, unsigned line, const char *needle)
{
	struct result r;
	parse(text, &r);
	if (r.d.n != 1 || r.d.items[0].severity != DIAG_ERROR || r.d.items[0].line != line ||
	    !strstr(r.d.items[0].msg, needle)) {
		print_error("input: %s\n", text);
		for (size_t i = 0; i < r.d.n; i++)
			print_error("diag line %u: %s\n", r.d.items[i].line, r.d.items[i].msg);
		fail_msg("expected one error on line %u containing '%s'", line, needle);
	}
	assert_int_equal(r.a.n, 0);
	release(&r);
}

static void want_value(const char *text, const char *key, const char *value)
{
	struct result r;
	parse(text, &r);
	if (r.d.n)
		fail_msg("unexpected diagnostic for %s: %s", text, r.d.items[0].msg);
	assert_int_equal(r.a.n, 1);
	assert_string_equal(r.a.items[0].key, key);
	assert_string_equal(r.a.items[0].value, value);
	release(&r);
}

static void test_plain_and_quoted(void **state)
{
	(void)state;
	want_value("hostname=iZ23r29djmjZ\n", "hostname", "iZ23r29djmjZ");
	want_value("password=cXdlcjEyMzQK", "password", "cXdlcjEyMzQK"); /* no final newline */
	want_value("eth0_route=\"10.0.0.0/8 10.0.0.1;172.16.0.0/12 10.0.0.1\"\n", "eth0_route",
		     "10.0.0.0/8 10.0.0.1;172.16.0.0/12 10.0.0.1");
	want_value("dns_nameserver='7.7.7.7 8.8.8.8'\n", "dns_nameserver", "7.7.7.7 8.8.8.8");
	want_value("  hostname=a   # trailing comment\n", "hostname", "a");
	want_value("hostname=\n", "hostname", "");
	want_value("hostname=\"\"\n", "hostname", "");
	want_value("x=\"a\\\"b\\\\c\\$d\\`e\"\n", "x", "a\"b\\c$d`e");
	want_value("x='$(not run)'\n", "x", "$(not run)");
	want_value("password=YWJj+/==\n", "password", "YWJj+/==");
}

static void test_crlf_bom_comments(void **state)
{
	(void)state;
	want_value("\xef\xbb\xbfhostname=abc\r\n", "hostname", "abc");
	struct result r;
	parse("# comment\r\n\r\n   \n\thostname=a\r\n# x=$(y)\n", &r);
	assert_int_equal(r.d.n, 0);
	assert_int_equal(r.a.n, 1);
	assert_int_equal(r.a.items[0].line, 4);
	release(&r);
}

static void test_injections_refused(void **state)
{
	(void)state;
	want_error("hostname=$(reboot)\n", 1, "'$'");
	want_error("hostname=`reboot`\n", 1, "'`'");
	want_error("hostname=\"$(reboot)\"\n", 1, "'$'");
	want_error("hostname=\"`id`\"\n", 1, "'`'");
	want_error("hostname=\"${HOME}\"\n", 1, "'$'");
	want_error("hostname=a;reboot\n", 1, "';'");
	want_error("hostname=a && reboot\n", 1, "command");
	want_error("hostname=a|b\n", 1, "pipe");
	want_error("hostname=a>b\n", 1, "redirection");
	want_error("hostname=a reboot\n", 1, "command");
	want_error("hostname=\"a\"; reboot\n", 1, "command");
	want_error("hostname=\"a\"b\n", 1, "after the closing quote");
	want_error("hostname=~root\n", 1, "tilde");
	want_error("reboot\n", 1, "run this line as a command");
	want_error("$(reboot)\n", 1, "not an assignment");
	want_error("hostname =a\n", 1, "expected '='");
	want_error("export hostname=a\n", 1, "expected '='");
	want_error(". /etc/passwd\n", 1, "not an assignment");
	want_error("hostname=a\\\n", 1, "backslash");
	want_error("x=\"a\\nb\"\n", 1, "backslash");
}

static void test_quotes_and_lines(void **state)
{
	(void)state;
	want_error("hostname=\"abc\n", 1, "unterminated double quote");
	want_error("hostname='abc\n", 1, "unterminated single quote");
	want_error("\nhostname=a\"b\"\n", 2, "quote in the middle");
	want_error("hostname=a#b\n", 1, "'#'");
	want_error("hostname=a\rb\n", 1, "control character 0x0d");
	want_error("hostname=\"a\x01\"\n", 1, "control character 0x01");
	static char nul[] = "hostname=a\0b\n";
	struct result r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(conf_parse(nul, sizeof(nul) - 1, &r.a, &r.d), 0);
	assert_int_equal(r.d.n, 1);
	assert_non_null(strstr(r.d.items[0].msg, "NUL"));
	release(&r);
}

static void test_limits(void **state)
{
	(void)state;
	char *line = malloc(OSCONF_MAX_LINE + 32);
	memset(line, 'a', OSCONF_MAX_LINE + 20);
	memcpy(line, "hostname=", 9);
	line[OSCONF_MAX_LINE + 20] = '\0';
	want_error(line, 1, "longer than");
	free(line);

	size_t big = OSCONF_MAX_FILE + 10;
	char *file = malloc(big);
	memset(file, '#', big);
	struct result r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(conf_parse(file, big, &r.a, &r.d), 0);
	assert_true(r.d.n >= 1);
	assert_non_null(strstr(r.d.items[0].msg, "larger than"));
	release(&r);
	free(file);
}

static void test_error_attributes_section(void **state)
{
	(void)state;
	struct result r;
	parse("password=$(x)\nfoo bar\n", &r);
	assert_int_equal(r.d.n, 2);
	assert_int_equal(r.d.items[0].section, SEC_PASSWORD);
	assert_int_equal(r.d.items[1].section, -1);
	release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_quoted),
		cmocka_unit_test(test_crlf_bom_comments),
		cmocka_unit_test(test_injections_refused),
		cmocka_unit_test(test_quotes_and_lines),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_error_attributes_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
