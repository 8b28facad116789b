/* check_boot.c — `image check` bootloader: where /boot is, the default boot entry (kernel, initramfs, root=), and the boot mode (BIOS, UEFI); the boot facts other checks share. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tree/fstab.h"
#include "util/macros.h"

#define GPT_BIOS_BOOT "21686148-6449-6e6f-744e-656564454649"

/* Where /boot's files are: the root, or the partition fstab mounts on /boot. */
static void find_bootfs(struct inspect *ctx, struct boot_facts *b)
{
	b->bootfs = ctx->root;
	b->prefix = "/boot";
	snprintf(b->bootfs_how, sizeof(b->bootfs_how), "/boot on the root file system");
	_cleanup_(fstab_free) struct fstab f = FSTAB_INIT;
	const struct fstab_entry *e = !ctx->directory && fstab_read(ctx->root, &f) == 0 ? fstab_find_dir(&f, "/boot") : NULL;
	if (!e)
		return;
	for (int j = 0; j < ctx->disk.nparts; j++)
		if (spec_names_partition(e->spec, &ctx->disk.parts[j])) {
			const char *err;
			b->bootfs = inspect_fs(ctx, j, &err);
			b->prefix = "";
			snprintf(b->bootfs_how, sizeof(b->bootfs_how), "/boot on partition %d (fstab %.100s)",
				 ctx->disk.parts[j].number, e->spec);
			if (!b->bootfs)
				snprintf(b->bootfs_how, sizeof(b->bootfs_how), "/boot on partition %d, not readable: %.100s",
					 ctx->disk.parts[j].number, err);
			return;
		}
	b->bootfs = NULL;
	snprintf(b->bootfs_how, sizeof(b->bootfs_how), "fstab mounts /boot from %.100s, which names no partition", e->spec);
}

struct efi_scan {
	struct fsview *fs;
	const char *prefix;
	char *how;
	size_t len;
	bool found;
};

/* A vendor directory of EFI/ with a shim or GRUB loader of its own. */
static int efi_vendor_cb(const char *name, enum fs_type type, void *userdata)
{
	static const char *const loaders[] = { "shimx64.efi", "grubx64.efi", "shimaa64.efi", "grubaa64.efi" };
	struct efi_scan *s = userdata;
	for (size_t i = 0; type == FS_DIR && i < ARRAY_SIZE(loaders); i++) {
		char path[300];
		snprintf(path, sizeof(path), "%s/EFI/%s/%s", s->prefix, name, loaders[i]);
		if (fs_is_file(s->fs, path)) {
			snprintf(s->how, s->len, "%.250s (no EFI/BOOT fallback loader)", path);
			s->found = true;
			return 1;
		}
	}
	return 0;
}

/* An EFI loader in an ESP (fs at prefix): the removable-media path, else a distro's. */
static bool efi_loader(struct fsview *fs, const char *prefix, char *how, size_t len)
{
	static const char *const fallback[] = { "BOOTX64.EFI", "BOOTAA64.EFI" };
	char path[160];
	snprintf(path, sizeof(path), "%s/EFI", prefix);
	if (!fs_is_dir(fs, path))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(fallback); i++) {
		snprintf(path, sizeof(path), "%s/EFI/BOOT/%s", prefix, fallback[i]);
		if (fs_is_file(fs, path))
			return snprintf(how, len, "%s", path), true;
	}
	struct efi_scan s = { fs, prefix, how, len, false };
	snprintf(path, sizeof(path), "%s/EFI", prefix);
	fs_list_dir(fs, path, efi_vendor_cb, &s);
	return s.found;
}

static void find_boot_mode(struct inspect *ctx, struct boot_facts *b)
{
	if (ctx->directory) {
		b->bios = fs_is_dir(ctx->root, "/boot/grub/i386-pc") || fs_is_dir(ctx->root, "/boot/grub2/i386-pc");
		snprintf(b->bios_how, sizeof(b->bios_how), "GRUB's i386-pc modules in /boot");
		b->uefi = efi_loader(ctx->root, "/boot/efi", b->uefi_how, sizeof(b->uefi_how));
		return;
	}
	uint8_t mbr[512];
	if (image_pread(&ctx->img, mbr, sizeof(mbr), 0) == 0)
		for (size_t i = 0; i < 440 && !b->bios; i++)
			b->bios = mbr[i] != 0;
	snprintf(b->bios_how, sizeof(b->bios_how), "boot code in the MBR");
	for (int i = 0; i < ctx->disk.nparts; i++) {
		const struct partition *p = &ctx->disk.parts[i];
		if (!strcasecmp(p->type, GPT_BIOS_BOOT))
			snprintf(b->bios_how, sizeof(b->bios_how), "boot code in the MBR, BIOS boot partition %d", p->number);
		const char *err;
		struct fsview *fs = streq(p->fstype, "vfat") ? inspect_fs(ctx, i, &err) : NULL;
		char how[200];
		if (!b->uefi && fs && efi_loader(fs, "", how, sizeof(how))) {
			b->uefi = true;
			snprintf(b->uefi_how, sizeof(b->uefi_how), "partition %d: %.150s", p->number, how);
		}
	}
}

/* The EFI system partition: a tree's /boot/efi; the partition fstab mounts there, else the first
 * FAT partition with an EFI directory. */
