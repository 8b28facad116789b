/* test_elf.c — the ELF reader of image check: synthetic ELF32/64 files, truncated and hostile ones. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include "image/elf.h"

#define SIZE 0x500
#define O_INTERP 0x200
#define O_STR 0x240
#define O_DYN 0x300
#define O_VERNEED 0x400
#define O_VERDEF 0x480

static const char dynstr[] = "\0libc.so.6\0libfoo.so.1\0GLIBC_2.2.5\0GLIBC_2.34\0FOO_1\0libme.so\0ME_1.0\0ME_1.1";
enum { S_LIBC = 1, S_FOO = 11, S_G225 = 23, S_G234 = 35, S_FOO1 = 46, S_ME = 52, S_ME10 = 61, S_ME11 = 68 };

struct w { uint8_t *d; bool big, is64; };

static void put(struct w *w, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		w->d[off + (w->big ? n - 1 - i : i)] = (uint8_t)(v >> (8 * i));
}

static void word(struct w *w, size_t off, uint64_t v) { put(w, off, v, w->is64 ? 8 : 4); }

static void phdr(struct w *w, int i, uint32_t type, uint64_t off, uint64_t size)
{
	size_t p = 0x40 + (size_t)i * (w->is64 ? 56 : 32);
	put(w, p, type, 4);
	if (w->is64) {
		put(w, p + 8, off, 8), put(w, p + 16, off, 8), put(w, p + 32, size, 8), put(w, p + 40, size, 8);
	} else {
		put(w, p + 4, off, 4), put(w, p + 8, off, 4), put(w, p + 16, size, 4), put(w, p + 20, size, 4);
	}
}

static void dyn(struct w *w, int i, uint64_t tag, uint64_t val)
{
	size_t e = w->is64 ? 16 : 8;
	word(w, O_DYN + (size_t)i * e, tag);
	word(w, O_DYN + (size_t)i * e + e / 2, val);
}

/* One executable-like library: interpreter, two needed libraries with three versions, a
 * soname and two defined versions besides the base. Vaddr = file offset, one PT_LOAD. */
static void build(uint8_t *d, bool is64, bool big, uint16_t machine)
{
	struct w w = { d, big, is64 };
	memset(d, 0, SIZE);
	memcpy(d, "\177ELF", 4);
	d[4] = is64 ? 2 : 1, d[5] = big ? 2 : 1, d[6] = 1;
	put(&w, 16, 3, 2);
	put(&w, 18, machine, 2);
	put(&w, is64 ? 32 : 28, 0x40, is64 ? 8 : 4);           /* e_phoff */
	put(&w, is64 ? 54 : 42, is64 ? 56 : 32, 2);            /* e_phentsize */
	put(&w, is64 ? 56 : 44, 3, 2);                         /* e_phnum */
	phdr(&w, 0, 1, 0, SIZE);
	phdr(&w, 1, 3, O_INTERP, 18);
	phdr(&w, 2, 2, O_DYN, 10 * (is64 ? 16 : 8));
	memcpy(d + O_INTERP, "/lib/ld-test.so.1", 18);
	memcpy(d + O_STR, dynstr, sizeof(dynstr));
	uint64_t tags[][2] = { { 1, S_LIBC }, { 1, S_FOO }, { 5, O_STR }, { 10, sizeof(dynstr) }, { 14, S_ME },
			       { 0x6ffffffe, O_VERNEED }, { 0x6fffffff, 2 }, { 0x6ffffffc, O_VERDEF }, { 0x6ffffffd, 3 }, { 0, 0 } };
	for (int i = 0; i < 10; i++)
		dyn(&w, i, tags[i][0], tags[i][1]);
	/* verneed: libc.so.6 (GLIBC_2.2.5, GLIBC_2.34) → libfoo.so.1 (FOO_1) */
	size_t v = O_VERNEED;
	put(&w, v, 1, 2), put(&w, v + 2, 2, 2), put(&w, v + 4, S_LIBC, 4), put(&w, v + 8, 16, 4), put(&w, v + 12, 48, 4);
	put(&w, v + 16 + 8, S_G225, 4), put(&w, v + 16 + 12, 16, 4);
	put(&w, v + 32 + 8, S_G234, 4);
	v += 48;
	put(&w, v, 1, 2), put(&w, v + 2, 1, 2), put(&w, v + 4, S_FOO, 4), put(&w, v + 8, 16, 4);
	put(&w, v + 16 + 8, S_FOO1, 4);
	/* verdef: base (libme.so), ME_1.0, ME_1.1: 20-byte records, each followed by its aux */
	uint32_t names[] = { S_ME, S_ME10, S_ME11 };
	for (int i = 0; i < 3; i++) {
		size_t r = O_VERDEF + (size_t)i * 28;
		put(&w, r, 1, 2), put(&w, r + 2, i == 0, 2), put(&w, r + 4, (uint64_t)i + 1, 2), put(&w, r + 6, 1, 2);
		put(&w, r + 12, 20, 4), put(&w, r + 16, i < 2 ? 28 : 0, 4);
		put(&w, r + 20, names[i], 4);
	}
}

