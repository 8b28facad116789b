/* install.c — `osconf install/uninstall`: binary, units or init scripts, enable links, /etc/osconf.conf. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "install/install.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "identity/identity.h"
#include "tree/agent.h"
#include "tree/fsview.h"
#include "tree/init.h"
#include "tree/sshkeys.h"
#include "install/dist.h"
#include "install/insserv.h"
#include "install/steps.h"
#include "locate/blkid.h"
#include "locate/locate.h"
#include "sys/atomic.h"
#include "sys/lock.h"
#include "sys/root.h"
#include "util/macros.h"

#define BINARY_MAX (64u << 20)
#define CONF_MAX (64u << 10)

const struct dist_file *dist_file(const char *name)
{
	for (int i = 0; i < dist_files_count; i++)
		if (streq(dist_files[i].name, name))
			return &dist_files[i];
	return NULL;
}

static int read_binary(const char *path, struct buf *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	for (;;) {
		int r = buf_reserve(out, 65536);
		if (r < 0)
			return r;
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negerrno();
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > BINARY_MAX)
			return -EFBIG;
	}
	return out->len ? 0 : -ENOEXEC;
}

/* S-link order: just before the network script of the runlevel directory. */
struct seq_scan {
	int net;
};

static int scan_network(const char *name, void *ud)
{
	struct seq_scan *s = ud;
	static const char *const nets[] = { "networking", "network", "NetworkManager", "ifupdown", "net" };
	if (name[0] != 'S' || !isdigit((unsigned char)name[1]) || !isdigit((unsigned char)name[2]))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(nets); i++)
		if (streq(name + 3, nets[i])) {
			int n = (name[1] - '0') * 10 + (name[2] - '0');
			if (s->net < 0 || n < s->net)
				s->net = n;
		}
	return 0;
}

struct stale_links {
	char names[8][32];  /* other S??SVC links in the directory */
	int n;
	const char *keep, *svc;
};

static int scan_stale(const char *name, void *ud)
{
	struct stale_links *s = ud;
	if (name[0] == 'S' && isdigit((unsigned char)name[1]) && isdigit((unsigned char)name[2]) &&
	    streq(name + 3, s->svc) && !streq(name, s->keep) && s->n < 8)
		snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", name);
	return 0;
}

/* One enable link of the layout: DIR/S??SVC gets the number just below the network script's
 * in DIR (a link from an earlier install with another number goes); others as they are. */
static int put_enable_link(int rootfd, const char *path, const char *target, struct buf *log, char *err,
			   size_t errlen)
{
	const char *slash = strrchr(path, '/'), *q = slash ? strstr(slash, "/S??") : NULL;
	if (!q)
		return put_link(rootfd, path, target, log, err, errlen);
	char dir[128], rel[192], name[64];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	struct seq_scan s = { .net = -1 };
	int r = each_entry(rootfd, dir, scan_network, &s, err, errlen);
	if (r < 0)
		return r;
	/* 09: before RHEL's S10network when no network script is there to go by; always a
	 * number below the network script's (S00osconf before S01networking). */
	int seq = s.net < 0 ? 9 : s.net > 0 ? s.net - 1 : 0;
	snprintf(name, sizeof(name), "S%02d%s", seq, q + 4);
	struct stale_links st = { .keep = name, .svc = q + 4 };
	r = each_entry(rootfd, dir, scan_stale, &st, err, errlen);
	for (int i = 0; r == 0 && i < st.n; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", dir, st.names[i]);
		r = remove_path(rootfd, rel, log, err, errlen);
	}
	if (r < 0)
		return r;
	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	return put_link(rootfd, rel, target, log, err, errlen);
}

/* insserv's names: what $local_fs (without NFS, which needs the network) and $network are. */
static const char *const boot_deps[] = { "mountall.sh", "mountall-bootclean.sh", "udev", NULL };
static const char *const net_scripts[] = { "networking", "network-manager", "NetworkManager", "ifupdown", NULL };
static const char *const watch_deps[] = { "rsyslog", "syslog-ng", NULL };

static int insserv_result(int r, const char *rel, char *err, size_t errlen)
{
	if (r < 0)
		set_err(err, errlen, "cannot update %s: %s", rel, strerror(-r));
	return r < 0 ? r : 0;
}

