/* pipeline.c — the whole job: locate → read → parse → validate → plan → apply → finish. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/grow_step.h"
#include "cli/report.h"
#include "cli/status.h"
#include "conf/validate.h"
#include "identity/identity.h"
#include "locate/locate.h"
#include "net/backend.h"
#include "sys/consume.h"
#include "sys/digest.h"
#include "sys/lock.h"
#include "targets/target.h"
#include "tree/agent.h"
#include "tree/fsview.h"
#include "util/log.h"
#include "util/macros.h"

/* Where os.conf came from, and how to remove it after success. */
struct conf_source {
	const char *path;   /* for messages */
	bool present;
	bool located;       /* found on the first partition (loc), not given with --conf */
	struct stat st;     /* of the --conf file as read */
	struct located loc;
};

/* No --conf: find os.conf on the first partition (src/locate/), mounting it if needed. */
static int source_locate(const struct run_opts *o, struct root *root, struct conf_source *src, struct buf *content)
{
	char err[512] = "";
	int r = locate_check_root(root, err, sizeof(err));
	if (r < 0) {
		log_error("%s", err);
		return r;
	}
	struct locate_env env = LOCATE_ENV_DEFAULT;
	env.mount_ro = o->dry_run;
	src->located = true;
	r = locate_osconf(root->fd, &env, &src->loc, err, sizeof(err));
	src->path = src->loc.conf_path[0] ? src->loc.conf_path : "os.conf";
	if (src->loc.notes[0])
		log_debug("locating os.conf:\n%s", src->loc.notes);
	if (r < 0) {
		log_error("locating os.conf: %s", err);
		return r;
	}
	log_info("os.conf: %s on %s (%s), %s", src->path, src->loc.device, src->loc.how,
		 src->loc.present ? "present" : "absent");
	if (!src->loc.present)
		return 0;
	r = located_read(&src->loc, content, err, sizeof(err));
	if (r < 0) {
		log_error("%s", err);
		return r;
	}
	src->present = true;
	return 0;
}

/* --conf FILE: its directory (an fd), its base name and the private name it is removed by. */
static int conf_dir(const char *path, const char **base, char priv[NAME_MAX + 1])
{
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	*base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (snprintf(priv, NAME_MAX + 1, ".%s.osconf-applied", *base) >= NAME_MAX + 1)
		return -ENAMETOOLONG;
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? negerrno() : dfd;
}

static int source_open(const struct run_opts *o, struct root *root, struct conf_source *src, struct buf *content)
{
	if (!o->conf)
		return source_locate(o, root, src, content);
	src->path = o->conf;
	if (!o->dry_run) { /* an earlier run killed while it removed the file: put it back first */
		const char *base;
		char priv[NAME_MAX + 1];
		_cleanup_close_ int dfd = conf_dir(o->conf, &base, priv);
		int r = dfd == -ENOENT ? 0 : dfd < 0 ? dfd : consume_recover(dfd, base, priv);
		if (r < 0) {
			log_error("%s: cannot put back %s: %s", o->conf, priv, strerror(-r));
			return r;
		}
	}
	if (access(o->conf, F_OK) < 0 && errno == ENOENT)
		return 0; /* absent: nothing to do */
	int r = read_conf_file(o->conf, content, &src->st);
	if (r == 0)
		src->present = true;
	return r;
}

/* Remove os.conf only if it still holds the bytes applied. A check followed by an unlink left
 * a window: a rewrite between the two (new settings from the console) was deleted unapplied.
 * Now os.conf is first renamed to a private name in its directory (.os.conf.osconf-applied:
 * rename is atomic within a directory, on FAT too) and that file's bytes are compared with
 * what was applied (keyed digests, a rewrite keeping size and vfat timestamps included):
 * equal, it is unlinked; not, it goes back without replacing an os.conf written meanwhile
 * (that newer one wins). A writer creating os.conf after the rename makes a new file we never
 * touch. src/sys/consume.c has the details. */
static int source_remove(struct conf_source *src, const struct buf *applied)
{
	char err[512];
	int r;
	if (src->located) {
		r = located_remove(&src->loc, applied, err, sizeof(err));
		if (r < 0)
			log_error("%s", err);
		return r;
	}
	const char *base;
	char priv[NAME_MAX + 1];
	_cleanup_close_ int dfd = conf_dir(src->path, &base, priv);
	if (dfd < 0)
		return dfd;
	r = consume_file(dfd, base, priv, applied, OSCONF_MAX_FILE);
	if (r == -ESTALE)
		log_error("%s was rewritten while it was applied: kept, the new settings apply at the next run",
			  src->path);
	return r;
}

