/* check_login.c — `image check`: no usable default root password, no baked-in SSH keys, fstab by UUID/LABEL. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "tree/init.h"
#include "tree/sshkeys.h"
#include "util/macros.h"
#include "tree/fstab.h"

/* --- credentials ------------------------------------------------------------------------ */

enum check_status root_password_status(const char *hash, const char *lastchg, const char **why)
{
	if (!hash[0]) {
		*why = "root has an empty password field: anyone can log in as root without a password";
		return CHECK_FAIL;
	}
	if (hash[0] == '!' || hash[0] == '*') {
		*why = "root's password is locked";
		return CHECK_PASS;
	}
	bool des = strlen(hash) == 13 && strspn(hash, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 13;
	if (hash[0] != '$' && !des) {
		*why = "root's password field holds no valid hash, so no password matches it";
		return CHECK_PASS;
	}
	if (streq(lastchg, "0")) {
		*why = "root has a password that must be changed at first login (last change 0)";
		return CHECK_PASS;
	}
	*why = "root has a usable default password that need not be changed at first login";
	return CHECK_FAIL;
}

/* Field n (0-based) of a colon-separated line, copied into out. */
static void field(const char *line, size_t len, int n, char *out, size_t size)
{
	const char *p = line, *end = line + len;
	for (int i = 0; i < n && p < end; i++) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		p = colon ? colon + 1 : end;
	}
	const char *colon = memchr(p, ':', (size_t)(end - p));
	size_t flen = (size_t)((colon ? colon : end) - p);
	snprintf(out, size, "%.*s", (int)(flen < size ? flen : size - 1), p);
}

static bool find_user_line(const struct buf *b, const char *user, const char **line, size_t *len)
{
	size_t pos = 0, ulen = strlen(user);
	while (buf_next_line(b, &pos, line, len))
		if (*len > ulen && strncmp(*line, user, ulen) == 0 && (*line)[ulen] == ':')
			return true;
	return false;
}

void check_password(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	const char *advice = "lock root's password (usermod -p '!' root) or force a change at first login (chage -d 0 root); os.conf sets the real one";
	_cleanup_buf_ struct buf shadow = { .secret = true };
	const char *line;
	size_t len;
	char hash[512], lastchg[32];
	int r = fs_read_file(ctx->root, "/etc/shadow", 16 << 20, &shadow);
	if (r == 0 && find_user_line(&shadow, "root", &line, &len)) {
		field(line, len, 1, hash, sizeof(hash));
		field(line, len, 2, lastchg, sizeof(lastchg));
		const char *why;
		enum check_status st = root_password_status(hash, lastchg, &why);
		explicit_bzero(hash, sizeof(hash));
		result_set(c, st, st == CHECK_FAIL ? advice : NULL, "%s", why);
		return;
	}
	_cleanup_buf_ struct buf passwd = BUF_INIT;
	if (fs_read_file(ctx->root, "/etc/passwd", 16 << 20, &passwd) == 0 &&
	    find_user_line(&passwd, "root", &line, &len)) {
		field(line, len, 1, hash, sizeof(hash));
		if (!hash[0]) {
			result_set(c, CHECK_FAIL, advice, "root has an empty password in /etc/passwd (passwordless)");
			return;
		}
	}
	result_set(c, CHECK_WARN, "check root's password by hand",
		   r == 0 ? "/etc/shadow has no line for root" : "cannot read /etc/shadow: %s", strerror(-r));
}

bool authorized_keys_has_key(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		size_t s = i;
		while (s < e && isspace((unsigned char)text[s]))
			s++;
		if (s < e && text[s] != '#')
			return true;
		i = e + 1;
	}
	return false;
}

struct keys_scan {
	struct fsview *fs;
	struct check_result *c;
	char homes[64][256];
	int nhomes;
	int found;
};

static void add_home(struct keys_scan *k, const char *home)
{
	if (!home[0] || streq(home, "/"))
		return;
	for (int i = 0; i < k->nhomes; i++)
		if (streq(k->homes[i], home))
			return;
	if (k->nhomes < (int)ARRAY_SIZE(k->homes))
		snprintf(k->homes[k->nhomes++], sizeof(k->homes[0]), "%s", home);
}

static int home_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	char path[300];
	snprintf(path, sizeof(path), "/home/%s", name);
	add_home(userdata, path);
	return 0;
}