/* The directory of the link at path. */
static void link_dir(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	snprintf(dir, len, "%.*s", slash ? (int)(slash - path) : 0, path);
}

/* Whether every directory of set's links is there: 1, 0, or the error looking. */
static int links_dirs_exist(int rootfd, const struct init_linkset *set, char *err, size_t errlen)
{
	char dir[128];
	for (size_t i = 0; i < INIT_LINKS_MAX && set->paths[i]; i++) {
		link_dir(set->paths[i], dir, sizeof(dir));
		int r = looked(root_is_dir(rootfd, dir), dir, err, errlen);
		if (r <= 0)
			return r;
	}
	return 1;
}

/* Whether a network script is in the directory of set's first link: 1, 0, or the error. */
static int links_dir_has_network(int rootfd, const struct init_linkset *set, char *err, size_t errlen)
{
	char dir[128], rel[192];
	link_dir(set->paths[0], dir, sizeof(dir));
	for (const char *const *n = net_scripts; *n; n++) {
		snprintf(rel, sizeof(rel), "%s/%s", dir, *n);
		int r = looked(root_exists(rootfd, rel), rel, err, errlen);
		if (r != 0)
			return r;
	}
	return 0;
}

/* The link set of s the tree takes, as s->pick says (the last set by default). */
static int pick_links(int rootfd, const struct init_service *s, const struct init_linkset **out, char *err,
		      size_t errlen)
{
	size_t n = 0;
	while (n < INIT_LINKSETS_MAX && s->links[n].paths[0])
		n++;
	for (size_t i = 0; i + 1 < n; i++) {
		int r = s->pick == INIT_PICK_DIRS      ? links_dirs_exist(rootfd, &s->links[i], err, errlen)
			: s->pick == INIT_PICK_NETWORK ? links_dir_has_network(rootfd, &s->links[i], err, errlen)
						       : 0;
		if (r < 0)
			return r;
		if (r) {
			*out = &s->links[i];
			return 0;
		}
	}
	*out = &s->links[n ? n - 1 : 0];
	return 0;
}

/* s's file from dist/ at its path, and its enable links. */
static int put_service(int rootfd, const struct init_service *s, struct buf *log, char *err, size_t errlen)
{
	const struct init_linkset *set = NULL;
	int r = put_dist(rootfd, s->dist, s->path, s->mode, log, err, errlen);
	if (r == 0)
		r = pick_links(rootfd, s, &set, err, errlen);
	for (size_t i = 0; r == 0 && i < INIT_LINKS_MAX && set->paths[i]; i++)
		r = put_enable_link(rootfd, set->paths[i], s->target, log, err, errlen);
	return r;
}

/* Every enable link s may have (all its sets), then its file. */
static int remove_service(int rootfd, const struct init_service *s, struct buf *log, char *err, size_t errlen)
{
	int r = 0;
	for (size_t k = 0; r == 0 && k < INIT_LINKSETS_MAX; k++)
		for (size_t i = 0; r == 0 && i < INIT_LINKS_MAX && s->links[k].paths[i]; i++)
			r = remove_path(rootfd, s->links[k].paths[i], log, err, errlen);
	return r < 0 ? r : remove_path(rootfd, s->path, log, err, errlen);
}

struct unlink_ctx {
	int rootfd;
	const char *name; /* the script whose links go */
	const char *dir;
	struct buf *log;
	char *err;
	size_t errlen;
};

static int unlink_rc(const char *name, void *ud)
{
	struct unlink_ctx *c = ud;
	bool ours = (name[0] == 'S' || name[0] == 'K') && isdigit((unsigned char)name[1]) &&
		    isdigit((unsigned char)name[2]) && streq(name + 3, c->name);
	if (!ours)
		return 0;
	char rel[256];
	snprintf(rel, sizeof(rel), "%s/%s", c->dir, name);
	return remove_path(c->rootfd, rel, c->log, c->err, c->errlen);
}

