/* elf.c — a pure, bounded ELF reader for image check: headers, PT_INTERP, PT_DYNAMIC, versions. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/elf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/macros.h"

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_STRTAB 5
#define DT_STRSZ 10
#define DT_SONAME 14
#define DT_VERDEF 0x6ffffffc
#define DT_VERDEFNUM 0x6ffffffd
#define DT_VERNEED 0x6ffffffe
#define DT_VERNEEDNUM 0x6fffffff
#define SHT_GNU_VERDEF 0x6ffffffd
#define SHT_GNU_VERNEED 0x6ffffffe
#define VER_FLG_BASE 1
#define MAX_LOADS 64
#define MAX_CHAIN 4096          /* version entries walked at most, whatever the counts say */

/* --- machines: one row each; class 0 / order 0 match any ------------------------------- */

struct machine {
	uint16_t em;
	uint8_t cls;            /* 1: 32-bit, 2: 64-bit */
	uint8_t order;          /* 1: little endian, 2: big */
	const char *name, *multiarch;
};

static const struct machine machines[] = {
	{ 62, 2, 1, "x86-64", "x86_64-linux-gnu" },
	{ 62, 1, 1, "x32", "x86_64-linux-gnux32" },
	{ 183, 2, 1, "aarch64", "aarch64-linux-gnu" },
	{ 3, 1, 1, "i386", "i386-linux-gnu" },
	{ 40, 1, 1, "arm", "arm-linux-gnueabihf" },
	{ 243, 2, 1, "riscv64", "riscv64-linux-gnu" },
	{ 243, 1, 1, "riscv32", NULL },
	{ 21, 2, 1, "ppc64le", "powerpc64le-linux-gnu" },
	{ 21, 2, 2, "ppc64", "powerpc64-linux-gnu" },
	{ 20, 1, 2, "ppc", "powerpc-linux-gnu" },
	{ 22, 2, 2, "s390x", "s390x-linux-gnu" },
	{ 22, 1, 2, "s390", NULL },
	{ 8, 0, 1, "mipsel", NULL },
	{ 8, 0, 2, "mips", NULL },
	{ 258, 2, 1, "loongarch64", "loongarch64-linux-gnu" },
	{ 2, 0, 2, "sparc", NULL },
	{ 43, 2, 2, "sparc64", "sparc64-linux-gnu" },
};

static const struct machine *machine_of(const struct elf_info *e)
{
	uint8_t cls = e->is64 ? 2 : 1, order = e->big_endian ? 2 : 1;
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i].em == e->machine && (!machines[i].cls || machines[i].cls == cls) &&
		    machines[i].order == order)
			return &machines[i];
	return NULL;
}

const char *elf_machine_name(const struct elf_info *e)
{
	const struct machine *m = machine_of(e);
	return m ? m->name : NULL;
}

const char *elf_machine_multiarch(const struct elf_info *e)
{
	const struct machine *m = machine_of(e);
	return m ? m->multiarch : NULL;
}

bool elf_same_machine(const struct elf_info *a, const struct elf_info *b)
{
	return a->machine == b->machine && a->is64 == b->is64 && a->big_endian == b->big_endian;
}

bool elf_is_static(const struct elf_info *e)
{
	return !e->interp && !e->nneeded;
}

/* --- bounded reads ------------------------------------------------------------------------ */

struct elf_ctx {
	const uint8_t *d;
	size_t len;
	struct elf_info *e;
	char *err;
	size_t errlen;
	struct { uint64_t vaddr, off, filesz; } loads[MAX_LOADS];
	size_t nloads;
	uint64_t strtab, strsz;   /* file offset and size of the dynamic string table */
};

static int bad(struct elf_ctx *c, int rc, const char *what)
{
	snprintf(c->err, c->errlen, "%s", what);
	return rc;
}

/* [off, off+n) lies inside the file (no overflow). */
static bool in_file(const struct elf_ctx *c, uint64_t off, uint64_t n)
{
	return off <= c->len && n <= c->len - off;
}

static uint64_t rd(const struct elf_ctx *c, uint64_t off, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = c->e->big_endian ? i : n - 1 - i;
		v = v << 8 | c->d[off + k];
	}
	return v;
}

