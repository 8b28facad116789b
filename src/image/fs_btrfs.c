/* fs_btrfs.c — read-only btrfs: superblock, chunk map (single, DUP), B-tree search, default subvolume. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/btrfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/macros.h"

#define SUPER_OFF 65536
#define SYS_ARRAY_OFF 0x32b
#define SYS_ARRAY_MAX 2048
#define HDR 101                        /* tree block header */
#define ITEM 25                        /* leaf item: key, data offset, data size */
#define KEY_PTR 33                     /* node pointer: key, block, generation */
#define CHUNK_TREE 3
#define ROOT_TREE_DIR 6
#define FS_TREE 5
/* profiles whose data is striped or parity-coded: not one copy on one device */
#define PROFILE_SPLIT (8u | 64u | 128u | 256u)    /* RAID0, RAID10, RAID5, RAID6 */
#define INCOMPAT_KNOWN 0x3ffull        /* through RAID1C34; later ones change the format */

static void get_key(const uint8_t *p, struct btrfs_key *k)
{
	*k = (struct btrfs_key){ get_le64(p), p[8], get_le64(p + 9) };
}

static int key_cmp(const struct btrfs_key *a, const struct btrfs_key *b)
{
	if (a->objectid != b->objectid)
		return a->objectid < b->objectid ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return 0;
}

