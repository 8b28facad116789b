/* sysconf.c — /etc/selinux/config and /etc/ufw/ufw.conf of a target root: their parsers and readers. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "tree/sysconf.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "tree/fsview.h"
#include "tree/osrelease.h"
#include "util/buf.h"

void selinux_conf_parse(const char *data, size_t len, struct selinux_conf *out)
{
	struct selinux_conf c = { .exists = true };
	shell_var_get(data, len, "SELINUX", c.mode, sizeof(c.mode));
	shell_var_get(data, len, "SELINUXTYPE", c.type, sizeof(c.type));
	for (char *p = c.mode; *p; p++)   /* libselinux compares without case */
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	*out = c;
}

void ufw_conf_parse(const char *data, size_t len, struct ufw_conf *out)
{
	char v[16] = "";
	shell_var_get(data, len, "ENABLED", v, sizeof(v));
	*out = (struct ufw_conf){ .exists = true, .enabled = strcasecmp(v, "yes") == 0 };
}

static int read_small(struct fsview *fs, const char *path, struct buf *b, bool *exists)
{
	int r = fs_read_file(fs, path, SYSCONF_MAX, b);
	*exists = r == 0;
	return r == -ENOENT ? 0 : r;
}

int selinux_conf_read(struct fsview *fs, struct selinux_conf *out)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	bool exists;
	int r = read_small(fs, "/etc/selinux/config", &b, &exists);
	if (r < 0)
		return r;
	if (exists)
		selinux_conf_parse(b.data ? b.data : "", b.len, out);
	else
		*out = (struct selinux_conf){ 0 };
	return 0;
}

int ufw_conf_read(struct fsview *fs, struct ufw_conf *out)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	bool exists;
	int r = read_small(fs, "/etc/ufw/ufw.conf", &b, &exists);
	if (r < 0)
		return r;
	if (exists)
		ufw_conf_parse(b.data ? b.data : "", b.len, out);
	else
		*out = (struct ufw_conf){ 0 };
	return 0;
}
