/* replay.c — run a fuzz target once over each corpus file (gcc + sanitizers, for make check). */
/* SPDX-License-Identifier: Apache-2.0 */
/* REPLAY_TIMEOUT=SECONDS limits each input (exit 124 naming it); a sanitizer report also
 * names the input it was running. Files are read whole, up to REPLAY_MAX_BYTES. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPLAY_MAX_BYTES (64u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *current;
static unsigned timeout_s;

static void say_current(const char *what)
{
	if (!current)
		return;
	/* async-signal-safe: write(2) only */
	static const char pre[] = "replay: ";
	(void)!write(2, pre, sizeof(pre) - 1);
	(void)!write(2, current, strlen(current));
	(void)!write(2, what, strlen(what));
}

static void on_death(void) { say_current(": sanitizer report above\n"); }

static void on_alarm(int sig)
{
	(void)sig;
	say_current(": timeout\n");
	_exit(124);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += got;
		if (n == cap && cap < REPLAY_MAX_BYTES) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		} else if (n == cap) {
			break;
		}
	}
	fclose(f);
	if (!buf)
		return -1;
	uint8_t *copy = malloc(n ? n : 1); /* exact-size heap copy so ASan sees overreads */
	memcpy(copy, buf, n);
	free(buf);
	current = path;
	alarm(timeout_s);
	LLVMFuzzerTestOneInput(copy, n);
	alarm(0);
	current = NULL;
	free(copy);
	return 0;
}

int main(int argc, char **argv)
{
	const char *t = getenv("REPLAY_TIMEOUT");
	timeout_s = t ? (unsigned)strtoul(t, NULL, 10) : 0;
	signal(SIGALRM, on_alarm);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);
	int files = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			files += run_file(argv[i]) == 0;
			continue;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
			files += run_file(p) == 0;
		}
		closedir(d);
	}
	printf("replayed %d inputs\n", files);
	return files > 0 ? 0 : 1;
}
