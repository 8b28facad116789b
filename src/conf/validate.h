/* validate.h — assignments → model: every value checked against the schema before anything changes. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "conf/diag.h"
#include "conf/model.h"
#include "conf/parse.h"

/* Pure. Fills m (initialised by the caller); problems go to d and invalid sections are
 * marked in m->invalid. Returns 0 or -ENOMEM. */
int conf_validate(const struct assignments *a, struct osconf_model *m, struct diags *d);

/* Convenience: parse + validate. */
int conf_load(const char *data, size_t len, struct osconf_model *m, struct diags *d);
