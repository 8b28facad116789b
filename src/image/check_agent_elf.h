/* check_agent_elf.h — whether the installed osconf binary can run in the image (ELF facts). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "tree/fsview.h"
#include "image/report.h"

#define AGENT_ELF_MAX_READ (64u << 20)   /* bytes read of any one binary or library */

/* The result of the agent check once osconf is installed (bin, a path in fs) and enabled:
 * FAIL when the binary cannot run in the image (not ELF, another machine, a missing
 * interpreter, library or symbol version), else PASS — or WARN when enabled for another
 * init system than the image's (fits false) or the image's machine cannot be told. */
void agent_elf_result(struct fsview *fs, const char *bin, bool fits, const char *init, struct check_result *c);
/* The machine of the tree's programs (/sbin/init, else systemd, else /bin/sh): its name as
 * elf_machine_name() gives it ("x86-64", "aarch64" …) into out, and 0; -ENOENT when none of
 * them is an ELF file of a known machine. */
int image_machine_name(struct fsview *fs, char *out, size_t len);
