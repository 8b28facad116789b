/* conf.h — the os.conf image try writes onto partition 1, and what a guest that applied it must show. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct try_conf {
	struct buf text;             /* the os.conf bytes (secret: holds the password) */
	char hostname[65];
	char *password;              /* plain text (wiped by try_conf_free) */
	char mac[18];                /* eth0's MAC: the emulated NIC's */
	char addr[16], gw[16];       /* eth0's address and the default gateway ("" when none) */
	int prefix;
	char dns[8][16];
	size_t ndns;
};

/* The default: a VPC os.conf that fits QEMU's user-mode network (10.0.2.15/24, gateway
 * 10.0.2.2, DNS 10.0.2.3), a random host name, root password and MAC (00:16:3e, the cloud's). */
int try_conf_default(struct try_conf *c, char *err, size_t errlen);
/* An owner's os.conf: it must be valid and give root's password, eth0's address and MAC. */
int try_conf_load(const char *path, struct try_conf *c, char *err, size_t errlen);
/* The console changed the host name and the password (the network stays): the second boot's os.conf. */
int try_conf_change(struct try_conf *c, char *err, size_t errlen);
/* QEMU's user-mode network options that put the guest's os.conf address on it (",net=…"), "" for the default. */
void try_conf_netopts(const struct try_conf *c, char *out, size_t outlen);
void try_conf_free(struct try_conf *c);
