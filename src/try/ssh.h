/* ssh.h — image try's SSH judge: Debian's ssh client with a fixed argv, the password handed over through SSH_ASKPASS. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

/* The environment variable that makes osconf the askpass helper of the ssh it started. */
#define TRY_ASKPASS_ENV "OSCONF_TRY_ASKPASS"

/* Askpass mode: when TRY_ASKPASS_ENV is set and stdin is a pipe, copy one line (the password
 * image try wrote there) from stdin to stdout; returns true when it ran (exit status in *code). */
bool try_askpass(int *code);

/* Log in as root on 127.0.0.1:port with password and run remote_cmd (the guest's shell runs
 * it); ssh's output goes into out_path. 0 with ssh's exit status in *code, or negative errno
 * (-ETIMEDOUT after timeout_ms). ssh is the client's absolute path. */
int ssh_run(const char *ssh, int port, const char *password, const char *remote_cmd, const char *out_path,
	    int timeout_ms, int *code);
