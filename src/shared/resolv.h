/* resolv.h — /etc/resolv.conf, a file shared with other programs: only its nameserver lines are ours. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "util/buf.h"

#define RESOLV_CONF "/etc/resolv.conf"

/* Whether /etc/resolv.conf in the root is a symlink (a resolver daemon's): 1, target receiving
 * where it points ("" when it cannot be read); 0 a plain file or absent; negative errno when
 * it cannot be looked at (never taken for "a plain file"). */
int resolv_is_link(int rootfd, char *target, size_t size);

/* Pure: replace the nameserver lines of content by servers, in order, at the place of the
 * first one (at the end when there is none); search, options, comments and every other line
 * stay. 0 or -ENOMEM. */
int resolv_set_nameservers(struct buf *content, const struct in_addr *servers, size_t n);

/* Plan that edit of the root's /etc/resolv.conf (a regular file) for the sections given. */
int resolv_plan_nameservers(struct plan *p, int rootfd, unsigned sections, const struct in_addr *servers,
			    size_t n);
