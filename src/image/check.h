/* check.h — what the files of `image check`'s checks share: guards, advice, the check functions. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "image/checks.h"
#include "tree/bootcfg.h"
#include "tree/kmod.h"

#define CUSTOM_DIR "aliyun_custom_image"
#define ADVICE_CONVERT "convert it to raw or an uncompressed qcow2 (qemu-img convert -O qcow2 IN OUT) so it can be inspected, or check the unpacked tree with --root DIR"

/* Guards (checks.c): whether what a check needs was found; otherwise c is set to SKIP. */
bool image_mode_only(struct inspect *ctx, struct check_result *c);
bool image_opened(struct inspect *ctx, struct check_result *c);
bool contents_ready(struct inspect *ctx, struct check_result *c);
bool root_ready(struct inspect *ctx, struct check_result *c);

/* check_disk.c: the container, the partitions, the root file system. */
void check_format(struct inspect *ctx, struct check_result *c);
void check_size(struct inspect *ctx, struct check_result *c);
void check_table(struct inspect *ctx, struct check_result *c);
void check_p1(struct inspect *ctx, struct check_result *c);
void check_p1_writable(struct inspect *ctx, struct check_result *c);
void check_custom_dir(struct inspect *ctx, struct check_result *c);
void check_root(struct inspect *ctx, struct check_result *c);
/* check_agent.c: osconf (or another agent) installed, enabled and able to run. */
void check_agent(struct inspect *ctx, struct check_result *c);
/* check_login.c: credentials and fstab. */
void check_password(struct inspect *ctx, struct check_result *c);
void check_authorized_keys(struct inspect *ctx, struct check_result *c);
void check_host_keys(struct inspect *ctx, struct check_result *c);
void check_fstab(struct inspect *ctx, struct check_result *c);
/* check_boot.c: the boot loader and boot mode, found once and shared (ctx->boot). */
struct boot_facts {
	int rc;                   /* reading /boot's configuration: 0 or negative errno */
	struct fsview *bootfs;    /* the file system holding /boot's files, or NULL */
	const char *prefix;       /* "/boot" (the root) or "" (a partition of its own) */
	char bootfs_how[160];
	struct bootcfg cfg;
	bool bios, uefi;          /* boot code in the MBR; an ESP with a loader */
	char bios_how[96], uefi_how[200];
	bool kmods_done;          /* the default kernel's drivers (check_drivers.c) */
	int kmods_rc;
	struct kmod_facts kmods;
};
/* The boot facts of ctx, found on first use (NULL: out of memory). */
struct boot_facts *boot_facts(struct inspect *ctx);
void check_bootloader(struct inspect *ctx, struct check_result *c);
/* check_drivers.c: the default kernel's drivers, found once (NULL with *rc: -ENOENT when there
 * is no default entry, else the read error). */
const struct kmod_facts *kmod_facts(struct inspect *ctx, int *rc);
/* "built in", "in the initramfs", "a module on the root only", "not in this kernel", "not found". */
const char *kmod_where(const struct kmod_state *m);
void check_drivers(struct inspect *ctx, struct check_result *c);
/* hints.c: the import hints of the image (after the checks, which found the facts). */
void import_hints(struct inspect *ctx, struct report_import *imp);
/* check_ssh.c: sshd reachable with os.conf's root password. */
void check_ssh_login(struct inspect *ctx, struct check_result *c);
/* check_system.c: settings of the root that keep osconf or SSH from working. */
void check_shadow_attrs(struct inspect *ctx, struct check_result *c);
void check_selinux(struct inspect *ctx, struct check_result *c);
void check_guest_agent(struct inspect *ctx, struct check_result *c);
void check_firewall(struct inspect *ctx, struct check_result *c);
void check_lib_links(struct inspect *ctx, struct check_result *c);
void check_space(struct inspect *ctx, struct check_result *c);