static struct elf_info e;

static void expect_full(const uint8_t *d)
{
	char err[120] = "";
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), 0);
	assert_string_equal(e.interp, "/lib/ld-test.so.1");
	assert_true(e.has_dynamic);
	assert_false(elf_is_static(&e));
	assert_string_equal(e.soname, "libme.so");
	assert_int_equal(e.nneeded, 2);
	assert_string_equal(e.needed[0], "libc.so.6");
	assert_string_equal(e.needed[1], "libfoo.so.1");
	assert_int_equal(e.nverneed, 3);
	assert_string_equal(e.verneed[0].file, "libc.so.6");
	assert_string_equal(e.verneed[0].name, "GLIBC_2.2.5");
	assert_string_equal(e.verneed[1].name, "GLIBC_2.34");
	assert_string_equal(e.verneed[2].file, "libfoo.so.1");
	assert_string_equal(e.verneed[2].name, "FOO_1");
	assert_int_equal(e.nverdef, 2);   /* the base entry is not a version */
	assert_string_equal(e.verdef[0], "ME_1.0");
	assert_string_equal(e.verdef[1], "ME_1.1");
}

static void test_parse_both_classes_and_orders(void **state)
{
	(void)state;
	static uint8_t d[SIZE];
	build(d, true, false, 62);
	expect_full(d);
	assert_true(e.is64 && !e.big_endian);
	assert_string_equal(elf_machine_name(&e), "x86-64");
	assert_string_equal(elf_machine_multiarch(&e), "x86_64-linux-gnu");
	build(d, false, true, 20);
	expect_full(d);
	assert_true(!e.is64 && e.big_endian);
	assert_string_equal(elf_machine_name(&e), "ppc");
	build(d, true, true, 22);
	expect_full(d);
	assert_string_equal(elf_machine_name(&e), "s390x");
	build(d, false, false, 40);
	expect_full(d);
	assert_string_equal(elf_machine_name(&e), "arm");
}

static void test_machine_names(void **state)
{
	(void)state;
	struct { uint16_t em; bool is64, big; const char *name; } t[] = {
		{ 62, true, false, "x86-64" }, { 183, true, false, "aarch64" }, { 3, false, false, "i386" },
		{ 40, false, false, "arm" },   { 243, true, false, "riscv64" }, { 21, true, false, "ppc64le" },
		{ 21, true, true, "ppc64" },   { 22, true, true, "s390x" },     { 9999, true, false, NULL },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct elf_info x = { .machine = t[i].em, .is64 = t[i].is64, .big_endian = t[i].big };
		const char *n = elf_machine_name(&x);
		if (t[i].name)
			assert_string_equal(n, t[i].name);
		else
			assert_null(n);
	}
	struct elf_info a = { .machine = 21, .is64 = true }, b = { .machine = 21, .is64 = true, .big_endian = true };
	assert_false(elf_same_machine(&a, &b));
}

