/* proc.h — the programs image try runs (qemu-img, qemu-system-*, ssh): found on PATH, spawned with a fixed argv, no shell. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The absolute path of a program in $PATH (its absolute entries; unset: /usr/local/bin:/usr/bin:/bin), into out; -ENOENT. */
int proc_find(const char *name, char *out, size_t outlen);

/* Start argv[0] (an absolute path) with argv and envp (NULL: the current environment): stdin from
 * in_fd (-1: /dev/null), stdout and stderr into the file out_path (created 0600, truncated). */
int proc_spawn(char *const argv[], char *const envp[], int in_fd, const char *out_path, pid_t *pid);

/* Wait up to timeout_ms for pid (< 0: forever): 1 when it ended (*status as waitpid's), 0 when
 * it still runs, negative errno. */
int proc_wait(pid_t pid, int timeout_ms, int *status);

/* SIGTERM, then SIGKILL after grace_ms; reaps it. */
void proc_stop(pid_t pid, int grace_ms);

/* Run to the end within timeout_ms (killed after it: -ETIMEDOUT); its exit status in *code
 * (128 + signal when killed by one). */
int proc_run(char *const argv[], char *const envp[], int in_fd, const char *out_path, int timeout_ms, int *code);

/* Monotonic milliseconds. */
long long proc_now_ms(void);
