/* check_ssh.c — `image check` ssh-login: sshd installed and enabled, root allowed to log in with a password, host keys there or made at boot. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "tree/init.h"
#include "tree/sshd.h"
#include "tree/sshkeys.h"
#include "util/macros.h"

static const char *const sshd_binaries[] = { "/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd" };
/* Debian and Ubuntu name the unit ssh, the others sshd; socket activation counts too. */
static const char *const sshd_units[] = { "sshd", "ssh", "sshd.socket", "ssh.socket" };

static int private_key_cb(const char *name, enum fs_type type, void *userdata)
{
	if (type != FS_DIR && fnmatch("ssh_host_*_key", name, 0) == 0) {
		*(bool *)userdata = true;
		return 1;
	}
	return 0;
}

/* Whether sshd has a host key: the HostKey files, else (none named) its default ones. */
static bool has_host_key(struct fsview *fs, const struct sshd_config *cfg)
{
	for (int i = 0; i < cfg->nhostkeys; i++)
		if (fs_is_file(fs, cfg->hostkeys[i]))
			return true;
	bool found = false;
	if (!cfg->nhostkeys)
		fs_list_dir(fs, "/etc/ssh", private_key_cb, &found);
	return found;
}

/* sshd installed and enabled; false with c set otherwise. */
static bool sshd_enabled(struct inspect *ctx, const struct init_info *info, struct check_result *c)
{
	const char *bin = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(sshd_binaries) && !bin; i++)
		if (fs_is_file(ctx->root, sshd_binaries[i]))
			bin = sshd_binaries[i];
	if (!bin) {
		result_set(c, CHECK_WARN, "install OpenSSH's server (openssh-server) and enable it",
			   "no sshd (/usr/sbin/sshd): the instance can be reached only on the console");
		return false;
	}
	char how[300];
	for (size_t i = 0; i < ARRAY_SIZE(sshd_units); i++)
		if (init_unit_enabled(ctx->root, info, sshd_units[i], how, sizeof(how))) {
			result_detail(c, "sshd (%s) enabled by %s", bin, how);
			return true;
		}
	result_set(c, CHECK_WARN, "enable it (systemctl enable sshd, or ssh on Debian and Ubuntu)",
		   "%s is installed but not enabled: the instance can be reached only on the console", bin);
	return false;
}

void check_ssh_login(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct init_info ii;
	const struct init_info *info = init_read(ctx->root, &ii) == 0 ? &ii : NULL;
	if (!sshd_enabled(ctx, info, c))
		return;
	struct sshd_config cfg;
	int r = sshd_config_read(ctx->root, &cfg);
	if (r < 0) {
		result_set(c, CHECK_WARN, "check sshd's configuration by hand (sshd -T in the image)",
			   "cannot read " SSHD_CONFIG ": %s", strerror(-r));
		return;
	}
	if (!cfg.exists) {
		result_set(c, CHECK_WARN, "install " SSHD_CONFIG " (the openssh-server package ships it)",
			   "no " SSHD_CONFIG ": sshd does not start without it");
		return;
	}
	if (cfg.error[0])
		result_detail(c, "%s", cfg.error);
	if (!has_host_key(ctx->root, &cfg)) {
		struct ssh_info s;
		r = ssh_info_read(ctx->root, info, &s);
		if (r == 0 && s.regen == SSH_REGEN_NONE) {
			result_set(c, CHECK_WARN,
				   "make them at every first boot: osconf install adds osconf-ssh-keygen (a unit, or an init "
				   "script on sysvinit and OpenRC: ssh-keygen -A before sshd)",
				   "no SSH host keys and %s: sshd does not start, os.conf's password works only on the console",
				   s.how);
			return;
		}
		result_detail(c, r == 0 ? "no host keys in the image; made at boot by %s"
					: "no host keys; cannot tell whether they are made at boot: %s",
			      r == 0 ? s.how : strerror(-r));
	}
	const char *why;
	bool ok = sshd_root_password_allowed(&cfg, &why);
	for (int i = 0; i < 2; i++) {
		const struct sshd_value *v = i ? &cfg.password_auth : &cfg.permit_root_login;
		if (v->value[0])
			result_detail(c, "%s %s (%s)", i ? "PasswordAuthentication" : "PermitRootLogin", v->value, v->at);
	}
	if (ok)
		result_set(c, CHECK_PASS, NULL, "root may log in over SSH with a password (%d configuration file%s read)",
			   cfg.files, cfg.files == 1 ? "" : "s");
	else
		result_set(c, CHECK_WARN,
			   "set PermitRootLogin yes and PasswordAuthentication yes in " SSHD_CONFIG " (before any Match block), or log in with a key pair",
			   "root cannot log in over SSH with a password (%s): os.conf's password works only on the console", why);
}
