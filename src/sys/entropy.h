/* entropy.h — random bytes for salts and temporary names: getrandom(2), /dev/urandom before Linux 3.17. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Fill buf with len random bytes. 0, or a negative errno with buf wiped. getrandom(2) where
 * the kernel has it; on ENOSYS (Linux < 3.17) or EPERM (a seccomp filter that does not know
 * it) the host's /dev/urandom, which must be the random character device. */
int random_bytes(void *buf, size_t len);

/* Tests: force the /dev/urandom path used where getrandom(2) is missing. */
void random_use_getrandom(bool enable);
