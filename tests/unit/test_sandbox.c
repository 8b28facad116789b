/* test_sandbox.c — osconf's seccomp filter: what it refuses, and what osconf still needs (in a child). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "unit.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sys/sandbox.h"

enum { SKIPPED = 77 };

/* Each check's number is the child's exit status when it fails. */
static int child(void)
{
	int r = sandbox_enter();
	if (r == -EINVAL || r == -ENOSYS)
		return SKIPPED;   /* no seccomp filters here (qemu-user refuses them) */
	if (r < 0)
		return 1;
	char *argv[] = { "/bin/true", NULL };
	if (execve("/bin/true", argv, NULL) == 0 || errno != EPERM)
		return 2;
	if (socket(AF_PACKET, SOCK_RAW, 0) >= 0 || errno != EAFNOSUPPORT)
		return 3;
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0), t = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), v = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || u < 0 || v < 0 || (t < 0 && errno != EAFNOSUPPORT))   /* a kernel without IPv6 */
		return 4;
	if (mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED || errno != EPERM)
		return 5;
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m, 4096, PROT_READ) < 0)
		return 6;
	if (mprotect(m, 4096, PROT_READ | PROT_EXEC) == 0 || errno != EPERM)
		return 7;
	if (unshare(CLONE_NEWNET) == 0 || errno != EPERM || unshare(CLONE_NEWUSER) == 0)
		return 8;
	if (geteuid() == 0 && unshare(CLONE_NEWNS) < 0)   /* how partition 1 is mounted privately */
		return 9;
	if (personality(PER_LINUX32) != -1 || errno != EPERM)
		return 10;
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || clock_settime(CLOCK_REALTIME, &ts) == 0 || errno != EPERM)
		return 11;
	pid_t p = fork();   /* allowed: nothing osconf needs is refused with it */
	if (p == 0)
		_exit(0);
	int st;
	return p < 0 || waitpid(p, &st, 0) != p ? 12 : 0;
}

static void test_filter(void **state)
{
	(void)state;
	pid_t p = fork();
	assert_true(p >= 0);
	if (p == 0)
		_exit(child());
	int st;
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == SKIPPED)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
