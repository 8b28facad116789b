/* clock.h — milliseconds on the monotonic clock, for bounded waits. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
#include <time.h>

static inline long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
