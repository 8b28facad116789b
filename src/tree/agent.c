/* agent.c — /etc/osconf.conf of a target root: the one parser and reader every command uses. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "tree/agent.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tree/fsview.h"
#include "util/macros.h"

static const struct {
	const char *prefix, *devdir;
} spec_kinds[] = {
	{ "UUID=", "/dev/disk/by-uuid/" },
	{ "LABEL=", "/dev/disk/by-label/" },
	{ "PARTUUID=", "/dev/disk/by-partuuid/" },
	{ "PARTLABEL=", "/dev/disk/by-partlabel/" },
};

const char *partition_spec_devdir(const char *spec, const char **value)
{
	for (size_t i = 0; i < ARRAY_SIZE(spec_kinds); i++) {
		size_t n = strlen(spec_kinds[i].prefix);
		if (strncmp(spec, spec_kinds[i].prefix, n) != 0)
			continue;
		const char *v = spec + n;
		if (!*v || strlen(v) > 255)
			return NULL;
		for (const char *c = v; *c; c++)
			if (!isgraph((unsigned char)*c) || *c == '"' || *c == '\'' || *c == '\\')
				return NULL;
		if (value)
			*value = v;
		return spec_kinds[i].devdir;
	}
	return NULL;
}

bool partition_spec_valid(const char *spec) { return partition_spec_devdir(spec, NULL) != NULL; }

/* "KEY=value" with blanks around and one pair of matching quotes: the value, or NULL. */
static const char *line_value(const char *line, size_t len, const char *key, size_t *vlen)
{
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && strchr(" \t\r", line[len - 1]))
		len--;
	size_t k = strlen(key);
	if (len <= k || strncmp(line, key, k) != 0 || line[k] != '=')
		return NULL;
	line += k + 1, len -= k + 1;
	if (len >= 2 && (line[0] == '"' || line[0] == '\'') && line[len - 1] == line[0])
		line++, len -= 2;
	*vlen = len;
	return line;
}

static void take_partition(struct agent_conf *c, const char *v, size_t len, unsigned n)
{
	c->partition_line = n;
	c->partition[0] = c->partition_error[0] = '\0';
	if (len < sizeof(c->partition)) {
		memcpy(c->partition, v, len);
		c->partition[len] = '\0';
		if (partition_spec_valid(c->partition))
			return;
	}
	c->partition[0] = '\0';
	snprintf(c->partition_error, sizeof(c->partition_error),
		 "%s:%u: partition= needs UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=… and a value", AGENT_CONF_PATH, n);
}

static void take_lock_wait(struct agent_conf *c, const char *v, size_t len, unsigned n)
{
	unsigned long s = 0;
	size_t i = 0;
	while (i < len && i < 5 && v[i] >= '0' && v[i] <= '9')
		s = s * 10 + (unsigned long)(v[i++] - '0');
	if (i && i == len && s <= AGENT_LOCK_WAIT_MAX) {
		c->lock_wait_ms = (int)s * 1000;
		c->lock_wait_error[0] = '\0';
		return;
	}
	c->lock_wait_ms = AGENT_LOCK_WAIT_MS;
	snprintf(c->lock_wait_error, sizeof(c->lock_wait_error),
		 "%s:%u: lock_wait= needs seconds (0-%d); waiting the default %d s", AGENT_CONF_PATH, n,
		 AGENT_LOCK_WAIT_MAX, AGENT_LOCK_WAIT_MS / 1000);
}

/* grow= and identity_reset=: yes or no (also true/false, on/off, 1/0); else an error. */
static void take_switch(struct agent_conf *c, enum agent_switch *sw, const char *key, const char *v, size_t len,
			unsigned n)
{
	static const struct {
		const char *word;
		enum agent_switch value;
	} words[] = {
		{ "yes", AGENT_YES }, { "true", AGENT_YES }, { "on", AGENT_YES }, { "1", AGENT_YES },
		{ "no", AGENT_NO }, { "false", AGENT_NO }, { "off", AGENT_NO }, { "0", AGENT_NO },
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i].word) == len && strncasecmp(words[i].word, v, len) == 0) {
			*sw = words[i].value;
			return;
		}
	*sw = AGENT_DEFAULT;
	snprintf(c->switch_error, sizeof(c->switch_error), "%s:%u: %s= needs yes or no; taken as yes",
		 AGENT_CONF_PATH, n, key);
}

void agent_conf_parse(const char *data, size_t len, struct agent_conf *out)
{
	struct agent_conf c = { .exists = true, .lock_wait_ms = AGENT_LOCK_WAIT_MS };
	const char *p = data, *end = data + len;
	for (unsigned n = 1; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p), vlen;
		const char *v;
		if ((v = line_value(p, l, "partition", &vlen)))
			take_partition(&c, v, vlen, n);
		else if ((v = line_value(p, l, "backend", &vlen)))
			snprintf(c.backend, sizeof(c.backend), "%.*s", (int)vlen, v);
		else if ((v = line_value(p, l, "lock_wait", &vlen)))
			take_lock_wait(&c, v, vlen, n);
		else if ((v = line_value(p, l, "grow", &vlen)))
			take_switch(&c, &c.grow, "grow", v, vlen, n);
		else if ((v = line_value(p, l, "identity_reset", &vlen)))
			take_switch(&c, &c.identity_reset, "identity_reset", v, vlen, n);
		p += l + 1;
	}
	*out = c;
}

int agent_conf_read(struct fsview *fs, struct agent_conf *out)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	int r = fs_read_file(fs, AGENT_CONF_PATH, AGENT_CONF_MAX, &b);
	if (r == -ENOENT) {
		*out = (struct agent_conf){ .lock_wait_ms = AGENT_LOCK_WAIT_MS };
		return 0;
	}
	if (r < 0)
		return r;
	agent_conf_parse(b.data ? b.data : "", b.len, out);
	return 0;
}
