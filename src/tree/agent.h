/* agent.h — osconf's own settings in a target root, /etc/osconf.conf: its one reader. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define AGENT_CONF_PATH "/etc/osconf.conf"
#define AGENT_CONF_MAX (64 * 1024)

struct fsview;

/* A yes/no setting: AGENT_DEFAULT when not set (both default to on). */
enum agent_switch { AGENT_DEFAULT, AGENT_YES, AGENT_NO };
/* Whether a switch is on (set to yes, or not set). */
static inline bool agent_on(enum agent_switch s) { return s != AGENT_NO; }

struct agent_conf {
	bool exists;              /* the file is there */
	char partition[256];      /* the recorded partition spec ("UUID=…", …), "" when none */
	unsigned partition_line;  /* line of the partition= that counts (the last), 0 = none */
	char partition_error[192]; /* "/etc/osconf.conf:N: …" when that line is not a valid spec */
	char backend[32];         /* network backend override, "" when none */
	int lock_wait_ms;         /* lock_wait= SECONDS (0-3600) in ms: how long a run waits for
				   * the run lock; AGENT_LOCK_WAIT_MS when not set or invalid */
	char lock_wait_error[160]; /* "/etc/osconf.conf:N: …" when lock_wait= is not valid */
	enum agent_switch grow;   /* grow=: extend the root partition and file system at boot */
	enum agent_switch identity_reset; /* identity_reset=: new host keys, machine-id, seed on a new instance */
	char switch_error[192];   /* "/etc/osconf.conf:N: …" for a grow=/identity_reset= that is not yes or no */
};

#define AGENT_LOCK_WAIT_MS 60000 /* the run lock's bound by default (src/sys/lock.h) */
#define AGENT_LOCK_WAIT_MAX 3600 /* seconds */

/* Whether spec is a partition spec osconf records and resolves: UUID=, LABEL=, PARTUUID= or
 * PARTLABEL= and a value of at most 255 printable bytes without quotes or backslashes. */
bool partition_spec_valid(const char *spec);
/* The /dev/disk/by-… directory holding spec's kind of link ("/dev/disk/by-uuid/"), and in
 * *value the part after '='; NULL when spec is not valid. */
const char *partition_spec_devdir(const char *spec, const char **value);

/* Pure: KEY=value lines (blanks around, one pair of quotes, # comments; the last assignment of
 * a key wins, as when the file is sourced). An invalid partition= is reported in
 * partition_error, and partition stays "": every command judges it alike; an invalid
 * lock_wait= likewise in lock_wait_error, the default kept. */
void agent_conf_parse(const char *data, size_t len, struct agent_conf *out);
/* Read and parse it from a tree (a target root through fs_borrow_root(), or an image's root
 * file system). A missing file gives empty settings; any other error is returned (negative
 * errno) and *out is untouched. */
int agent_conf_read(struct fsview *fs, struct agent_conf *out);
