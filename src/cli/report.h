/* report.h — how the command line reports os.conf problems, the parsed model and what apply did. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "conf/diag.h"
#include "conf/model.h"
#include "plan/plan.h"
#include "util/buf.h"

/* Print every problem as "FILE:LINE: error|warning: message" on stderr. */
void report_diags(const char *file, const struct diags *d);

/* Read a host file given on the command line (--conf, check, show): regular file, not a
 * symlink, at most OSCONF_MAX_FILE bytes. Reports the error itself. */
int read_conf_file(const char *path, struct buf *out, struct stat *st_out);

/* Print the model for humans or as JSON (the password only as set/unset). */
void show_model(const struct osconf_model *m, FILE *out);
void show_model_json(const struct osconf_model *m, const struct diags *d, FILE *out);

/* Log what plan_apply() did, in plan order: each failure as an error, each change done as
 * info ("wrote /etc/hostname"); entries that needed nothing are silent. */
void report_apply(const struct plan *p);
