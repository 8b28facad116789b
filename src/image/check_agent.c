/* check_agent.c — `image check`: osconf (or another os.conf agent) installed, enabled and able to run. */
#define _GNU_SOURCE
#include "image/check.h"
#include "image/check_agent_elf.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "tree/agent.h"
#include "util/macros.h"

/* --- osconf (or another agent) installed and enabled ------------------------------------ */

struct dir_scan {
	struct fsview *fs;
	const char *dir;
	const char *pattern;      /* fnmatch pattern of names to collect */
	char found[256];
	int count;
};

static int match_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct dir_scan *s = userdata;
	if (fnmatch(s->pattern, name, 0) != 0)
		return 0;
	if (!s->count++)
		snprintf(s->found, sizeof(s->found), "%s/%s", s->dir, name);
	return 0;
}

static int scan(struct fsview *fs, const char *dir, const char *pattern, char *found, size_t len)
{
	struct dir_scan s = { .fs = fs, .dir = dir, .pattern = pattern };
	fs_list_dir(fs, dir, match_cb, &s);
	if (s.count && found)
		snprintf(found, len, "%s", s.found);
	return s.count;
}

struct wants_scan {
	struct fsview *fs;
	char found[300];
};

static int wants_cb(const char *name, enum fs_type type _unused_, void *userdata)
{
	struct wants_scan *w = userdata;
	size_t n = strlen(name);
	if (n < 6 || !streq(name + n - 6, ".wants"))
		return 0;
	char path[300];
	snprintf(path, sizeof(path), "/etc/systemd/system/%s/osconf.service", name);
	if (!fs_exists(w->fs, path))
		return 0;
	snprintf(w->found, sizeof(w->found), "%s", path);
	return 1;
}

/* Init scripts and units that mention aliyun_custom_image: another os.conf agent. */
struct agent_scan {
	struct fsview *fs;
	const char *dir;
	char found[300];
	int files;
};

static int agent_cb(const char *name, enum fs_type type, void *userdata)
{
	struct agent_scan *a = userdata;
	if (type == FS_DIR || strncmp(name, "osconf", 6) == 0 || a->files++ > 4000)
		return 0;
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", a->dir, name);
	_cleanup_buf_ struct buf b = BUF_INIT;
	if (fs_read_file(a->fs, path, 256 << 10, &b) < 0 || !memmem(b.data, b.len, CUSTOM_DIR, strlen(CUSTOM_DIR)))
		return 0;
	snprintf(a->found, sizeof(a->found), "%s", path);
	return 1;
}

static const char *other_agent(struct fsview *fs, char *found, size_t len)
{
	static const char *const dirs[] = {
		"/etc/init.d", "/etc/rc.d/init.d", "/etc/systemd/system", "/usr/lib/systemd/system",
		"/lib/systemd/system", "/etc/rc.d", "/etc/local.d",
	};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct agent_scan a = { .fs = fs, .dir = dirs[i] };
		fs_list_dir(fs, dirs[i], agent_cb, &a);
		if (a.found[0]) {
			snprintf(found, len, "%s", a.found);
			return found;
		}
	}
	static const char *const files[] = { "/etc/rc.local", "/etc/rc.d/rc.local" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		if (fs_read_file(fs, files[i], 256 << 10, &b) == 0 && memmem(b.data, b.len, CUSTOM_DIR, strlen(CUSTOM_DIR))) {
			snprintf(found, len, "%s", files[i]);
			return found;
		}
	}
	return NULL;
}

static const char *init_system(struct fsview *fs)
{
	if (fs_is_file(fs, "/usr/lib/systemd/systemd") || fs_is_file(fs, "/lib/systemd/systemd"))
		return "systemd";
	if (fs_is_file(fs, "/sbin/openrc") || fs_is_file(fs, "/usr/sbin/openrc") || fs_is_dir(fs, "/etc/runlevels"))
		return "openrc";
	if (fs_is_file(fs, "/etc/inittab"))
		return "sysvinit";
	return NULL;
}