int btrfs_read_logical(struct btrfs *b, void *buf, size_t len, uint64_t addr)
{
	uint8_t *p = buf;
	while (len) {
		const struct btrfs_chunk *c = NULL;
		for (int i = 0; i < b->nchunks && !c; i++)
			if (addr >= b->chunks[i].logical && addr - b->chunks[i].logical < b->chunks[i].len)
				c = &b->chunks[i];
		if (!c)
			return -EIO;
		uint64_t in = addr - c->logical, n = c->len - in < len ? c->len - in : len;
		uint64_t phys = c->physical + in;
		if (phys > b->size || n > b->size - phys)
			return -EIO;
		int r = image_pread(b->img, p, (size_t)n, b->off + phys);
		if (r < 0)
			return r;
		p += n;
		addr += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One chunk item (key offset = its logical start): map it through its stripe on this device. */
static int add_chunk(struct btrfs *b, uint64_t logical, const uint8_t *c, size_t len)
{
	if (len < 48)
		return -EIO;
	uint16_t n = get_le16(c + 44);
	if ((size_t)48 + (size_t)n * 32 > len || !n)
		return -EIO;
	if (get_le64(c + 24) & PROFILE_SPLIT)
		return -ENOTSUP;
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *s = c + 48 + 32 * i;
		if (get_le64(s) != b->devid)
			continue;
		for (int k = 0; k < b->nchunks; k++)
			if (b->chunks[k].logical == logical)
				return 0;   /* the system chunk again, from the chunk tree */
		if (b->nchunks == BTRFS_MAX_CHUNKS)
			return -E2BIG;
		b->chunks[b->nchunks++] = (struct btrfs_chunk){ logical, get_le64(c), get_le64(s + 8) };
		return 0;
	}
	return -ENOENT;   /* no copy on this device */
}

/* --- B-tree search ------------------------------------------------------------------------- */

/* A callback may search again (a directory listing's caller looks its entries up): the
 * blocks on one search's path are its own, one buffer per level. */
struct search {
	struct btrfs *b;
	const struct btrfs_key *min, *max;
	btrfs_item_cb cb;
	void *userdata;
	unsigned nodes;
	uint8_t *node;                     /* nodesize bytes per level */
};

static int visit(struct search *s, uint64_t addr, int level)
{
	struct btrfs *b = s->b;
	uint8_t *n = s->node + (size_t)level * b->nodesize;
	if (++s->nodes > BTRFS_MAX_NODES)
		return -EIO;
	int r = btrfs_read_logical(b, n, b->nodesize, addr);
	if (r < 0)
		return r;
	uint32_t nr = get_le32(n + 0x60);
	if (get_le64(n + 0x30) != addr || n[0x64] != level)
		return -EIO;
	if (level == 0) {
		if (nr > (b->nodesize - HDR) / ITEM)
			return -EIO;
		for (uint32_t i = 0; i < nr; i++) {
			const uint8_t *it = n + HDR + ITEM * i;
			struct btrfs_key k;
			get_key(it, &k);
			uint32_t off = get_le32(it + 17), size = get_le32(it + 21);
			if (off > b->nodesize - HDR || size > b->nodesize - HDR - off)
				return -EIO;
			if (key_cmp(&k, s->min) < 0)
				continue;
			if (key_cmp(&k, s->max) > 0)
				return 1;   /* past the range: done */
			if ((r = s->cb(&k, n + HDR + off, size, s->userdata)) != 0)
				return r > 0 ? 2 : r;
		}
		return 0;
	}
	if (nr > (b->nodesize - HDR) / KEY_PTR || !nr)
		return -EIO;
	for (uint32_t i = 0; i < nr; i++) {
		struct btrfs_key k, next;
		get_key(n + HDR + KEY_PTR * i, &k);
		if (key_cmp(&k, s->max) > 0)
			return 1;
		if (i + 1 < nr) {
			get_key(n + HDR + KEY_PTR * (i + 1), &next);
			if (key_cmp(&next, s->min) <= 0)
				continue;   /* the whole child lies below min */
		}
		/* each level has its own buffer: the child leaves this node intact */
		r = visit(s, get_le64(n + HDR + KEY_PTR * i + 17), level - 1);
		if (r)
			return r;
	}
	return 0;
}

int btrfs_search(struct btrfs *b, uint64_t root, uint8_t level, const struct btrfs_key *min,
		 const struct btrfs_key *max, btrfs_item_cb cb, void *userdata)
{
	if (level >= BTRFS_MAX_LEVEL)
		return -EIO;
	struct search s = { b, min, max, cb, userdata, 0, malloc((size_t)b->nodesize * (level + 1u)) };
	if (!s.node)
		return -ENOMEM;
	int r = visit(&s, root, level);
	free(s.node);
	return r == 2 ? 1 : r == 1 ? 0 : r;
}

/* --- mounting ------------------------------------------------------------------------------ */

static int chunk_cb(const struct btrfs_key *k, const uint8_t *data, uint32_t len, void *userdata)
{
	if (k->type != BTRFS_CHUNK_ITEM)
		return 0;
	int r = add_chunk(userdata, k->offset, data, len);
	return r == -ENOENT ? 0 : r;
}

struct root_found {
	uint64_t id, bytenr, dirid;
	uint8_t level;
	bool found;
};

static int root_cb(const struct btrfs_key *k, const uint8_t *data, uint32_t len, void *userdata)
{
	struct root_found *f = userdata;
	if (k->type != BTRFS_ROOT_ITEM || k->objectid != f->id || len < 239)
		return 0;
	*f = (struct root_found){ f->id, get_le64(data + 176), get_le64(data + 168), data[238], true };
	return 1;
}

/* The "default" entry of the root tree's directory names the default subvolume. */
static int default_cb(const struct btrfs_key *k, const uint8_t *data, uint32_t len, void *userdata)
{
	(void)k;
	for (uint32_t pos = 0; pos + 30 <= len;) {
		uint16_t dlen = get_le16(data + pos + 25), nlen = get_le16(data + pos + 27);
		if ((uint64_t)pos + 30 + dlen + nlen > len)
			return -EIO;
		if (nlen == 7 && memcmp(data + pos + 30, "default", 7) == 0) {
			*(uint64_t *)userdata = get_le64(data + pos);
			return 1;
		}
		pos += 30u + dlen + nlen;
	}
	return 0;
}

static int parse_super(struct btrfs *b, const uint8_t *sb, char *err, size_t errlen)
{
	b->nodesize = get_le32(sb + 0x94);
	b->sectorsize = get_le32(sb + 0x90);
	b->total_bytes = get_le64(sb + 0x70);
	b->bytes_used = get_le64(sb + 0x78);
	b->devid = get_le64(sb + 0xc9);
	uint64_t incompat = get_le64(sb + 0xbc);
	uint32_t sys = get_le32(sb + 0xa0);
	if (b->nodesize < 4096 || b->nodesize > 65536 || (b->nodesize & (b->nodesize - 1)) || b->sectorsize < 512 ||
	    b->sectorsize > 65536 || (b->sectorsize & (b->sectorsize - 1)) || sys > SYS_ARRAY_MAX)
		return snprintf(err, errlen, "btrfs superblock has impossible sizes"), -EINVAL;
	if (incompat & ~INCOMPAT_KNOWN)
		return snprintf(err, errlen, "btrfs with incompatible features 0x%llx is not read",
				(unsigned long long)(incompat & ~INCOMPAT_KNOWN)), -ENOTSUP;
	if (get_le64(sb + 0xd1) > b->size)
		return snprintf(err, errlen, "btrfs is larger than its partition (%llu bytes)",
				(unsigned long long)get_le64(sb + 0xd1)), -EINVAL;
	if (get_le64(sb + 0x88) != 1)
		return snprintf(err, errlen, "btrfs over %llu devices is not read (one device is)",
				(unsigned long long)get_le64(sb + 0x88)), -ENOTSUP;
	for (uint32_t pos = 0; pos < sys;) {
		struct btrfs_key k;
		if (sys - pos < 17 + 48)
			return snprintf(err, errlen, "btrfs system chunk array is damaged"), -EIO;
		get_key(sb + SYS_ARRAY_OFF + pos, &k);
		const uint8_t *c = sb + SYS_ARRAY_OFF + pos + 17;
		size_t clen = 48 + (size_t)get_le16(c + 44) * 32;
		if (k.type != BTRFS_CHUNK_ITEM || clen > sys - pos - 17 || add_chunk(b, k.offset, c, clen) < 0)
			return snprintf(err, errlen, "btrfs system chunk array is damaged or not single/DUP"), -EIO;
		pos += 17 + (uint32_t)clen;
	}
	return 0;
}

int btrfs_mount(struct btrfs *b, char *err, size_t errlen)
{
	uint8_t *sb = malloc(4096);
	int r = !sb ? -ENOMEM : b->size < SUPER_OFF + 4096 ? -EINVAL : image_pread(b->img, sb, 4096, b->off + SUPER_OFF);
	if (r == 0 && memcmp(sb + 0x40, "_BHRfS_M", 8) != 0)
		r = -EINVAL;
	if (r < 0) {
		free(sb);
		snprintf(err, errlen, "no btrfs superblock");
		return r;
	}
	r = parse_super(b, sb, err, errlen);
	uint64_t chunk_root = get_le64(sb + 0x58), root = get_le64(sb + 0x50);
	uint8_t chunk_level = sb[0xc7], root_level = sb[0xc6];
	uint64_t root_dir = get_le64(sb + 0x80);
	free(sb);
	if (r < 0)
		return r;
	struct btrfs_key all_min = { 0, 0, 0 }, all_max = { UINT64_MAX, 255, UINT64_MAX };
	r = btrfs_search(b, chunk_root, chunk_level, &all_min, &all_max, chunk_cb, b);
	if (r < 0)
		return snprintf(err, errlen, "btrfs chunk tree: %s", r == -ENOTSUP ? "RAID0/10/5/6 chunks are not read"
										  : "damaged"), r;
	uint64_t id = FS_TREE;
	struct btrfs_key dmin = { root_dir, BTRFS_DIR_ITEM, 0 }, dmax = { root_dir, BTRFS_DIR_ITEM, UINT64_MAX };
	r = root_dir == ROOT_TREE_DIR ? btrfs_search(b, root, root_level, &dmin, &dmax, default_cb, &id) : 0;
	struct root_found f = { .id = id };
	struct btrfs_key rmin = { id, BTRFS_ROOT_ITEM, 0 }, rmax = { id, BTRFS_ROOT_ITEM, UINT64_MAX };
	if (r >= 0)
		r = btrfs_search(b, root, root_level, &rmin, &rmax, root_cb, &f);
	if (r < 0 || !f.found || f.level >= BTRFS_MAX_LEVEL)
		return snprintf(err, errlen, "btrfs root tree: no readable subvolume %llu", (unsigned long long)id), -EIO;
	b->fs_root = f.bytenr;
	b->fs_level = f.level;
	b->root_dir = f.dirid;
	return 0;
}
