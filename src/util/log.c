/* log.c — diagnostics to stderr (prefixed "osconf: "), optionally mirrored to syslog or /dev/kmsg. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static int verbosity = 1;
static bool use_syslog;

void log_set_verbosity(int v) { verbosity = v; }
void log_set_syslog(bool enable) { use_syslog = enable; }

static void log_system(enum log_level lvl, const char *msg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	struct stat st;
	if (stat("/dev/log", &st) == 0 && S_ISSOCK(st.st_mode)) {
		openlog("osconf", LOG_PID, LOG_DAEMON);
		syslog(prio[lvl], "%s", msg);
		return;
	}
	/* Early boot, no syslog yet: the kernel log reaches the console and the journal. */
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	/* One write(2) per record; not dprintf: glibc's lseek(SEEK_CUR) on /dev/kmsg fails with
	 * EINVAL and dprintf then writes nothing. */
	char rec[1100];
	int n = snprintf(rec, sizeof(rec), "<%d>osconf[%d]: %s\n", prio[lvl] | LOG_DAEMON, (int)getpid(), msg);
	if (n > 0 && write(fd, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1) < 0) {
		/* nowhere left to report it */
	}
	close(fd);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if ((int)lvl > verbosity + 1)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
	fprintf(stderr, "osconf: %s%s\n", tag[lvl], msg);
	if (use_syslog && lvl != LOG_LVL_DEBUG)
		log_system(lvl, msg);
}
