/* hosts.c — /etc/hosts: our one line for the host name, every other line kept. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "shared/hosts.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/text.h"

#define HOSTS_MARK "# osconf"

static bool not_ours(const char *line, size_t len, void *data)
{
	(void)data;
	size_t ml = strlen(HOSTS_MARK);
	return !(len >= ml && memcmp(line + len - ml, HOSTS_MARK, ml) == 0);
}

struct name_search {
	const char *name;
	bool found;
};

/* Does some (not our) line map the name? */
static bool find_name(const char *line, size_t len, void *data)
{
	struct name_search *s = data;
	const char *end = line + len, *p = line;
	size_t nl = strlen(s->name);
	int field = 0;
	while (p < end && *p != '#') {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *w = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '#')
			p++;
		if (p > w && field++ > 0 && (size_t)(p - w) == nl && strncasecmp(w, s->name, nl) == 0)
			s->found = true;
	}
	return true;
}

int hosts_set_name(struct buf *content, const char *name, const char *ip)
{
	int r = text_filter_lines(content, not_ours, NULL);
	struct name_search s = { .name = name };
	if (r == 0)
		r = text_filter_lines(content, find_name, &s);
	if (r < 0 || s.found)
		return r;
	const char *dot = strchr(name, '.');
	if (dot)
		return buf_printf(content, "%s\t%s %.*s\t%s\n", ip, name, (int)(dot - name), name, HOSTS_MARK);
	return buf_printf(content, "%s\t%s\t%s\n", ip, name, HOSTS_MARK);
}

int hosts_plan_name(struct plan *p, int rootfd, unsigned sections, const char *name, const char *ip)
{
	struct plan_file *f;
	struct file_meta meta = { .mode = 0644 };
	int r = plan_file(p, rootfd, HOSTS_FILE, sections, &meta, &f);
	if (r == 0)
		r = hosts_set_name(&f->new, name, ip);
	return r;
}
