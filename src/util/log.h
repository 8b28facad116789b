/* log.h — the one place that prints diagnostics: stderr, plus syslog/kmsg when enabled. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_set_verbosity(int v);     /* 0 = warnings and errors, 1 = + info, 2 = + debug */
void log_set_syslog(bool enable);  /* also send to syslog (or /dev/kmsg when syslog is absent) */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
