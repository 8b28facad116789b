/* resolv.c — /etc/resolv.conf: set our nameserver lines, keep every other line. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "shared/resolv.h"

#include <sys/stat.h>

#include "conf/model.h"
#include "sys/root.h"
#include "util/macros.h"
#include "util/text.h"

int resolv_is_link(int rootfd, char *target, size_t size)
{
	struct stat st;
	int r = root_lstat(rootfd, RESOLV_CONF, &st);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!S_ISLNK(st.st_mode))
		return 0;
	target[0] = '\0';
	root_readlink(rootfd, RESOLV_CONF, target, size);
	return 1;
}

static bool not_nameserver(const char *line, size_t len, void *data)
{
	(void)data;
	return !line_has_word(line, len, "nameserver");
}

int resolv_set_nameservers(struct buf *content, const struct in_addr *servers, size_t n)
{
	/* where the first nameserver line was */
	size_t pos = 0, len, insert = content->len;
	const char *line;
	while (buf_next_line(content, &pos, &line, &len))
		if (line_has_word(line, len, "nameserver")) {
			insert = (size_t)(line - content->data);
			break;
		}
	_cleanup_buf_ struct buf head = BUF_INIT, tail = BUF_INIT, out = BUF_INIT;
	int r = buf_append(&head, content->data, insert);
	if (r == 0)
		r = buf_append(&tail, content->data + insert, content->len - insert);
	if (r == 0)
		r = text_filter_lines(&tail, not_nameserver, NULL);
	if (r == 0 && head.len && head.data[head.len - 1] != '\n')
		r = buf_append(&head, "\n", 1);
	if (r == 0)
		r = buf_append(&out, head.data, head.len);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char ip[16];
		r = buf_printf(&out, "nameserver %s\n", ip4_str(servers[i], ip));
	}
	if (r == 0)
		r = buf_append(&out, tail.data, tail.len);
	if (r == 0)
		buf_move(content, &out);
	return r;
}

int resolv_plan_nameservers(struct plan *p, int rootfd, unsigned sections, const struct in_addr *servers, size_t n)
{
	struct plan_file *f;
	struct file_meta meta = { .mode = 0644 };
	int r = plan_file(p, rootfd, RESOLV_CONF, sections, &meta, &f);
	if (r == 0)
		r = resolv_set_nameservers(&f->new, servers, n);
	return r;
}
