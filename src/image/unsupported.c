/* unsupported.c — formats recognised but not read (VDI, VHDX, QED, DMG, archives …): named only. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

/* Magic numbers in the first bytes: what the file is. */
static const struct {
	size_t at;
	const char *magic;
	size_t len;
	const char *name;
} unsupported_magic[] = {
	{ 0, "vhdxfile", 8, "VHDX" },
	{ 0, "QED\0", 4, "QED" },
	{ 0, "COWD", 4, "VMware ESX sparse (COWD)" },
	{ 0x40, "\x7f\x10\xda\xbe", 4, "VirtualBox VDI" },
	{ 0, "\x1f\x8b", 2, "a gzip archive (decompress it first)" },
	{ 0, "\xfd" "7zXZ\0", 6, "an xz archive (decompress it first)" },
	{ 0, "\x28\xb5\x2f\xfd", 4, "a zstd archive (decompress it first)" },
	{ 0, "BZh", 3, "a bzip2 archive (decompress it first)" },
	{ 0, "PK\x03\x04", 4, "a zip archive (extract it first)" },
	{ 257, "ustar", 5, "a tar archive (extract it first)" },
	{ 0x8001, "CD001", 5, "an ISO 9660 image (not a disk image)" },
};

struct unsupported {
	const char *what;
};

static int unsupported_detect(const struct image_probe *p, struct image_match *m)
{
	m->kind = IMG_UNSUPPORTED;
	if (image_has_magic(p, 0, "QFI\xfb", 4) && p->head_len >= 8 && get_be32(p->head + 4) < 2) {
		m->what = "qcow version 1";
		return IMAGE_HEAD_MAGIC;
	}
	for (size_t i = 0; i < ARRAY_SIZE(unsupported_magic); i++)
		if (image_has_magic(p, unsupported_magic[i].at, unsupported_magic[i].magic, unsupported_magic[i].len)) {
			m->what = unsupported_magic[i].name;
			return IMAGE_HEAD_MAGIC;
		}
	if (p->tail && memcmp(p->tail, "koly", 4) == 0) {
		m->what = "Apple disk image (DMG)";
		return IMAGE_TAIL_MARK;
	}
	return IMAGE_NO;
}

static int unsupported_open(struct image *img, const struct image_probe *p _unused_, struct image_match *m,
			    void **state, char *err _unused_, size_t errlen _unused_)
{
	struct unsupported *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->what = m->what;
	img->detail = m->what;
	*state = st;
	return 0;
}

static int unsupported_map(void *state _unused_, const struct image *img _unused_, uint64_t off _unused_,
			   struct image_extent *x _unused_)
{
	return -ENOTSUP;
}

static uint64_t unsupported_virtual_size(const void *state _unused_)
{
	return 0;
}

const struct image_format image_format_unsupported = {
	.name = "unsupported",
	.kinds = 1u << IMG_UNSUPPORTED,
	.detect = unsupported_detect,
	.open = unsupported_open,
	.map = unsupported_map,
	.virtual_size = unsupported_virtual_size,
	.close = free,
};