static int pick_backend(const struct run_opts *o, struct root *root, struct plan *p, const struct net_backend **out)
{
	char why[256];
	if (o->backend) {
		*out = net_backend_find(o->backend);
		if (!*out) {
			log_error("unknown backend '%s'", o->backend);
			return -EINVAL;
		}
		plan_note(p, "network: backend %s (--backend)", o->backend);
		return 0;
	}
	int r = net_backend_detect(root->fd, out, why, sizeof(why));
	if (r < 0) {
		log_error("choosing the network backend: %s", why);
		return r;
	}
	plan_note(p, "network: backend %s (%s)", (*out)->name, why);
	return 0;
}

/* Plan every target whose section is set and valid; returns the sections that failed. */
static unsigned plan_targets(const struct run_opts *o, struct target_ctx *ctx, struct plan *p)
{
	unsigned failed = 0;
	for (size_t i = 0; i < targets_count; i++) {
		const struct target *t = targets[i];
		if (!model_applies(ctx->m, t->section) || (failed & SEC_BIT(t->section)))
			continue;
		if (t->section == SEC_NETWORK && !ctx->backend && pick_backend(o, ctx->root, p, &ctx->backend) < 0) {
			failed |= SEC_BIT(SEC_NETWORK);
			continue;
		}
		ctx->err[0] = '\0';
		ctx->failed = failed;
		struct plan_mark mk;
		int r = plan_mark(p, &mk);
		if (r == 0)
			r = t->plan(ctx, p);
		if (r < 0) {
			log_error("%s: %s", t->name, ctx->err[0] ? ctx->err : strerror(-r));
			failed |= SEC_BIT(t->section);
			if (mk.saved)
				plan_rollback(p, &mk); /* a section is applied entirely or not at all */
		}
		plan_mark_free(&mk);
	}
	return failed;
}

/* What a run does besides os.conf's sections: growing the root, the identity reset. */
struct run_extra {
	const struct agent_conf *ac;
	struct grow_status gs;
	struct identity_status ids;
	bool failed;            /* either failed: the exit status says so */
	bool run_made;          /* the lock made /run/osconf: the status record makes it durable */
};

/* A run that located os.conf (as at boot) tells a new instance by its NICs' MACs. */
static void plan_identity(const struct run_opts *o, struct root *root, const struct osconf_model *m, struct plan *p,
			  struct run_extra *x)
{
	char err[400] = "";
	if (o->conf)
		return;
	if (identity_plan(root->fd, m, x->ac, p, &x->ids, err, sizeof(err)) < 0) {
		log_error("identity: %s", err[0] ? err : "out of memory");
		x->failed = true;
	}
}

/* The identity entries carry no section: a failed one fails the run. */
static void identity_result(const struct plan *p, struct run_extra *x)
{
	for (size_t i = 0; i < p->n; i++)
		if (!p->entries[i].sections && p->entries[i].result < 0) {
			x->failed = true;
			x->ids.state = "failed";
		}
}

static unsigned changed_sections(const struct plan *p)
{
	unsigned s = 0;
	for (size_t i = 0; i < p->n; i++)
		s |= p->entries[i].sections;
	return s;
}

static void set_result(struct run_status *st)
{
	st->result = st->exit_status == EXIT_APPLIED ? "applied" : st->exit_status == EXIT_INVALID ? "invalid" : "failed";
}

/* The record of a run with these failed sections: it says os.conf is removed when it is about
 * to be. */
static void status_fill(struct run_status *st, const struct run_opts *o, const struct osconf_model *m,
			unsigned failed, unsigned changed)
{
	st->failed = failed;
	st->changed = changed & ~failed;
	st->exit_status = failed ? EXIT_FAILED : m->invalid ? EXIT_INVALID : EXIT_APPLIED;
	st->removed = !failed && !m->invalid && !o->keep;
	set_result(st);
}

/* plan_apply()'s renames are made durable in one barrier with the status record's temps,
 * written as if that barrier succeeds; the record is renamed then, and made durable in the
 * barrier after (before os.conf goes). Should the barrier fail a section, the record staged
 * is dropped and the true one written on its own. Returns the record's result; *failed gets
 * the barrier's failures. */
