/* proc.c — spawning and waiting for the programs of image try (posix_spawn, fixed argv, never a shell). */
/* SPDX-License-Identifier: Apache-2.0 */
#include "try/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

long long proc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int proc_find(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	char dirs[4096];
	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/')
			continue;   /* a relative PATH entry would depend on the working directory */
		if ((size_t)snprintf(out, outlen, "%s/%s", d, name) < outlen && access(out, X_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	return -ENOENT;
}

int proc_spawn(char *const argv[], char *const envp[], int in_fd, const char *out_path, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int r = posix_spawn_file_actions_init(&fa);
	if (r)
		return -r;
	if (in_fd >= 0)
		r = posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (!r)
		r = posix_spawn(pid, argv[0], &fa, NULL, argv, envp ? envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

int proc_wait(pid_t pid, int timeout_ms, int *status)
{
	long long end = proc_now_ms() + timeout_ms;
	for (;;) {
		pid_t w = waitpid(pid, status, timeout_ms < 0 ? 0 : WNOHANG);
		if (w == pid)
			return 1;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (timeout_ms >= 0 && proc_now_ms() >= end)
			return 0;
		if (w == 0)
			usleep(50 * 1000);
	}
}

void proc_stop(pid_t pid, int grace_ms)
{
	int st;
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (proc_wait(pid, grace_ms, &st) == 0) {
		kill(pid, SIGKILL);
		proc_wait(pid, -1, &st);
	}
}

int proc_run(char *const argv[], char *const envp[], int in_fd, const char *out_path, int timeout_ms, int *code)
{
	pid_t pid;
	int st, r = proc_spawn(argv, envp, in_fd, out_path, &pid);
	if (r < 0)
		return r;
	r = proc_wait(pid, timeout_ms, &st);
	if (r == 0) {
		proc_stop(pid, 1000);
		return -ETIMEDOUT;
	}
	if (r < 0)
		return r;
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}
