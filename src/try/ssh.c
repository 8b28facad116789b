/* ssh.c — the SSH judge of image try: `ssh` with a fixed argv; the password reaches it through osconf itself as SSH_ASKPASS. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "try/ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "try/proc.h"
#include "util/macros.h"

/* The password never appears in an argv, a file or the environment: image try writes it into
 * a pipe that becomes ssh's stdin; ssh (SSH_ASKPASS_REQUIRE=force) runs SSH_ASKPASS — this
 * binary — which inherits that stdin, copies the line to ssh and exits. ssh reads nothing
 * else from stdin before authentication; afterwards the pipe is at its end. */
bool try_askpass(int *code)
{
	struct stat st;
	if (!getenv(TRY_ASKPASS_ENV))
		return false;
	*code = 1;
	if (fstat(0, &st) < 0 || !S_ISFIFO(st.st_mode))
		return true;   /* only ever the pipe image try made */
	char pw[1024];
	size_t n = 0;
	while (n < sizeof(pw)) {
		ssize_t r = read(0, pw + n, sizeof(pw) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(pw, '\n', n))
			break;
	}
	char *nl = memchr(pw, '\n', n);
	if (nl && write(1, pw, (size_t)(nl - pw + 1)) == nl - pw + 1)
		*code = 0;
	explicit_bzero(pw, sizeof(pw));
	return true;
}

int ssh_run(const char *ssh, int port, const char *password, const char *remote_cmd, const char *out_path,
	    int timeout_ms, int *code)
{
	char self[PATH_MAX], portarg[16], askpass[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -errno;
	self[n] = '\0';
	snprintf(portarg, sizeof(portarg), "%d", port);
	snprintf(askpass, sizeof(askpass), "SSH_ASKPASS=%s", self);
	char *const argv[] = {
		(char *)ssh, "-F", "/dev/null", "-p", portarg, "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "ConnectTimeout=10", "-o", "PubkeyAuthentication=no", "-o", "GSSAPIAuthentication=no",
		"-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1",
		"-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-T", "root@127.0.0.1", (char *)remote_cmd, NULL,
	};
	char *const envp[] = { askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0", TRY_ASKPASS_ENV "=1",
			       "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	size_t len = strlen(password);
	bool wrote = write(p[1], password, len) == (ssize_t)len && write(p[1], "\n", 1) == 1;
	close(p[1]);
	if (!wrote) {
		close(p[0]);
		return -EIO;
	}
	int r = proc_run(argv, envp, p[0], out_path, timeout_ms, code);
	close(p[0]);
	return r;
}
