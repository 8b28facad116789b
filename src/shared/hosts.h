/* hosts.h — /etc/hosts, a file shared with other programs: only the line marked "# osconf" is ours. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "plan/plan.h"
#include "util/buf.h"

#define HOSTS_FILE "/etc/hosts"

/* Pure: drop our old line; unless another line already maps name, append ours mapping it (and
 * its short form, for a dotted name) to ip. Every other line stays. 0 or -ENOMEM. */
int hosts_set_name(struct buf *content, const char *name, const char *ip);

/* Plan that edit of the root's /etc/hosts for the sections given. */
int hosts_plan_name(struct plan *p, int rootfd, unsigned sections, const char *name, const char *ip);
