/* sniff.c — FAT or ext from a partition's first 4 KiB: the boot path's probe, before libblkid's full one. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "locate/sniff.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "image/container.h"

/* ext2/3/4: the superblock at 1024, magic 0xEF53 at 0x38 of it. */
enum {
	EXT_SB = 1024,
	EXT_COMPAT_JOURNAL = 0x4,
	EXT_INCOMPAT_JOURNAL_DEV = 0x8,
	EXT3_INCOMPAT = 0x2 | 0x4 | 0x10,   /* filetype, recover, meta_bg: what ext3 knows */
	EXT3_RO_COMPAT = 0x1 | 0x2 | 0x4,   /* sparse_super, large_file, btree_dir */
};

static bool ext_sniff(const uint8_t *b, size_t len, struct sniffed *out)
{
	if (len < EXT_SB + 0x88 || get_le16(b + EXT_SB + 0x38) != 0xEF53)
		return false;
	const uint8_t *sb = b + EXT_SB;
	uint32_t compat = get_le32(sb + 0x5c), incompat = get_le32(sb + 0x60), ro = get_le32(sb + 0x64);
	if (incompat & EXT_INCOMPAT_JOURNAL_DEV)
		return false;   /* an external journal, no file system */
	bool old = !(incompat & ~(uint32_t)EXT3_INCOMPAT) && !(ro & ~(uint32_t)EXT3_RO_COMPAT);
	snprintf(out->fstype, sizeof(out->fstype), "%s", !old ? "ext4" : compat & EXT_COMPAT_JOURNAL ? "ext3" : "ext2");
	const uint8_t *u = sb + 0x68;
	snprintf(out->uuid, sizeof(out->uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	return true;
}

/* FAT12/16/32: a BIOS parameter block that holds together, and its serial number. */
static bool fat_sniff(const uint8_t *b, size_t len, struct sniffed *out)
{
	if (len < 512 || b[510] != 0x55 || b[511] != 0xaa)
		return false;
	uint32_t bps = get_le16(b + 11), spc = b[13], reserved = get_le16(b + 14), fats = b[16];
	uint32_t fat16 = get_le16(b + 22), media = b[21];
	if ((bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) || !spc || (spc & (spc - 1)) || !reserved ||
	    (fats != 1 && fats != 2) || (media != 0xf0 && media < 0xf8))
		return false;
	bool fat32 = fat16 == 0;
	size_t sig = fat32 ? 66 : 38;     /* extended boot signature 0x29: the serial follows */
	if ((fat32 && (!get_le32(b + 36) || memcmp(b + 82, "FAT32   ", 8))) || (!fat32 && !get_le16(b + 17)) ||
	    (b[sig] != 0x29 && b[sig] != 0x28))
		return false;
	uint32_t id = get_le32(b + sig + 1);
	snprintf(out->fstype, sizeof(out->fstype), "vfat");
	snprintf(out->uuid, sizeof(out->uuid), "%04X-%04X", id >> 16, id & 0xffff);
	return true;
}

int sniff_fs(const uint8_t *b, size_t len, struct sniffed *out)
{
	struct sniffed e = { 0 }, f = { 0 };
	bool is_ext = ext_sniff(b, len, &e), is_fat = fat_sniff(b, len, &f);
	if (is_ext == is_fat)
		return 0;   /* neither, or both: libblkid decides */
	*out = is_ext ? e : f;
	return 1;
}