static int commit_with_status(const struct run_opts *o, struct root *root, struct plan *p, struct apply_ctx *actx,
			      const struct osconf_model *m, unsigned *failed, struct run_status *st, bool run_made)
{
	struct atomic_group *g = actx->group;
	status_fill(st, o, m, *failed, changed_sections(p));
	int r = g ? status_stage(g, root->fd, st, run_made) : -ENOMEM;
	unsigned after = plan_commit(p, actx, *failed);
	if (!g || after != *failed) {
		if (g)
			status_cancel(g);
		*failed = after;
		status_fill(st, o, m, after, changed_sections(p));
		r = status_write(root->fd, st, run_made);
	} else {
		atomic_group_rename(g);
		atomic_group_sync(g);
		int w = status_result(g);
		r = r < 0 ? r : w;
	}
	atomic_group_free(g); /* also releases what the entries held (the passwd lock) */
	actx->group = NULL;
	return r;
}

/* The status record is written first (r: its result), saying os.conf is removed when it is
 * about to be: a record that cannot be written keeps os.conf (exit 1, applied again next
 * time), and a run killed between the two leaves os.conf and a record, never an applied run
 * without one. */
static int finish(struct root *root, struct conf_source *src, const struct buf *applied,
		  const struct run_status *stp, int r, bool run_made)
{
	struct run_status st = *stp;
	bool removing = st.removed;
	if (r < 0) {
		log_error("writing the status record: %s; %s kept: it will be applied again", strerror(-r), src->path);
		return EXIT_FAILED;
	}
	if (!removing) {
		if (st.failed || st.exit_status == EXIT_INVALID)
			log_warn("%s kept: it will be applied again at the next boot", src->path);
		return st.exit_status;
	}
	r = source_remove(src, applied);
	if (r == CONSUME_NOT_DURABLE) {
		/* everything is applied and os.conf is gone: a crash could only bring it back,
		 * to be applied again with the same result */
		log_warn("removed %s, but its directory could not be synced: after a crash it may come "
			 "back and be applied again (harmless)", src->path);
	} else if (r < 0) {
		if (!src->located && r != -ESTALE)
			log_error("%s: cannot remove: %s; it will be applied again next time", src->path, strerror(-r));
		st.exit_status = EXIT_FAILED;
		st.removed = false;
		set_result(&st);
		if ((r = status_write(root->fd, &st, run_made)) < 0)
			log_warn("writing the status record: %s", strerror(-r));
	} else {
		log_info("removed %s", src->path);
	}
	return st.exit_status;
}

static int run_loaded(const struct run_opts *o, struct root *root, struct conf_source *src, const struct buf *applied,
		      struct osconf_model *m, struct run_extra *x)
{
	struct target_ctx ctx = { .m = m, .root = root, .live = root->is_host && !o->no_live };
	struct plan p;
	plan_init(&p);
	if (o->backend && !net_backend_find(o->backend)) {
		log_error("unknown backend '%s'", o->backend);
		return EXIT_USAGE;
	}
	for (int s = 0; s < SEC_COUNT; s++)
		if (m->invalid & SEC_BIT(s))
			log_warn("%s: not applied (invalid value in %s)", section_name(s), src->path);
	if (m->invalid & INVALID_LINES)
		log_warn("%s has refused lines (see above): the other settings are applied, the file is kept",
			 src->path);
	unsigned failed = plan_targets(o, &ctx, &p);
	plan_identity(o, root, m, &p, x);
	model_drop_password(m); /* the plan holds the one copy it needs, wiped once hashed */
	plan_prune(&p);
	int rc;
	if (o->dry_run) {
		plan_print(&p, stdout);
		rc = failed ? EXIT_FAILED : m->invalid ? EXIT_INVALID : EXIT_APPLIED;
	} else {
		size_t pos = 0, len;
		const char *line;
		while (buf_next_line(&p.notes, &pos, &line, &len))
			log_info("%.*s", (int)len, line); /* the decisions behind the plan, once */
		struct apply_ctx actx = { .root = root, .live = ctx.live };
		failed |= plan_apply(&p, &actx);
		identity_result(&p, x); /* the identity entries whose temps could not be written */
		struct run_status st = { .conf = src->path, .present = m->present, .invalid = m->invalid,
					 .grow = x->gs.state, .grow_detail = x->gs.detail, .identity = x->ids.state };
		int r = commit_with_status(o, root, &p, &actx, m, &failed, &st, x->run_made);
		report_apply(&p);
		const char *staged = x->ids.state;
		identity_result(&p, x); /* ... or renamed: the record says so */
		if (r >= 0 && x->ids.state != staged) {
			st.identity = x->ids.state;
			r = status_write(root->fd, &st, x->run_made);
		}
		rc = finish(root, src, applied, &st, r, x->run_made);
	}
	plan_free(&p);
	return rc;
}

