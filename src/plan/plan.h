/* plan.h — the computed effects of an os.conf as data; printed by `plan`, executed by `apply`. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "conf/model.h"
#include "sys/atomic.h"
#include "sys/root.h"
#include "util/buf.h"

struct apply_ctx {
	struct root *root;
	bool live;          /* the target is the running system and live changes are allowed */
	/* plan_apply()'s group commit: apply() stages its file writes here (atomic_stage), they
	 * are made durable and renamed once every entry ran, the renames made durable by
	 * plan_commit(); the caller frees it (atomic_group_free: releases what apply() held). */
	struct atomic_group *group;
	unsigned writes;    /* the sections with a file that could not be written */
	char err[256];      /* filled by an entry's apply() to explain a failure */
};

struct plan_entry;

struct plan_entry_ops {
	/* Human-readable description for `osconf plan` (a diff, "ip route add …", …). */
	void (*describe)(const struct plan_entry *e, FILE *out);
	/* Perform it (files: stage them in ctx->group). 0 = done, 1 = nothing needed, negative
	 * errno = failed (ctx->err explains). */
	int (*apply)(struct plan_entry *e, struct apply_ctx *ctx);
	/* One line for the log after a successful apply, e.g. "wrote /etc/hostname". */
	void (*summary)(const struct plan_entry *e, char *out, size_t size);
	void (*destroy)(void *data);
};

/* A whole-file replacement. Several targets may edit the same file (e.g.
 * /etc/sysconfig/network: HOSTNAME= and GATEWAY=); they share one entry. */
struct plan_file {
	char *path;           /* absolute inside the root, e.g. "/etc/hostname" */
	bool existed;
	struct buf old;       /* current content ("" when !existed) */
	struct buf new;       /* planned content */
	struct file_meta meta;  /* for a new file (or forced, see flags) */
	unsigned flags;       /* ATOMIC_* */
	bool remove;          /* plan to delete the file instead */
	bool secret;          /* never print the content */
};

struct plan_entry {
	const struct plan_entry_ops *ops;
	unsigned sections;    /* SEC_BIT()s that depend on this entry */
	void *data;           /* ops-specific; struct plan_file for file entries */
	/* Filled by plan_apply(): apply()'s result, and what to report — why it failed
	 * (ctx->err, else strerror), or the summary when it was done ("" when nothing was needed). */
	int result;
	char report[512];
};

struct plan {
	struct plan_entry *entries;
	size_t n, cap;
	struct buf notes;     /* lines explaining decisions ("backend ifcfg: …"), printed by plan */
	char failed[256];     /* the file whose reading failed planning last, for the message */
};

void plan_init(struct plan *p);
void plan_free(struct plan *p);

/* Add a generic entry (takes ownership of data, freed with ops->destroy). */
int plan_add(struct plan *p, const struct plan_entry_ops *ops, unsigned sections, void *data);

/* Get the pending file entry for path, creating it from the current content in the
 * root when it is not planned yet. The caller edits f->new (which starts as the current
 * or already planned content). Fails on unreadable or non-regular files. */
int plan_file(struct plan *p, int rootfd, const char *path, unsigned sections, const struct file_meta *meta,
	      struct plan_file **out);

/* Set the planned content of path to content (moved out of it). */
int plan_file_set(struct plan *p, int rootfd, const char *path, unsigned sections,
		  const struct file_meta *meta, struct buf *content);

/* Plan the removal of path (no-op when absent). */
int plan_file_remove(struct plan *p, int rootfd, const char *path, unsigned sections);

/* A point to return to when a target fails half-way: its entries and its edits of shared
 * file entries are undone, so a section is planned entirely or not at all. */
struct plan_mark {
	size_t n;            /* entries before the mark */
	struct buf *saved;   /* the planned content of each file entry at the mark */
	unsigned *sections;
	bool *remove;
};
int plan_mark(struct plan *p, struct plan_mark *mk);
void plan_rollback(struct plan *p, struct plan_mark *mk);
void plan_mark_free(struct plan_mark *mk);

/* Drop entries that would change nothing (file content identical, …). */
void plan_prune(struct plan *p);

int plan_note(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print every entry (diffs for files). */
void plan_print(const struct plan *p, FILE *out);

/* Execute in order: every entry's apply() (files staged: temps written), one barrier, the
 * renames (src/sys/atomic.h); plan_commit() then makes the renames durable in the barrier
 * that also covers what the caller staged meanwhile in ctx->group (the status record, whose
 * renames must wait for a barrier anyway). A section with a file that could not be written
 * gets none of its files renamed (shared files cancel the other sections they carry); a
 * failed live change does not hold back the files. Returns the SEC_BIT()s that failed;
 * prints nothing: each entry's result and report say what happened, for the caller to
 * report once (src/cli/report.c). */
unsigned plan_apply(struct plan *p, struct apply_ctx *ctx);
/* The barrier over plan_apply()'s renames (and ctx->group's other temps): returns failed
 * with the sections that failed in it added; fills the reports of the entries done. */
unsigned plan_commit(struct plan *p, struct apply_ctx *ctx, unsigned failed);

/* Whether a file entry changes anything. */
bool plan_file_changes(const struct plan_file *f);

extern const struct plan_entry_ops plan_file_ops;

/* Write a unified diff of a → b (3 lines of context). */
void diff_unified(FILE *out, const char *label_a, const char *label_b, const struct buf *a, const struct buf *b);