static int unlink_runlevel(const char *name, void *ud)
{
	struct unlink_ctx *c = ud;
	char rel[256];
	snprintf(rel, sizeof(rel), "etc/runlevels/%s/%s", name, c->name);
	return remove_path(c->rootfd, rel, c->log, c->err, c->errlen);
}

/* Removes the sysvinit and OpenRC links of the script called name, then the script. */
static int sysv_openrc_disable(int rootfd, const char *name, struct buf *log, char *err, size_t errlen)
{
	static const char *const dirs[] = {
		"etc/rcS.d", "etc/rc0.d", "etc/rc1.d", "etc/rc2.d", "etc/rc3.d", "etc/rc4.d", "etc/rc5.d", "etc/rc6.d",
		"etc/rc.d/rc0.d", "etc/rc.d/rc1.d", "etc/rc.d/rc2.d", "etc/rc.d/rc3.d", "etc/rc.d/rc4.d",
		"etc/rc.d/rc5.d", "etc/rc.d/rc6.d",
	};
	struct unlink_ctx c = { .rootfd = rootfd, .name = name, .log = log, .err = err, .errlen = errlen };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct stat st;
		/* rc.d/rcN.d and rcN.d are often the same directory through a symlink. */
		int r = root_lstat(rootfd, dirs[i], &st);
		if (r == -ENOENT || r == -ENOTDIR || (r == 0 && !S_ISDIR(st.st_mode)))
			continue;
		c.dir = dirs[i];
		r = r < 0 ? looked(r, dirs[i], err, errlen) : each_entry(rootfd, dirs[i], unlink_rc, &c, err, errlen);
		if (r < 0)
			return r;
	}
	int r = each_entry(rootfd, "etc/runlevels", unlink_runlevel, &c, err, errlen);
	static const char *const depend[] = { "etc/init.d/.depend.boot", "etc/init.d/.depend.start",
					      "etc/init.d/.depend.stop" };
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(depend); i++)
		r = insserv_result(insserv_edit(rootfd, depend[i], name, NULL, net_scripts, false, log), depend[i],
				   err, errlen);
	if (r < 0)
		return r;
	char script[64];
	snprintf(script, sizeof(script), "/etc/init.d/%s", name);
	return remove_path(rootfd, script, log, err, errlen);
}

/* sysvinit/OpenRC re-apply on change: `osconf watch` as a service, only where partition 1 has
 * a permanent mount point (a private mount would see nobody's writes); removed otherwise. */
static int watch_service(int rootfd, const struct init_layout *l, const char *spec, struct buf *log, char *err,
			 size_t errlen)
{
	_cleanup_free_ char *mnt = NULL;
	int r = boot_mount(rootfd, spec, &mnt, err, errlen);
	if (r < 0 || !mnt)
		return r < 0 ? r : sysv_openrc_disable(rootfd, l->watch.name, log, err, errlen);
	r = put_service(rootfd, &l->watch, log, err, errlen);
	if (r < 0 || l->system != INIT_SYSV)
		return r;
	r = insserv_edit(rootfd, "etc/init.d/.depend.start", l->watch.name, watch_deps, NULL, true, log);
	if (r >= 0)
		r = insserv_edit(rootfd, "etc/init.d/.depend.stop", l->watch.name, NULL, NULL, true, log);
	return insserv_result(r, "/etc/init.d/.depend.start|stop", err, errlen);
}

/* /etc/osconf.conf: every line but partition= kept; with spec, partition=spec appended. */
static int render_conf(const struct buf *old, const char *spec, struct buf *out, bool *only_ours)
{
	size_t pos = 0, len;
	const char *line;
	*only_ours = true;
	if (!old->len && spec)
		buf_puts(out, "# /etc/osconf.conf — settings for osconf(8); written by `osconf install`.\n");
	while (buf_next_line(old, &pos, &line, &len)) {
		if (len >= 10 && !strncmp(line, "partition=", 10))
			continue;
		if (len && line[0] != '#')
			*only_ours = false;
		buf_append(out, line, len);
		buf_puts(out, "\n");
	}
	if (spec)
		buf_printf(out, "partition=%s\n", spec);
	return out->data || !spec ? 0 : -ENOMEM;
}