static struct fsview *find_esp(struct inspect *ctx, const char **prefix)
{
	*prefix = ctx->directory ? "/boot/efi" : "";
	if (ctx->directory)
		return ctx->root;
	_cleanup_(fstab_free) struct fstab f = FSTAB_INIT;
	const struct fstab_entry *e = fstab_read(ctx->root, &f) == 0 ? fstab_find_dir(&f, "/boot/efi") : NULL;
	const char *err;
	for (int j = 0; e && j < ctx->disk.nparts; j++)
		if (spec_names_partition(e->spec, &ctx->disk.parts[j]))
			return inspect_fs(ctx, j, &err);
	for (int j = 0; j < ctx->disk.nparts; j++) {
		struct fsview *fs = streq(ctx->disk.parts[j].fstype, "vfat") ? inspect_fs(ctx, j, &err) : NULL;
		if (fs && fs_is_dir(fs, "/EFI"))
			return fs;
	}
	return NULL;
}

struct boot_facts *boot_facts(struct inspect *ctx)
{
	if (ctx->boot)
		return ctx->boot;
	struct boot_facts *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	find_bootfs(ctx, b);
	const char *esp_prefix;
	struct fsview *esp = find_esp(ctx, &esp_prefix);
	b->rc = b->bootfs ? bootcfg_read(b->bootfs, b->prefix, esp, esp_prefix, &b->cfg) : -ENOENT;
	find_boot_mode(ctx, b);
	return ctx->boot = b;
}

static const char *loader_name(enum boot_loader l)
{
	static const char *const names[] = { "none", "GRUB", "GRUB with BLS entries", "extlinux/syslinux" };
	return names[l];
}

/* The default entry's files and root=; false with c set to FAIL or WARN. */
static bool entry_ok(struct inspect *ctx, struct boot_facts *b, struct check_result *c)
{
	const struct boot_entry *e = &b->cfg.def;
	if (!e->kernel[0] || !fs_is_file(b->bootfs, e->kernel)) {
		result_set(c, CHECK_FAIL, "regenerate the boot configuration (update-grub, grub2-mkconfig -o …, kernel-install) so it names an installed kernel",
			   "the default entry \"%s\" starts %s, which is not in the image", e->title, e->kernel[0] ? e->kernel : "no kernel");
		return false;
	}
	for (int i = 0; i < e->ninitrd; i++)
		if (!fs_is_file(b->bootfs, e->initrd[i])) {
			result_set(c, CHECK_FAIL, "rebuild the initramfs (update-initramfs -u, dracut -f) or fix the entry",
				   "the default entry's initramfs %s is not in the image", e->initrd[i]);
			return false;
		}
	char root[256];
	cmdline_root(e->cmdline, root, sizeof(root));
	const char *kind = root[0] ? root_spec_kind(root) : "";
	if (!kind) {
		result_set(c, CHECK_FAIL, "name the root by UUID= (GRUB_DISABLE_LINUX_UUID=false, then regenerate grub.cfg) or LABEL=",
			   "the kernel's root=%s is a device name, which changes between instance types (vda, xvda, nvme0n1)", root);
		return false;
	}
	for (int j = 0; root[0] && !ctx->directory && j < ctx->disk.nparts; j++)
		if (spec_names_partition(root, &ctx->disk.parts[j]))
			result_detail(c, "root=%s is partition %d", root, ctx->disk.parts[j].number);
	if (!root[0]) {
		result_set(c, CHECK_WARN, "add root=UUID=… to the kernel command line",
			   "the default entry has no root=: the initramfs must find the root by itself");
		return false;
	}
	return true;
}

void check_bootloader(struct inspect *ctx, struct check_result *c)
{
	if (!root_ready(ctx, c))
		return;
	struct boot_facts *b = boot_facts(ctx);
	if (!b) {
		result_set(c, CHECK_WARN, "check the boot loader by hand", "out of memory");
		return;
	}
	if (b->rc < 0 || !b->bootfs) {
		result_set(c, CHECK_WARN, "check the boot loader by hand", "cannot read /boot: %s (%s)",
			   strerror(b->rc < 0 ? -b->rc : ENOENT), b->bootfs_how);
		return;
	}
	if (b->cfg.loader == BOOT_NONE) {
		result_set(c, CHECK_FAIL, "install GRUB (grub-install and update-grub, or grub2-mkconfig) or extlinux in the image",
			   "no boot loader configuration (grub.cfg, BLS entries, extlinux.conf) in /boot (%s)", b->bootfs_how);
		return;
	}
	if (!b->cfg.has_default) {
		result_set(c, CHECK_FAIL, "regenerate the boot configuration so its default names an entry",
			   "%s (%s): no default entry among %d (%s)", loader_name(b->cfg.loader), b->cfg.path,
			   b->cfg.nentries, b->cfg.how);
		return;
	}
	const struct boot_entry *e = &b->cfg.def;
	result_detail(c, "%s: %s, default \"%s\" (%s)", b->cfg.path, loader_name(b->cfg.loader), e->title, b->cfg.how);
	result_detail(c, "kernel %s, initramfs %s%s", e->kernel, e->ninitrd ? e->initrd[0] : "none",
		      e->ninitrd > 1 ? " and more" : "");
	if (!entry_ok(ctx, b, c))
		return;
	if (!ctx->directory && !b->bios && !b->uefi) {
		result_set(c, CHECK_FAIL, "install the boot loader into the image (grub-install for BIOS, or an EFI system partition with EFI/BOOT/BOOTX64.EFI)",
			   "no boot code in the MBR and no EFI system partition with a loader: the image cannot boot");
		return;
	}
	if (b->bios)
		result_detail(c, "BIOS: %s", b->bios_how);
	if (b->uefi)
		result_detail(c, "UEFI: %s", b->uefi_how);
	char root[256];
	cmdline_root(e->cmdline, root, sizeof(root));
	result_set(c, CHECK_PASS, NULL, "%s boots %s with root=%s by %s; boot mode %s", loader_name(b->cfg.loader), e->kernel,
		   root, root_spec_kind(root), b->bios && b->uefi ? "BIOS and UEFI" : b->uefi ? "UEFI" : b->bios ? "BIOS" : "not known (a tree)");
}
