/* bootcfg.h — the boot loader configuration of a target root (GRUB's grub.cfg and BLS entries, extlinux/syslinux): which entry boots by default, its kernel, initramfs and command line. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct fsview;

#define BOOTCFG_MAX (4 << 20)    /* bytes of one configuration file */
#define BOOT_ENTRIES_MAX 128     /* entries looked at */
#define BOOT_INITRDS_MAX 4

enum boot_loader { BOOT_NONE, BOOT_GRUB, BOOT_BLS, BOOT_EXTLINUX };

struct boot_entry {
	char title[128];
	char id[128];               /* GRUB --id / $menuentry_id_option, BLS file name without .conf */
	char kernel[256];           /* as the configuration names it, without a (device) prefix */
	char initrd[BOOT_INITRDS_MAX][256];
	int ninitrd;
	char cmdline[1024];         /* BLS: $kernelopts expanded from grubenv */
	char version[64];           /* BLS version, else from the kernel's file name (vmlinuz-VERSION) */
	int top, sub;               /* GRUB: index among the top-level entries, and inside a submenu (-1) */
};

struct bootcfg {
	enum boot_loader loader;
	char path[128];             /* the file read, as its file system names it */
	int nentries;
	bool has_default;
	struct boot_entry def;      /* the entry that boots by default */
	char how[200];              /* how it was chosen: "set default=\"0\"", "saved_entry=…" … */
};

/* GRUB's environment block (grubenv): saved_entry and kernelopts. */
struct grubenv {
	char saved_entry[128];
	char kernelopts[1024];
};

/* --- pure parsers -------------------------------------------------------------------------- */
void grubenv_parse(const char *data, size_t len, struct grubenv *out);
/* grub.cfg: menuentry/submenu blocks and their linux/linux16/linuxefi and initrd lines, the
 * default from the last `set default=` that is not ${next_entry} (${saved_entry} from env; a
 * number, a title, an id, or "A>B" into a submenu). A file that calls blscfg gives BOOT_BLS and
 * no entries: they are in /loader/entries. */
void grub_cfg_parse(const char *data, size_t len, const struct grubenv *env, struct bootcfg *out);
/* One BLS entry (/loader/entries/ID.conf): title, version, linux, initrd, options. */
void bls_entry_parse(const char *id, const char *data, size_t len, const struct grubenv *env, struct boot_entry *out);
/* extlinux.conf / syslinux.cfg: DEFAULT (or MENU DEFAULT, else the first LABEL), KERNEL/LINUX,
 * INITRD (or initrd= in APPEND), APPEND; relative paths are made absolute against dir. */
void extlinux_parse(const char *data, size_t len, const char *dir, struct bootcfg *out);

/* The value of root= in a command line into out ("" when none). */
void cmdline_root(const char *cmdline, char *out, size_t len);
/* Whether a command line has word as one of its blank-separated words ("selinux=0"). */
bool cmdline_has_word(const char *cmdline, const char *word);
/* How root= names the root: "UUID", "LABEL", "PARTUUID", "PARTLABEL", "by-path link", "LVM"
 * (/dev/mapper/…, /dev/VG/LV), or NULL for a kernel device name (/dev/sda2, /dev/vda1,
 * /dev/xvda1, /dev/nvme0n1p2, /dev/hda1) that changes between instance types. */
const char *root_spec_kind(const char *spec);

/* --- reader ---------------------------------------------------------------------------------- */
/* The configuration in the file system holding /boot: boot with prefix "/boot" when that is the
 * root file system, "" when /boot is a separate one. Looked for in order: grub2/grub.cfg,
 * grub/grub.cfg (BLS entries under loader/entries when it calls blscfg), extlinux/extlinux.conf,
 * syslinux/syslinux.cfg, extlinux.conf; then (esp not NULL) the EFI system partition's
 * EFI/VENDOR/grub.cfg with its grubenv (RHEL 8 under UEFI), at esp_prefix in esp. None: loader
 * BOOT_NONE and 0. Errors other than ENOENT are returned (negative errno), *out untouched. */
int bootcfg_read(struct fsview *boot, const char *prefix, struct fsview *esp, const char *esp_prefix,
		 struct bootcfg *out);
