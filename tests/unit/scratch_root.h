/* scratch_root.h — a group setup/teardown giving unit tests an empty target root under /tmp. */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include "sys/root.h"

static char dir[] = "/tmp/osconf-unit.XXXXXX";
static struct root root = ROOT_INIT;

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return root_open(dir, &root);
}

static int teardown(void **state)
{
	(void)state;
	root_close(&root);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}
