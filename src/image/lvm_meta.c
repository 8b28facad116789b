/* lvm_meta.c — parse LVM2 text metadata (sections, key = value, arrays) into a volume group. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/lvm_meta.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

#define MAX_NODES 16384
#define MAX_VALS 32768
#define MAX_DEPTH 8

struct mval {
	bool str;
	uint64_t num;
	const char *s;               /* decoded, NUL-terminated (str) */
};

struct mnode {
	const char *key;             /* into the text, keylen bytes */
	size_t keylen;
	int parent, child, last, next;
	bool section;
	int val, nval;               /* into tree.v */
	bool array;
};

struct mtree {
	struct mnode *n;
	int nn, maxn;
	struct mval *v;
	int nv, maxv;
	char *strs;                  /* decoded strings */
	size_t slen;
};

struct lexer {
	const char *start, *p, *end;
	struct mtree *t;
	char *err;
	size_t errlen;
};

static int fail(struct lexer *lx, const char *what)
{
	snprintf(lx->err, lx->errlen, "LVM metadata: %s at byte %zu", what, (size_t)(lx->p - lx->start));
	return -EINVAL;
}

static void skip_space(struct lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			lx->p++;
		} else {
			break;
		}
	}
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '+' || c == '-';
}

static int add_node(struct lexer *lx, int parent, const char *key, size_t keylen, bool section)
{
	struct mtree *t = lx->t;
	if (t->nn >= t->maxn)
		return fail(lx, "too many entries");
	int i = t->nn++;
	t->n[i] = (struct mnode){ key, keylen, parent, -1, -1, -1, section, t->nv, 0, false };
	if (parent >= 0) {
		struct mnode *p = &t->n[parent];
		if (p->last >= 0)
			t->n[p->last].next = i;
		else
			p->child = i;
		p->last = i;
	}
	return i;
}

static int parse_string(struct lexer *lx, struct mval *v)
{
	struct mtree *t = lx->t;
	char *out = t->strs + t->slen;
	size_t n = 0;
	for (lx->p++; lx->p < lx->end && *lx->p != '"'; lx->p++) {
		if (*lx->p == '\\' && lx->p + 1 < lx->end)
			lx->p++;
		out[n++] = *lx->p;
	}
	if (lx->p >= lx->end)
		return fail(lx, "unterminated string");
	lx->p++;
	out[n] = '\0';
	t->slen += n + 1;
	v->str = true;
	v->s = out;
	return 0;
}

static int parse_scalar(struct lexer *lx)
{
	struct mtree *t = lx->t;
	if (t->nv >= t->maxv)
		return fail(lx, "too many values");
	struct mval *v = &t->v[t->nv];
	*v = (struct mval){ 0 };
	if (lx->p < lx->end && *lx->p == '"') {
		int r = parse_string(lx, v);
		if (r < 0)
			return r;
	} else {
		bool neg = lx->p < lx->end && *lx->p == '-';
		lx->p += neg;
		const char *start = lx->p;
		for (; lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9'; lx->p++) {
			if (v->num > (UINT64_MAX - 9) / 10)
				return fail(lx, "number too large");
			v->num = v->num * 10 + (uint64_t)(*lx->p - '0');
		}
		if (lx->p == start)
			return fail(lx, "a value expected");
		if (neg)
			v->num = 0;   /* negative numbers (unset values) count as 0 */
	}
	t->nv++;
	return 0;
}

static int parse_value(struct lexer *lx, int node)
{
	struct mnode *n = &lx->t->n[node];
	if (lx->p < lx->end && *lx->p == '[') {
		n->array = true;
		lx->p++;
		for (;;) {
			skip_space(lx);
			if (lx->p < lx->end && *lx->p == ']')
				break;
			int r = parse_scalar(lx);
			if (r < 0)
				return r;
			n->nval++;
			skip_space(lx);
			if (lx->p < lx->end && *lx->p == ',')
				lx->p++;
			else if (lx->p >= lx->end || *lx->p != ']')
				return fail(lx, "',' or ']' expected");
		}
		lx->p++;
		return 0;
	}
	n->nval = 1;
	return parse_scalar(lx);
}

static int parse_tree(struct lexer *lx)
{
	int stack[MAX_DEPTH], depth = 0, cur = -1;
	for (;;) {
		skip_space(lx);
		if (lx->p >= lx->end)
			return depth ? fail(lx, "unclosed section") : 0;
		if (*lx->p == '}') {
			if (!depth)
				return fail(lx, "unexpected '}'");
			cur = stack[--depth];
			lx->p++;
			continue;
		}
		const char *key = lx->p;
		while (lx->p < lx->end && key_char(*lx->p))
			lx->p++;
		size_t keylen = (size_t)(lx->p - key);
		if (!keylen)
			return fail(lx, "a name expected");
		skip_space(lx);
		bool section = lx->p < lx->end && *lx->p == '{';
		if (!section && (lx->p >= lx->end || *lx->p != '='))
			return fail(lx, "'=' or '{' expected");
		lx->p++;
		int node = add_node(lx, cur, key, keylen, section);
		if (node < 0)
			return node;
		if (section) {
			if (depth >= MAX_DEPTH)
				return fail(lx, "sections nested too deeply");
			stack[depth++] = cur;
			cur = node;
			continue;
		}
		skip_space(lx);
		int r = parse_value(lx, node);
		if (r < 0)
			return r;
	}
}

