/* fs_fat.c — a small read-only FAT32 reader (FAT chains, long names) over guest bytes. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "tree/fsview.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/macros.h"

#define FAT_EOC 0x0ffffff8u
#define FAT_MAX_DIR_BYTES (4u << 20)
#define ATTR_LFN 0x0f
#define ATTR_DIR 0x10
#define ATTR_VOLUME 0x08

struct fat {
	struct image *img;
	uint64_t off, size;          /* partition */
	uint32_t bps, spc;           /* bytes per sector, sectors per cluster */
	uint64_t fat_off;            /* byte offset of the first FAT inside the partition */
	uint64_t data_off;           /* byte offset of cluster 2 */
	uint32_t clusters;           /* data clusters */
	uint32_t root_cluster;
	uint32_t cached_sector;      /* FAT sector cache */
	uint8_t fat_sector[4096];
	bool cached;
};

struct fat_entry {
	char name[256];              /* UTF-8: long name when present, else the 8.3 name */
	uint8_t attr;
	uint32_t cluster;
	uint32_t size;
};

static int fat_read(struct fat *f, void *buf, size_t len, uint64_t off)
{
	if (off > f->size || len > f->size - off)
		return -EIO;
	return image_pread(f->img, buf, len, f->off + off);
}

static int fat_next(struct fat *f, uint32_t cluster, uint32_t *next)
{
	uint64_t pos = (uint64_t)cluster * 4;
	uint32_t sector = (uint32_t)(pos / f->bps);
	if (!f->cached || f->cached_sector != sector) {
		int r = fat_read(f, f->fat_sector, f->bps, f->fat_off + (uint64_t)sector * f->bps);
		if (r < 0)
			return r;
		f->cached = true;
		f->cached_sector = sector;
	}
	*next = get_le32(f->fat_sector + pos % f->bps) & 0x0fffffffu;
	return 0;
}

static bool valid_cluster(const struct fat *f, uint32_t c)
{
	return c >= 2 && c - 2 < f->clusters;
}

/* Read a cluster chain into out: at most max bytes (len_hint bytes for a file). */
static int fat_read_chain(struct fat *f, uint32_t first, uint64_t want, struct buf *out)
{
	uint64_t csize = (uint64_t)f->bps * f->spc;
	uint32_t c = first;
	for (uint32_t steps = 0; want > 0; steps++) {
		if (!valid_cluster(f, c) || steps > f->clusters)
			return -EIO;   /* broken or looping chain */
		size_t n = (size_t)(want < csize ? want : csize);
		int r = buf_reserve(out, n);
		if (r < 0)
			return r;
		r = fat_read(f, out->data + out->len, n, f->data_off + (uint64_t)(c - 2) * csize);
		if (r < 0)
			return r;
		out->len += n;
		out->data[out->len] = '\0';
		want -= n;
		if (!want)
			break;
		r = fat_next(f, c, &c);
		if (r < 0)
			return r;
		if (c >= FAT_EOC)
			break;
	}
	return 0;
}

static void utf8_put(char *dst, size_t *len, size_t cap, uint16_t u)
{
	char tmp[3];
	size_t n;
	if (u < 0x80) {
		tmp[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		tmp[0] = (char)(0xc0 | u >> 6);
		tmp[1] = (char)(0x80 | (u & 0x3f));
		n = 2;
	} else {
		tmp[0] = (char)(0xe0 | u >> 12);
		tmp[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (u & 0x3f));
		n = 3;
	}
	if (*len + n < cap) {
		memcpy(dst + *len, tmp, n);
		*len += n;
	}
	dst[*len] = '\0';
}

static uint8_t short_checksum(const uint8_t *name11)
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
	return sum;
}

