/* sshkeys.h — a tree's SSH host keys and what makes missing ones before sshd starts: its one reader. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

struct fsview;
struct init_info;

#define SSH_KEYS_MAX 32
#define SSH_SCRIPT_MAX (1 << 20) /* bytes of an init script looked into for ssh-keygen */

/* The distro's ways come first: SSH_REGEN_OSCONF says that only osconf's makes the keys. */
enum ssh_regen { SSH_REGEN_NONE, SSH_REGEN_DISTRO, SSH_REGEN_OSCONF };

struct ssh_info {
	bool sshd;                        /* /usr/sbin/sshd or /sbin/sshd is there */
	int nkeys;                        /* /etc/ssh/ssh_host_*key and *key.pub files */
	char keys[SSH_KEYS_MAX][80];      /* their names ("ssh_host_ed25519_key") */
	int nprivate;                     /* of them, private keys */
	enum ssh_regen regen;
	char how[160];                    /* "sshd-keygen@.service (RHEL, Fedora: …)", …; or why none */
};

/* Reads /etc/ssh's host key names and what makes missing ones before sshd (one table in
 * sshkeys.c: RHEL/Fedora sshd-keygen units, Arch's sshdgenkeys, SUSE's sshd-gen-keys-start, an
 * sshd init script running ssh-keygen as Alpine's and Gentoo's do, cloud-init enabled, or
 * osconf's own keygen service of init.h's layouts: osconf-ssh-keygen.service, or the
 * /etc/init.d/osconf-ssh-keygen script of sysvinit and OpenRC, installed and enabled). info (may be
 * NULL: any init system) tells where to look for enabled services. What cannot be listed or read (other than absent) is an error
 * (negative errno). */
int ssh_info_read(struct fsview *fs, const struct init_info *info, struct ssh_info *out);
