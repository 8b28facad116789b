/* status.c — write the machine-readable result of the last run, for people and monitoring. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sys/atomic.h"
#include "util/json.h"
#include "util/macros.h"

static const char *section_state(const struct run_status *s, enum section sec)
{
	unsigned bit = SEC_BIT(sec);
	if (!(s->present & bit))
		return "absent";
	if (s->invalid & bit)
		return "invalid";
	if (s->failed & bit)
		return "failed";
	return s->changed & bit ? "applied" : "unchanged";
}

static const char *const paths[] = { "/run/osconf/status.json", "/var/lib/osconf/last-result.json" };

static char *render(const struct run_status *s, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		return NULL;
	struct json j;
	json_begin(&j, f);
	json_kv_string(&j, "version", OSCONF_VERSION);
	json_kv_int(&j, "time", (long long)time(NULL));
	json_kv_string(&j, "result", s->result);
	json_kv_int(&j, "exit_status", s->exit_status);
	json_kv_string(&j, "conf", s->conf ? s->conf : "");
	json_kv_bool(&j, "conf_removed", s->removed);
	json_kv_bool(&j, "refused_lines", (s->invalid & INVALID_LINES) != 0);
	json_key(&j, "sections");
	json_object(&j);
	for (int i = 0; i < SEC_COUNT; i++)
		json_kv_string(&j, section_name(i), section_state(s, i));
	json_close(&j, '}');
	if (s->identity)
		json_kv_string(&j, "identity", s->identity);
	if (s->grow) {
		json_key(&j, "grow");
		json_object(&j);
		json_kv_string(&j, "state", s->grow);
		json_kv_string(&j, "detail", s->grow_detail ? s->grow_detail : "");
		json_close(&j, '}');
	}
	json_end(&j);
	return fclose(f) == 0 ? text : (free(text), NULL);
}

int status_stage(struct atomic_group *g, int rootfd, const struct run_status *s, bool run_made)
{
	size_t len = 0;
	char *text = render(s, &len);
	if (!text)
		return -ENOMEM;
	struct buf b = { .data = text, .len = len, .cap = len + 1 };
	struct file_meta meta = { .mode = 0644 };
	/* each its own owner: one failing does not hold back the other */
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		unsigned flags = i == 0 && run_made ? ATOMIC_DURABLE_PATH : 0;
		int w = atomic_stage(g, paths[i], rootfd, paths[i], &b, &meta, flags);
		r = r < 0 ? r : w < 0 ? w : 0;
	}
	free(text);
	return r;
}

void status_cancel(struct atomic_group *g)
{
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		atomic_group_cancel(g, paths[i], -ECANCELED);
}

int status_result(const struct atomic_group *g)
{
	char what[64];
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(paths) && r == 0; i++)
		r = atomic_group_result(g, paths[i], what, sizeof(what));
	return r;
}

int status_write(int rootfd, const struct run_status *s, bool run_made)
{
	struct atomic_group *g = atomic_group_new();
	if (!g)
		return -ENOMEM;
	int r = status_stage(g, rootfd, s, run_made);
	atomic_group_commit(g);
	if (r == 0)
		r = status_result(g);
	atomic_group_free(g);
	return r;
}
