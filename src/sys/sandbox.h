/* sandbox.h — the seccomp filter every command but `image try` runs under. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Installs the filter for the rest of the process (and no_new_privs): no program is run, no
 * module or kernel loaded, no clock or swap changed, sockets only of AF_UNIX, AF_NETLINK,
 * AF_INET, AF_INET6, no namespace but a mount namespace, no executable memory — each refused
 * with EPERM (EAFNOSUPPORT for sockets); a call of another ABI ends the process. 0, or
 * negative errno (-EINVAL: the kernel has no seccomp filters; -ENOSYS: an architecture
 * without a filter here). */
int sandbox_enter(void);
