/* check_system.c — `image check`: settings of the root that keep osconf or SSH from working (file attributes, SELinux, guest agent, firewall, library links, space). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tree/init.h"
#include "tree/sysconf.h"
#include "util/macros.h"

/* --- shadow-attributes ------------------------------------------------------------------ */

void check_shadow_attrs(struct inspect *ctx, struct check_result *c)
{
	static const char *const files[] = { "/etc/shadow", "/etc/passwd" };
	if (!root_ready(ctx, c))
		return;
	int bad = 0;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		uint32_t a = 0;
		int r = fs_attrs(ctx->root, files[i], &a);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			result_set(c, CHECK_WARN, "check with lsattr /etc/shadow /etc/passwd", "cannot read the attributes of %s: %s",
				   files[i], strerror(-r));
			return;
		}
		if (a & (FS_ATTR_IMMUTABLE | FS_ATTR_APPEND)) {
			result_detail(c, "%s: %s%s%s", files[i], a & FS_ATTR_IMMUTABLE ? "immutable" : "",
				      (a & FS_ATTR_IMMUTABLE) && (a & FS_ATTR_APPEND) ? ", " : "",
				      a & FS_ATTR_APPEND ? "append-only" : "");
			bad++;
		}
	}
	if (bad)
		result_set(c, CHECK_FAIL, "clear the attributes in the image: chattr -i -a /etc/shadow /etc/passwd",
			   "%d account file%s cannot be changed: osconf could not set the password", bad, bad == 1 ? "" : "s");
	else
		result_set(c, CHECK_PASS, NULL, "/etc/shadow and /etc/passwd are neither immutable nor append-only");
}

/* --- selinux ---------------------------------------------------------------------------- */

/* The default boot entry's word that keeps SELinux from enforcing, or NULL. */
static const char *selinux_off_at_boot(struct inspect *ctx)
{
	static const char *const words[] = { "selinux=0", "enforcing=0" };
	struct boot_facts *b = boot_facts(ctx);
	for (size_t i = 0; b && b->cfg.has_default && i < ARRAY_SIZE(words); i++)
		if (cmdline_has_word(b->cfg.def.cmdline, words[i]))
			return words[i];
	return NULL;
}

void check_selinux(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct selinux_conf s;
	int r = selinux_conf_read(ctx->root, &s);
	if (r < 0)
		result_set(c, CHECK_WARN, "check /etc/selinux/config by hand", "cannot read /etc/selinux/config: %s", strerror(-r));
	else if (!s.exists)
		result_set(c, CHECK_PASS, NULL, "no /etc/selinux/config");
	else if (streq(s.mode, "enforcing") && selinux_off_at_boot(ctx))
		result_set(c, CHECK_PASS, NULL, "SELinux is enforcing in /etc/selinux/config, but the default boot entry turns it off (%s)",
			   selinux_off_at_boot(ctx));
	else if (streq(s.mode, "enforcing"))
		result_set(c, CHECK_WARN,
			   "set SELINUX=permissive (or disabled) in /etc/selinux/config, or make sure the files osconf writes keep their labels (restorecon)",
			   "SELinux is enforcing (policy %s): a file written without its label can keep a service or login from working",
			   s.type[0] ? s.type : "unnamed");
	else
		result_set(c, CHECK_PASS, NULL, "SELinux is %s", s.mode[0] ? s.mode : "not set (SELINUX= missing)");
}

/* --- services that are enabled --------------------------------------------------------- */

/* Whether a service is installed at all: its unit file or init script. Only then can it be
 * enabled, and looking for it is much cheaper than looking for its enable links. */
static bool service_installed(struct fsview *fs, const char *name)
{
	static const struct {
		const char *dir, *suffix;
	} forms[] = { { "/usr/lib/systemd/system", ".service" }, { "/lib/systemd/system", ".service" },
		      { "/etc/systemd/system", ".service" }, { "/etc/init.d", "" }, { "/etc/rc.d/init.d", "" } };
	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		char path[160];
		snprintf(path, sizeof(path), "%s/%s%s", forms[i].dir, name, forms[i].suffix);
		if (fs_exists(fs, path))
			return true;
	}
	return false;
}

/* Records each of names the root starts at boot as a detail; returns how many. */
static int enabled_services(struct inspect *ctx, const char *const *names, size_t n, struct check_result *c)
{
	struct init_info ii;
	const struct init_info *info = init_read(ctx->root, &ii) == 0 ? &ii : NULL;
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		char how[300];
		if (!service_installed(ctx->root, names[i]) || !init_unit_enabled(ctx->root, info, names[i], how, sizeof(how)))
			continue;
		if (streq(names[i], "ufw")) {   /* Ubuntu enables the unit; ufw.conf says if it filters */
			struct ufw_conf u;
			if (ufw_conf_read(ctx->root, &u) == 0 && u.exists && !u.enabled)
				continue;
		}
		result_detail(c, "%s (%s)", names[i], how);
		found++;
	}
	return found;
}