static void short_name(const uint8_t *e, char *out)
{
	size_t n = 0;
	int base = 8, ext = 3;
	while (base > 0 && e[base - 1] == ' ')
		base--;
	while (ext > 0 && e[8 + ext - 1] == ' ')
		ext--;
	for (int i = 0; i < base; i++) {
		char c = (char)(i == 0 && e[0] == 0x05 ? 0xe5 : e[i]);
		out[n++] = (e[12] & 0x08) && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	if (ext)
		out[n++] = '.';
	for (int i = 0; i < ext; i++) {
		char c = (char)e[8 + i];
		out[n++] = (e[12] & 0x10) && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	out[n] = '\0';
}

typedef int (*fat_entry_cb)(const struct fat_entry *e, void *userdata);

/* Walk a directory (cluster 0 = the root) calling cb for each live entry. */
static int fat_walk(struct fat *f, uint32_t cluster, fat_entry_cb cb, void *userdata)
{
	_cleanup_buf_ struct buf dir = BUF_INIT;
	int r = fat_read_chain(f, cluster ? cluster : f->root_cluster, FAT_MAX_DIR_BYTES, &dir);
	if (r < 0)
		return r;
	uint16_t lfn[260];
	int lfn_seq = 0;   /* next expected sequence number, 0 = none pending */
	uint8_t lfn_sum = 0;
	bool lfn_ok = false;
	for (size_t pos = 0; pos + 32 <= dir.len; pos += 32) {
		const uint8_t *e = (const uint8_t *)dir.data + pos;
		if (e[0] == 0)
			break;
		if (e[0] == 0xe5) {
			lfn_ok = false;
			continue;
		}
		if ((e[11] & 0x3f) == ATTR_LFN) {
			int seq = e[0] & 0x1f;
			if (e[0] & 0x40) {
				memset(lfn, 0, sizeof(lfn));
				lfn_ok = seq >= 1 && seq <= 20;
				lfn_sum = e[13];
			} else if (!lfn_ok || seq < 1 || seq != lfn_seq || e[13] != lfn_sum) {
				lfn_ok = false; /* out of sequence (seq 0 would index before lfn[]) */
			}
			if (lfn_ok && seq >= 1 && seq <= 20) {
				static const uint8_t at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
				for (int i = 0; i < 13; i++)
					lfn[(seq - 1) * 13 + i] = get_le16(e + at[i]);
				lfn_seq = seq - 1;
			}
			continue;
		}
		struct fat_entry fe = {
			.attr = e[11],
			.cluster = (uint32_t)get_le16(e + 20) << 16 | get_le16(e + 26),
			.size = get_le32(e + 28),
		};
		if (lfn_ok && lfn_seq == 0 && short_checksum(e) == lfn_sum) {
			size_t n = 0;
			for (int i = 0; i < 260 && lfn[i] && lfn[i] != 0xffff; i++)
				utf8_put(fe.name, &n, sizeof(fe.name), lfn[i]);
		} else {
			short_name(e, fe.name);
		}
		lfn_ok = false;
		if ((fe.attr & ATTR_VOLUME) || streq(fe.name, ".") || streq(fe.name, ".."))
			continue;
		r = cb(&fe, userdata);
		if (r)
			return r < 0 ? r : 0;
	}
	return 0;
}

struct fat_find {
	const char *name;
	size_t len;
	struct fat_entry found;
	bool hit;
};

static int find_cb(const struct fat_entry *e, void *userdata)
{
	struct fat_find *ff = userdata;
	if (strlen(e->name) == ff->len && strncasecmp(e->name, ff->name, ff->len) == 0) {
		ff->found = *e;
		ff->hit = true;
		return 1;
	}
	return 0;
}

/* Resolve an absolute path; the root is a directory entry with cluster 0. */
static int fat_lookup(struct fat *f, const char *path, struct fat_entry *out)
{
	struct fat_entry cur = { .name = "/", .attr = ATTR_DIR, .cluster = 0 };
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "/");
		if (!(cur.attr & ATTR_DIR))
			return -ENOTDIR;
		struct fat_find ff = { .name = p, .len = len };
		int r = fat_walk(f, cur.cluster, find_cb, &ff);
		if (r < 0)
			return r;
		if (!ff.hit)
			return -ENOENT;
		cur = ff.found;
		p += len;
	}
	*out = cur;
	return 0;
}

static int fat_stat(struct fsview *v, const char *path, bool follow _unused_, struct fs_stat *st)
{
	struct fat_entry e;
	int r = fat_lookup(v->priv, path, &e);
	if (r < 0)
		return r;
	st->type = (e.attr & ATTR_DIR) ? FS_DIR : FS_REG;
	st->size = e.size;
	return 0;
}

static int fat_read_file(struct fsview *v, const char *path, size_t max, bool head, struct buf *out)
{
	struct fat *f = v->priv;
	struct fat_entry e;
	int r = fat_lookup(f, path, &e);
	if (r < 0)
		return r;
	if (e.attr & ATTR_DIR)
		return -EINVAL;
	if (e.size > max && !head)
		return -EFBIG;
	uint32_t size = e.size > max ? (uint32_t)max : e.size;
	struct buf b = { .secret = out->secret };
	r = buf_reserve(&b, 1);
	if (r == 0 && size)
		r = fat_read_chain(f, e.cluster, size, &b);
	if (r == 0 && b.len != size)
		r = -EIO;
	if (r < 0) {
		buf_free(&b);
		return r;
	}
	buf_move(out, &b);
	return 0;
}

struct fat_list {
	fs_dir_cb cb;
	void *userdata;
};

static int list_cb(const struct fat_entry *e, void *userdata)
{
	struct fat_list *l = userdata;
	return l->cb(e->name, (e->attr & ATTR_DIR) ? FS_DIR : FS_REG, l->userdata);
}

