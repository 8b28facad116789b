/* sshkeys.c — SSH host keys of a tree and the distro's (or osconf's) way of making missing ones. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/sshkeys.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "tree/fsview.h"
#include "util/buf.h"
#include "util/macros.h"

/* What makes missing host keys before sshd: a file that is there (and holds needle, when set). */
static const struct {
	const char *path, *needle;
	enum ssh_regen regen;
	const char *how;
} regens[] = {
	{ "/usr/lib/systemd/system/sshd-keygen@.service", NULL, SSH_REGEN_DISTRO, "sshd-keygen@.service (RHEL, Fedora)" },
	{ "/lib/systemd/system/sshd-keygen@.service", NULL, SSH_REGEN_DISTRO, "sshd-keygen@.service (RHEL, Fedora)" },
	{ "/usr/lib/systemd/system/sshdgenkeys.service", NULL, SSH_REGEN_DISTRO, "sshdgenkeys.service (Arch)" },
	{ "/usr/sbin/sshd-gen-keys-start", NULL, SSH_REGEN_DISTRO, "sshd-gen-keys-start in sshd.service (SUSE)" },
	{ "/etc/init.d/sshd", "ssh-keygen -A", SSH_REGEN_DISTRO, "/etc/init.d/sshd runs ssh-keygen -A (Alpine)" },
	{ SSH_KEYGEN_LINK, NULL, SSH_REGEN_OSCONF, "osconf-ssh-keygen.service (installed by osconf)" },
};

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

static bool has_needle(struct fsview *fs, const char *path, const char *needle)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	return fs_read_file(fs, path, 256 * 1024, &b) == 0 && b.data && memmem(b.data, b.len, needle, strlen(needle));
}

int ssh_info_read(struct fsview *fs, struct ssh_info *out)
{
	struct ssh_info s = { 0 };
	s.sshd = fs_exists(fs, "/usr/sbin/sshd") || fs_exists(fs, "/sbin/sshd");
	int r = fs_list_dir(fs, "/etc/ssh", key_cb, &s);
	if (r < 0 && r != -ENOENT)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(regens) && !s.regen; i++)
		if (fs_exists(fs, regens[i].path) && (!regens[i].needle || has_needle(fs, regens[i].path, regens[i].needle))) {
			s.regen = regens[i].regen;
			snprintf(s.how, sizeof(s.how), "%s", regens[i].how);
		}
	*out = s;
	return 0;
}
