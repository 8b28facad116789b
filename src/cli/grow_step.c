/* grow_step.c — the pipeline's first step at every run: plan and apply the root's growth. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/grow_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow/grow.h"
#include "plan/plan.h"
#include "sys/atomic.h"
#include "tree/agent.h"
#include "tree/fsview.h"
#include "util/log.h"
#include "util/macros.h"

static void say(const struct run_opts *o, struct grow_status *gs, const char *state, const char *detail)
{
	gs->state = state;
	snprintf(gs->detail, sizeof(gs->detail), "%s", detail);
	if (o->dry_run)
		printf("grow: %s\n", gs->detail);
	else if (streq(state, "failed"))
		log_error("grow: %s", gs->detail);
	else if (streq(state, "lvm"))
		log_warn("grow: %s", gs->detail);
	else
		log_info("grow: %s", gs->detail);
}

/* The file system mounted at mnt ("/": the running system's): read, decide, print (plan) or
 * apply (the running system only: an image tree grows at its own boot). */
static void grow_run(const struct run_opts *o, struct root *root, const char *mnt, struct grow_status *gs)
{
	char err[400] = "", line[700];
	struct grow_facts f = { 0 };
	struct grow_plan g = { 0 };
	const char *when = streq(mnt, "/") ? "" : "at the image's boot: ";
	int r = grow_read_facts("/dev", mnt, &f, err, sizeof(err));
	if (r == 0 && (r = grow_decide(&f, &g, err, sizeof(err))) < 0)
		grow_facts_free(&f);
	if (r < 0)
		return say(o, gs, "failed", err[0] ? err : strerror(-r));
	if (g.warning[0]) {
		say(o, gs, "lvm", g.warning);
		return grow_facts_free(&g.f);
	}
	if (!grow_needed(&g)) {
		snprintf(line, sizeof(line), "nothing to grow (%s)", g.note[0] ? g.note : "the file system fills its partition");
		say(o, gs, "unchanged", line);
		return grow_facts_free(&g.f);
	}
	snprintf(line, sizeof(line), "%s", when);
	grow_describe(&g, line + strlen(line), sizeof(line) - strlen(line));
	if (o->dry_run) {
		say(o, gs, "planned", line);
		return grow_facts_free(&g.f);
	}
	struct plan p;
	plan_init(&p);
	if (grow_plan_add(&p, &g) < 0)
		return say(o, gs, "failed", "out of memory");
	struct apply_ctx actx = { .root = root, .live = true };
	plan_commit(&p, &actx, plan_apply(&p, &actx)); /* the one entry's result and report say what happened */
	atomic_group_free(actx.group);
	const struct plan_entry *e = &p.entries[0];
	if (e->result < 0)
		say(o, gs, "failed", e->report);
	else
		say(o, gs, "grown", e->report);
	plan_free(&p);
}

int grow_step(const struct run_opts *o, struct root *root, const struct agent_conf *ac, struct grow_status *gs)
{
	*gs = (struct grow_status){ 0 };
	if (o->conf)
		return 0; /* a file named by hand (tests, trials): only runs that locate os.conf grow */
	if (!agent_on(ac->grow)) {
		say(o, gs, "off", "off (grow=no in " AGENT_CONF_PATH ")");
		return 0;
	}
	/* an image tree grows at its own boot: plan shows what that would do when the tree is the
	 * mounted root of a disk's partition (an image attached to a loop device), apply nothing */
	_cleanup_free_ char *mnt = NULL;
	if (root->is_host && !o->no_live)
		grow_run(o, root, "/", gs);
	else if (o->dry_run && (mnt = realpath(root->path, NULL)) && !streq(mnt, "/"))
		grow_run(o, root, mnt, gs);
	else
		gs->state = "skipped";
	return streq(gs->state, "failed") ? -1 : 0;
}
