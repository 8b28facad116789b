/* agent.h — osconf's own settings in the target root: /etc/osconf.conf (partition=, backend=). */
#pragma once

struct agent_conf {
	char partition[256];  /* "UUID=…", "LABEL=…", "PARTUUID=…" or "" */
	char backend[32];     /* network backend override or "" */
};

/* Read /etc/osconf.conf inside the root; a missing file gives empty settings. Unknown
 * keys are ignored. Returns 0 or negative errno (unreadable file). */
int agent_conf_read(int rootfd, struct agent_conf *out);
