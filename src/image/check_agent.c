/* check_agent.c — `image check`: osconf (or another os.conf agent) installed, enabled and able to run. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"
#include "image/check_agent_elf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tree/agent.h"
#include "tree/init.h"
#include "util/macros.h"

/* --- osconf (or another agent) installed and enabled ------------------------------------ */

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

/* /etc/osconf.conf partition=SPEC compared with partition 1. */
static void check_recorded_partition(struct inspect *ctx, const struct agent_conf *ac, struct check_result *c)
{
	if (ac->partition_error[0]) {
		result_set(c, CHECK_FAIL, "run osconf install --root on the image tree again, or correct partition= in /etc/osconf.conf",
			   "%s", ac->partition_error);
		return;
	}
	const char *spec = ac->partition;
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

/* /etc/osconf.conf as a whole: its partition=, and the settings osconf would warn about (and
 * take the default for) at every boot. */
static void check_agent_conf(struct inspect *ctx, struct check_result *c)
{
	struct agent_conf ac;
	if (agent_conf_read(ctx->root, &ac) < 0)
		return;
	check_recorded_partition(ctx, &ac, c);
	const char *const bad[] = { ac.lock_wait_error, ac.switch_error };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!bad[i][0])
			continue;
		if (c->status == CHECK_PASS)
			result_set(c, CHECK_WARN, "correct the setting in /etc/osconf.conf", "%s", bad[i]);
		else
			result_detail(c, "%s", bad[i]);
	}
}

/* Where osconf is enabled, for each init system's layout whose unit or script the tree has
 * (how[i] "" where not): the same rules as the init system, the same table as install. */
struct agent_state {
	bool bin, unit, script, enabled;
	char unit_path[256], script_path[256];
	char how[INIT_LAYOUTS_N][384];
};

static void agent_state(struct fsview *fs, struct agent_state *a)
{
	*a = (struct agent_state){ .bin = fs_is_file(fs, INIT_OSCONF_BINARY) };
	for (size_t i = 0; i < init_layouts_count && i < INIT_LAYOUTS_N; i++) {
		const struct init_layout *l = &init_layouts[i];
		bool systemd = l->system == INIT_SYSTEMD;
		char path[256];
		if (!init_service_file(fs, &l->boot, path, sizeof(path)))
			continue;
		snprintf(systemd ? a->unit_path : a->script_path, sizeof(path), "%s", path);
		*(systemd ? &a->unit : &a->script) = true;
		struct init_info only = { .system = l->system };
		if (init_unit_enabled(fs, &only, l->boot.name, a->how[i], sizeof(a->how[i])))
			a->enabled = true;
	}
}

void check_agent(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct fsview *fs = ctx->root;
	struct init_info ii;
	if (init_read(fs, &ii) < 0)
		ii.system = INIT_UNKNOWN;
	const char *init = init_system_title(ii.system);
	struct agent_state a;
	agent_state(fs, &a);
	/* the way the image's init system starts it (systemd also runs sysvinit rc links
	 * when there is no osconf.service) */
	bool fits = !init || init_unit_enabled(fs, &ii, "osconf", NULL, 0);
	const char *install = "install and enable osconf in the image: osconf install --root IMAGE_TREE";
	if (a.bin && a.enabled) {
		agent_elf_result(fs, INIT_OSCONF_BINARY, fits, init, c);   /* can it run there? */
		for (size_t i = 0; i < INIT_LAYOUTS_N; i++)
			if (a.how[i][0])
				result_detail(c, "enabled by %s", a.how[i]);
		check_agent_conf(ctx, c);
		return;
	}
	char other[300];
	if (other_agent(fs, other, sizeof(other))) {
		result_set(c, CHECK_WARN, "make sure that agent runs at every boot, or replace it with osconf (osconf install --root)",
			   "osconf is not %s, but %s handles aliyun_custom_image (another os.conf agent)",
			   a.bin ? "enabled" : "installed", other);
		return;
	}
	if (!a.bin && (a.unit || a.script))
		result_set(c, CHECK_FAIL, install, "osconf's %s is there, but %s is missing",
			   a.unit ? "systemd unit" : "init script", INIT_OSCONF_BINARY);
	else if (a.bin)
		result_set(c, CHECK_FAIL, install, "%s is installed but not enabled for %s%s%s%s%s", INIT_OSCONF_BINARY,
			   init ? init : "any init system",
			   a.unit ? " (" : "", a.unit ? a.unit_path : "", a.unit ? " has no .wants link)" : "",
			   a.script ? " (the init script has no rc or runlevel link)" : "");
	else
		result_set(c, CHECK_FAIL, install,
			   "no os.conf agent: neither osconf nor another script that handles aliyun_custom_image");
}