/* How long to wait for the run lock: lock_wait= in the root's /etc/osconf.conf (read before
 * the lock, changing nothing), or the error reading it (reported). */
static int lock_wait(const struct root *root)
{
	struct agent_conf ac;
	struct fs_borrowed fb;
	int r = agent_conf_read(fs_borrow_root(root->fd, &fb), &ac);
	if (r < 0) {
		log_error("--root %s: cannot read %s: %s; os.conf not applied, kept", root->path, AGENT_CONF_PATH,
			  root_strerror(r));
		return r;
	}
	if (ac.lock_wait_error[0])
		log_warn("%s", ac.lock_wait_error);
	return ac.lock_wait_ms;
}

/* No os.conf, but the root was grown (or growing failed): the record says so. */
static int record_growth(struct root *root, const char *conf, const struct grow_status *gs, int rc, bool run_made)
{
	struct run_status st = { .conf = conf, .result = "no-conf", .exit_status = rc, .grow = gs->state,
				 .grow_detail = gs->detail };
	int r = status_write(root->fd, &st, run_made);
	if (r < 0) {
		log_error("writing the status record: %s", strerror(-r));
		return EXIT_FAILED;
	}
	return rc;
}

int run_pipeline(const struct run_opts *o)
{
	struct root root = ROOT_INIT;
	int r = root_open(o->root ? o->root : "/", &root);
	if (r < 0) {
		log_error("--root %s: %s", o->root ? o->root : "/", strerror(-r));
		return r == -ENOENT || r == -ENOTDIR ? EXIT_USAGE : EXIT_FAILED; /* a bad argument, or an I/O error */
	}
	struct conf_source src = { 0 };
	struct buf content = { .secret = true };
	int rc = EXIT_FAILED;
	/* one run at a time per root (apply, watch's runs, install): taken before os.conf is
	 * looked for, so a run that waited finds what the other left (usually nothing to do) */
	bool run_made = false; /* the lock made /run/osconf: the status record makes it durable */
	int wait_ms = o->dry_run ? 0 : lock_wait(&root);
	_cleanup_close_ int lock = o->dry_run || wait_ms < 0 ? -1 : root_lock(root.fd, wait_ms, &run_made);
	if (!o->dry_run && (wait_ms < 0 || lock < 0)) {
		if (wait_ms >= 0)
			log_error("--root %s: cannot take the lock %s: %s; os.conf not applied, kept", root.path,
				  ROOT_LOCK_PATH, root_lock_strerror(lock));
		goto out;
	}
	struct agent_conf ac;
	struct fs_borrowed fb;
	if ((r = agent_conf_read(fs_borrow_root(root.fd, &fb), &ac)) < 0) {
		log_error("reading %s: %s", AGENT_CONF_PATH, strerror(-r));
		goto out;
	}
	if (ac.switch_error[0])
		log_warn("%s", ac.switch_error);
	struct run_extra x = { .ac = &ac, .run_made = run_made };
	/* growing the running system's root comes first and does not depend on os.conf; another
	 * tree's is planned once os.conf is found (its boot would grow it) */
	bool grows = root.is_host && !o->no_live;
	if (grows)
		x.failed = grow_step(o, &root, &ac, &x.gs) < 0;
	if ((r = source_open(o, &root, &src, &content)) < 0) {
		rc = r == -EFBIG ? EXIT_INVALID : EXIT_FAILED; /* too large is invalid input, as with check */
		goto out;
	}
	if (!grows)
		x.failed = grow_step(o, &root, &ac, &x.gs) < 0;
	if (!src.present) {
		log_info("no os.conf at %s: nothing to do", src.path);
		rc = x.failed ? EXIT_FAILED : EXIT_APPLIED;
		if (!o->dry_run && grow_status_noteworthy(&x.gs))
			rc = record_growth(&root, src.path, &x.gs, rc, run_made);
		goto out;
	}
	struct osconf_model m;
	struct diags d = { 0 };
	model_init(&m);
	/* os.conf's bytes (the password's base64) are wiped once parsed: a keyed digest stays */
	if (conf_load(content.data, content.len, &m, &d) < 0 || buf_digest(&content) < 0) {
		log_error("out of memory (or no random bytes)");
	} else {
		report_diags(src.path, &d);
		rc = run_loaded(o, &root, &src, &content, &m, &x); /* content's digest: compared before removing */
	}
	model_free(&m);
	diags_free(&d);
	if (x.failed && rc == EXIT_APPLIED)
		rc = EXIT_FAILED;
out:
	buf_free(&content);
	located_release(&src.loc);
	root_close(&root);
	return rc;
}
