/* insserv.h — keep Debian's insserv boot-order files (/etc/init.d/.depend.*) in step with our links. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "util/buf.h"

/* Debian's sysv-rc starts scripts from /etc/init.d/.depend.boot|start|stop (make syntax, written by
 * insserv) instead of the S-links when those files exist. Adds (add) or removes name there:
 * in TARGETS, as "name: DEPS" (only DEPS that are targets), and as a dependency of each target in
 * before. Every other token is kept; a missing file is left missing. 0, 1 when unchanged, or
 * negative errno. */
int insserv_edit(int rootfd, const char *rel, const char *name, const char *const *deps,
		 const char *const *before, bool add, struct buf *log);
