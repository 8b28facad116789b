/* detect.c — choose the persistent network backend from the target root alone. */
#include <errno.h>
#include <stdio.h>

#include "conf/agent.h"
#include "net/backend.h"

int net_backend_detect(int rootfd, const struct net_backend **out, char *why, size_t whylen)
{
	struct agent_conf ac;
	int r = agent_conf_read(rootfd, &ac);
	if (r < 0) {
		snprintf(why, whylen, "/etc/osconf.conf: unreadable");
		return r;
	}
	if (ac.backend[0]) {
		const struct net_backend *b = net_backend_find(ac.backend);
		if (!b) {
			snprintf(why, whylen, "/etc/osconf.conf names an unknown backend '%s'", ac.backend);
			return -EINVAL;
		}
		*out = b;
		snprintf(why, whylen, "backend=%s in /etc/osconf.conf", ac.backend);
		return 0;
	}
	*out = &net_backend_ifcfg;
	snprintf(why, whylen, "the default");
	return 0;
}
