/* sshkeys.c — SSH host keys of a tree and the distro's (or osconf's) way of making missing ones: one table. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/sshkeys.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "tree/fsview.h"
#include "tree/init.h"
#include "util/buf.h"
#include "util/macros.h"

/* What makes missing host keys before sshd starts, in the order asked. */
enum keygen_kind {
	KEYGEN_UNIT,     /* a systemd unit file of this name (sshd.service pulls it in) */
	KEYGEN_FILE,     /* a program sshd's unit runs before it starts */
	KEYGEN_SCRIPT,   /* an init script that runs ssh-keygen */
	KEYGEN_ENABLED,  /* a service enabled for the image's init system */
	KEYGEN_OSCONF,   /* osconf's own keygen service for one init system (init.h), there and enabled */
};

static const struct {
	enum keygen_kind kind;
	enum ssh_regen regen;
	const char *name, *how; /* KEYGEN_OSCONF: name is the init system's (init.h) */
} keygen_ways[] = {
	{ KEYGEN_UNIT, SSH_REGEN_DISTRO, "sshd-keygen@.service", "sshd-keygen@.service (RHEL, Fedora: sshd.service wants sshd-keygen.target)" },
	{ KEYGEN_UNIT, SSH_REGEN_DISTRO, "sshd-keygen.service", "sshd-keygen.service (RHEL 7, older Fedora and SUSE)" },
	{ KEYGEN_UNIT, SSH_REGEN_DISTRO, "sshdgenkeys.service", "sshdgenkeys.service (Arch)" },
	{ KEYGEN_FILE, SSH_REGEN_DISTRO, "/usr/sbin/sshd-gen-keys-start", "sshd-gen-keys-start (SUSE: sshd.service runs it first)" },
	{ KEYGEN_SCRIPT, SSH_REGEN_DISTRO, "/etc/init.d/sshd", "/etc/init.d/sshd runs ssh-keygen (Alpine, Gentoo, RHEL 6)" },
	{ KEYGEN_ENABLED, SSH_REGEN_DISTRO, "cloud-init", "cloud-init (its ssh module makes host keys at first boot)" },
	{ KEYGEN_ENABLED, SSH_REGEN_DISTRO, "cloud-init-local", "cloud-init (its ssh module makes host keys at first boot)" },
	{ KEYGEN_OSCONF, SSH_REGEN_OSCONF, "systemd", "osconf-ssh-keygen.service (installed by osconf)" },
	{ KEYGEN_OSCONF, SSH_REGEN_OSCONF, "sysv", "/etc/init.d/osconf-ssh-keygen (installed by osconf)" },
	{ KEYGEN_OSCONF, SSH_REGEN_OSCONF, "openrc", "/etc/init.d/osconf-ssh-keygen (installed by osconf, OpenRC)" },
};

/* osconf's keygen service for the init system called name, when the tree boots with it (or
 * info does not say): its file there and enabled as that init system enables it. */
static bool osconf_keygen(struct fsview *fs, const struct init_info *info, const char *name)
{
	struct init_info only = { 0 };
	char path[256];
	if (init_system_parse(name, &only.system) < 0 || (info && info->system && info->system != only.system))
		return false;
	const struct init_layout *l = init_layout(only.system);
	return l && init_service_file(fs, &l->keygen, path, sizeof(path)) &&
	       init_unit_enabled(fs, &only, l->keygen.name, NULL, 0);
}

/* 1 when way i is in the tree, 0 when not, negative errno when that cannot be told. */
static int keygen_way(struct fsview *fs, const struct init_info *info, size_t i)
{
	static const char *const unit_dirs[] = { "/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system" };
	const char *name = keygen_ways[i].name;
	switch (keygen_ways[i].kind) {
	case KEYGEN_UNIT:
		for (size_t d = 0; d < ARRAY_SIZE(unit_dirs); d++) {
			char path[128];
			snprintf(path, sizeof(path), "%s/%s", unit_dirs[d], name);
			if (fs_is_file(fs, path))
				return 1;
		}
		return 0;
	case KEYGEN_FILE:
		return fs_is_file(fs, name);
	case KEYGEN_SCRIPT: {
		_cleanup_buf_ struct buf b = BUF_INIT;
		int r = fs_read_file(fs, name, SSH_SCRIPT_MAX, &b);
		if (r == -ENOENT || r == -EFBIG)
			return 0;
		return r < 0 ? r : b.data && memmem(b.data, b.len, "ssh-keygen", 10) != NULL;
	}
	case KEYGEN_ENABLED:
		return init_unit_enabled(fs, info, name, NULL, 0);
	case KEYGEN_OSCONF:
		return osconf_keygen(fs, info, name);
	}
	return 0;
}

static int key_cb(const char *name, enum fs_type type, void *userdata)
{
	struct ssh_info *s = userdata;
	bool priv = fnmatch("ssh_host_*key", name, 0) == 0;
	if (type == FS_DIR || (!priv && fnmatch("ssh_host_*key.pub", name, 0) != 0))
		return 0;
	if (s->nkeys == SSH_KEYS_MAX || strlen(name) >= sizeof(s->keys[0]))
		return -E2BIG;
	snprintf(s->keys[s->nkeys++], sizeof(s->keys[0]), "%s", name);
	s->nprivate += priv;
	return 0;
}

int ssh_info_read(struct fsview *fs, const struct init_info *info, struct ssh_info *out)
{
	struct ssh_info s = { 0 };
	s.sshd = fs_exists(fs, "/usr/sbin/sshd") || fs_exists(fs, "/sbin/sshd");
	int r = fs_list_dir(fs, "/etc/ssh", key_cb, &s);
	if (r < 0 && r != -ENOENT)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(keygen_ways) && !s.regen; i++) {
		r = keygen_way(fs, info, i);
		if (r < 0)
			return r;
		if (r) {
			s.regen = keygen_ways[i].regen;
			snprintf(s.how, sizeof(s.how), "%s", keygen_ways[i].how);
		}
	}
	if (!s.regen)
		snprintf(s.how, sizeof(s.how), "nothing in the tree makes them at boot (as on Debian and Ubuntu without cloud-init)");
	*out = s;
	return 0;
}
