/* lvm.c — LVM2 on disk: PV labels, metadata areas, volume groups, linear volumes as images. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/lvm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "image/format.h"
#include "image/lvm_meta.h"
#include "util/macros.h"

#define LVM_CRC_INIT 0xf597a6cfu
#define MDA_HEADER 512
#define MAX_VGS 8
static const char mda_magic[16] = " LVM2 x[5A%r0N*>";

/* LVM's checksum: CRC-32 from LVM_CRC_INIT without the final inversion zlib applies. */
static uint32_t lvm_crc(uint32_t crc, const uint8_t *p, size_t len)
{
	return ~(uint32_t)crc32(~crc & 0xffffffffu, p, (uInt)len);
}

int lvm_parse_label(const uint8_t *head, size_t len, struct lvm_label *out, char *err, size_t errlen)
{
	for (size_t s = 0; s < 4 && (s + 1) * 512 <= len; s++) {
		const uint8_t *l = head + s * 512;
		if (memcmp(l, "LABELONE", 8) != 0)
			continue;
		uint32_t pvh = get_le32(l + 20);
		if (get_le64(l + 8) != s || memcmp(l + 24, "LVM2 001", 8) != 0 || pvh < 32 || pvh > 512 - 72 ||
		    lvm_crc(LVM_CRC_INIT, l + 20, 512 - 20) != get_le32(l + 16)) {
			snprintf(err, errlen, "LVM label in sector %zu is damaged (type, offset or checksum)", s);
			return -EINVAL;
		}
		const uint8_t *h = l + pvh;
		struct lvm_label lb = { .dev_size = get_le64(h + 32) };
		memcpy(lb.uuid, h, 32);
		/* data areas, then metadata areas, each list ended by a zero entry */
		size_t a = pvh + 40;
		while (a + 16 <= 512 && (get_le64(l + a) || get_le64(l + a + 8)))
			a += 16;
		for (a += 16; a + 16 <= 512 && get_le64(l + a); a += 16)
			if (!lb.mda_off) {
				lb.mda_off = get_le64(l + a);
				lb.mda_size = get_le64(l + a + 8);
			}
		if (!lb.mda_off || lb.mda_size < 2 * MDA_HEADER) {
			snprintf(err, errlen, "LVM physical volume %.32s has no metadata area", lb.uuid);
			return -ENOENT;
		}
		*out = lb;
		return 0;
	}
	snprintf(err, errlen, "no LVM label");
	return -ENOENT;
}

int lvm_parse_mda_header(const uint8_t *h, uint64_t mda_off, uint64_t mda_size, struct lvm_mda *out, char *err,
			 size_t errlen)
{
	if (memcmp(h + 4, mda_magic, 16) != 0 || get_le32(h + 20) != 1 || get_le64(h + 24) != mda_off ||
	    lvm_crc(LVM_CRC_INIT, h + 4, MDA_HEADER - 4) != get_le32(h)) {
		snprintf(err, errlen, "LVM metadata area header is damaged (magic, version, place or checksum)");
		return -EINVAL;
	}
	uint64_t off = get_le64(h + 40), size = get_le64(h + 48);
	if (off < MDA_HEADER || off >= mda_size || !size || size > mda_size - MDA_HEADER ||
	    size > LVM_MAX_TEXT) {
		snprintf(err, errlen, "LVM metadata area holds no text of a usable size");
		return -EINVAL;
	}
	*out = (struct lvm_mda){ off, size, get_le32(h + 56) };
	return 0;
}

/* --- reading the metadata of one physical volume ------------------------------------------- */

struct pv_dev {
	char uuid[33];
	uint64_t off, size;          /* bytes of the disk */
	int part_idx;
};

/* The text of the circular buffer: [off, end) then, wrapped, from byte 512 on. */
static int read_text(struct image *img, uint64_t base, const struct lvm_label *lb, const struct lvm_mda *m,
		     char **out)
{
	char *t = malloc(m->text_size + 1);
	if (!t)
		return -ENOMEM;
	uint64_t first = m->text_off + m->text_size <= lb->mda_size ? m->text_size : lb->mda_size - m->text_off;
	int r = image_pread(img, t, first, base + lb->mda_off + m->text_off);
	if (r == 0 && first < m->text_size)
		r = image_pread(img, t + first, m->text_size - first, base + lb->mda_off + MDA_HEADER);
	if (r == 0 && lvm_crc(LVM_CRC_INIT, (uint8_t *)t, m->text_size) != m->checksum)
		r = -EBADMSG;
	if (r < 0) {
		free(t);
		return r;
	}
	t[m->text_size] = '\0';
	*out = t;
	return 0;
}

