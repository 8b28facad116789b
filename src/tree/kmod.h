/* kmod.h — where a kernel of a target root has the drivers an ECS instance needs: built in (config-VERSION, modules.builtin), in its initramfs, or only as modules on the root. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct fsview;

/* The drivers looked for: one table (kmod.c), indexed by these. */
enum kmod_id { KMOD_VIRTIO_BLK, KMOD_VIRTIO_PCI, KMOD_VIRTIO_NET, KMOD_NVME, KMOD_COUNT };

struct kmod_driver {
	const char *module;   /* "virtio_blk" */
	const char *config;   /* "CONFIG_VIRTIO_BLK" */
	const char *what;     /* "the virtio disk" */
};
extern const struct kmod_driver kmod_drivers[KMOD_COUNT];

struct kmod_state {
	char config;          /* the kernel config's value: 'y', 'm', 'n' (is not set), 0 unknown */
	bool builtin;         /* =y, or listed in modules.builtin */
	bool initramfs;       /* a module file of that name in the initramfs */
	bool on_root;         /* in /lib/modules/VERSION/modules.dep */
};

struct kmod_facts {
	char version[64];
	bool have_config, have_builtin, have_dep;  /* which files were there */
	bool have_initramfs;
	char initramfs_formats[64];
	char initramfs_err[200];   /* the initramfs could not be read (all of it): why */
	struct kmod_state mod[KMOD_COUNT];
};

/* Pure: a Kconfig value in a config-VERSION text ('y', 'm', 'n' for "# X is not set", 0). */
char kconfig_value(const char *text, size_t len, const char *key);
/* Pure: whether a module list (modules.builtin: one path a line; modules.dep: "path: deps")
 * names module (file name without .ko and compression; '-' and '_' alike). */
bool modlist_has(const char *text, size_t len, const char *module);
/* Pure: the module name of a path, into out: ".../virtio_blk.ko.xz" → "virtio_blk"; "" when it is
 * no module file. */
void kmod_name(const char *path, char *out, size_t len);

/* Read what the kernel VERSION of the tree has: /boot's config-VERSION (boot at prefix, see
 * bootcfg_read), root's /lib/modules/VERSION/modules.builtin and modules.dep, and the
 * initramfs files (paths in boot). An unreadable initramfs sets initramfs_err; other read errors
 * than ENOENT are returned (negative errno). */
int kmod_read(struct fsview *root, struct fsview *boot, const char *prefix, const char *version,
	      const char (*initrds)[256], int ninitrd, struct kmod_facts *out);
/* The one kernel version in /lib/modules, for a kernel whose file name has none. 0 and out set,
 * -ENOENT (none, or more than one), or another negative errno. */
int kmod_only_version(struct fsview *root, char *out, size_t len);
