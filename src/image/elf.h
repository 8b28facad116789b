/* elf.h — a pure, bounded ELF reader: machine, interpreter, needed libraries, symbol versions. */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_NEEDED  64
#define ELF_MAX_VERNEED 256     /* (library, version) pairs */
#define ELF_MAX_VERDEF  512

struct elf_verneed {
	const char *file;       /* the library the version is needed from (its DT_NEEDED name) */
	const char *name;       /* e.g. GLIBC_2.34 */
};

/* Every string points into the parsed bytes, which must outlive the struct. */
struct elf_info {
	bool is64, big_endian;
	uint16_t type;          /* ET_EXEC, ET_DYN … */
	uint16_t machine;       /* EM_X86_64 … */
	const char *interp;     /* PT_INTERP, or NULL */
	bool has_dynamic;       /* PT_DYNAMIC present */
	const char *soname;     /* DT_SONAME, or NULL */
	const char *needed[ELF_MAX_NEEDED];
	size_t nneeded;
	struct elf_verneed verneed[ELF_MAX_VERNEED];
	size_t nverneed;
	const char *verdef[ELF_MAX_VERDEF];   /* defined versions (the base entry left out) */
	size_t nverdef;
};

/* Parse len bytes of an ELF file. 0, -ENOEXEC when the bytes are not ELF, -EINVAL when
 * malformed or -E2BIG over a cap (err says what). Every offset is checked against len. */
int elf_parse(const uint8_t *data, size_t len, struct elf_info *out, char *err, size_t errlen);
/* The file header alone (class, byte order, type, machine): the same results. */
int elf_parse_header(const uint8_t *data, size_t len, struct elf_info *out, char *err, size_t errlen);

/* Static: no interpreter and no needed library. */
bool elf_is_static(const struct elf_info *e);

/* Same machine, class and byte order: one can run the other's code and load its libraries. */
bool elf_same_machine(const struct elf_info *a, const struct elf_info *b);
/* "x86-64", "aarch64", "ppc64le" … (class and byte order count), or NULL when not in the table. */
const char *elf_machine_name(const struct elf_info *e);
/* The Debian multiarch triplet of the machine ("x86_64-linux-gnu"), or NULL. */
const char *elf_machine_multiarch(const struct elf_info *e);

/* Symbol version names "PREFIX_N.N.N" (GLIBC_2.3.4): the length of PREFIX_ (up to the first
 * digit after an '_'), or 0 when the name has no number (GLIBC_PRIVATE). */
size_t elf_version_prefix(const char *v);
/* Compare two versions of the same prefix by their numbers: GLIBC_2.3.4 < GLIBC_2.31. */
int elf_version_cmp(const char *a, const char *b);
