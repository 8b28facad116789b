/* anonfile.h — an anonymous read-write file (memfd_create(2), an unlinked temp file before Linux 3.17). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/* A new empty read-write file that has no name (close-on-exec), for scratch data that
 * must be seekable and sparse. memfd_create(2) where the kernel has it; on ENOSYS (Linux <
 * 3.17) or EPERM (a seccomp filter that does not know it) a file in /dev/shm (else $TMPDIR,
 * else /tmp) that is unlinked at once. Returns the fd or a negative errno. */
int anon_file(const char *name);

/* Tests: force the temp-file path used where memfd_create(2) is missing. */
void anon_file_use_memfd(bool enable);
