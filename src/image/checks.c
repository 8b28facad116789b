/* checks.c — the checks of `image check`: one table of functions over the inspected image, and the guards they share. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"

#include <errno.h>
#include <stdlib.h>

#include "util/macros.h"

struct check {
	const char *id, *title;
	void (*run)(struct inspect *ctx, struct check_result *c);
};

/* --- shared guards: most checks depend on an earlier one having found something ------- */

bool image_mode_only(struct inspect *ctx, struct check_result *c)
{
	if (!ctx->directory)
		return true;
	result_set(c, CHECK_SKIP, NULL, "not applicable to a directory tree");
	return false;
}

/* The container was opened and its format is one we read headers of. */
bool image_opened(struct inspect *ctx, struct check_result *c)
{
	if (ctx->img_rc == 0 && ctx->img.format != IMG_UNSUPPORTED)
		return true;
	result_set(c, CHECK_SKIP, NULL, "the image could not be read (see format)");
	return false;
}

/* Partition contents can be read: the container was opened, is readable, and has a table. */
bool contents_ready(struct inspect *ctx, struct check_result *c)
{
	if (!image_opened(ctx, c))
		return false;
	if (!ctx->img.readable) {
		result_set(c, CHECK_WARN, "see format", "not inspected: the image's contents cannot be read (see format)");
		return false;
	}
	if (ctx->disk_rc < 0) {
		result_set(c, CHECK_SKIP, NULL, "partitions could not be probed (see partition-table)");
		return false;
	}
	return true;
}

bool root_ready(struct inspect *ctx, struct check_result *c)
{
	if (ctx->root)
		return true;
	if (!ctx->directory && !contents_ready(ctx, c))
		return false;
	if (ctx->root_idx < 0 && ctx->root_lv < 0)
		result_set(c, CHECK_SKIP, NULL, "no root file system found (see root-fs)");
	else
		result_set(c, CHECK_WARN,
			   "check the unpacked root tree with osconf image check --root DIR (inside images osconf reads ext2/3/4, XFS, btrfs and FAT32, also in linear LVM volumes)",
			   "not inspected: the root file system cannot be read (%s)", ctx->root_err);
	return false;
}

static const struct check checks[] = {
	{ "format", "Container format", check_format },
	{ "virtual-size", "Virtual size larger than 5 GiB", check_size },
	{ "partition-table", "MBR or GPT partition table", check_table },
	{ "partition-1", "Partition 1 is FAT32, ext2/3/4 or UFS", check_p1 },
	{ "partition-1-writable", "Partition 1 is writable", check_p1_writable },
	{ "custom-dir", "aliyun_custom_image/ on partition 1", check_custom_dir },
	{ "root-fs", "Root file system found", check_root },
	{ "agent", "osconf installed, enabled and able to run", check_agent },
	{ "root-password", "No usable default root password", check_password },
	{ "ssh-authorized-keys", "No baked-in authorized_keys", check_authorized_keys },
	{ "ssh-host-keys", "No baked-in SSH host private keys", check_host_keys },
	{ "fstab", "fstab by UUID/LABEL, not device name", check_fstab },
	{ "bootloader", "Default boot entry boots, root= not a device name", check_bootloader },
	{ "drivers", "Kernel has virtio disk and NIC drivers at boot", check_drivers },
	{ "ssh-login", "sshd enabled, root may log in with a password", check_ssh_login },
	{ "shadow-attributes", "/etc/shadow and /etc/passwd can be changed", check_shadow_attrs },
	{ "selinux", "SELinux not enforcing", check_selinux },
	{ "guest-agent", "qemu-guest-agent not enabled", check_guest_agent },
	{ "firewall", "No firewall service that may close port 22", check_firewall },
	{ "lib-links", "/lib, /lib64, /bin, /sbin not absolute symlinks", check_lib_links },
	{ "space", "Root and partition 1 at most 90% full", check_space },
};

int image_checks_run(struct inspect *ctx, struct report *r)
{
	r->target = ctx->target;
	r->directory = ctx->directory;
	if (!ctx->directory && ctx->img_rc == 0) {
		r->format = ctx->img.format == IMG_UNSUPPORTED ? NULL : image_format_name(ctx->img.format);
		r->format_detail = ctx->img.detail;
		r->virtual_size = ctx->img.format == IMG_UNSUPPORTED ? 0 : ctx->img.virtual_size;
	}
	if (ctx->disk_rc == 0) {
		r->pttype = ctx->disk.pttype;
		r->parts = calloc((size_t)(ctx->disk.nparts ? ctx->disk.nparts : 1), sizeof(*r->parts));
		if (!r->parts)
			return -ENOMEM;
		for (int i = 0; i < ctx->disk.nparts; i++) {
			const struct partition *p = &ctx->disk.parts[i];
			r->parts[i] = (struct report_partition){
				p->number, p->extended, p->start, p->size, p->type, p->fstype, p->fsversion,
				p->uuid, p->label, p->partuuid, p->partname,
			};
		}
		r->nparts = ctx->disk.nparts;
	}
	if (ctx->root_idx >= 0)
		r->root_partition = ctx->disk.parts[ctx->root_idx].number;
	if (ctx->root_lv >= 0)
		r->root_volume = ctx->lvm.vols[ctx->root_lv].name;
	if (ctx->directory || ctx->disk_rc == 0)
		r->root_how = ctx->root_how;
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		struct check_result *c = report_begin(r, checks[i].id, checks[i].title);
		if (!c)
			return -ENOMEM;
		checks[i].run(ctx, c);
	}
	import_hints(ctx, &r->import);
	return 0;
}
