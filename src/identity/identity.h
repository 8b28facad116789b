/* identity.h — a new instance's own identity: SSH host keys, machine-id and random seed made anew. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf/model.h"

struct plan;
struct agent_conf;

#define IDENTITY_RECORD "/var/lib/osconf/instance"
#define IDENTITY_MACHINE_ID_NEXT "/var/lib/osconf/machine-id.next"
#define IDENTITY_RECORD_MAX 4096
/* systemd: the unit that moves IDENTITY_MACHINE_ID_NEXT to /etc/machine-id at shutdown */
#define IDENTITY_MACHINE_ID_UNIT "/usr/lib/systemd/system/osconf-machine-id.service"
#define IDENTITY_MACHINE_ID_LINK "/etc/systemd/system/sysinit.target.wants/osconf-machine-id.service"

/* Pure: the instance os.conf describes, as the record holds it: its NICs' MACs, sorted, one a
 * line ("" when os.conf names none: then it says nothing about the instance). */
int identity_key(const struct osconf_model *m, char *out, size_t size);
/* Pure: whether record (the file's bytes, NULL when absent) names another instance than key:
 * comment lines aside, other MACs, or no record at all. */
bool identity_is_new(const char *record, size_t len, const char *key);

/* What identity_plan decided, for the status record. */
struct identity_status {
	const char *state;  /* "same", "new", "new-kept" (identity_reset=no), "none" (no MAC), "failed" */
};

/* Plans the reset for the tree at rootfd when os.conf is a new instance's: the record, the
 * host keys removed (only where something makes new ones before sshd), a new machine-id
 * (systemd: at the next boot, through osconf-machine-id.service; else now), the saved random
 * seeds removed. Its entries carry no section (sections 0). Negative errno, err set, when a
 * file could not be read (nothing planned then). */
int identity_plan(int rootfd, const struct osconf_model *m, const struct agent_conf *ac, struct plan *p,
		  struct identity_status *st, char *err, size_t errsize);

/* `osconf install` on the running system: the instance it runs on is the one configured last
 * (its NICs' MACs, those with a device behind them), so installing osconf on a running
 * instance never resets it. Writes IDENTITY_RECORD only when there is none; *written says. */
int identity_record_host(int rootfd, bool *written);
