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

int status_write(int rootfd, const struct run_status *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
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
	fclose(f);
	struct buf b = { .data = text, .len = len, .cap = len + 1 };
	struct file_meta meta = { .mode = 0644 };
	/* one group commit for both (each its own owner: one failing does not hold back the other) */
	static const char *const paths[] = { "/run/osconf/status.json", "/var/lib/osconf/last-result.json" };
	struct atomic_group *g = atomic_group_new();
	int r = g ? 0 : -ENOMEM;
	for (size_t i = 0; g && i < ARRAY_SIZE(paths); i++) {
		int w = atomic_stage(g, paths[i], rootfd, paths[i], &b, &meta, 0);
		r = r < 0 ? r : w < 0 ? w : 0;
	}
	if (g) {
		atomic_group_sync(g);
		atomic_group_rename(g);
		char what[64];
		for (size_t i = 0; i < ARRAY_SIZE(paths) && r == 0; i++)
			r = atomic_group_result(g, paths[i], what, sizeof(what));
	}
	atomic_group_free(g);
	free(text);
	return r;
}