/* --- queries ------------------------------------------------------------------------------ */

static bool key_is(const struct mnode *n, const char *key)
{
	return n->keylen == strlen(key) && memcmp(n->key, key, n->keylen) == 0;
}

static int child(const struct mtree *t, int parent, const char *key, bool section)
{
	for (int i = t->n[parent].child; i >= 0; i = t->n[i].next)
		if (t->n[i].section == section && key_is(&t->n[i], key))
			return i;
	return -1;
}

static const struct mval *value(const struct mtree *t, int sec, const char *key, int k)
{
	int i = child(t, sec, key, false);
	return i >= 0 && k < t->n[i].nval ? &t->v[t->n[i].val + k] : NULL;
}

static int get_num(const struct mtree *t, int sec, const char *key, uint64_t *out)
{
	const struct mval *v = value(t, sec, key, 0);
	if (!v || v->str)
		return -EINVAL;
	*out = v->num;
	return 0;
}

static const char *get_str(const struct mtree *t, int sec, const char *key)
{
	const struct mval *v = value(t, sec, key, 0);
	return v && v->str ? v->s : NULL;
}

static void copy_key(const struct mnode *n, char *out, size_t size)
{
	snprintf(out, size, "%.*s", (int)(n->keylen < size ? n->keylen : size - 1), n->key);
}

/* An LVM UUID ("xxxxxx-xxxx-…") without its dashes; false unless 32 characters remain. */
static bool copy_id(const char *s, char out[33])
{
	size_t n = 0;
	for (; s && *s; s++)
		if (*s != '-') {
			if (n == 32)
				return false;
			out[n++] = *s;
		}
	out[n] = '\0';
	return n == 32;
}

/* --- the model ---------------------------------------------------------------------------- */

static int model_pvs(const struct mtree *t, int vgsec, struct lvm_vg *vg, char *err, size_t errlen)
{
	int sec = child(t, vgsec, "physical_volumes", true);
	for (int i = sec >= 0 ? t->n[sec].child : -1; i >= 0; i = t->n[i].next) {
		if (!t->n[i].section)
			continue;
		if (vg->npvs == LVM_MAX_PVS) {
			snprintf(err, errlen, "LVM metadata: more than %d physical volumes", LVM_MAX_PVS);
			return -E2BIG;
		}
		struct lvm_pv *pv = &vg->pvs[vg->npvs++];
		copy_key(&t->n[i], pv->name, sizeof(pv->name));
		if (!copy_id(get_str(t, i, "id"), pv->id) || get_num(t, i, "pe_start", &pv->pe_start) < 0 ||
		    get_num(t, i, "pe_count", &pv->pe_count) < 0) {
			snprintf(err, errlen, "LVM metadata: physical volume %s lacks id, pe_start or pe_count", pv->name);
			return -EINVAL;
		}
	}
	return 0;
}

static int pv_index(const struct lvm_vg *vg, const char *name)
{
	for (int i = 0; name && i < vg->npvs; i++)
		if (streq(vg->pvs[i].name, name))
			return i;
	return -1;
}

static int model_seg(const struct mtree *t, int sec, const struct lvm_vg *vg, struct lvm_seg *s)
{
	const char *type = get_str(t, sec, "type");
	if (!type || get_num(t, sec, "start_extent", &s->start_extent) < 0 ||
	    get_num(t, sec, "extent_count", &s->extent_count) < 0)
		return -EINVAL;
	snprintf(s->type, sizeof(s->type), "%s", type);
	uint64_t sc = 0;
	s->stripe_count = get_num(t, sec, "stripe_count", &sc) == 0 && sc <= UINT32_MAX ? (uint32_t)sc : 0;
	const struct mval *name = value(t, sec, "stripes", 0), *pe = value(t, sec, "stripes", 1);
	s->pv = name && name->str && pe && !pe->str ? pv_index(vg, name->s) : -1;
	s->pe = s->pv >= 0 ? pe->num : 0;
	return 0;
}

static bool has_flag(const struct mtree *t, int sec, const char *key, const char *flag)
{
	int i = child(t, sec, key, false);
	for (int k = 0; i >= 0 && k < t->n[i].nval; k++) {
		const struct mval *v = &t->v[t->n[i].val + k];
		if (v->str && streq(v->s, flag))
			return true;
	}
	return false;
}

