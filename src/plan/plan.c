/* plan.c — plan entries (generic and whole-file), printing, pruning and the one executor. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

void plan_init(struct plan *p) { *p = (struct plan){ 0 }; }

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (p->entries[i].ops->destroy)
			p->entries[i].ops->destroy(p->entries[i].data);
	free(p->entries);
	buf_free(&p->notes);
	*p = (struct plan){ 0 };
}

int plan_add(struct plan *p, const struct plan_entry_ops *ops, unsigned sections, void *data)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct plan_entry *n = realloc(p->entries, cap * sizeof(*n));
		if (!n) {
			if (ops->destroy)
				ops->destroy(data);
			return -ENOMEM;
		}
		p->entries = n;
		p->cap = cap;
	}
	p->entries[p->n++] = (struct plan_entry){ .ops = ops, .sections = sections, .data = data };
	return 0;
}

int plan_note(struct plan *p, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return buf_printf(&p->notes, "%s\n", line);
}

/* ---- file entries ---- */

static void file_destroy(void *data)
{
	struct plan_file *f = data;
	if (!f)
		return;
	free(f->path);
	buf_free(&f->old);
	buf_free(&f->new);
	free(f);
}

bool plan_file_changes(const struct plan_file *f)
{
	if (f->remove)
		return f->existed;
	return !f->existed || !buf_eq(&f->old, &f->new);
}

static void file_describe(const struct plan_entry *e, FILE *out)
{
	const struct plan_file *f = e->data;
	if (f->secret) {
		fprintf(out, "%s: %s (content not shown)\n", f->path, f->existed ? "changed" : "created");
		return;
	}
	if (f->remove) {
		fprintf(out, "remove %s\n", f->path);
		return;
	}
	char a[4200], b[4200];
	snprintf(a, sizeof(a), "%s%s", f->existed ? "a" : "", f->existed ? f->path : "/dev/null");
	snprintf(b, sizeof(b), "b%s", f->path);
	diff_unified(out, a, b, &f->old, &f->new);
}

static int file_apply(struct plan_entry *e, struct apply_ctx *ctx)
{
	struct plan_file *f = e->data;
	int r = f->remove ? atomic_stage_unlink(ctx->group, e, ctx->root->fd, f->path)
			  : atomic_stage(ctx->group, e, ctx->root->fd, f->path, &f->new, &f->meta, f->flags);
	if (r < 0)
		snprintf(ctx->err, sizeof(ctx->err), "%s %s: %s", f->remove ? "removing" : "writing", f->path,
			 root_strerror(r));
	return r;
}

static void file_summary(const struct plan_entry *e, char *out, size_t size)
{
	const struct plan_file *f = e->data;
	snprintf(out, size, "%s %s", f->remove ? "removed" : "wrote", f->path);
}

const struct plan_entry_ops plan_file_ops = {
	.describe = file_describe,
	.apply = file_apply,
	.summary = file_summary,
	.destroy = file_destroy,
};

static struct plan_file *find_file(struct plan *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->entries[i].ops == &plan_file_ops && streq(((struct plan_file *)p->entries[i].data)->path, path))
			return p->entries[i].data;
	return NULL;
}

int plan_file(struct plan *p, int rootfd, const char *path, unsigned sections, const struct file_meta *meta,
	      struct plan_file **out)
{
	struct plan_file *f = find_file(p, path);
	if (f) {
		for (size_t i = 0; i < p->n; i++)
			if (p->entries[i].data == f)
				p->entries[i].sections |= sections;
		f->remove = false;
		*out = f;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->path = strdup(path);
	f->meta = meta ? *meta : (struct file_meta){ .mode = 0644 };
	/* only ENOENT means absent: any other error (EIO, a directory, a device) fails */
	int r = f->path ? root_read(rootfd, path, 0, 16 << 20, &f->old) : -ENOMEM;
	if (r == -ENOENT)
		r = buf_reserve(&f->old, 0);
	else if (r == 0)
		f->existed = true;
	if (r == 0)
		r = buf_append(&f->new, f->old.data, f->old.len);
	if (r < 0) {
		snprintf(p->failed, sizeof(p->failed), "%s", path);
		file_destroy(f);
		return r;
	}
	r = plan_add(p, &plan_file_ops, sections, f);
	if (r < 0)
		return r;
	*out = f;
	return 0;
}

int plan_file_set(struct plan *p, int rootfd, const char *path, unsigned sections, const struct file_meta *meta,
		  struct buf *content)
{
	struct plan_file *f;
	int r = plan_file(p, rootfd, path, sections, meta, &f);
	if (r < 0)
		return r;
	buf_move(&f->new, content);
	return 0;
}

int plan_file_remove(struct plan *p, int rootfd, const char *path, unsigned sections)
{
	struct stat st;
	int r = root_lstat(rootfd, path, &st);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	struct plan_file *f;
	r = plan_file(p, rootfd, path, sections, NULL, &f);
	if (r == -ELOOP) {
		/* a symlink: removing it is still a plain unlink */
		f = calloc(1, sizeof(*f));
		if (!f || !(f->path = strdup(path)))
			return file_destroy(f), -ENOMEM;
		f->existed = true;
		r = plan_add(p, &plan_file_ops, sections, f);
	}
	if (r < 0)
		return r;
	f->remove = true;
	return 0;
}

int plan_mark(struct plan *p, struct plan_mark *mk)
{
	*mk = (struct plan_mark){ .n = p->n };
	mk->saved = calloc(p->n + 1, sizeof(*mk->saved));
	mk->sections = calloc(p->n + 1, sizeof(*mk->sections));
	mk->remove = calloc(p->n + 1, sizeof(*mk->remove));
	if (!mk->saved || !mk->sections || !mk->remove) {
		plan_mark_free(mk);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->n; i++) {
		mk->sections[i] = p->entries[i].sections;
		if (p->entries[i].ops != &plan_file_ops)
			continue;
		const struct plan_file *f = p->entries[i].data;
		mk->saved[i].secret = f->new.secret;
		mk->remove[i] = f->remove;
		if (buf_append(&mk->saved[i], f->new.data, f->new.len) < 0) {
			plan_mark_free(mk);
			return -ENOMEM;
		}
	}
	return 0;
}

void plan_rollback(struct plan *p, struct plan_mark *mk)
{
	for (size_t i = mk->n; i < p->n; i++)
		if (p->entries[i].ops->destroy)
			p->entries[i].ops->destroy(p->entries[i].data);
	p->n = mk->n;
	for (size_t i = 0; i < p->n; i++) {
		p->entries[i].sections = mk->sections[i];
		if (p->entries[i].ops != &plan_file_ops)
			continue;
		struct plan_file *f = p->entries[i].data;
		buf_move(&f->new, &mk->saved[i]);
		f->remove = mk->remove[i];
	}
}

void plan_mark_free(struct plan_mark *mk)
{
	if (!mk)
		return;
	if (mk->saved)
		for (size_t i = 0; i < mk->n; i++)
			buf_free(&mk->saved[i]);
	free(mk->saved);
	free(mk->sections);
	free(mk->remove);
	*mk = (struct plan_mark){ 0 };
}

void plan_prune(struct plan *p)
{
	size_t w = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct plan_entry *e = &p->entries[i];
		if (e->ops == &plan_file_ops && !plan_file_changes(e->data)) {
			file_destroy(e->data);
			continue;
		}
		p->entries[w++] = *e;
	}
	p->n = w;
}