/* The partition recorded in /etc/osconf.conf in *spec (NULL when none); unreadable: fails. */
static int recorded_partition(int rootfd, char **spec, char *err, size_t errlen)
{
	struct agent_conf ac;
	struct fs_borrowed fb;
	int r = agent_conf_read(fs_borrow_root(rootfd, &fb), &ac);
	if (r < 0) {
		set_err(err, errlen, "cannot read %s: %s", INSTALL_CONF, root_strerror(r));
		return r;
	}
	*spec = ac.partition[0] ? strdup(ac.partition) : NULL;
	return ac.partition[0] && !*spec ? -ENOMEM : 0;
}

static int record_partition(int rootfd, const char *spec, struct buf *log, char *err, size_t errlen)
{
	_cleanup_buf_ struct buf old = BUF_INIT, conf = BUF_INIT;
	int r = root_read_file(rootfd, INSTALL_CONF, CONF_MAX, &old);
	if (r < 0 && r != -ENOENT) {
		set_err(err, errlen, "cannot read %s: %s", INSTALL_CONF, strerror(-r));
		return r;
	}
	bool only_ours;
	if (render_conf(&old, spec, &conf, &only_ours) < 0)
		return -ENOMEM;
	return put_file(rootfd, INSTALL_CONF, &conf, 0644, log, err, errlen);
}

static int make_conf_dir(int rootfd, const char *spec, struct buf *log, char *err, size_t errlen)
{
	_cleanup_free_ char *mnt = NULL;
	int r = boot_mount(rootfd, spec, &mnt, err, errlen);
	if (r == 0 && mnt)
		r = looked(root_is_mount_point(rootfd, mnt), mnt, err, errlen);
	if (r < 0)
		return r;
	if (!r) {
		buf_printf(log, "note: partition %s is not mounted in this tree; create %s/ on it yourself "
				"(the cloud also creates it)\n", spec ? spec : "1", INSTALL_CONF_DIR);
		return 0;
	}
	char rel[512];
	snprintf(rel, sizeof(rel), "%s/%s", mnt, INSTALL_CONF_DIR);
	r = looked(root_is_dir(rootfd, rel), rel, err, errlen);
	if (r > 0)
		buf_printf(log, "unchanged %s/\n", rel);
	if (r != 0)
		return r < 0 ? r : 0;
	const char *base;
	_cleanup_close_ int dfd = root_open_parent(rootfd, rel, false, &base);
	if (dfd < 0 || mkdirat(dfd, base, 0755) < 0) {
		r = dfd < 0 ? dfd : negerrno();
		set_err(err, errlen, "cannot create %s: %s", rel, strerror(-r));
		return r;
	}
	buf_printf(log, "created %s/\n", rel);
	return 0;
}

/* Installing on the running system: find partition 1 as the boot-time run will (src/locate/),
 * give its UUID (or label) when none was recorded, and create aliyun_custom_image/ on it. */
static void host_partition(int rootfd, char **spec, struct buf *log)
{
	struct locate_env env = LOCATE_ENV_DEFAULT;
	env.no_peek = true; /* the directory is made on the mounted partition: mount it, do not just read it */
	struct located loc = { .dirfd = -1 };
	char err[512] = "";
	int r = locate_osconf(rootfd, &env, &loc, err, sizeof(err));
	if (r < 0) {
		buf_printf(log, "note: partition 1 not found (%s)\n", err);
		located_release(&loc);
		return;
	}
	if (!*spec) {
		struct blk_info bi;
		if (blk_probe(loc.device, &bi, err, sizeof(err)) == 0 && (bi.uuid[0] || bi.label[0]) &&
		    asprintf(spec, "%s=%s", bi.uuid[0] ? "UUID" : "LABEL", bi.uuid[0] ? bi.uuid : bi.label) < 0)
			*spec = NULL;
		if (*spec)
			buf_printf(log, "partition 1: %s (%s)\n", loc.device, *spec);
	}
	if (loc.dirfd < 0 && !loc.read_only && loc.mountpoint[0]) {
		char dir[4200];
		snprintf(dir, sizeof(dir), "%s/%s", loc.mountpoint, INSTALL_CONF_DIR);
		if (mkdir(dir, 0755) == 0)
			buf_printf(log, "created %s/ on %s\n", INSTALL_CONF_DIR, loc.device);
		else
			buf_printf(log, "note: cannot create %s/ on %s: %s\n", INSTALL_CONF_DIR, loc.device,
				   strerror(errno));
	}
	located_release(&loc);
}

