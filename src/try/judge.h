/* judge.h — image try's verdicts: the console, the guest's own answers over SSH, the PASS/FAIL report. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "try/conf.h"

#define TRY_MAX_ITEMS 48

struct try_item {
	int boot;                    /* 1 or 2 */
	char name[96];
	bool pass;
	char evidence[900];
};

struct try_report {
	const char *image;
	char machine[256];           /* arch, firmware, accelerator */
	long long to_ssh_ms[3];      /* per boot (index 1, 2): power-on to SSH login, -1 none */
	struct try_item items[TRY_MAX_ITEMS];
	int n;
};

void try_item_add(struct try_report *r, int boot, bool pass, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
bool try_report_pass(const struct try_report *r);
void try_report_text(const struct try_report *r, FILE *out);
void try_report_json(const struct try_report *r, FILE *out);

enum console_state { CONSOLE_WAIT, CONSOLE_LOGIN, CONSOLE_FAILED };
/* Look at the serial console so far: a login prompt (its line in evidence), a boot that
 * cannot go on (the lines that say why), or nothing yet. */
enum console_state console_scan(const char *path, char *evidence, size_t len);
/* The last `lines` non-blank lines of the console, escape sequences removed. */
void console_tail(const char *path, int lines, char *out, size_t outlen);

/* The guest probe run over SSH (its output is parsed by judge_guest). */
extern const char try_probe_cmd[];
/* Host name, address, default route and DNS as reported by the probe, against os.conf. */
void judge_guest(struct try_report *r, int boot, const struct try_conf *c, const char *probe_out, bool network);