void plan_print(const struct plan *p, FILE *out)
{
	if (p->notes.len)
		fputs(p->notes.data, out);
	if (p->n == 0) {
		fprintf(out, "Nothing to change.\n");
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		p->entries[i].ops->describe(&p->entries[i], out);
}

static void entry_failed(struct plan_entry *e, int r, const char *why)
{
	e->result = r;
	snprintf(e->report, sizeof(e->report), "%s", why[0] ? why : strerror(-r));
}

/* An entry's staged files that failed in the group: the entry fails, with the file named. */
static bool group_failed(struct plan_entry *e, struct atomic_group *g)
{
	char what[300], why[sizeof(e->report)];
	int r = e->result < 0 ? 0 : atomic_group_result(g, e, what, sizeof(what));
	if (r < 0) {
		snprintf(why, sizeof(why), "%s: %s", what, root_strerror(r));
		entry_failed(e, r, why);
	}
	return r < 0;
}

/* After a failure: a failed entry's other staged files are dropped, and so are those of
 * every entry sharing a section whose file could not be written (*writes), to a fixed
 * point: a shared file carries each of its sections. Files renamed already stay. Returns
 * the sections that failed. */
static unsigned cancel_failed(struct plan *p, struct atomic_group *g, unsigned failed, unsigned *writes)
{
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; i < p->n; i++) {
			struct plan_entry *e = &p->entries[i];
			bool wrote = group_failed(e, g) || e->ops == &plan_file_ops;
			if (e->result >= 0 && (e->sections & *writes) && atomic_group_has(g, e))
				entry_failed(e, -ECANCELED, "not written: another file of its section could not be written");
			if (e->result >= 0)
				continue;
			atomic_group_cancel(g, e, e->result);
			failed |= e->sections;
			if (wrote && (e->sections & ~*writes)) {
				*writes |= e->sections;
				again = true;
			}
		}
	}
	return failed;
}

unsigned plan_apply(struct plan *p, struct apply_ctx *ctx)
{
	unsigned failed = 0;
	ctx->writes = 0;
	ctx->group = atomic_group_new();
	for (size_t i = 0; i < p->n; i++) {
		struct plan_entry *e = &p->entries[i];
		ctx->err[0] = '\0';
		e->report[0] = '\0';
		int r = e->result = ctx->group ? e->ops->apply(e, ctx) : -ENOMEM;
		if (r < 0) {
			failed |= e->sections;
			entry_failed(e, r, ctx->err);
			if (e->ops == &plan_file_ops)
				ctx->writes |= e->sections;
		}
	}
	if (ctx->group) {
		failed = cancel_failed(p, ctx->group, failed, &ctx->writes);
		atomic_group_sync(ctx->group); /* every temp durable: failures are the items' */
		failed = cancel_failed(p, ctx->group, failed, &ctx->writes);
		atomic_group_rename(ctx->group);
		failed = cancel_failed(p, ctx->group, failed, &ctx->writes);
	}
	return failed;
}

unsigned plan_commit(struct plan *p, struct apply_ctx *ctx, unsigned failed)
{
	if (ctx->group) {
		atomic_group_sync(ctx->group); /* the renames durable */
		failed = cancel_failed(p, ctx->group, failed, &ctx->writes);
	}
	for (size_t i = 0; i < p->n; i++) {
		struct plan_entry *e = &p->entries[i];
		if (e->result == 0 && e->ops->summary)
			e->ops->summary(e, e->report, sizeof(e->report));
	}
	return failed;
}