/* systemd re-applies on change through the .path unit, only where partition 1 has a permanent
 * mount point to watch: its @CONFDIR@ is aliyun_custom_image/ there. */
static int systemd_watch(int rootfd, const struct init_layout *l, const char *spec, struct buf *log, char *err,
			 size_t errlen)
{
	const struct init_service *w = &l->watch;
	_cleanup_free_ char *mnt = NULL;
	int r = boot_mount(rootfd, spec, &mnt, err, errlen);
	if (r < 0 || !mnt)
		return r < 0 ? r : remove_service(rootfd, w, log, err, errlen);
	const struct dist_file *f = dist_file(w->dist);
	if (!f)
		return -ENOENT;
	_cleanup_buf_ struct buf unit = BUF_INIT;
	const char *dir = streq(mnt, "/") ? "" : mnt;
	for (const char *p = f->data, *at; *p; p = at + 9) {
		at = strstr(p, "@CONFDIR@");
		if (!at) {
			buf_puts(&unit, p);
			break;
		}
		buf_append(&unit, p, (size_t)(at - p));
		buf_printf(&unit, "%s/%s", dir, INSTALL_CONF_DIR);
	}
	r = put_file(rootfd, w->path, &unit, w->mode, log, err, errlen);
	const struct init_linkset *set = &w->links[0];
	for (size_t i = 0; r == 0 && i < INIT_LINKS_MAX && set->paths[i]; i++)
		r = put_link(rootfd, set->paths[i], w->target, log, err, errlen);
	return r;
}

/* systemd: the unit that puts a new instance's machine-id in place at shutdown (src/identity/). */
static const struct init_service machine_id_unit = { "osconf-machine-id.service", "systemd/osconf-machine-id.service",
	IDENTITY_MACHINE_ID_UNIT, 0644, IDENTITY_MACHINE_ID_UNIT, INIT_PICK_ONLY, { { { IDENTITY_MACHINE_ID_LINK } } } };

/* Debian's sysvinit: name in insserv's .depend.boot, which sysv-rc follows instead of the
 * links when it exists, after deps and before the scripts of before. */
static int depend_boot(int rootfd, const char *name, const char *const *deps, const char *const *before, struct buf *log,
		       char *err, size_t errlen)
{
	int r = looked(root_is_dir(rootfd, "etc/rcS.d"), "etc/rcS.d", err, errlen);
	if (r > 0)
		r = insserv_result(insserv_edit(rootfd, "etc/init.d/.depend.boot", name, deps, before, true, log),
				   "/etc/init.d/.depend.boot", err, errlen);
	return r;
}

/* sysvinit and OpenRC: /etc/init.d/osconf-ssh-keygen (ssh-keygen -A before sshd when there is
 * no host key) where the tree has no way of its own to make them (src/tree/sshkeys.c); where it
 * has one, an earlier install's script goes. systemd's unit comes with every install. */
static int keygen_service(int rootfd, const struct init_layout *l, struct buf *log, char *err, size_t errlen)
{
	static const char *const deps[] = { "osconf", "mountall.sh", "mountall-bootclean.sh", "udev", NULL };
	const struct init_info ii = { .system = l->system };
	struct fs_borrowed fb;
	struct ssh_info s;
	if (l->system == INIT_SYSTEMD)
		return put_service(rootfd, &l->keygen, log, err, errlen);
	int r = ssh_info_read(fs_borrow_root(rootfd, &fb), &ii, &s);
	if (r < 0) {
		set_err(err, errlen, "cannot tell what makes SSH host keys from /etc/ssh and the init scripts: %s",
			root_strerror(r));
		return r;
	}
	if (s.regen == SSH_REGEN_DISTRO) {
		buf_printf(log, "note: no %s: %s makes missing SSH host keys\n", l->keygen.path, s.how);
		return sysv_openrc_disable(rootfd, l->keygen.name, log, err, errlen);
	}
	r = put_service(rootfd, &l->keygen, log, err, errlen);
	if (r == 0 && l->system == INIT_SYSV)
		r = depend_boot(rootfd, l->keygen.name, deps, NULL, log, err, errlen);
	return r < 0 ? r : 0;
}