/* Every prefix of a valid file parses or fails cleanly; the short ones fail as they must. */
static void test_truncated(void **state)
{
	(void)state;
	static uint8_t d[SIZE];
	char err[120];
	build(d, true, false, 62);
	for (size_t len = 0; len < SIZE; len++) {
		struct elf_info x;
		int r = elf_parse(d, len, &x, err, sizeof(err));
		if (len < 16)
			assert_int_equal(r, -ENOEXEC);
		else if (len < 64 || len < 0x40 + 3 * 56)
			assert_int_equal(r, -EINVAL);   /* header, then program headers cut off */
		else
			assert_true(r == 0 || r == -EINVAL);
	}
	memcpy(d, "\177ELG", 4);
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -ENOEXEC);
}

static void test_hostile(void **state)
{
	(void)state;
	static uint8_t d[SIZE];
	char err[120];
	struct w w = { d, false, true };
	build(d, true, false, 62);
	d[4] = 3;                                            /* unknown class */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	put(&w, 32, 0xfffffffffffffff0ull, 8);               /* e_phoff wraps around */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	put(&w, 54, 8, 2);                                   /* e_phentsize too small */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	phdr(&w, 1, 3, SIZE - 4, 0xffffffff);                /* PT_INTERP past the end */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	memset(d + O_INTERP, 'x', 18);                       /* interpreter not terminated */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	dyn(&w, 0, 1, 0x7fffffff);                           /* DT_NEEDED outside the strings */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "string table"));
	build(d, true, false, 62);
	dyn(&w, 2, 5, 0x10000000);                           /* DT_STRTAB not in any segment */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	dyn(&w, 6, 0x6fffffff, 0xffffffff);                  /* VERNEEDNUM lies: chain runs out */
	put(&w, O_VERNEED + 48 + 12, 0x100, 4);
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	put(&w, O_VERNEED + 2, 0xffff, 2);                   /* vn_cnt lies, aux chain ends at 0 */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), 0);
	build(d, true, false, 62);
	put(&w, O_VERDEF + 12, 0xfffffff0, 4);               /* verdaux far outside */
	assert_int_equal(elf_parse(d, SIZE, &e, err, sizeof(err)), -EINVAL);
	build(d, true, false, 62);
	dyn(&w, 3, 10, 0xffffffffffull);                     /* DT_STRSZ too large: clamped to the file */
	expect_full(d);
}

/* Random corruption never crashes and never yields a string outside the bytes. */
static void test_corrupted(void **state)
{
	(void)state;
	static uint8_t d[SIZE];
	char err[120];
	srand(1);
	for (int round = 0; round < 20000; round++) {
		build(d, round & 1, round & 2, 62);
		for (int k = 0; k < 1 + round % 8; k++)
			d[rand() % SIZE] = (uint8_t)rand();
		struct elf_info x;
		if (elf_parse(d, SIZE, &x, err, sizeof(err)) != 0)
			continue;
		for (size_t i = 0; i < x.nneeded; i++)
			assert_true((const uint8_t *)x.needed[i] >= d && (const uint8_t *)x.needed[i] < d + SIZE &&
				    memchr(x.needed[i], 0, (size_t)(d + SIZE - (const uint8_t *)x.needed[i])));
		for (size_t i = 0; i < x.nverneed; i++)
			assert_true((const uint8_t *)x.verneed[i].name >= d && (const uint8_t *)x.verneed[i].name < d + SIZE);
	}
}

static void test_versions(void **state)
{
	(void)state;
	assert_int_equal(elf_version_prefix("GLIBC_2.34"), 6);
	assert_int_equal(elf_version_prefix("GLIBC_PRIVATE"), 0);
	assert_int_equal(elf_version_prefix("GLIBC_ABI_DT_RELR"), 0);
	assert_int_equal(elf_version_prefix("XCRYPT_2.0"), 7);
	assert_true(elf_version_cmp("GLIBC_2.3.4", "GLIBC_2.31") < 0);
	assert_true(elf_version_cmp("GLIBC_2.34", "GLIBC_2.4") > 0);
	assert_true(elf_version_cmp("GLIBC_2.2.5", "GLIBC_2.2") > 0);
	assert_int_equal(elf_version_cmp("GLIBC_2.31", "GLIBC_2.31"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_both_classes_and_orders),
		cmocka_unit_test(test_machine_names),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
