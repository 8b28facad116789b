/* check_drivers.c — `image check` drivers: the kernel the default entry starts has the virtio disk and PCI drivers before the root is mounted (built in or in its initramfs), and the NIC's; NVMe as a hint. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/macros.h"

#define ADVICE_INITRAMFS "add them to the initramfs — dracut: add_drivers+=\" virtio_blk virtio_pci virtio_net \" in /etc/dracut.conf.d/virtio.conf, then dracut -f --kver VERSION; initramfs-tools: list them in /etc/initramfs-tools/modules, then update-initramfs -u -k VERSION"

const struct kmod_facts *kmod_facts(struct inspect *ctx, int *rc)
{
	struct boot_facts *b = boot_facts(ctx);
	if (!b || b->rc < 0 || !b->bootfs || !b->cfg.has_default) {
		*rc = -ENOENT;
		return NULL;
	}
	if (b->kmods_done) {
		*rc = b->kmods_rc;
		return b->kmods_rc < 0 ? NULL : &b->kmods;
	}
	b->kmods_done = true;
	const struct boot_entry *e = &b->cfg.def;
	bool files = fs_is_file(b->bootfs, e->kernel);
	for (int i = 0; i < e->ninitrd; i++)
		files = files && fs_is_file(b->bootfs, e->initrd[i]);
	if (!files)   /* the bootloader check fails it */
		return *rc = b->kmods_rc = -ENOENT, NULL;
	/* the version of the kernel's file name, else (no modules or config of that name: Arch's
	 * vmlinuz-linux) the one directory of /lib/modules */
	char version[64], mods[160], cfg[160];
	snprintf(version, sizeof(version), "%s", e->version);
	snprintf(mods, sizeof(mods), "/lib/modules/%s", version);
	snprintf(cfg, sizeof(cfg), "%s/config-%s", b->prefix, version);
	if (!version[0] || (!fs_is_dir(ctx->root, mods) && !fs_exists(b->bootfs, cfg)))
		kmod_only_version(ctx->root, version, sizeof(version));
	b->kmods_rc = kmod_read(ctx->root, b->bootfs, b->prefix, version, e->initrd, e->ninitrd, &b->kmods);
	*rc = b->kmods_rc;
	return b->kmods_rc < 0 ? NULL : &b->kmods;
}

const char *kmod_where(const struct kmod_state *m)
{
	return m->builtin ? "built in" : m->initramfs ? "in the initramfs" : m->on_root ? "a module on the root only"
	       : m->config == 'n' ? "not in this kernel" : "not found";
}

void check_drivers(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	int rc;
	const struct kmod_facts *k = kmod_facts(ctx, &rc);
	if (!k) {
		if (rc == -ENOENT)
			result_set(c, CHECK_SKIP, NULL, "no default boot entry with its files (see bootloader)");
		else
			result_set(c, CHECK_WARN, "check the kernel's drivers by hand", "cannot read the kernel's files: %s", strerror(-rc));
		return;
	}
	for (int i = 0; i < KMOD_COUNT; i++)
		result_detail(c, "%s (%s): %s", kmod_drivers[i].module, kmod_drivers[i].what, kmod_where(&k->mod[i]));
	if (k->have_initramfs)
		result_detail(c, "initramfs: %s", k->initramfs_formats);
	if (k->initramfs_err[0])
		result_detail(c, "initramfs not fully read: %s", k->initramfs_err);
	const struct kmod_state *blk = &k->mod[KMOD_VIRTIO_BLK], *pci = &k->mod[KMOD_VIRTIO_PCI];
	const struct kmod_state *net = &k->mod[KMOD_VIRTIO_NET], *nvme = &k->mod[KMOD_NVME];
	bool early_blk = blk->builtin || blk->initramfs, early_pci = pci->builtin || pci->initramfs;
	if (!k->have_config && !k->have_builtin && !k->have_dep && !k->have_initramfs) {
		result_set(c, CHECK_WARN, "check that the kernel has virtio_blk, virtio_pci and virtio_net",
			   "cannot tell: kernel %s has no config-%s, no modules.builtin or modules.dep and no initramfs",
			   k->version[0] ? k->version : "(version unknown)", k->version);
	} else if ((!early_blk || !early_pci) && k->initramfs_err[0]) {
		result_set(c, CHECK_WARN, "check the initramfs by hand (lsinitrd, lsinitramfs)",
			   "cannot tell whether %s is there before the root is mounted: the initramfs was not read",
			   !early_blk ? "virtio_blk" : "virtio_pci");
	} else if (!early_blk || !early_pci) {
		result_set(c, CHECK_FAIL, ADVICE_INITRAMFS,
			   "kernel %s has %s neither built in nor in its initramfs: an ECS instance cannot find its root disk",
			   k->version, !early_blk ? "virtio_blk" : "virtio_pci");
	} else if (!net->builtin && !net->initramfs && !net->on_root) {
		result_set(c, CHECK_WARN, "install the kernel's virtio_net module (or a kernel with CONFIG_VIRTIO_NET)",
			   "kernel %s has no virtio_net: the instance has no network", k->version);
	} else {
		result_set(c, CHECK_PASS, NULL, "kernel %s reaches the virtio disk before the root is mounted and has the virtio NIC%s",
			   k->version, nvme->builtin || nvme->initramfs ? "; NVMe too" : "; no NVMe before the root (instance types with NVMe disks need it)");
	}
}