/* osconf's layout for init (src/tree/init.c): the unit or script and its links, insserv's
 * boot order on Debian's sysvinit, the host key maker, the watch service, and systemd's
 * machine-id unit. */
static int enable(int rootfd, enum init_system init, const char *spec, struct buf *log, char *err, size_t errlen)
{
	const struct init_layout *l = init_layout(init);
	if (!l)
		return -EINVAL;
	int r = put_service(rootfd, &l->boot, log, err, errlen);
	if (r == 0 && init == INIT_SYSV)
		r = depend_boot(rootfd, l->boot.name, boot_deps, net_scripts, log, err, errlen);
	if (r >= 0)
		r = keygen_service(rootfd, l, log, err, errlen);
	if (r == 0 && init == INIT_SYSTEMD)
		r = put_service(rootfd, &machine_id_unit, log, err, errlen);
	if (r < 0)
		return r;
	return init == INIT_SYSTEMD ? systemd_watch(rootfd, l, spec, log, err, errlen)
				    : watch_service(rootfd, l, spec, log, err, errlen);
}

/* The init system to install for: --init, else the running systemd, else the tree's. */
static int pick_init(const struct install_opts *o, const struct root *root, enum init_system *init,
		     struct buf *log, char *err, size_t errlen)
{
	struct init_info ii = { .system = o->init };
	struct fs_borrowed fb;
	int r = ii.system == INIT_UNKNOWN && root->is_host
			? looked(root_is_dir(root->fd, "run/systemd/system"), "run/systemd/system", err, errlen)
			: 0;
	if (r < 0)
		return r;
	if (r > 0) {
		ii.system = INIT_SYSTEMD;
		snprintf(ii.how, sizeof(ii.how), "/run/systemd/system: systemd is running");
	} else if (ii.system == INIT_UNKNOWN) {
		r = init_read(fs_borrow_root(root->fd, &fb), &ii);
		if (r < 0 || ii.system == INIT_UNKNOWN) {
			set_err(err, errlen, "no init system recognised in %s; say which with --init", root->path);
			return r < 0 ? r : -ENOENT;
		}
	} else {
		snprintf(ii.how, sizeof(ii.how), "--init");
	}
	buf_printf(log, "init system: %s (%s)\n", init_system_name(ii.system), ii.how);
	*init = ii.system;
	return 0;
}

/* The run lock (src/sys/lock.h): install and uninstall wait for a running apply or watch, as
 * long as lock_wait= in /etc/osconf.conf says. */
static int lock_root(const struct root *root, struct buf *log, char *err, size_t errlen)
{
	struct agent_conf ac;
	struct fs_borrowed fb;
	int fd = agent_conf_read(fs_borrow_root(root->fd, &fb), &ac);
	if (fd < 0) {
		set_err(err, errlen, "cannot read %s: %s", INSTALL_CONF, root_strerror(fd));
		return fd;
	}
	if (ac.lock_wait_error[0])
		buf_printf(log, "warning: %s\n", ac.lock_wait_error);
	fd = root_lock(root->fd, ac.lock_wait_ms, NULL);
	if (fd < 0)
		set_err(err, errlen, "cannot take the lock %s in %s: %s", ROOT_LOCK_PATH, root->path,
			root_lock_strerror(fd));
	return fd;
}

