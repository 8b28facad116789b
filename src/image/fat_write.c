/* fat_write.c — puts one file into an existing directory of a FAT32 partition of a raw disk file (image try). */
/* SPDX-License-Identifier: Apache-2.0 */
#include "image/write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "image/container.h"
#include "util/macros.h"

#define FAT_EOC 0x0fffffffu
#define FAT_MASK 0x0fffffffu
#define ATTR_LFN 0x0f
#define ATTR_DIR 0x10
#define ATTR_ARCHIVE 0x20
#define FAT_MAX_CHAIN (1u << 16)   /* directory clusters followed at most */

struct fatw {
	int fd;
	uint64_t off;                  /* partition start in the file */
	uint32_t bps, spc, nfats, fatsz, root, clusters, fsinfo;
	uint64_t fat_off, data_off;    /* bytes, inside the partition */
	uint8_t *fat;                  /* the first FAT, in memory */
	char *err;
	size_t errlen;
};

/* A directory read into memory with the clusters it spans. */
struct fat_dir {
	uint8_t *data;
	uint32_t *chain;
	uint32_t n;                    /* clusters */
};

static int fw_error(struct fatw *w, int r, const char *what)
{
	snprintf(w->err, w->errlen, "FAT32: %s", what);
	return r;
}

static int fw_io(struct fatw *w, bool write, void *buf, size_t len, uint64_t off)
{
	ssize_t n = write ? pwrite(w->fd, buf, len, (off_t)(w->off + off)) : pread(w->fd, buf, len, (off_t)(w->off + off));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static uint64_t csize(const struct fatw *w) { return (uint64_t)w->bps * w->spc; }
static uint64_t cluster_off(const struct fatw *w, uint32_t c) { return w->data_off + (uint64_t)(c - 2) * csize(w); }
static bool valid(const struct fatw *w, uint32_t c) { return c >= 2 && c - 2 < w->clusters; }
static uint32_t fat_get(const struct fatw *w, uint32_t c) { return get_le32(w->fat + (size_t)c * 4) & FAT_MASK; }

static void fat_set(struct fatw *w, uint32_t c, uint32_t v)
{
	uint8_t *p = w->fat + (size_t)c * 4;
	uint32_t keep = get_le32(p) & ~FAT_MASK;
	v = (v & FAT_MASK) | keep;
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static int fw_open(struct fatw *w)
{
	uint8_t bs[512];
	int r = fw_io(w, false, bs, sizeof(bs), 0);
	if (r < 0)
		return fw_error(w, r, "cannot read the boot sector");
	w->bps = get_le16(bs + 11), w->spc = bs[13], w->nfats = bs[16];
	uint32_t reserved = get_le16(bs + 14);
	uint32_t total = get_le16(bs + 19) ? get_le16(bs + 19) : get_le32(bs + 32);
	w->fatsz = get_le32(bs + 36), w->root = get_le32(bs + 44), w->fsinfo = get_le16(bs + 48);
	if (bs[510] != 0x55 || bs[511] != 0xaa || (w->bps != 512 && w->bps != 4096) || !w->spc ||
	    (w->spc & (w->spc - 1)) || !reserved || !w->nfats || get_le16(bs + 22) || get_le16(bs + 17) || !w->fatsz)
		return fw_error(w, -EINVAL, "not a FAT32 boot sector");
	uint64_t data = (uint64_t)reserved + (uint64_t)w->nfats * w->fatsz;
	if (data >= total)
		return fw_error(w, -EINVAL, "geometry invalid");
	uint64_t clusters = (total - data) / w->spc, entries = (uint64_t)w->fatsz * w->bps / 4;
	w->clusters = (uint32_t)(clusters < entries - 2 ? clusters : entries - 2);
	w->fat_off = (uint64_t)reserved * w->bps;
	w->data_off = data * w->bps;
	if (!valid(w, w->root))
		return fw_error(w, -EINVAL, "root cluster invalid");
	w->fat = malloc((size_t)w->fatsz * w->bps);
	if (!w->fat)
		return -ENOMEM;
	r = fw_io(w, false, w->fat, (size_t)w->fatsz * w->bps, w->fat_off);
	return r < 0 ? fw_error(w, r, "cannot read the FAT") : 0;
}

static void dir_free(struct fat_dir *d)
{
	free(d->data);
	free(d->chain);
	*d = (struct fat_dir){ 0 };
}

static int dir_read(struct fatw *w, uint32_t first, struct fat_dir *d)
{
	*d = (struct fat_dir){ 0 };
	for (uint32_t c = first; c < 0x0ffffff8u; c = fat_get(w, c)) {
		if (!valid(w, c) || d->n >= FAT_MAX_CHAIN) {
			dir_free(d);
			return fw_error(w, -EIO, "broken directory cluster chain");
		}
		uint32_t *chain = realloc(d->chain, (d->n + 1) * sizeof(*chain));
		uint8_t *data = chain ? realloc(d->data, (d->n + 1) * csize(w)) : NULL;
		if (chain)
			d->chain = chain;
		if (!data) {
			dir_free(d);
			return -ENOMEM;
		}
		d->data = data;
		d->chain[d->n] = c;
		int r = fw_io(w, false, d->data + d->n * csize(w), csize(w), cluster_off(w, c));
		d->n++;
		if (r < 0) {
			dir_free(d);
			return fw_error(w, r, "cannot read a directory");
		}
	}
	return 0;
}

static uint8_t sfn_checksum(const uint8_t *name11)
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
	return sum;
}

static const uint8_t lfn_at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

/* The name of the entry at slot i: its long name (ASCII; others as '?') when the LFN
 * entries before it belong to it, else the 8.3 name. *first is the first slot of the entry. */
static void entry_name(const uint8_t *dir, size_t i, char *out, size_t *first)
{
	const uint8_t *e = dir + i * 32;
	size_t n = 0, k = i;
	uint8_t sum = sfn_checksum(e);
	for (int seq = 1; k > 0 && seq <= 20; seq++) {
		const uint8_t *l = dir + (k - 1) * 32;
		if ((l[11] & 0x3f) != ATTR_LFN || (l[0] & 0x1f) != seq || l[13] != sum || l[0] == 0xe5)
			break;
		for (int j = 0; j < 13; j++) {
			uint16_t u = get_le16(l + lfn_at[j]);
			if (u == 0 || u == 0xffff || n >= 255)
				break;
			out[n++] = u < 0x80 ? (char)u : '?';
		}
		k--;
		if (l[0] & 0x40)
			break;
	}
	if (k == i) {   /* no long name */
		for (int j = 0; j < 11; j++)
			if (e[j] != ' ') {
				if (j == 8 && n)
					out[n++] = '.';
				out[n++] = (char)e[j];
			}
	}
	out[n] = '\0';
	*first = k;
}

/* Slot of the live entry called name (case-insensitive), or -ENOENT. */
static long dir_find(const struct fatw *w, const struct fat_dir *d, const char *name, size_t *first)
{
	size_t slots = d->n * csize(w) / 32;
	for (size_t i = 0; i < slots; i++) {
		const uint8_t *e = d->data + i * 32;
		if (e[0] == 0)
			break;
		if (e[0] == 0xe5 || (e[11] & 0x3f) == ATTR_LFN || (e[11] & 0x08))
			continue;
		char got[256];
		entry_name(d->data, i, got, first);
		if (!strcasecmp(got, name))
			return (long)i;
	}
	return -ENOENT;
}

static uint32_t entry_cluster(const uint8_t *e) { return (uint32_t)get_le16(e + 20) << 16 | get_le16(e + 26); }

static int chain_free(struct fatw *w, uint32_t c)
{
	for (uint32_t steps = 0; valid(w, c); steps++) {
		if (steps > w->clusters)
			return fw_error(w, -EIO, "looping cluster chain");
		uint32_t next = fat_get(w, c);
		fat_set(w, c, 0);
		if (next >= 0x0ffffff8u)
			break;
		c = next;
	}
	return 0;
}

/* n free clusters linked into a chain (after *last when it is a cluster), first in *first. */
static int chain_alloc(struct fatw *w, uint32_t n, uint32_t last, uint32_t *first)
{
	uint32_t prev = last, got = 0;
	*first = 0;
	for (uint32_t c = 2; c - 2 < w->clusters && got < n; c++) {
		if (fat_get(w, c))
			continue;
		fat_set(w, c, FAT_EOC);
		if (prev)
			fat_set(w, prev, c);
		if (!*first)
			*first = c;
		prev = c;
		got++;
	}
	return got == n ? 0 : fw_error(w, -ENOSPC, "no free clusters");
}

/* A unique 8.3 alias for a long name: BASE~N.EXT, upper case. */
static int short_alias(const struct fatw *w, const struct fat_dir *d, const char *name, uint8_t out[11])
{
	const char *dot = strrchr(name, '.');
	size_t blen = dot ? (size_t)(dot - name) : strlen(name);
	for (unsigned num = 1; num < 100000; num++) {
		char tail[8];
		size_t tl = (size_t)snprintf(tail, sizeof(tail), "~%u", num), n = 0;
		memset(out, ' ', 11);
		for (size_t i = 0; i < blen && n < 8 - tl; i++)
			if (name[i] != ' ' && name[i] != '.')
				out[n++] = (uint8_t)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		memcpy(out + n, tail, tl);
		for (size_t i = 0; dot && dot[1 + i] && i < 3; i++)
			out[8 + i] = (uint8_t)(dot[1 + i] >= 'a' && dot[1 + i] <= 'z' ? dot[1 + i] - 32 : dot[1 + i]);
		bool clash = false;
		for (size_t i = 0; i < d->n * csize(w) / 32 && !clash; i++) {
			const uint8_t *e = d->data + i * 32;
			if (e[0] == 0)
				break;
			clash = e[0] != 0xe5 && (e[11] & 0x3f) != ATTR_LFN && !memcmp(e, out, 11);
		}
		if (!clash)
			return 0;
	}
	return fw_error((struct fatw *)w, -EEXIST, "no free 8.3 alias");
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v), put16(p + 2, v >> 16); }