/* /etc/osconf.conf partition=SPEC compared with partition 1. */
static void check_recorded_partition(struct inspect *ctx, struct check_result *c)
{
	struct agent_conf ac;
	if (agent_conf_read(ctx->root, &ac) < 0)
		return;
	if (ac.partition_error[0]) {
		result_set(c, CHECK_FAIL, "run osconf install --root on the image tree again, or correct partition= in /etc/osconf.conf",
			   "%s", ac.partition_error);
		return;
	}
	const char *spec = ac.partition;
	if (!spec[0])
		return;
	int i = ctx->directory ? -1 : inspect_part_index(ctx, 1);
	const struct partition *p1 = i >= 0 ? &ctx->disk.parts[i] : NULL;
	if (!p1 || !fstype_allowed(p1->fstype, p1->fsversion))   /* see partition-1 */
		result_detail(c, "/etc/osconf.conf records partition=%s", spec);
	else if (spec_names_partition(spec, p1))
		result_detail(c, "/etc/osconf.conf records partition=%s (partition 1)", spec);
	else
		result_set(c, CHECK_FAIL, "run osconf install --root on the image tree again, or correct partition= in /etc/osconf.conf",
			   "/etc/osconf.conf records partition=%s, which is not partition 1", spec);
}

void check_agent(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct fsview *fs = ctx->root;
	const char *init = init_system(fs);
	bool bin = fs_is_file(fs, "/usr/sbin/osconf");
	bool sysv_script = fs_is_file(fs, "/etc/init.d/osconf");
	char how[3][320] = { "", "", "" };   /* systemd, sysvinit, openrc */
	bool unit = fs_is_file(fs, "/usr/lib/systemd/system/osconf.service") ||
		    fs_is_file(fs, "/etc/systemd/system/osconf.service") ||
		    fs_is_file(fs, "/lib/systemd/system/osconf.service");
	struct wants_scan w = { .fs = fs };
	if (unit) {
		fs_list_dir(fs, "/etc/systemd/system", wants_cb, &w);
		if (w.found[0])
			snprintf(how[0], sizeof(how[0]), "systemd: %s", w.found);
	}
	if (sysv_script) {
		static const char *const rcdirs[] = { "/etc/rcS.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d" };
		char found[256];
		for (size_t i = 0; i < ARRAY_SIZE(rcdirs) && !how[1][0]; i++)
			if (scan(fs, rcdirs[i], "S[0-9][0-9]osconf", found, sizeof(found)))
				snprintf(how[1], sizeof(how[1]), "sysvinit: %s", found);
		static const char *const levels[] = { "/etc/runlevels/sysinit/osconf", "/etc/runlevels/boot/osconf",
						      "/etc/runlevels/default/osconf" };
		for (size_t i = 0; i < ARRAY_SIZE(levels) && !how[2][0]; i++)
			if (fs_exists(fs, levels[i]))
				snprintf(how[2], sizeof(how[2]), "openrc: %s", levels[i]);
	}
	bool enabled = how[0][0] || how[1][0] || how[2][0];
	/* the method the image's init system runs (systemd also runs sysvinit rc links) */
	bool fits = !init || (streq(init, "systemd") && (how[0][0] || how[1][0])) ||
		    (streq(init, "sysvinit") && how[1][0]) || (streq(init, "openrc") && how[2][0]);
	const char *install = "install and enable osconf in the image: osconf install --root IMAGE_TREE";
	if (bin && enabled) {
		agent_elf_result(fs, "/usr/sbin/osconf", fits, init, c);   /* can it run there? */
		for (int i = 0; i < 3; i++)
			if (how[i][0])
				result_detail(c, "enabled by %s", how[i]);
		check_recorded_partition(ctx, c);
		return;
	}
	char other[300];
	if (other_agent(fs, other, sizeof(other))) {
		result_set(c, CHECK_WARN, "make sure that agent runs at every boot, or replace it with osconf (osconf install --root)",
			   "osconf is not %s, but %s handles aliyun_custom_image (another os.conf agent)",
			   bin ? "enabled" : "installed", other);
		return;
	}
	if (!bin && (unit || sysv_script))
		result_set(c, CHECK_FAIL, install, "osconf's %s is there, but /usr/sbin/osconf is missing",
			   unit ? "systemd unit" : "init script");
	else if (bin)
		result_set(c, CHECK_FAIL, install, "/usr/sbin/osconf is installed but not enabled for %s%s%s",
			   init ? init : "any init system",
			   unit ? " (osconf.service has no .wants link)" : "",
			   sysv_script ? " (/etc/init.d/osconf has no rc or runlevel link)" : "");
	else
		result_set(c, CHECK_FAIL, install,
			   "no os.conf agent: neither osconf nor another script that handles aliyun_custom_image");
}