void check_authorized_keys(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct keys_scan k = { .fs = ctx->root, .c = c };
	add_home(&k, "/root");
	fs_list_dir(ctx->root, "/home", home_cb, &k);
	_cleanup_buf_ struct buf passwd = BUF_INIT;
	if (fs_read_file(ctx->root, "/etc/passwd", 16 << 20, &passwd) == 0) {
		size_t pos = 0, len;
		const char *line;
		while (buf_next_line(&passwd, &pos, &line, &len)) {
			char home[256];
			field(line, len, 5, home, sizeof(home));
			add_home(&k, home);
		}
	}
	int empty = 0;
	for (int i = 0; i < k.nhomes; i++)
		for (int j = 0; j < 2; j++) {
			char path[300];
			snprintf(path, sizeof(path), "%s/.ssh/authorized_keys%s", k.homes[i], j ? "2" : "");
			_cleanup_buf_ struct buf b = BUF_INIT;
			if (fs_read_file(ctx->root, path, 16 << 20, &b) < 0)
				continue;
			if (authorized_keys_has_key(b.data, b.len)) {
				result_detail(c, "%s", path);
				k.found++;
			} else {
				empty++;
			}
		}
	if (k.found)
		result_set(c, CHECK_FAIL,
			   "delete these files from the image; keys are given per instance (key pair at creation, or os.conf password)",
			   "%d authorized_keys file%s with keys baked into the image", k.found, k.found == 1 ? "" : "s");
	else
		result_set(c, CHECK_PASS, NULL, "no authorized_keys with keys (%d home director%s looked at%s)",
			   k.nhomes, k.nhomes == 1 ? "y" : "ies", empty ? "; empty files ignored" : "");
}

/* Private host keys baked in fail; none is fine where something makes them before sshd
 * starts (the distro's mechanism or osconf's unit), and a warning where nothing does
 * (Debian, Ubuntu: sshd then does not start). */
void check_host_keys(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct init_info ii;
	struct ssh_info s;
	int r = ssh_info_read(ctx->root, init_read(ctx->root, &ii) == 0 ? &ii : NULL, &s);
	if (r < 0) {
		result_set(c, CHECK_WARN, "check /etc/ssh by hand", "cannot list /etc/ssh: %s", strerror(-r));
		return;
	}
	for (int i = 0; i < s.nkeys; i++)
		if (fnmatch("ssh_host_*_key", s.keys[i], 0) == 0)
			result_detail(c, "/etc/ssh/%s", s.keys[i]);
	if (s.nprivate)
		result_set(c, CHECK_FAIL,
			   "delete /etc/ssh/ssh_host_*_key* from the image; sshd (or ssh-keygen -A at boot) makes them per instance",
			   "%d private SSH host key%s baked into the image: every instance would share %s", s.nprivate,
			   s.nprivate == 1 ? "" : "s", s.nprivate == 1 ? "it" : "them");
	else if (!s.sshd)
		result_set(c, CHECK_PASS, NULL, "no private SSH host keys in /etc/ssh (no sshd)");
	else if (s.regen != SSH_REGEN_NONE)
		result_set(c, CHECK_PASS, NULL, "no private SSH host keys in /etc/ssh; %s makes them before sshd starts", s.how);
	else
		result_set(c, CHECK_WARN,
			   "install osconf into the image (`osconf install --root`: its osconf-ssh-keygen unit or init "
			   "script runs ssh-keygen -A before sshd), or make the keys at boot otherwise",
			   "no SSH host keys in /etc/ssh and nothing makes them at boot: sshd will not start");
}

/* --- fstab ------------------------------------------------------------------------------ */

void check_fstab(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	_cleanup_(fstab_free) struct fstab f = FSTAB_INIT;
	int r = fstab_read(ctx->root, &f);
	if (r < 0) {
		result_set(c, CHECK_WARN, "check /etc/fstab by hand", "cannot read /etc/fstab: %s", strerror(-r));
		return;
	}
	if (!f.exists) {
		result_set(c, CHECK_PASS, NULL, "no /etc/fstab");
		return;
	}
	int bad = 0, total = (int)f.n;
	for (size_t k = 0; k < f.n; k++)
		if (fstab_spec_is_device_name(f.entries[k].spec)) {
			result_detail(c, "/etc/fstab:%u: %s %s", f.entries[k].line, f.entries[k].spec, f.entries[k].dir);
			bad++;
		}
	if (bad)
		result_set(c, CHECK_FAIL,
			   "refer to these file systems by UUID= or LABEL= (blkid shows them); device names change between instance types",
			   "%d /etc/fstab entr%s by kernel device name", bad, bad == 1 ? "y" : "ies");
	else
		result_set(c, CHECK_PASS, NULL, "%d /etc/fstab entr%s, none by kernel device name", total,
			   total == 1 ? "y" : "ies");
}
