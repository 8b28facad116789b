/* test_identity.c — telling a new instance by its MACs, and the reset planned on scratch trees. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <unistd.h>

#include "conf/model.h"
#include "identity/identity.h"
#include "plan/plan.h"
#include "scratch_root.h"
#include "tree/agent.h"
#include "tree/fsview.h"
#include "tree/init.h"
#include "tree/sshkeys.h"
#include "util/macros.h"

static void set_mac(struct osconf_model *m, int i, uint8_t last)
{
	m->nics[i].present = m->nics[i].has_mac = true;
	const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, last };
	memcpy(m->nics[i].mac, mac, 6);
}

static void test_key_and_record(void **state)
{
	(void)state;
	struct osconf_model m;
	model_init(&m);
	char key[256];
	assert_int_equal(identity_key(&m, key, sizeof(key)), 0);
	assert_string_equal(key, "");
	set_mac(&m, 0, 0x20);
	set_mac(&m, 1, 0x10);
	assert_int_equal(identity_key(&m, key, sizeof(key)), 0);
	assert_string_equal(key, "00:16:3e:01:02:10\n00:16:3e:01:02:20\n"); /* sorted: NIC order does not matter */
	const char rec[] = "# comment\n00:16:3e:01:02:10\n00:16:3e:01:02:20\n";
	assert_false(identity_is_new(rec, sizeof(rec) - 1, key));
	const char other[] = "00:16:3e:01:02:10\n";
	assert_true(identity_is_new(other, sizeof(other) - 1, key));
	assert_true(identity_is_new(NULL, 0, key)); /* no record: the first instance configured here */
	model_free(&m);
}

static bool planned(const struct plan *p, const char *path, bool removal)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_file *f = p->entries[i].data;
		if (p->entries[i].ops == &plan_file_ops && streq(f->path, path) && f->remove == removal)
			return true;
	}
	return false;
}

/* A systemd tree with keys, osconf's units, a machine-id and a seed: all of it planned, and
 * nothing at all for the same MACs. */
static void test_plan_reset(void **state)
{
	(void)state;
	scratch_put("etc/ssh/ssh_host_ed25519_key", "k");
	scratch_put("etc/ssh/ssh_host_ed25519_key.pub", "k");
	scratch_put("etc/ssh/sshd_config", "");
	scratch_put("usr/sbin/sshd", "");
	scratch_put("usr/lib/systemd/systemd", "");
	scratch_put("sbin/.keep", "");
	assert_int_equal(symlinkat("/usr/lib/systemd/systemd", root.fd, "sbin/init"), 0);
	scratch_put("etc/machine-id", "0123456789abcdef0123456789abcdef\n");
	scratch_put("var/lib/systemd/random-seed", "seed");
	scratch_put(IDENTITY_MACHINE_ID_UNIT + 1, "");
	struct osconf_model m;
	model_init(&m);
	set_mac(&m, 0, 0x30);
	struct agent_conf ac = { 0 };
	struct identity_status st = { 0 };
	struct plan p;
	char err[200] = "";
	/* nothing makes keys: they stay, the rest is planned */
	plan_init(&p);
	assert_int_equal(identity_plan(root.fd, &m, &ac, &p, &st, err, sizeof(err)), 0);
	assert_string_equal(st.state, "new");
	assert_false(planned(&p, "/etc/ssh/ssh_host_ed25519_key", true));
	assert_non_null(strstr(p.notes.data, "host key files kept"));
	assert_true(planned(&p, IDENTITY_MACHINE_ID_NEXT, false));
	assert_true(planned(&p, "/var/lib/systemd/random-seed", true));
	assert_true(planned(&p, IDENTITY_RECORD, false));
	plan_free(&p);
	/* osconf's keygen unit enabled: the keys go too */
	const struct init_service *kg = &init_layout(INIT_SYSTEMD)->keygen;
	scratch_put(kg->path + 1, "");
	char link[600];
	snprintf(link, sizeof(link), "%s%s", dir, kg->links[0].paths[0]);
	scratch_put("etc/systemd/system/multi-user.target.wants/.keep", "");
	assert_int_equal(symlink(kg->target, link), 0);
	plan_init(&p);
	assert_int_equal(identity_plan(root.fd, &m, &ac, &p, &st, err, sizeof(err)), 0);
	assert_true(planned(&p, "/etc/ssh/ssh_host_ed25519_key", true));
	assert_true(planned(&p, "/etc/ssh/ssh_host_ed25519_key.pub", true));
	assert_false(planned(&p, "/etc/ssh/sshd_config", true));
	/* identity_reset=no: only the record */
	plan_free(&p);
	ac.identity_reset = AGENT_NO;
	plan_init(&p);
	assert_int_equal(identity_plan(root.fd, &m, &ac, &p, &st, err, sizeof(err)), 0);
	assert_string_equal(st.state, "new-kept");
	assert_int_equal(p.n, 1);
	assert_true(planned(&p, IDENTITY_RECORD, false));
	plan_free(&p);
	/* the record says this instance: nothing */
	scratch_put(IDENTITY_RECORD + 1, "# x\n00:16:3e:01:02:30\n");
	ac.identity_reset = AGENT_DEFAULT;
	plan_init(&p);
	assert_int_equal(identity_plan(root.fd, &m, &ac, &p, &st, err, sizeof(err)), 0);
	assert_string_equal(st.state, "same");
	assert_int_equal(p.n, 0);
	plan_free(&p);
	model_free(&m);
}

