/* identity.c — a new instance (other NIC MACs in os.conf) gets new host keys, machine-id and seed. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "identity/identity.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "sys/atomic.h"
#include "sys/entropy.h"
#include "sys/root.h"
#include "tree/agent.h"
#include "tree/fsview.h"
#include "tree/init.h"
#include "tree/sshkeys.h"
#include "util/macros.h"

/* Saved random seeds, loaded at boot into the kernel's pool: every sibling would start alike. */
static const char *const seeds[] = {
	"/var/lib/systemd/random-seed", "/var/lib/urandom/random-seed", "/var/lib/random-seed",
	"/var/lib/seedrng/seed.credit", "/var/lib/seedrng/seed.no-credit",
};
#define DBUS_MACHINE_ID "/var/lib/dbus/machine-id"

static int cmp_mac(const void *a, const void *b) { return strcmp(a, b); }

int identity_key(const struct osconf_model *m, char *out, size_t size)
{
	char macs[OSCONF_MAX_NICS][18];
	size_t n = 0, len = 0;
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		if (m->nics[i].present && m->nics[i].has_mac)
			mac_str(m->nics[i].mac, macs[n++]);
	qsort(macs, n, sizeof(macs[0]), cmp_mac);
	if (size)
		out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i && streq(macs[i], macs[i - 1]))
			continue;
		int w = snprintf(out + len, size - len, "%s\n", macs[i]);
		if (w < 0 || (size_t)w >= size - len)
			return -ENOSPC;
		len += (size_t)w;
	}
	return 0;
}

bool identity_is_new(const char *record, size_t len, const char *key)
{
	if (!record)
		return true;
	char lines[IDENTITY_RECORD_MAX + 1];
	size_t w = 0;
	for (const char *p = record, *end = record + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l && p[0] != '#' && w + l + 1 < sizeof(lines)) {
			memcpy(lines + w, p, l);
			w += l;
			lines[w++] = '\n';
		}
		p += l + 1;
	}
	lines[w] = '\0';
	return !streq(lines, key);
}

/* A random machine-id: 32 hex digits of a version 4 UUID, as systemd makes them. */
static int new_machine_id(struct buf *out)
{
	unsigned char id[16];
	int r = random_bytes(id, sizeof(id));
	if (r < 0)
		return r;
	id[6] = (id[6] & 0x0F) | 0x40;
	id[8] = (id[8] & 0x3F) | 0x80;
	for (size_t i = 0; i < sizeof(id) && r == 0; i++)
		r = buf_printf(out, "%02x", id[i]);
	return r < 0 ? r : buf_puts(out, "\n");
}

/* The host keys go only where something makes new ones before sshd starts. */
static int plan_host_keys(int rootfd, struct fsview *fs, struct plan *p)
{
	struct init_info ii;
	struct ssh_info s;
	int r = init_read(fs, &ii);
	if (r == 0)
		r = ssh_info_read(fs, &ii, &s);
	if (r < 0 || s.nkeys == 0)
		return r;
	if (s.regen == SSH_REGEN_NONE)
		return plan_note(p, "identity: %d SSH host key file%s kept: nothing in this tree makes new ones before "
				 "sshd starts (osconf install adds osconf-ssh-keygen where nothing does)", s.nkeys,
				 s.nkeys == 1 ? "" : "s");
	for (int i = 0; i < s.nkeys && r == 0; i++) {
		char path[128];
		snprintf(path, sizeof(path), "/etc/ssh/%s", s.keys[i]);
		r = plan_file_remove(p, rootfd, path, 0);
	}
	return r < 0 ? r : plan_note(p, "identity: SSH host keys removed; %s makes new ones before sshd starts", s.how);
}

/* systemd holds the machine-id from its first instruction on: the new one waits in
 * IDENTITY_MACHINE_ID_NEXT for osconf-machine-id.service to install it at shutdown. */