void check_guest_agent(struct inspect *ctx, struct check_result *c)
{
	static const char *const agents[] = { "qemu-guest-agent", "qemu-ga" };
	if (!root_ready(ctx, c))
		return;
	if (enabled_services(ctx, agents, ARRAY_SIZE(agents), c))
		result_set(c, CHECK_WARN,
			   "disable or remove qemu-guest-agent (systemctl disable qemu-guest-agent); ECS uses its own Cloud Assistant agent",
			   "qemu-guest-agent is enabled");
	else
		result_set(c, CHECK_PASS, NULL, "qemu-guest-agent is not enabled");
}

void check_firewall(struct inspect *ctx, struct check_result *c)
{
	static const char *const firewalls[] = { "firewalld", "ufw", "nftables", "iptables", "ip6tables",
						 "netfilter-persistent" };
	if (!root_ready(ctx, c))
		return;
	int n = enabled_services(ctx, firewalls, ARRAY_SIZE(firewalls), c);
	if (n)
		result_set(c, CHECK_WARN,
			   "make sure its rules let TCP port 22 in (or disable it and use ECS security groups)",
			   "%d firewall service%s enabled: SSH is reachable only if port 22 is open", n, n == 1 ? "" : "s");
	else
		result_set(c, CHECK_PASS, NULL, "no firewall service enabled (firewalld, ufw, nftables, iptables)");
}

/* --- lib-links -------------------------------------------------------------------------- */

void check_lib_links(struct inspect *ctx, struct check_result *c)
{
	static const char *const dirs[] = { "/lib", "/lib64", "/bin", "/sbin" };
	if (!root_ready(ctx, c))
		return;
	int bad = 0;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char target[256];
		int r = fs_readlink(ctx->root, dirs[i], target, sizeof(target));
		if (r == 0 && target[0] == '/') {
			result_detail(c, "%s -> %s", dirs[i], target);
			bad++;
		} else if (r < 0 && r != -ENOENT && r != -EINVAL) {
			result_set(c, CHECK_WARN, "check with ls -ld /lib /lib64 /bin /sbin", "cannot read %s: %s", dirs[i],
				   strerror(-r));
			return;
		}
	}
	if (bad)
		result_set(c, CHECK_FAIL, "make them relative links (ln -sfn usr/lib /lib, and so on)",
			   "%d top-level system director%s an absolute symlink: it points outside the image when the disk is inspected or repaired from another system",
			   bad, bad == 1 ? "y is" : "ies are");
	else
		result_set(c, CHECK_PASS, NULL, "/lib, /lib64, /bin and /sbin are directories or relative links");
}

/* --- space ------------------------------------------------------------------------------ */

#define SPACE_LIMIT_PCT 90

/* Adds a detail for fs; returns 1 when over the limit, 0 when not, negative errno. */
static int usage_of(struct fsview *fs, const char *what, struct check_result *c)
{
	struct fs_usage u;
	int r = fs_usage(fs, &u);
	if (r < 0)
		return r;
	double b = u.blocks ? 100.0 * (double)(u.blocks - u.blocks_free) / (double)u.blocks : 0;
	double n = u.inodes ? 100.0 * (double)(u.inodes - u.inodes_free) / (double)u.inodes : 0;
	if (u.inodes)
		result_detail(c, "%s: %.0f%% of blocks, %.0f%% of inodes used", what, b, n);
	else
		result_detail(c, "%s: %.0f%% of blocks used", what, b);
	return b > SPACE_LIMIT_PCT || n > SPACE_LIMIT_PCT;
}

void check_space(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	int full = 0, r = usage_of(ctx->root, "root file system", c);
	if (r >= 0)
		full += r;
	int p1 = ctx->directory ? -1 : inspect_part_index(ctx, 1);
	if (r >= 0 && p1 >= 0 && p1 != ctx->root_idx) {
		const char *err;
		struct fsview *fs = inspect_fs(ctx, p1, &err);
		if (fs && (r = usage_of(fs, "partition 1", c)) >= 0)
			full += r;
	}
	if (r < 0)
		result_set(c, CHECK_WARN, "check with df -h and df -i", "cannot tell how full a file system is: %s", strerror(-r));
	else if (full)
		result_set(c, CHECK_WARN, "free space or grow the file system before importing",
			   "more than %d%% used: the first boot may fail to write logs, keys or osconf's status", SPACE_LIMIT_PCT);
	else
		result_set(c, CHECK_PASS, NULL, "at most %d%% of blocks and inodes used", SPACE_LIMIT_PCT);
}