/* The long-name entries (last part first, as on disk) and the 8.3 entry of name. */
static size_t make_entries(const char *name, const uint8_t alias[11], uint32_t cluster, uint32_t size, uint8_t *out)
{
	size_t len = strlen(name), nlfn = (len + 12) / 13;
	uint8_t sum = sfn_checksum(alias);
	for (size_t k = 0; k < nlfn; k++) {
		uint8_t *l = out + (nlfn - 1 - k) * 32;
		memset(l, 0, 32);
		l[0] = (uint8_t)((k + 1) | (k + 1 == nlfn ? 0x40 : 0));
		l[11] = ATTR_LFN, l[13] = sum;
		for (size_t j = 0; j < 13; j++) {
			size_t at = k * 13 + j;
			put16(l + lfn_at[j], at < len ? (uint8_t)name[at] : at == len ? 0 : 0xffff);
		}
	}
	uint8_t *e = out + nlfn * 32;
	memset(e, 0, 32);
	memcpy(e, alias, 11);
	e[11] = ATTR_ARCHIVE;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	uint32_t t = (uint32_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	uint32_t dt = (uint32_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	put16(e + 14, t), put16(e + 16, dt), put16(e + 18, dt), put16(e + 22, t), put16(e + 24, dt);
	put16(e + 20, cluster >> 16), put16(e + 26, cluster & 0xffff);
	put32(e + 28, size);
	return nlfn + 1;
}

/* A run of `want` free slots (deleted or unused), the directory grown by a zeroed cluster when needed. */
static int dir_slots(struct fatw *w, struct fat_dir *d, size_t want, size_t *at)
{
	size_t slots = d->n * csize(w) / 32, run = 0;
	for (size_t i = 0; i < slots; i++) {
		const uint8_t *e = d->data + i * 32;
		run = (e[0] == 0 || e[0] == 0xe5) ? run + 1 : 0;
		if (run == want) {
			*at = i + 1 - want;
			return 0;
		}
	}
	uint32_t c;
	int r = chain_alloc(w, 1, d->chain[d->n - 1], &c);
	if (r < 0)
		return r;
	uint32_t *chain = realloc(d->chain, (d->n + 1) * sizeof(*chain));
	uint8_t *data = chain ? realloc(d->data, (d->n + 1) * csize(w)) : NULL;
	if (chain)
		d->chain = chain;
	if (!data)
		return -ENOMEM;
	d->data = data;
	memset(d->data + d->n * csize(w), 0, csize(w));
	d->chain[d->n++] = c;
	return dir_slots(w, d, want, at);
}

/* Data, directory, both FATs, then FSInfo's free count (its next-free hint marked unknown). */
static int fw_flush(struct fatw *w, const struct fat_dir *d, const void *data, size_t len, uint32_t first)
{
	int r = 0;
	uint64_t cs = csize(w);
	_cleanup_free_ uint8_t *cbuf = calloc(1, cs);
	if (!cbuf)
		return -ENOMEM;
	for (uint32_t c = first; len && r == 0; c = fat_get(w, c)) {
		size_t n = len < cs ? len : (size_t)cs;
		memset(cbuf, 0, cs);
		memcpy(cbuf, data, n);
		r = fw_io(w, true, cbuf, cs, cluster_off(w, c));
		data = (const uint8_t *)data + n, len -= n;
	}
	for (uint32_t i = 0; i < d->n && r == 0; i++)
		r = fw_io(w, true, d->data + i * cs, cs, cluster_off(w, d->chain[i]));
	for (uint32_t i = 0; i < w->nfats && r == 0; i++)
		r = fw_io(w, true, w->fat, (size_t)w->fatsz * w->bps, w->fat_off + (uint64_t)i * w->fatsz * w->bps);
	uint8_t fsi[512];
	if (r == 0 && w->fsinfo && w->fsinfo != 0xffff && fw_io(w, false, fsi, sizeof(fsi), (uint64_t)w->fsinfo * w->bps) == 0 &&
	    get_le32(fsi) == 0x41615252u) {
		uint32_t nfree = 0;
		for (uint32_t c = 2; c - 2 < w->clusters; c++)
			nfree += !fat_get(w, c);
		put32(fsi + 488, nfree), put32(fsi + 492, 0xffffffffu);
		r = fw_io(w, true, fsi, sizeof(fsi), (uint64_t)w->fsinfo * w->bps);
	}
	if (r == 0 && fsync(w->fd) < 0)
		r = -errno;
	return r < 0 ? fw_error(w, r, "write failed") : 0;
}

/* Replace (or create) dirname/name in the directory dirname of the root. */
static int fw_put(struct fatw *w, const char *dirname, const char *name, const void *data, size_t len)
{
	struct fat_dir root, d;
	size_t first;
	int r = dir_read(w, w->root, &root);
	if (r < 0)
		return r;
	long slot = dir_find(w, &root, dirname, &first);
	uint32_t dc = slot >= 0 ? entry_cluster(root.data + slot * 32) : 0;
	bool isdir = slot >= 0 && (root.data[slot * 32 + 11] & ATTR_DIR);
	dir_free(&root);
	if (slot < 0 || !isdir)
		return fw_error(w, -ENOENT, "no such directory on partition 1");
	if ((r = dir_read(w, dc, &d)) < 0)
		return r;
	slot = dir_find(w, &d, name, &first);
	if (slot >= 0) {   /* an older file of that name: its entries deleted, its clusters freed */
		r = chain_free(w, entry_cluster(d.data + slot * 32));
		for (size_t i = first; i <= (size_t)slot; i++)
			d.data[i * 32] = 0xe5;
	}
	uint8_t alias[11], ents[21 * 32];
	uint32_t fc = 0, n = (uint32_t)((len + csize(w) - 1) / csize(w));
	size_t at = 0;
	if (r == 0)
		r = short_alias(w, &d, name, alias);
	if (r == 0 && n)
		r = chain_alloc(w, n, 0, &fc);
	size_t nent = r == 0 ? make_entries(name, alias, fc, (uint32_t)len, ents) : 0;
	if (r == 0)
		r = dir_slots(w, &d, nent, &at);
	if (r == 0) {
		memcpy(d.data + at * 32, ents, nent * 32);
		r = fw_flush(w, &d, data, len, fc);
	}
	dir_free(&d);
	return r;
}

int fat_put_file(int fd, uint64_t off, const char *dirname, const char *name, const void *data, size_t len,
		 char *err, size_t errlen)
{
	if (strlen(name) > 255 || strlen(name) == 0 || len > UINT32_MAX)
		return -EINVAL;
	struct fatw w = { .fd = fd, .off = off, .err = err, .errlen = errlen };
	int r = fw_open(&w);
	if (r == 0)
		r = fw_put(&w, dirname, name, data, len);
	free(w.fat);
	return r;
}