static int read_pv(struct image *img, uint64_t off, uint64_t size, struct pv_dev *dev, struct lvm_vg *vg, char *err,
		   size_t errlen)
{
	uint8_t head[2048], mh[MDA_HEADER];
	struct lvm_label lb;
	struct lvm_mda m;
	if (size < sizeof(head) || image_pread(img, head, sizeof(head), off) < 0) {
		snprintf(err, errlen, "cannot read the LVM label");
		return -EIO;
	}
	int r = lvm_parse_label(head, sizeof(head), &lb, err, errlen);
	if (r < 0)
		return r;
	if (lb.mda_off > size || lb.mda_size > size - lb.mda_off) {
		snprintf(err, errlen, "LVM metadata area of %.32s lies beyond its partition", lb.uuid);
		return -EINVAL;
	}
	if ((r = image_pread(img, mh, sizeof(mh), off + lb.mda_off)) < 0 ||
	    (r = lvm_parse_mda_header(mh, lb.mda_off, lb.mda_size, &m, err, errlen)) < 0)
		return r;
	_cleanup_free_ char *text = NULL;
	r = read_text(img, off, &lb, &m, &text);
	if (r < 0) {
		snprintf(err, errlen, "cannot read the LVM metadata of %.32s: %s", lb.uuid,
			 r == -EBADMSG ? "checksum mismatch" : strerror(-r));
		return r;
	}
	r = lvm_parse_metadata(text, m.text_size, vg, err, errlen);
	if (r < 0)
		return r;
	*dev = (struct pv_dev){ .off = off, .size = size };
	memcpy(dev->uuid, lb.uuid, sizeof(dev->uuid));
	return 0;
}

/* --- a linear logical volume as an image ---------------------------------------------------- */

struct lv_map {
	struct image *disk;
	uint64_t size;
	int n;
	struct {
		uint64_t lv_off, len, disk_off;
	} seg[LVM_MAX_SEGS];
};

static int lv_map_extent(void *state, const struct image *img, uint64_t off, struct image_extent *x)
{
	(void)img;
	struct lv_map *m = state;
	for (int i = 0; i < m->n; i++) {
		if (off < m->seg[i].lv_off || off - m->seg[i].lv_off >= m->seg[i].len)
			continue;
		uint64_t in = off - m->seg[i].lv_off;
		struct image *d = m->disk;
		int r = d->fmt->map(d->state, d, m->seg[i].disk_off + in, x);
		if (r == 0 && x->len > m->seg[i].len - in)
			x->len = m->seg[i].len - in;
		return r;
	}
	return -EIO;
}

static uint64_t lv_map_size(const void *state)
{
	return ((const struct lv_map *)state)->size;
}

static void lv_map_close(void *state)
{
	free(state);
}

static const struct image_format image_format_lv = {
	.name = "lvm", .map = lv_map_extent, .virtual_size = lv_map_size, .close = lv_map_close,
};

static const struct pv_dev *find_dev(const struct pv_dev *devs, int n, const char *uuid)
{
	for (int i = 0; i < n; i++)
		if (streq(devs[i].uuid, uuid))
			return &devs[i];
	return NULL;
}

/* The extents of lv as segments over the disk; 0, or the reason in why. */
static int map_lv(const struct lvm_vg *vg, const struct lvm_lv *lv, const struct pv_dev *devs, int ndevs,
		  struct lv_map *m, int *part_idx, char *why, size_t len)
{
	uint64_t ext = vg->extent_size * 512, next = 0;
	if (!lv->nsegs)
		return snprintf(why, len, "it has no segments"), -EINVAL;
	for (int i = 0; i < lv->nsegs; i++) {
		const struct lvm_seg *s = &lv->segs[i];
		if (!lvm_seg_linear(s))
			return snprintf(why, len, "segment type %s%s is not read (only linear volumes are)", s->type,
					streq(s->type, "striped") ? " with several stripes" : ""), -ENOTSUP;
		const struct lvm_pv *pv = s->pv >= 0 ? &vg->pvs[s->pv] : NULL;
		const struct pv_dev *d = pv ? find_dev(devs, ndevs, pv->id) : NULL;
		if (!d)
			return snprintf(why, len, "its physical volume %s is not in the image", pv ? pv->name : "?"), -ENOENT;
		if (s->start_extent != next || !s->extent_count || s->extent_count > (UINT64_MAX >> 20) / ext ||
		    s->pe > pv->pe_count || s->extent_count > pv->pe_count - s->pe || pv->pe_start > d->size / 512 ||
		    (s->pe + s->extent_count) * ext > d->size - pv->pe_start * 512)
			return snprintf(why, len, "segment %d lies outside its physical volume or leaves a gap", i + 1),
			       -EINVAL;
		m->seg[m->n].lv_off = next * ext;
		m->seg[m->n].len = s->extent_count * ext;
		m->seg[m->n].disk_off = d->off + pv->pe_start * 512 + s->pe * ext;
		if (!m->n)
			*part_idx = d->part_idx;
		m->n++;
		next += s->extent_count;
	}
	m->size = next * ext;
	return 0;
}