/* A word of the class: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t rdw(const struct elf_ctx *c, uint64_t off)
{
	return rd(c, off, c->e->is64 ? 8 : 4);
}

/* A NUL-terminated string at [base+idx] inside [base, base+size) and the file, or NULL. */
static const char *str_at(const struct elf_ctx *c, uint64_t base, uint64_t size, uint64_t idx)
{
	if (base > c->len)
		return NULL;
	uint64_t lim = size < c->len - base ? size : c->len - base;
	if (idx >= lim)
		return NULL;
	const char *s = (const char *)c->d + base + idx;
	return memchr(s, 0, lim - idx) ? s : NULL;
}

static const char *dynstr(const struct elf_ctx *c, uint64_t idx)
{
	return str_at(c, c->strtab, c->strsz, idx);
}

/* A virtual address of a loaded segment → its file offset; false when not file-backed. */
static bool vaddr_off(const struct elf_ctx *c, uint64_t va, uint64_t *off)
{
	for (size_t i = 0; i < c->nloads; i++)
		if (va >= c->loads[i].vaddr && va - c->loads[i].vaddr < c->loads[i].filesz) {
			*off = c->loads[i].off + (va - c->loads[i].vaddr);
			return in_file(c, *off, 0);
		}
	return false;
}

/* --- the file header and the program headers ---------------------------------------------- */

static int parse_ident(struct elf_ctx *c)
{
	if (c->len < 16 || memcmp(c->d, "\177ELF", 4) != 0)
		return bad(c, -ENOEXEC, "not an ELF file");
	if (c->d[4] != 1 && c->d[4] != 2)
		return bad(c, -EINVAL, "unknown ELF class");
	if (c->d[5] != 1 && c->d[5] != 2)
		return bad(c, -EINVAL, "unknown ELF byte order");
	c->e->is64 = c->d[4] == 2;
	c->e->big_endian = c->d[5] == 2;
	if (c->len < (c->e->is64 ? 64u : 52u))
		return bad(c, -EINVAL, "truncated ELF header");
	c->e->type = (uint16_t)rd(c, 16, 2);
	c->e->machine = (uint16_t)rd(c, 18, 2);
	return 0;
}

/* One program header at off: records loads, the interpreter and the dynamic segment. */
static int parse_phdr(struct elf_ctx *c, uint64_t off, uint64_t *dyn_off, uint64_t *dyn_size)
{
	bool w = c->e->is64;
	uint32_t type = (uint32_t)rd(c, off, 4);
	uint64_t p_off = w ? rd(c, off + 8, 8) : rd(c, off + 4, 4);
	uint64_t vaddr = w ? rd(c, off + 16, 8) : rd(c, off + 8, 4);
	uint64_t filesz = w ? rd(c, off + 32, 8) : rd(c, off + 16, 4);
	if (type == PT_LOAD && c->nloads < MAX_LOADS && in_file(c, p_off, 0)) {
		if (filesz > c->len - p_off)
			filesz = c->len - p_off;     /* a truncated file: map only what is there */
		c->loads[c->nloads].vaddr = vaddr;
		c->loads[c->nloads].off = p_off;
		c->loads[c->nloads++].filesz = filesz;
	} else if (type == PT_INTERP) {
		if (!in_file(c, p_off, filesz) || !(c->e->interp = str_at(c, p_off, filesz, 0)))
			return bad(c, -EINVAL, "PT_INTERP outside the file or not a string");
	} else if (type == PT_DYNAMIC) {
		if (!in_file(c, p_off, filesz))
			return bad(c, -EINVAL, "PT_DYNAMIC outside the file");
		c->e->has_dynamic = true;
		*dyn_off = p_off;
		*dyn_size = filesz;
	}
	return 0;
}

