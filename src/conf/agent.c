/* agent.c — read /etc/osconf.conf (KEY=value lines, # comments) from the target root. */
#include "conf/agent.h"

#include <errno.h>
#include <string.h>

#include "sys/root.h"
#include "util/text.h"

int agent_conf_read(int rootfd, struct agent_conf *out)
{
	struct agent_conf c = { 0 };
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r = root_read_file(rootfd, "/etc/osconf.conf", 64 * 1024, &b);
	if (r == -ENOENT) {
		*out = c;
		return 0;
	}
	if (r < 0)
		return r;
	text_get(&b, "partition", '=', c.partition, sizeof(c.partition));
	text_get(&b, "backend", '=', c.backend, sizeof(c.backend));
	*out = c;
	return 0;
}
