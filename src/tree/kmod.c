/* kmod.c — a kernel's drivers in a target root: config-VERSION, modules.builtin, modules.dep and the initramfs, one reader each. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "tree/kmod.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tree/fsview.h"
#include "tree/initramfs.h"
#include "util/buf.h"
#include "util/macros.h"

#define KMOD_LIST_MAX (16u << 20)

const struct kmod_driver kmod_drivers[KMOD_COUNT] = {
	[KMOD_VIRTIO_BLK] = { "virtio_blk", "CONFIG_VIRTIO_BLK", "the virtio disk" },
	[KMOD_VIRTIO_PCI] = { "virtio_pci", "CONFIG_VIRTIO_PCI", "virtio's PCI transport" },
	[KMOD_VIRTIO_NET] = { "virtio_net", "CONFIG_VIRTIO_NET", "the virtio NIC" },
	[KMOD_NVME] = { "nvme", "CONFIG_BLK_DEV_NVME", "NVMe disks" },
};

char kconfig_value(const char *text, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		if (n > klen + 1 && !strncmp(p, key, klen) && p[klen] == '=')
			return p[klen + 1] == 'y' || p[klen + 1] == 'm' ? p[klen + 1] : 'n';
		if (n > klen + 2 && !strncmp(p, "# ", 2) && !strncmp(p + 2, key, klen) && !strncmp(p + 2 + klen, " is not set", 11))
			return 'n';
		p = le + 1;
	}
	return 0;
}

void kmod_name(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *ko = strstr(b, ".ko");
	size_t n = ko && (!ko[3] || ko[3] == '.') ? (size_t)(ko - b) : 0;
	n = n < len ? n : len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = b[i] == '-' ? '_' : b[i];
	out[n] = '\0';
}

bool modlist_has(const char *text, size_t len, const char *module)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		char path[512], name[128];
		size_t n = (size_t)((colon ? colon : le) - p);
		snprintf(path, sizeof(path), "%.*s", (int)(n < sizeof(path) ? n : sizeof(path) - 1), p);
		kmod_name(path, name, sizeof(name));
		if (streq(name, module))
			return true;
		p = le + 1;
	}
	return false;
}

/* --- reading ------------------------------------------------------------------------------------ */

static int read_list(struct fsview *fs, const char *path, struct buf *b, bool *have)
{
	int r = fs_read_file(fs, path, KMOD_LIST_MAX, b);
	*have = r == 0;
	return r == -ENOENT ? 0 : r;
}

static int initramfs_cb_mod(const char *name, void *userdata)
{
	struct kmod_facts *f = userdata;
	char mod[128];
	kmod_name(name, mod, sizeof(mod));
	bool all = true;
	for (int i = 0; i < KMOD_COUNT; i++) {
		if (mod[0] && streq(mod, kmod_drivers[i].module))
			f->mod[i].initramfs = true;
		all = all && (f->mod[i].initramfs || f->mod[i].builtin);
	}
	return all;   /* everything found: stop reading */
}

static void read_initramfs(struct fsview *boot, const char *path, struct kmod_facts *f)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r = fs_read_file(boot, path, INITRAMFS_MAX_READ, &b);
	if (r < 0) {
		snprintf(f->initramfs_err, sizeof(f->initramfs_err), "%s: %s", path, strerror(-r));
		return;
	}
	struct initramfs_info info;
	char err[160] = "";
	r = initramfs_scan((const uint8_t *)(b.data ? b.data : ""), b.len, initramfs_cb_mod, f, &info, err, sizeof(err));
	f->have_initramfs = true;
	size_t n = strlen(f->initramfs_formats);
	snprintf(f->initramfs_formats + n, sizeof(f->initramfs_formats) - n, "%s%s", n ? ", " : "", info.formats);
	if (r < 0 && !f->initramfs_err[0])
		snprintf(f->initramfs_err, sizeof(f->initramfs_err), "%s: %s", path, err[0] ? err : strerror(-r));
}

int kmod_read(struct fsview *root, struct fsview *boot, const char *prefix, const char *version,
	      const char (*initrds)[256], int ninitrd, struct kmod_facts *out)
{
	struct kmod_facts f = { 0 };
	snprintf(f.version, sizeof(f.version), "%s", version);
	char path[256];
	_cleanup_buf_ struct buf cfg = BUF_INIT, builtin = BUF_INIT, dep = BUF_INIT;
	snprintf(path, sizeof(path), "%s/config-%s", prefix, version);
	int r = read_list(boot, path, &cfg, &f.have_config);
	if (r < 0)
		return r;
	const char *const lists[] = { "modules.builtin", "modules.dep" };
	struct buf *bufs[] = { &builtin, &dep };
	bool *haves[] = { &f.have_builtin, &f.have_dep };
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s/%s", version, lists[i]);
		if ((r = read_list(root, path, bufs[i], haves[i])) < 0)
			return r;
	}
	for (int i = 0; i < KMOD_COUNT; i++) {
		struct kmod_state *m = &f.mod[i];
		m->config = f.have_config ? kconfig_value(cfg.data, cfg.len, kmod_drivers[i].config) : 0;
		m->builtin = m->config == 'y' || (f.have_builtin && modlist_has(builtin.data, builtin.len, kmod_drivers[i].module));
		m->on_root = f.have_dep && modlist_has(dep.data, dep.len, kmod_drivers[i].module);
	}
	for (int i = 0; i < ninitrd; i++)
		read_initramfs(boot, initrds[i], &f);
	*out = f;
	return 0;
}

struct one_version {
	char name[64];
	int n;
};

static int version_cb(const char *name, enum fs_type type, void *userdata)
{
	struct one_version *v = userdata;
	if (type == FS_DIR && v->n++ == 0)
		snprintf(v->name, sizeof(v->name), "%s", name);
	return 0;
}

int kmod_only_version(struct fsview *root, char *out, size_t len)
{
	struct one_version v = { "", 0 };
	int r = fs_list_dir(root, "/lib/modules", version_cb, &v);
	if (r < 0)
		return r;
	if (v.n != 1)
		return -ENOENT;
	snprintf(out, len, "%s", v.name);
	return 0;
}