static int parse_phdrs(struct elf_ctx *c, uint64_t *dyn_off, uint64_t *dyn_size)
{
	bool w = c->e->is64;
	uint64_t phoff = w ? rd(c, 32, 8) : rd(c, 28, 4);
	uint64_t entsize = rd(c, w ? 54 : 42, 2), num = rd(c, w ? 56 : 44, 2);
	if (!num)
		return 0;
	if (entsize < (w ? 56u : 32u))
		return bad(c, -EINVAL, "program header entries too small");
	if (!in_file(c, phoff, entsize * num))
		return bad(c, -EINVAL, "program headers outside the file");
	for (uint64_t i = 0; i < num; i++) {
		int r = parse_phdr(c, phoff + i * entsize, dyn_off, dyn_size);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- version needs and definitions (the same records through DT_* or sections) ----------- */

struct strtab { uint64_t off, size; };

static int parse_verneed(struct elf_ctx *c, uint64_t off, uint64_t num, struct strtab st)
{
	unsigned steps = 0;
	for (uint64_t i = 0; i < num; i++) {
		if (!in_file(c, off, 16))
			return bad(c, -EINVAL, "version need record outside the file");
		uint64_t cnt = rd(c, off + 2, 2), aux = rd(c, off + 8, 4), next = rd(c, off + 12, 4);
		const char *file = str_at(c, st.off, st.size, rd(c, off + 4, 4));
		if (!file)
			return bad(c, -EINVAL, "version need names no string");
		uint64_t a = off + aux;
		for (uint64_t j = 0; j < cnt; j++) {
			if (++steps > MAX_CHAIN || !in_file(c, a, 16))
				return bad(c, -EINVAL, "version need entry outside the file or chain too long");
			const char *name = str_at(c, st.off, st.size, rd(c, a + 8, 4));
			if (!name)
				return bad(c, -EINVAL, "version need entry names no string");
			if (c->e->nverneed == ELF_MAX_VERNEED)
				return bad(c, -E2BIG, "too many version needs");
			c->e->verneed[c->e->nverneed++] = (struct elf_verneed){ file, name };
			uint64_t anext = rd(c, a + 12, 4);
			if (!anext)
				break;
			a += anext;
		}
		if (!next)
			break;
		off += next;
	}
	return 0;
}

static int parse_verdef(struct elf_ctx *c, uint64_t off, uint64_t num, struct strtab st)
{
	for (uint64_t i = 0; i < num && i < MAX_CHAIN; i++) {
		if (!in_file(c, off, 20))
			return bad(c, -EINVAL, "version definition outside the file");
		uint64_t flags = rd(c, off + 2, 2), cnt = rd(c, off + 6, 2);
		uint64_t aux = rd(c, off + 12, 4), next = rd(c, off + 16, 4);
		if (cnt) {
			if (!in_file(c, off + aux, 8))
				return bad(c, -EINVAL, "version definition name outside the file");
			const char *name = str_at(c, st.off, st.size, rd(c, off + aux, 4));
			if (!name)
				return bad(c, -EINVAL, "version definition names no string");
			if (!(flags & VER_FLG_BASE)) {
				if (c->e->nverdef == ELF_MAX_VERDEF)
					return bad(c, -E2BIG, "too many version definitions");
				c->e->verdef[c->e->nverdef++] = name;
			}
		}
		if (!next)
			break;
		off += next;
	}
	return 0;
}

/* --- PT_DYNAMIC ---------------------------------------------------------------------------- */

struct dyn_tags { uint64_t strtab, strsz, verdef, verdefnum, verneed, verneednum; bool has_strtab; };

static void scan_tags(struct elf_ctx *c, uint64_t off, uint64_t n, uint64_t ent, struct dyn_tags *t)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t tag = rdw(c, off + i * ent), val = rdw(c, off + i * ent + ent / 2);
		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_STRTAB: t->strtab = val; t->has_strtab = true; break;
		case DT_STRSZ: t->strsz = val; break;
		case DT_VERDEF: t->verdef = val; break;
		case DT_VERDEFNUM: t->verdefnum = val; break;
		case DT_VERNEED: t->verneed = val; break;
		case DT_VERNEEDNUM: t->verneednum = val; break;
		}
	}
}

static int parse_dynamic(struct elf_ctx *c, uint64_t off, uint64_t size)
{
	uint64_t ent = c->e->is64 ? 16 : 8, n = size / ent;
	struct dyn_tags t = { 0 };
	scan_tags(c, off, n, ent, &t);
	if (!t.has_strtab)
		return 0;
	if (!vaddr_off(c, t.strtab, &c->strtab))
		return bad(c, -EINVAL, "DT_STRTAB outside the loaded segments");
	c->strsz = t.strsz;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t tag = rdw(c, off + i * ent), val = rdw(c, off + i * ent + ent / 2);
		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED && tag != DT_SONAME)
			continue;
		const char *s = dynstr(c, val);
		if (!s)
			return bad(c, -EINVAL, "DT_NEEDED or DT_SONAME outside the string table");
		if (tag == DT_SONAME)
			c->e->soname = s;
		else if (c->e->nneeded == ELF_MAX_NEEDED)
			return bad(c, -E2BIG, "too many needed libraries");
		else
			c->e->needed[c->e->nneeded++] = s;
	}
	struct strtab st = { c->strtab, c->strsz };
	uint64_t voff;
	int r = 0;
	if (t.verneed && t.verneednum && vaddr_off(c, t.verneed, &voff))
		r = parse_verneed(c, voff, t.verneednum, st);
	if (r == 0 && t.verdef && t.verdefnum && vaddr_off(c, t.verdef, &voff))
		r = parse_verdef(c, voff, t.verdefnum, st);
	return r;
}