/* sysvinit (Debian's rcS.d) and OpenRC trees without a distro way to make host keys: the keys
 * stay until osconf's /etc/init.d/osconf-ssh-keygen is there and enabled (rcS.d link, runlevel
 * link), then they go; the machine-id is made now (no systemd holds it), the seed goes. */
static void test_plan_reset_sysv_openrc(void **state)
{
	(void)state;
	static const struct {
		enum init_system sys;
		const char *name, *init, *link, *target;
	} trees[] = {
		{ INIT_SYSV, "sysv", "sbin/init", "etc/rcS.d/S06osconf-ssh-keygen", "../init.d/osconf-ssh-keygen" },
		{ INIT_OPENRC, "openrc", "sbin/openrc-run", "etc/runlevels/boot/osconf-ssh-keygen",
		  "/etc/init.d/osconf-ssh-keygen" },
	};
	for (size_t t = 0; t < ARRAY_SIZE(trees); t++) {
		char path[600];
		snprintf(path, sizeof(path), "%s/%s", dir, trees[t].name);
		assert_int_equal(mkdir(path, 0755), 0);
		struct root sub = ROOT_INIT;
		assert_int_equal(root_open(path, &sub), 0);
		scratch_put_at(sub.fd, trees[t].init, "");
		scratch_put_at(sub.fd, "etc/init.d/ssh", "#!/bin/sh\nexec /usr/sbin/sshd\n"); /* Debian's: makes no keys */
		scratch_put_at(sub.fd, "etc/ssh/ssh_host_ed25519_key", "k");
		scratch_put_at(sub.fd, "etc/ssh/ssh_host_ed25519_key.pub", "p");
		scratch_put_at(sub.fd, "usr/sbin/sshd", "");
		scratch_put_at(sub.fd, "etc/machine-id", "0123456789abcdef0123456789abcdef\n");
		scratch_put_at(sub.fd, "var/lib/urandom/random-seed", "seed");
		struct osconf_model m;
		model_init(&m);
		set_mac(&m, 0, 0x40);
		struct agent_conf ac = { 0 };
		struct identity_status st = { 0 };
		struct plan p;
		char err[200] = "";
		plan_init(&p);
		assert_int_equal(identity_plan(sub.fd, &m, &ac, &p, &st, err, sizeof(err)), 0);
		assert_false(planned(&p, "/etc/ssh/ssh_host_ed25519_key", true));
		assert_non_null(strstr(p.notes.data, "2 SSH host key files kept"));
		assert_true(planned(&p, "/etc/machine-id", false));
		assert_false(planned(&p, IDENTITY_MACHINE_ID_NEXT, false));
		assert_true(planned(&p, "/var/lib/urandom/random-seed", true));
		plan_free(&p);
		/* the script alone is not enough: it must be enabled */
		const struct init_service *kg = &init_layout(trees[t].sys)->keygen;
		scratch_put_at(sub.fd, kg->path + 1, "#!/bin/sh\nssh-keygen -A\n");
		plan_init(&p);
		assert_int_equal(identity_plan(sub.fd, &m, &ac, &p, &st, err, sizeof(err)), 0);
		assert_false(planned(&p, "/etc/ssh/ssh_host_ed25519_key", true));
		plan_free(&p);
		scratch_put_at(sub.fd, trees[t].link, "");
		assert_int_equal(unlinkat(sub.fd, trees[t].link, 0), 0);
		assert_int_equal(symlinkat(trees[t].target, sub.fd, trees[t].link), 0);
		plan_init(&p);
		assert_int_equal(identity_plan(sub.fd, &m, &ac, &p, &st, err, sizeof(err)), 0);
		assert_string_equal(st.state, "new");
		assert_true(planned(&p, "/etc/ssh/ssh_host_ed25519_key", true));
		assert_true(planned(&p, "/etc/ssh/ssh_host_ed25519_key.pub", true));
		assert_non_null(strstr(p.notes.data, "SSH host keys removed; /etc/init.d/osconf-ssh-keygen (installed by osconf"));
		plan_free(&p);
		model_free(&m);
		root_close(&sub);
	}
}

/* install's record of the machine it runs on: read from this machine's /sys, written into the
 * scratch root only, never over a record that is there. */
static void test_record_host(void **state)
{
	(void)state;
	bool written;
	unlinkat(root.fd, IDENTITY_RECORD + 1, 0);
	assert_int_equal(identity_record_host(root.fd, &written), 0);
	struct buf b = BUF_INIT;
	if (written) {
		assert_int_equal(root_read_file(root.fd, IDENTITY_RECORD, 4096, &b), 0);
		assert_non_null(strstr(b.data, "# NIC MACs of the instance osconf was installed on"));
		assert_non_null(strchr(strchr(b.data, '\n') + 1, ':'));
		buf_free(&b);
	}
	scratch_put(IDENTITY_RECORD + 1, "kept\n");
	assert_int_equal(identity_record_host(root.fd, &written), 0);
	assert_false(written);
	assert_int_equal(root_read_file(root.fd, IDENTITY_RECORD, 4096, &b), 0);
	assert_string_equal(b.data, "kept\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_and_record),
		cmocka_unit_test(test_plan_reset),
		cmocka_unit_test(test_plan_reset_sysv_openrc),
		cmocka_unit_test(test_record_host),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
