/* report.h — `image check` results, one per check, rendered as text or JSON. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

enum check_status { CHECK_PASS, CHECK_WARN, CHECK_FAIL, CHECK_SKIP };

struct check_result {
	const char *id, *title;
	enum check_status status;
	char *message;          /* one line: what was found */
	char *advice;           /* what to do about it, or NULL */
	char **details;         /* extra lines (offending files, how something was found) */
	size_t ndetails;
};

struct report_partition {
	int number;
	bool extended;
	unsigned long long start, size;
	const char *type, *fstype, *fsversion, *uuid, *label, *partuuid, *partname;
};

/* What the import form and `aliyun ecs ImportImage` need, as found in the image (hints.c). An
 * empty field was not found and is not printed. Parameter names and values from the ECS API
 * (ImportImage, version 2014-05-26). */
struct report_import {
	bool known;                   /* filled in */
	char architecture[16];        /* Architecture: i386, x86_64, arm64 */
	char machine[24];             /* the root's ELF machine, also when ImportImage has no value for it */
	char boot_mode[8];            /* BootMode: BIOS, UEFI */
	char format[8];               /* DiskDeviceMapping.1.Format: RAW, VHD, QCOW2, VMDK */
	unsigned long long disk_gib;  /* DiskDeviceMapping.1.DiskImageSize: virtual size rounded up */
	char nvme[16];                /* Features.NvmeSupport: supported, unsupported */
	char notes[4][160];
	int nnotes;
};

struct report {
	const char *target;           /* image path or directory */
	bool directory;               /* --root DIR */
	const char *format, *format_detail;
	unsigned long long virtual_size;   /* 0 when unknown */
	const char *pttype;
	struct report_partition *parts;   /* owned; strings borrowed from the inspected disk */
	int nparts;
	int root_partition;           /* 0: none / not applicable */
	const char *root_volume;      /* the LVM logical volume ("vg/lv") in it that is the root, or NULL */
	const char *root_how;
	struct check_result *results;
	size_t nresults;
	struct report_import import;
};

/* Start a result for check id; later calls set its outcome. NULL on ENOMEM. */
struct check_result *report_begin(struct report *r, const char *id, const char *title);
/* Set the outcome (the message and advice replace earlier ones). */
void result_set(struct check_result *c, enum check_status st, const char *advice, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void result_detail(struct check_result *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_free(struct report *r);

const char *check_status_name(enum check_status st);
/* Count of results with this status. */
size_t report_count(const struct report *r, enum check_status st);

/* The ImportImage command line of the import hints (placeholders REGION, NAME, BUCKET, OBJECT). */
int report_import_cli(const struct report_import *imp, struct buf *out);
int report_render_text(const struct report *r, struct buf *out);
void report_render_json(const struct report *r, FILE *out);   /* one object, util/json.h */