int osconf_install(const struct install_opts *o, struct buf *log, char *err, size_t errlen)
{
	_cleanup_(root_close) struct root root = ROOT_INIT;
	const char *rootpath = o->root ? o->root : "/";
	int r = root_open(rootpath, &root);
	if (r < 0) {
		set_err(err, errlen, "cannot open root %s: %s", rootpath, strerror(-r));
		return r;
	}
	_cleanup_close_ int lock = lock_root(&root, log, err, errlen);
	if (lock < 0)
		return lock;
	if (o->partition && !partition_spec_valid(o->partition)) {
		set_err(err, errlen, "invalid partition '%s' (want UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…)", o->partition);
		return -EINVAL;
	}
	enum init_system init;
	r = pick_init(o, &root, &init, log, err, errlen);
	if (r < 0)
		return r;

	_cleanup_buf_ struct buf bin = BUF_INIT;
	const char *self = o->binary ? o->binary : "/proc/self/exe";
	r = read_binary(self, &bin);
	if (r < 0) {
		set_err(err, errlen, "cannot read %s: %s", self, strerror(-r));
		return r;
	}
	r = put_file(root.fd, INSTALL_BINARY, &bin, 0755, log, err, errlen);
	if (r < 0)
		return r;

	_cleanup_free_ char *spec = NULL;
	if (o->partition)
		r = (spec = strdup(o->partition)) ? 0 : -ENOMEM;
	else
		r = recorded_partition(root.fd, &spec, err, errlen);
	if (r < 0)
		return r;
	if (root.is_host)
		host_partition(root.fd, &spec, log);
	if (spec)
		r = record_partition(root.fd, spec, log, err, errlen);
	if (r < 0)
		return r;
	if (!spec)
		buf_puts(log, "note: no partition recorded; at boot osconf uses partition 1 of the disk holding /\n");

	r = enable(root.fd, init, spec, log, err, errlen);
	if (r < 0)
		return r;
	bool recorded;
	if (root.is_host && identity_record_host(root.fd, &recorded) == 0 && recorded)
		buf_printf(log, "recorded this instance's NIC MACs in %s (a new instance is told by other MACs)\n",
			   IDENTITY_RECORD);
	return root.is_host ? 0 : make_conf_dir(root.fd, spec, log, err, errlen);
}

int osconf_uninstall(const char *rootpath, struct buf *log, char *err, size_t errlen)
{
	_cleanup_(root_close) struct root root = ROOT_INIT;
	rootpath = rootpath ? rootpath : "/";
	int r = root_open(rootpath, &root);
	if (r < 0) {
		set_err(err, errlen, "cannot open root %s: %s", rootpath, strerror(-r));
		return r;
	}
	_cleanup_close_ int lock = lock_root(&root, log, err, errlen);
	if (lock < 0)
		return lock;
	const struct init_layout *sd = init_layout(INIT_SYSTEMD);
	if ((r = remove_service(root.fd, &sd->keygen, log, err, errlen)) < 0 ||
	    (r = remove_service(root.fd, &machine_id_unit, log, err, errlen)) < 0 ||
	    (r = remove_service(root.fd, &sd->watch, log, err, errlen)) < 0 ||
	    (r = remove_service(root.fd, &sd->boot, log, err, errlen)) < 0)
		return r;
	/* sysvinit and OpenRC share the scripts' names; the keygen's .depend.boot rule names osconf */
	const struct init_layout *sysv = init_layout(INIT_SYSV);
	if ((r = sysv_openrc_disable(root.fd, sysv->keygen.name, log, err, errlen)) < 0 ||
	    (r = sysv_openrc_disable(root.fd, sysv->watch.name, log, err, errlen)) < 0 ||
	    (r = sysv_openrc_disable(root.fd, sysv->boot.name, log, err, errlen)) < 0)
		return r;

	_cleanup_buf_ struct buf old = BUF_INIT, conf = BUF_INIT;
	r = root_read_file(root.fd, INSTALL_CONF, CONF_MAX, &old);
	if (r < 0 && r != -ENOENT) {
		set_err(err, errlen, "cannot read %s: %s", INSTALL_CONF, root_strerror(r));
		return r;
	}
	if (r == 0) {
		bool only_ours;
		if (render_conf(&old, NULL, &conf, &only_ours) < 0)
			return -ENOMEM;
		if (only_ours)
			r = remove_path(root.fd, INSTALL_CONF, log, err, errlen);
		else
			r = put_file(root.fd, INSTALL_CONF, &conf, 0644, log, err, errlen);
		if (r < 0)
			return r;
	}
	r = remove_path(root.fd, INSTALL_BINARY, log, err, errlen);
	return r < 0 ? r : remove_path(root.fd, ROOT_LOCK_PATH, log, err, errlen); /* held: safe to remove */
}