/* --- section headers: the version records when the dynamic tags did not give them --------- */

static int parse_version_sections(struct elf_ctx *c)
{
	bool w = c->e->is64;
	uint64_t shoff = w ? rd(c, 40, 8) : rd(c, 32, 4);
	uint64_t ent = rd(c, w ? 58 : 46, 2), num = rd(c, w ? 60 : 48, 2);
	if (!shoff || !num || ent < (w ? 64u : 40u) || !in_file(c, shoff, ent * num))
		return 0;      /* sections are optional: stripped or absent */
	for (uint64_t i = 0; i < num; i++) {
		uint64_t s = shoff + i * ent;
		uint32_t type = (uint32_t)rd(c, s + 4, 4);
		if (type != SHT_GNU_VERNEED && type != SHT_GNU_VERDEF)
			continue;
		uint64_t off = w ? rd(c, s + 24, 8) : rd(c, s + 16, 4);
		uint64_t link = rd(c, s + (w ? 40 : 24), 4), info = rd(c, s + (w ? 44 : 28), 4);
		if (link >= num)
			return bad(c, -EINVAL, "version section links to no section");
		uint64_t l = shoff + link * ent;
		struct strtab st = { w ? rd(c, l + 24, 8) : rd(c, l + 16, 4), w ? rd(c, l + 32, 8) : rd(c, l + 20, 4) };
		int r = type == SHT_GNU_VERNEED ? (c->e->nverneed ? 0 : parse_verneed(c, off, info, st))
						: (c->e->nverdef ? 0 : parse_verdef(c, off, info, st));
		if (r < 0)
			return r;
	}
	return 0;
}

int elf_parse_header(const uint8_t *data, size_t len, struct elf_info *out, char *err, size_t errlen)
{
	struct elf_info e = { 0 };
	struct elf_ctx c = { .d = data, .len = len, .e = &e, .err = err, .errlen = errlen };
	int r = parse_ident(&c);
	if (r < 0)
		return r;
	*out = e;
	return 0;
}

int elf_parse(const uint8_t *data, size_t len, struct elf_info *out, char *err, size_t errlen)
{
	struct elf_info e = { 0 };
	struct elf_ctx c = { .d = data, .len = len, .e = &e, .err = err, .errlen = errlen };
	uint64_t dyn_off = 0, dyn_size = 0;
	int r = parse_ident(&c);
	if (r == 0)
		r = parse_phdrs(&c, &dyn_off, &dyn_size);
	if (r == 0 && e.has_dynamic)
		r = parse_dynamic(&c, dyn_off, dyn_size);
	if (r == 0)
		r = parse_version_sections(&c);
	if (r < 0)
		return r;
	*out = e;
	return 0;
}

/* --- version names -------------------------------------------------------------------------- */

size_t elf_version_prefix(const char *v)
{
	for (const char *p = v; (p = strchr(p, '_')); p++)
		if (p[1] >= '0' && p[1] <= '9')
			return (size_t)(p + 1 - v);
	return 0;
}

int elf_version_cmp(const char *a, const char *b)
{
	a += elf_version_prefix(a);
	b += elf_version_prefix(b);
	while (*a || *b) {
		unsigned long x = 0, y = 0;
		for (; *a >= '0' && *a <= '9'; a++)
			x = x * 10 + (unsigned long)(*a - '0');
		for (; *b >= '0' && *b <= '9'; b++)
			y = y * 10 + (unsigned long)(*b - '0');
		if (x != y)
			return x < y ? -1 : 1;
		if (!*a || !*b)
			return *a ? 1 : *b ? -1 : 0;
		a++;
		b++;
	}
	return 0;
}
