/* status.h — the status record of a run: /run/osconf/status.json and /var/lib/osconf/last-result.json. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "conf/model.h"

struct run_status {
	const char *conf;     /* os.conf path as reported */
	const char *result;   /* "applied", "invalid", "failed", "no-conf" */
	unsigned present, invalid, failed, changed;  /* SEC_BIT()s */
	bool removed;         /* os.conf was removed */
	int exit_status;
	const char *grow;          /* the growth step's state (grow_step.h), NULL: not recorded */
	const char *grow_detail;
	const char *identity;      /* the identity reset's state (identity.h), NULL: not recorded */
};

/* Write both records inside the root (best effort; returns negative errno on failure). */
int status_write(int rootfd, const struct run_status *s);