static int fat_list_dir(struct fsview *v, const char *path, fs_dir_cb cb, void *userdata)
{
	struct fat *f = v->priv;
	struct fat_entry e;
	int r = fat_lookup(f, path, &e);
	if (r < 0)
		return r;
	if (!(e.attr & ATTR_DIR))
		return -ENOTDIR;
	struct fat_list l = { cb, userdata };
	return fat_walk(f, e.cluster, list_cb, &l);
}

/* Free clusters are counted in the FAT itself (FSInfo's count is only a hint that may be stale),
 * read in chunks of FAT_USAGE_CHUNK bytes rather than a sector at a time. */
#define FAT_USAGE_CHUNK (64u << 10)
static int fat_usage(struct fsview *v, struct fs_usage *out)
{
	struct fat *f = v->priv;
	uint64_t free_clusters = 0, end = ((uint64_t)f->clusters + 2) * 4;
	uint8_t *chunk = malloc(FAT_USAGE_CHUNK);
	if (!chunk)
		return -ENOMEM;
	for (uint64_t pos = 0; pos < end; pos += FAT_USAGE_CHUNK) {
		size_t n = end - pos < FAT_USAGE_CHUNK ? (size_t)(end - pos) : FAT_USAGE_CHUNK;
		int r = fat_read(f, chunk, n, f->fat_off + pos);
		if (r < 0) {
			free(chunk);
			return r;
		}
		for (size_t i = pos ? 0 : 8; i + 4 <= n; i += 4)   /* entries 0 and 1 are no clusters */
			free_clusters += (get_le32(chunk + i) & 0x0fffffffu) == 0;
	}
	free(chunk);
	*out = (struct fs_usage){
		.block_size = (uint64_t)f->bps * f->spc,
		.blocks = f->clusters,
		.blocks_free = free_clusters,
	};
	return 0;
}

static void fat_close(struct fsview *v)
{
	free(v->priv);
	free(v);
}

static const struct fsview_ops fat_ops = {
	.stat = fat_stat,
	.read_file = fat_read_file,
	.list_dir = fat_list_dir,
	.usage = fat_usage,
	.close = fat_close,
};

int fs_open_fat(struct image *img, uint64_t off, uint64_t size, struct fsview **out, char *err, size_t errlen)
{
	uint8_t bs[512];
	int r = size >= 512 ? image_pread(img, bs, sizeof(bs), off) : -EIO;
	if (r < 0) {
		snprintf(err, errlen, "cannot read the FAT boot sector");
		return r;
	}
	uint32_t bps = get_le16(bs + 11), spc = bs[13], reserved = get_le16(bs + 14), nfats = bs[16];
	uint32_t root_entries = get_le16(bs + 17), fatsz16 = get_le16(bs + 22);
	uint32_t total = get_le16(bs + 19) ? get_le16(bs + 19) : get_le32(bs + 32);
	uint32_t fatsz = get_le32(bs + 36), root = get_le32(bs + 44);
	if (bs[510] != 0x55 || bs[511] != 0xaa || (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) ||
	    !spc || (spc & (spc - 1)) || !reserved || !nfats || !total) {
		snprintf(err, errlen, "FAT boot sector invalid");
		return -EINVAL;
	}
	if (fatsz16 || root_entries || !fatsz) {
		snprintf(err, errlen, "FAT12/FAT16 contents are not read (only FAT32)");
		return -ENOTSUP;
	}
	uint64_t data = (uint64_t)reserved + (uint64_t)nfats * fatsz;
	if (data >= total || (uint64_t)total * bps > size) {
		snprintf(err, errlen, "FAT geometry does not fit the partition");
		return -EINVAL;
	}
	struct fat *f = calloc(1, sizeof(*f));
	struct fsview *v = calloc(1, sizeof(*v));
	if (!f || !v) {
		free(f);
		free(v);
		return -ENOMEM;
	}
	uint64_t clusters = (total - data) / spc;
	uint64_t fat_entries = (uint64_t)fatsz * bps / 4;
	*f = (struct fat){
		.img = img, .off = off, .size = size, .bps = bps, .spc = spc,
		.fat_off = (uint64_t)reserved * bps, .data_off = data * bps,
		.clusters = (uint32_t)(clusters < fat_entries - 2 ? clusters : fat_entries - 2),
		.root_cluster = root,
	};
	if (!valid_cluster(f, root)) {
		free(f);
		free(v);
		snprintf(err, errlen, "FAT32 root cluster %u invalid", root);
		return -EINVAL;
	}
	v->ops = &fat_ops;
	v->priv = f;
	*out = v;
	return 0;
}