static int model_lv(const struct mtree *t, int sec, const struct lvm_vg *vg, struct lvm_lv *lv, char *err,
		    size_t errlen)
{
	copy_key(&t->n[sec], lv->name, sizeof(lv->name));
	lv->visible = has_flag(t, sec, "status", "VISIBLE");
	for (int i = t->n[sec].child; i >= 0; i = t->n[i].next) {
		if (!t->n[i].section || t->n[i].keylen < 8 || memcmp(t->n[i].key, "segment", 7) != 0)
			continue;
		if (lv->nsegs == LVM_MAX_SEGS) {
			snprintf(err, errlen, "LVM metadata: logical volume %s has more than %d segments", lv->name,
				 LVM_MAX_SEGS);
			return -E2BIG;
		}
		if (model_seg(t, i, vg, &lv->segs[lv->nsegs++]) < 0) {
			snprintf(err, errlen, "LVM metadata: a segment of %s lacks type, start_extent or extent_count",
				 lv->name);
			return -EINVAL;
		}
	}
	return 0;
}

static int model_lvs(const struct mtree *t, int vgsec, struct lvm_vg *vg, char *err, size_t errlen)
{
	int sec = child(t, vgsec, "logical_volumes", true);
	int n = 0;
	for (int i = sec >= 0 ? t->n[sec].child : -1; i >= 0; i = t->n[i].next)
		n += t->n[i].section;
	if (n > LVM_MAX_LVS) {
		snprintf(err, errlen, "LVM metadata: more than %d logical volumes", LVM_MAX_LVS);
		return -E2BIG;
	}
	vg->lvs = calloc((size_t)(n ? n : 1), sizeof(*vg->lvs));
	if (!vg->lvs)
		return -ENOMEM;
	for (int i = sec >= 0 ? t->n[sec].child : -1; i >= 0; i = t->n[i].next) {
		if (!t->n[i].section)
			continue;
		int r = model_lv(t, i, vg, &vg->lvs[vg->nlvs++], err, errlen);
		if (r < 0)
			return r;
	}
	return 0;
}

static int model_vg(const struct mtree *t, struct lvm_vg *vg, char *err, size_t errlen)
{
	int sec = -1;
	for (int i = 0; i < t->nn && sec < 0; i++)
		if (t->n[i].parent < 0 && t->n[i].section)
			sec = i;
	if (sec < 0) {
		snprintf(err, errlen, "LVM metadata: no volume group section");
		return -EINVAL;
	}
	copy_key(&t->n[sec], vg->name, sizeof(vg->name));
	if (!copy_id(get_str(t, sec, "id"), vg->id) || get_num(t, sec, "seqno", &vg->seqno) < 0 ||
	    get_num(t, sec, "extent_size", &vg->extent_size) < 0 || !vg->extent_size ||
	    vg->extent_size > (1ull << 32)) {
		snprintf(err, errlen, "LVM metadata: volume group %s lacks id, seqno or a valid extent_size", vg->name);
		return -EINVAL;
	}
	int r = model_pvs(t, sec, vg, err, errlen);
	return r < 0 ? r : model_lvs(t, sec, vg, err, errlen);
}

int lvm_parse_metadata(const char *text, size_t len, struct lvm_vg *vg, char *err, size_t errlen)
{
	const char *nul = memchr(text, '\0', len);
	if (nul)
		len = (size_t)(nul - text);
	if (len > LVM_MAX_TEXT) {
		snprintf(err, errlen, "LVM metadata larger than %d bytes", LVM_MAX_TEXT);
		return -E2BIG;
	}
	struct mtree t = { .maxn = (int)(len / 2 + 1 < MAX_NODES ? len / 2 + 1 : MAX_NODES),
			   .maxv = (int)(len + 1 < MAX_VALS ? len + 1 : MAX_VALS) };
	t.n = calloc((size_t)t.maxn, sizeof(*t.n));
	t.v = calloc((size_t)t.maxv, sizeof(*t.v));
	t.strs = malloc(len + 1);
	struct lexer lx = { text, text, text + len, &t, err, errlen };
	struct lvm_vg out = { 0 };
	int r = !t.n || !t.v || !t.strs ? -ENOMEM : parse_tree(&lx);
	if (r == 0)
		r = model_vg(&t, &out, err, errlen);
	free(t.n);
	free(t.v);
	free(t.strs);
	if (r < 0) {
		lvm_vg_free(&out);
		return r;
	}
	*vg = out;
	return 0;
}

void lvm_vg_free(struct lvm_vg *vg)
{
	if (!vg)
		return;
	free(vg->lvs);
	*vg = (struct lvm_vg){ 0 };
}

bool lvm_seg_linear(const struct lvm_seg *s)
{
	return streq(s->type, "striped") && s->stripe_count == 1;
}
