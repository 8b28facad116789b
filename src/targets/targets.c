/* targets.c — the ordered table of targets the pipeline plans. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "targets/target.h"

const struct target *const targets[] = {
	&target_password,
	&target_network,
	&target_live,
	&target_hostname,
	&target_dns,
};
const size_t targets_count = sizeof(targets) / sizeof(targets[0]);
