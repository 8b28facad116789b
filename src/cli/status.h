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

struct atomic_group;

/* Stage both records in g (a group commit, src/sys/atomic.h): 0 or the first negative errno
 * (the other record is staged still). run_made: /run/osconf was made by the run lock, not
 * yet durable, so its entries join the barrier. */
int status_stage(struct atomic_group *g, int rootfd, const struct run_status *s, bool run_made);
/* Drop both staged records (not renamed). */
void status_cancel(struct atomic_group *g);
/* Once g is renamed and synced: 0 when both records are written, else the first failure. */
int status_result(const struct atomic_group *g);
/* Write both records inside the root in a group commit of their own: 0 or negative errno. */
int status_write(int rootfd, const struct run_status *s, bool run_made);
