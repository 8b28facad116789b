/* report.c — diagnostics and model printing for check, show, plan and apply. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "cli/report.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/parse.h"
#include "sys/root.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macros.h"

void report_diags(const char *file, const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->items[i];
		const char *sev = x->severity == DIAG_ERROR ? "error" : "warning";
		if (x->line)
			fprintf(stderr, "%s:%u: %s: %s\n", file, x->line, sev, x->msg);
		else
			fprintf(stderr, "%s: %s: %s\n", file, sev, x->msg);
	}
}

int read_conf_file(const char *path, struct buf *out, struct stat *st_out)
{
	/* looked at O_PATH first: a FIFO or device there is refused, never opened */
	_cleanup_close_ int pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int fd = pfd < 0 ? -errno : root_reopen_regular(pfd, O_RDONLY);
	struct stat st;
	int r = fd < 0 ? fd : fstat(fd, &st) < 0 ? negerrno() : 0;
	if (r == 0 && st.st_size > OSCONF_MAX_FILE)
		r = -EFBIG;
	struct buf b = { .secret = true };
	while (r == 0) {
		if ((r = buf_reserve(&b, 4096)) < 0)
			break;
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? negerrno() : 0;
			break;
		}
		b.len += (size_t)n;
		b.data[b.len] = '\0';
		if (b.len > OSCONF_MAX_FILE)
			r = -EFBIG;
	}
	if (r < 0) {
		buf_free(&b);
		log_error("%s: %s", path,
			  r == -ELOOP ? "is a symlink (refused)" : r == -EINVAL || r == -EISDIR ? "not a regular file" :
			  r == -EFBIG ? "larger than 64 KiB (refused)" : root_strerror(r));
		return r;
	}
	buf_move(out, &b);
	if (st_out)
		*st_out = st;
	return 0;
}

void show_model(const struct osconf_model *m, FILE *out)
{
	char a[16], b[16], mac[18];
	fprintf(out, "hostname: %s\n", m->has_hostname ? m->hostname : "(not set)");
	fprintf(out, "password: %s\n", m->password ? "set" : "(not set)");
	if (model_nic_count(m)) {
		fprintf(out, "network: %s\n", m->classic ? "classic (eth0 internal, eth1 public)" : "VPC (eth0)");
		for (int i = 0; i < OSCONF_MAX_NICS; i++) {
			const struct nic_conf *n = &m->nics[i];
			if (!n->present)
				continue;
			fprintf(out, "  %s mac %s address %s/%u", n->name, n->has_mac ? mac_str(n->mac, mac) : "(none)",
				ip4_str(n->addr, a), n->prefix);
			if (n->has_gw)
				fprintf(out, " gateway %s", ip4_str(n->gw, b));
			fputc('\n', out);
			for (size_t k = 0; k < n->n_routes; k++)
				fprintf(out, "    route %s/%u via %s\n", ip4_str(n->routes[k].dst, a), n->routes[k].prefix,
					ip4_str(n->routes[k].gw, b));
		}
		if (m->default_nic >= 0)
			fprintf(out, "default route: via %s dev %s\n", ip4_str(m->default_gw, a),
				m->nics[m->default_nic].name);
		else
			fprintf(out, "default route: (none)\n");
	}
	fprintf(out, "dns:");
	for (size_t i = 0; i < m->n_dns; i++)
		fprintf(out, " %s", ip4_str(m->dns[i], a));
	fprintf(out, "%s\n", m->n_dns ? "" : " (not set)");
	for (int s = 0; s < SEC_COUNT; s++)
		if (m->invalid & SEC_BIT(s))
			fprintf(out, "invalid, not applied: %s\n", section_name(s));
	if (m->invalid & INVALID_LINES)
		fprintf(out, "refused lines: the file is kept after apply\n");
}

static void json_nic(struct json *j, const struct nic_conf *n, bool is_default, struct in_addr dgw)
{
	char a[16], mac[18], cidr[24];
	json_object(j);
	json_kv_string(j, "name", n->name);
	if (n->has_mac)
		json_kv_string(j, "mac", mac_str(n->mac, mac));
	json_kv_string(j, "address", ip4_str(n->addr, a));
	json_kv_int(j, "prefix", n->prefix);
	if (n->has_gw)
		json_kv_string(j, "gateway", ip4_str(n->gw, a));
	json_key(j, "routes");
	json_array(j);
	for (size_t k = 0; k < n->n_routes; k++) {
		json_object(j);
		snprintf(cidr, sizeof(cidr), "%s/%u", ip4_str(n->routes[k].dst, a), n->routes[k].prefix);
		json_kv_string(j, "to", cidr);
		json_kv_string(j, "via", ip4_str(n->routes[k].gw, a));
		json_close(j, '}');
	}
	json_close(j, ']');
	if (is_default)
		json_kv_string(j, "default_via", ip4_str(dgw, a));
	json_close(j, '}');
}

void show_model_json(const struct osconf_model *m, const struct diags *d, FILE *out)
{
	char a[16];
	struct json j;
	json_begin(&j, out);
	json_key(&j, "hostname");
	m->has_hostname ? json_string(&j, m->hostname) : json_null(&j);
	json_kv_bool(&j, "password_set", m->password != NULL);
	json_kv_string(&j, "network_type", model_nic_count(m) ? (m->classic ? "classic" : "vpc") : "none");
	json_key(&j, "nics");
	json_array(&j);
	for (int i = 0; i < OSCONF_MAX_NICS; i++)
		if (m->nics[i].present)
			json_nic(&j, &m->nics[i], m->default_nic == i, m->default_gw);
	json_close(&j, ']');
	json_key(&j, "dns");
	json_array(&j);
	for (size_t i = 0; i < m->n_dns; i++)
		json_string(&j, ip4_str(m->dns[i], a));
	json_close(&j, ']');
	json_key(&j, "invalid_sections");
	json_array(&j);
	for (int s = 0; s < SEC_COUNT; s++)
		if (m->invalid & SEC_BIT(s))
			json_string(&j, section_name(s));
	json_close(&j, ']');
	json_kv_bool(&j, "refused_lines", (m->invalid & INVALID_LINES) != 0);
	json_key(&j, "problems");
	json_array(&j);
	for (size_t i = 0; i < d->n; i++) {
		json_object(&j);
		json_kv_int(&j, "line", d->items[i].line);
		json_kv_string(&j, "severity", d->items[i].severity == DIAG_ERROR ? "error" : "warning");
		json_kv_string(&j, "message", d->items[i].msg);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_end(&j);
}

void report_apply(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_entry *e = &p->entries[i];
		if (e->result < 0)
			log_error("%s", e->report);
		else if (e->result == 0 && e->report[0])
			log_info("%s", e->report);
	}
}