static int open_volume(struct image *disk, const struct lvm_vg *vg, const struct lvm_lv *lv, const struct pv_dev *devs,
		       int ndevs, struct lvm_volume *v)
{
	*v = (struct lvm_volume){ .img = IMAGE_INIT, .part_idx = -1 };
	snprintf(v->vg, sizeof(v->vg), "%s", vg->name);
	snprintf(v->lv, sizeof(v->lv), "%s", lv->name);
	snprintf(v->name, sizeof(v->name), "%s/%s", vg->name, lv->name);
	struct lv_map *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->disk = disk;
	for (int i = 0; i < vg->npvs && v->part_idx < 0; i++) {   /* where the group is, for messages */
		const struct pv_dev *d = find_dev(devs, ndevs, vg->pvs[i].id);
		v->part_idx = d ? d->part_idx : -1;
	}
	if (map_lv(vg, lv, devs, ndevs, m, &v->part_idx, v->why, sizeof(v->why)) < 0) {
		free(m);
		return 0;
	}
	int fd = dup(disk->fd);
	if (fd < 0) {
		free(m);
		snprintf(v->why, sizeof(v->why), "cannot duplicate the image's descriptor: %s", strerror(errno));
		return 0;
	}
	v->img = (struct image){ .fd = fd, .format = disk->format, .file_size = disk->file_size,
				 .virtual_size = m->size, .detail = disk->detail, .readable = true,
				 .fmt = &image_format_lv, .state = m };
	v->readable = true;
	v->info.size = m->size;
	snprintf(v->info.type, sizeof(v->info.type), "lvm");
	disk_probe_volume(&v->img, &v->info);
	return 0;
}

/* --- scanning ------------------------------------------------------------------------------- */

struct scan {
	struct pv_dev devs[LVM_MAX_PVS * 2];
	int ndevs;
	struct lvm_vg vgs[MAX_VGS];
	int nvgs;
};

static void add_pv(struct image *img, struct scan *s, uint64_t off, uint64_t size, int part_idx, struct lvm *out)
{
	struct lvm_vg vg;
	struct pv_dev dev;
	char err[sizeof(out->err)];
	if (s->ndevs == (int)ARRAY_SIZE(s->devs))
		return;
	if (read_pv(img, off, size, &dev, &vg, err, sizeof(err)) < 0) {
		if (!out->err[0])
			snprintf(out->err, sizeof(out->err), "%s", err);
		return;
	}
	dev.part_idx = part_idx;
	s->devs[s->ndevs++] = dev;
	out->npvs++;
	for (int i = 0; i < s->nvgs; i++)
		if (streq(s->vgs[i].id, vg.id)) {
			if (vg.seqno > s->vgs[i].seqno) {
				lvm_vg_free(&s->vgs[i]);
				s->vgs[i] = vg;
			} else {
				lvm_vg_free(&vg);
			}
			return;
		}
	if (s->nvgs < MAX_VGS)
		s->vgs[s->nvgs++] = vg;
	else
		lvm_vg_free(&vg);
}

static int make_volumes(struct image *img, struct scan *s, struct lvm *out)
{
	int n = 0;
	for (int i = 0; i < s->nvgs; i++)
		for (int j = 0; j < s->vgs[i].nlvs; j++)
			n += s->vgs[i].lvs[j].visible;
	if (n > LVM_MAX_VOLUMES)
		n = LVM_MAX_VOLUMES;
	out->vols = calloc((size_t)(n ? n : 1), sizeof(*out->vols));
	if (!out->vols)
		return -ENOMEM;
	for (int i = 0; i < s->nvgs; i++)
		for (int j = 0; j < s->vgs[i].nlvs && out->nvols < n; j++) {
			if (!s->vgs[i].lvs[j].visible)
				continue;
			int r = open_volume(img, &s->vgs[i], &s->vgs[i].lvs[j], s->devs, s->ndevs, &out->vols[out->nvols]);
			if (r < 0)
				return r;
			out->nvols++;
		}
	return 0;
}

int lvm_scan(struct image *img, const struct disk *d, struct lvm *out)
{
	*out = (struct lvm){ 0 };
	struct scan *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (!d->pttype[0] && streq(d->whole_fstype, "LVM2_member"))
		add_pv(img, s, 0, img->virtual_size, -1, out);
	for (int i = 0; i < d->nparts; i++)
		if (streq(d->parts[i].fstype, "LVM2_member") && d->parts[i].start + d->parts[i].size <= img->virtual_size)
			add_pv(img, s, d->parts[i].start, d->parts[i].size, i, out);
	int r = make_volumes(img, s, out);
	for (int i = 0; i < s->nvgs; i++)
		lvm_vg_free(&s->vgs[i]);
	free(s);
	if (r < 0)
		lvm_free(out);
	return r;
}

void lvm_free(struct lvm *l)
{
	if (!l)
		return;
	for (int i = 0; l->vols && i < l->nvols; i++)
		image_close(&l->vols[i].img);
	free(l->vols);
	*l = (struct lvm){ 0 };
}
