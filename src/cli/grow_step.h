/* grow_step.h — the pipeline's root growth step and what it reports into the status record. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <string.h>

#include "cli/pipeline.h"
#include "sys/root.h"

struct agent_conf;

struct grow_status {
	const char *state;    /* NULL (not run), "off", "unchanged", "grown", "planned", "lvm", "skipped", "failed" */
	char detail[720];     /* what was (or would be) done, or why not */
};

/* Grows the running system's root when the settings allow (ac: /etc/osconf.conf), the root
 * is the running system's and os.conf is located (as at boot), not named with --conf;
 * `plan` (o->dry_run) prints what it would do instead — for an image tree mounted from a
 * disk's partition (--root), what its boot would do there ("skipped" when applying to a tree).
 * gs->state stays NULL with --conf. Reports itself; -1 when growing (or planning it) failed,
 * else 0. */
int grow_step(const struct run_opts *o, struct root *root, const struct agent_conf *ac, struct grow_status *gs);
/* Whether the step changed something or failed: then a run without os.conf writes the record. */
static inline bool grow_status_noteworthy(const struct grow_status *gs)
{
	return gs->state && (strcmp(gs->state, "grown") == 0 || strcmp(gs->state, "failed") == 0);
}