static int plan_machine_id(int rootfd, struct fsview *fs, struct plan *p)
{
	struct init_info ii;
	int r = init_read(fs, &ii);
	if (r < 0)
		return r;
	struct stat st;
	bool has_id = root_lstat(rootfd, "/etc/machine-id", &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	bool dbus_file = root_lstat(rootfd, DBUS_MACHINE_ID, &st) == 0 && S_ISREG(st.st_mode);
	if (!has_id && !dbus_file)
		return plan_note(p, "identity: no machine-id in this tree (made at its first boot)");
	_cleanup_buf_ struct buf id = BUF_INIT;
	if ((r = new_machine_id(&id)) < 0)
		return r;
	struct file_meta meta = { .mode = 0444 };
	if (ii.system == INIT_SYSTEMD) {
		if (!fs_exists(fs, IDENTITY_MACHINE_ID_UNIT))
			return plan_note(p, "identity: machine-id kept: %s is not installed (osconf install)", IDENTITY_MACHINE_ID_UNIT);
		r = dbus_file ? plan_file_remove(p, rootfd, DBUS_MACHINE_ID, 0) : 0; /* D-Bus reads /etc's then */
		if (r == 0)
			r = plan_file_set(p, rootfd, IDENTITY_MACHINE_ID_NEXT, 0, &meta, &id);
		return r < 0 ? r : plan_note(p, "identity: new machine-id from the next boot on (osconf-machine-id.service "
					     "puts it in /etc/machine-id at shutdown)");
	}
	_cleanup_buf_ struct buf copy = BUF_INIT;
	r = buf_append(&copy, id.data, id.len);
	if (r == 0 && has_id)
		r = plan_file_set(p, rootfd, "/etc/machine-id", 0, &meta, &id);
	if (r == 0 && dbus_file)
		r = plan_file_set(p, rootfd, DBUS_MACHINE_ID, 0, &meta, &copy);
	return r < 0 ? r : plan_note(p, "identity: new machine-id (osconf runs before D-Bus starts)");
}

static int plan_reset(int rootfd, struct plan *p)
{
	struct fs_borrowed fb;
	struct fsview *fs = fs_borrow_root(rootfd, &fb);
	int r = plan_host_keys(rootfd, fs, p);
	if (r == 0)
		r = plan_machine_id(rootfd, fs, p);
	for (size_t i = 0; i < ARRAY_SIZE(seeds) && r == 0; i++)
		r = plan_file_remove(p, rootfd, seeds[i], 0);
	return r;
}

int identity_plan(int rootfd, const struct osconf_model *m, const struct agent_conf *ac, struct plan *p,
		  struct identity_status *st, char *err, size_t errsize)
{
	char key[IDENTITY_RECORD_MAX];
	int r = identity_key(m, key, sizeof(key));
	if (r < 0 || !key[0]) {
		st->state = "none";
		return r < 0 ? r : plan_note(p, "identity: os.conf names no NIC MAC: no instance to tell apart");
	}
	_cleanup_buf_ struct buf rec = BUF_INIT;
	r = root_read_file(rootfd, IDENTITY_RECORD, IDENTITY_RECORD_MAX, &rec);
	if (r < 0 && r != -ENOENT) {
		snprintf(err, errsize, "reading %s: %s", IDENTITY_RECORD, root_strerror(r));
		return r;
	}
	if (!identity_is_new(r == 0 ? (rec.data ? rec.data : "") : NULL, rec.len, key)) {
		st->state = "same";
		return plan_note(p, "identity: the instance configured last (same NIC MACs): nothing made anew");
	}
	bool had = r == 0;
	struct plan_mark mk;
	if ((r = plan_mark(p, &mk)) < 0)
		return r;
	_cleanup_buf_ struct buf content = BUF_INIT;
	r = buf_printf(&content, "# NIC MACs of the instance osconf configured last (other MACs: a new instance)\n%s", key);
	struct file_meta meta = { .mode = 0644 };
	if (r == 0)
		r = plan_note(p, "identity: a new instance (%s): %s", had ? "other NIC MACs than the last one configured"
					 : "no instance configured before", agent_on(ac->identity_reset) ? "host keys, machine-id and random seed made anew" : "identity_reset=no: nothing else changed");
	if (r == 0 && agent_on(ac->identity_reset))
		r = plan_reset(rootfd, p);
	if (r == 0)
		r = plan_file_set(p, rootfd, IDENTITY_RECORD, 0, &meta, &content);
	if (r < 0) {
		snprintf(err, errsize, "planning the identity reset: %s%s%s", p->failed[0] ? p->failed : "",
			 p->failed[0] ? ": " : "", root_strerror(r));
		plan_rollback(p, &mk);
	}
	plan_mark_free(&mk);
	st->state = r < 0 ? "failed" : agent_on(ac->identity_reset) ? "new" : "new-kept";
	return r;
}

/* A NIC of the running system with a device behind it (not lo, veth, bridges): its MAC. */
static bool host_nic_mac(int netfd, const char *name, char mac[18])
{
	char path[300];
	snprintf(path, sizeof(path), "%s/device", name);
	if (faccessat(netfd, path, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/address", name);
	_cleanup_close_ int fd = openat(netfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, mac, 17);
	if (n != 17)
		return false;
	mac[17] = '\0';
	return true;
}

int identity_record_host(int rootfd, bool *written)
{
	*written = false;
	struct stat st;
	int r = root_lstat(rootfd, IDENTITY_RECORD, &st);
	if (r != -ENOENT)
		return r; /* there already (or an error): kept */
	DIR *d = opendir("/sys/class/net");
	if (!d)
		return negerrno();
	struct osconf_model m;
	model_init(&m);
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) && n < OSCONF_MAX_NICS;) {
		char mac[18];
		unsigned b[6];
		if (e->d_name[0] == '.' || !host_nic_mac(dirfd(d), e->d_name, mac) ||
		    sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
			continue;
		m.nics[n].present = m.nics[n].has_mac = true;
		for (int i = 0; i < 6; i++)
			m.nics[n].mac[i] = (uint8_t)b[i];
		n++;
	}
	closedir(d);
	char key[IDENTITY_RECORD_MAX];
	r = identity_key(&m, key, sizeof(key));
	model_free(&m);
	if (r < 0 || !key[0])
		return r;
	_cleanup_buf_ struct buf content = BUF_INIT;
	struct file_meta meta = { .mode = 0644 };
	r = buf_printf(&content, "# NIC MACs of the instance osconf was installed on (other MACs: a new instance)\n%s", key);
	if (r == 0)
		r = atomic_write(rootfd, IDENTITY_RECORD, &content, &meta, 0);
	*written = r >= 0;
	return r < 0 ? r : 0;
}
