/* hints.c — import hints: what the console's import form and `aliyun ecs ImportImage` need, derived from the inspected image. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/check.h"
#include "image/check_agent_elf.h"

#include <stdio.h>
#include <string.h>

#include "util/macros.h"

/* The values ImportImage takes (Architecture; DiskDeviceMapping.N.Format), per machine or format. */
static const struct {
	const char *machine, *architecture;
} archs[] = { { "x86-64", "x86_64" }, { "aarch64", "arm64" }, { "i386", "i386" } };

static const struct {
	enum image_kind kind;
	const char *format;
} formats[] = {
	{ IMG_RAW, "RAW" }, { IMG_QCOW2, "QCOW2" }, { IMG_VHD_FIXED, "VHD" }, { IMG_VHD_DYNAMIC, "VHD" },
	{ IMG_VMDK_SPARSE, "VMDK" },
};

static void note(struct report_import *imp, const char *text)
{
	if (imp->nnotes < (int)ARRAY_SIZE(imp->notes))
		snprintf(imp->notes[imp->nnotes++], sizeof(imp->notes[0]), "%s", text);
}

static void hint_machine(struct inspect *ctx, struct report_import *imp)
{
	if (!ctx->root || image_machine_name(ctx->root, imp->machine, sizeof(imp->machine)) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(archs); i++)
		if (streq(imp->machine, archs[i].machine))
			snprintf(imp->architecture, sizeof(imp->architecture), "%s", archs[i].architecture);
	if (!imp->architecture[0])
		note(imp, "the image's machine is not one ImportImage takes (i386, x86_64, arm64)");
}

static void hint_boot(struct inspect *ctx, struct report_import *imp)
{
	struct boot_facts *b = ctx->root ? boot_facts(ctx) : NULL;
	if (!b)
		return;
	int rc;
	const struct kmod_facts *k = kmod_facts(ctx, &rc);
	if (k) {
		const struct kmod_state *n = &k->mod[KMOD_NVME];
		snprintf(imp->nvme, sizeof(imp->nvme), "%s", n->builtin || n->initramfs ? "supported" : "unsupported");
	}
	if (ctx->directory)   /* a tree shows no MBR: the boot mode is the disk's */
		return;
	bool arm = streq(imp->architecture, "arm64");
	if (b->uefi && (arm || !b->bios))
		snprintf(imp->boot_mode, sizeof(imp->boot_mode), "UEFI");
	else if (b->bios)
		snprintf(imp->boot_mode, sizeof(imp->boot_mode), "BIOS");
	if (b->bios && b->uefi && !arm)
		note(imp, "the image boots with BIOS and with UEFI: BootMode UEFI works too");
	if (arm && !b->uefi)
		note(imp, "arm64 instances boot with UEFI only, and the image has no EFI loader");
}

void import_hints(struct inspect *ctx, struct report_import *imp)
{
	*imp = (struct report_import){ .known = true };
	hint_machine(ctx, imp);
	hint_boot(ctx, imp);
	if (ctx->directory || ctx->img_rc < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].kind == ctx->img.format)
			snprintf(imp->format, sizeof(imp->format), "%s", formats[i].format);
	if (streq(imp->format, "VMDK"))
		note(imp, "the API documents VMDK as an invitational preview: converting to QCOW2 is safer");
	if (imp->format[0] && ctx->img.virtual_size)
		imp->disk_gib = (ctx->img.virtual_size + (1ULL << 30) - 1) >> 30;
}
