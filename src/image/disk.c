/* disk.c — an image's partitions and file-system types via libblkid (no loop, no mount). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/disk.h"

#include <blkid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/format.h"
#include "sys/anonfile.h"
#include "util/macros.h"

#define AREA (1u << 20)
#define VOLUME_AREA (256u << 10)   /* XFS, ext, btrfs (64 KiB) superblocks and more lie in it */
#define MAX_ROUNDS 16

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* Copy guest bytes [off, off+len) (clipped to the disk) into the anonymous-file view. */
static int copy_area(struct image *img, int view, uint64_t off, uint64_t len)
{
	static uint8_t chunk[65536];
	if (off >= img->virtual_size)
		return 0;
	if (len > img->virtual_size - off)
		len = img->virtual_size - off;
	while (len) {
		size_t n = len < sizeof(chunk) ? (size_t)len : sizeof(chunk);
		struct image_extent x = { 0 };
		int r = img->fmt->map(img->state, img, off, &x);
		if (r == 0 && x.zero && x.len) {   /* unallocated: the view reads zeros already */
			uint64_t skip = x.len < len ? x.len : len;
			off += skip;
			len -= skip;
			continue;
		}
		r = image_pread(img, chunk, n, off);
		if (r < 0)
			return r;
		bool zero = chunk[0] == 0 && memcmp(chunk, chunk + 1, n - 1) == 0;
		if (!zero && pwrite(view, chunk, n, (off_t)off) != (ssize_t)n)
			return negerrno();
		off += n;
		len -= n;
	}
	return 0;
}

/* libblkid reads a FAT32 label from the root directory, which may lie beyond the first MiB. */
static int copy_fat32_root(struct image *img, int view, const struct partition *p)
{
	uint8_t bs[512];
	if (p->size < 1024 || image_pread(img, bs, sizeof(bs), p->start) < 0 ||
	    bs[510] != 0x55 || bs[511] != 0xaa || memcmp(bs + 82, "FAT32   ", 8) != 0)
		return 0;
	uint64_t bps = get_le16(bs + 11), spc = bs[13];
	uint64_t data = (get_le16(bs + 14) + (uint64_t)bs[16] * get_le32(bs + 36)) * bps;
	uint32_t root = get_le32(bs + 44);
	if (root < 2 || !bps || !spc)
		return 0;
	uint64_t off = data + (root - 2) * bps * spc;
	if (off >= p->size)
		return 0;
	return copy_area(img, view, p->start + off, bps * spc < 65536 ? 65536 : bps * spc);
}

static int copy_partition_areas(struct image *img, int view, const struct disk *d)
{
	for (int i = 0; i < d->nparts; i++) {
		const struct partition *p = &d->parts[i];
		uint64_t s = p->start > AREA ? p->start - AREA : 0;
		uint64_t e = p->start + p->size;
		int r = copy_area(img, view, s, 2 * AREA);   /* EBR before, superblocks after */
		if (r == 0)
			r = copy_area(img, view, e > AREA ? e - AREA : 0, 2 * AREA);   /* next EBR */
		if (r == 0)
			r = copy_fat32_root(img, view, p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int probe_table(int fd, uint64_t size, struct disk *d)
{
	blkid_probe pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	int r = -EIO;
	if (blkid_probe_set_device(pr, fd, 0, (blkid_loff_t)size) < 0)
		goto out;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	free(d->parts);
	d->parts = NULL;
	d->nparts = 0;
	d->pttype[0] = d->ptuuid[0] = '\0';
	if (blkid_do_fullprobe(pr) < 0)
		goto out;
	blkid_partlist ls = blkid_probe_get_partitions(pr);
	blkid_parttable tab = ls ? blkid_partlist_get_table(ls) : NULL;
	if (tab) {
		copy_str(d->pttype, sizeof(d->pttype), blkid_parttable_get_type(tab));
		copy_str(d->ptuuid, sizeof(d->ptuuid), blkid_parttable_get_id(tab));
	}
	int n = ls ? blkid_partlist_numof_partitions(ls) : 0;
	if (n > 0) {
		d->parts = calloc((size_t)n, sizeof(*d->parts));
		if (!d->parts) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);
		struct partition *p = &d->parts[d->nparts];
		blkid_loff_t start = blkid_partition_get_start(par), len = blkid_partition_get_size(par);
		if (!par || start < 0 || len < 0)
			continue;
		p->number = blkid_partition_get_partno(par);
		p->start = (uint64_t)start * 512;
		p->size = (uint64_t)len * 512;
		p->extended = blkid_partition_is_extended(par);
		if (blkid_partition_get_type_string(par))
			copy_str(p->type, sizeof(p->type), blkid_partition_get_type_string(par));
		else
			snprintf(p->type, sizeof(p->type), "0x%02x", (unsigned)blkid_partition_get_type(par));
		copy_str(p->partuuid, sizeof(p->partuuid), blkid_partition_get_uuid(par));
		copy_str(p->partname, sizeof(p->partname), blkid_partition_get_name(par));
		d->nparts++;
	}
	r = 0;
out:
	blkid_free_probe(pr);
	return r;
}

/* ZFS's probe reads four 256 KiB labels of every partition (2 MiB of the raw image's 2.8): a
 * ZFS root is no Customized Linux system disk and shows as "no file system we read" instead. */
static const char *const no_probe[] = { "zfs_member", NULL };

/* Superblock probe of [off, off+size) of fd: TYPE, VERSION, UUID, LABEL. */
static void probe_fs(int fd, uint64_t off, uint64_t size, char *type, char *version, char *uuid,
		     char *label)
{
	blkid_probe pr = blkid_new_probe();
	if (!pr)
		return;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off, (blkid_loff_t)size) == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_VERSION |
							      BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
		blkid_probe_enable_partitions(pr, 0);
		blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN, (char **)no_probe);
		int r = blkid_do_safeprobe(pr);
		const char *v;
		if (r == -2) {
			snprintf(type, 24, "ambivalent");
		} else if (r == 0) {
			if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
				snprintf(type, 24, "%s", v);
			if (version && blkid_probe_lookup_value(pr, "VERSION", &v, NULL) == 0)
				snprintf(version, 24, "%s", v);
			if (uuid && blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
				snprintf(uuid, 40, "%s", v);
			if (label && blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
				snprintf(label, 80, "%s", v);
		}
	}
	blkid_free_probe(pr);
}

int disk_probe(struct image *img, struct disk *d, char *err, size_t errlen)
{
	*d = (struct disk){ 0 };
	if (!img->readable) {
		snprintf(err, errlen, "%s", img->why_unreadable);
		return -ENOTSUP;
	}
	int fd = img->fd;
	_cleanup_close_ int view = -1;
	int r;
	if (!image_flat(img)) {
		view = anon_file("osconf-image-view");
		r = view < 0 ? view : ftruncate(view, (off_t)img->virtual_size) < 0 ? negerrno() : 0;
		if (r < 0) {
			snprintf(err, errlen, "cannot create an in-memory view: %s", strerror(-r));
			return r;
		}
		fd = view;
		d->copied_view = true;
		r = copy_area(img, view, 0, AREA);
		if (r == 0 && img->virtual_size > AREA)
			r = copy_area(img, view, img->virtual_size - AREA, AREA);
		if (r < 0)
			goto read_error;
	}
	int last = -1;
	for (int round = 0; round < MAX_ROUNDS; round++) {
		r = probe_table(fd, img->virtual_size, d);
		if (r < 0) {
			snprintf(err, errlen, "libblkid could not probe the partition table");
			return r;
		}
		if (view < 0 || d->nparts == last)
			break;
		last = d->nparts;
		r = copy_partition_areas(img, view, d);
		if (r < 0)
			goto read_error;
	}
	if (!d->pttype[0])
		probe_fs(fd, 0, img->virtual_size, d->whole_fstype, NULL, NULL, NULL);
	for (int i = 0; i < d->nparts; i++) {
		struct partition *p = &d->parts[i];
		if (p->extended || p->start + p->size > img->virtual_size)
			continue;
		probe_fs(fd, p->start, p->size, p->fstype, p->fsversion, p->uuid, p->label);
	}
	return 0;
read_error:
	snprintf(err, errlen, "cannot read the image through its %s block map: %s",
		 image_format_name(img->format), strerror(-r));
	return r;
}

int disk_probe_volume(struct image *img, struct partition *p)
{
	_cleanup_close_ int view = anon_file("osconf-volume-view");
	int r = view < 0 ? view : ftruncate(view, (off_t)img->virtual_size) < 0 ? negerrno() : 0;
	if (r == 0)
		r = copy_area(img, view, 0, VOLUME_AREA);
	if (r < 0)
		return r;
	probe_fs(view, 0, img->virtual_size, p->fstype, p->fsversion, p->uuid, p->label);
	return 0;
}

void disk_free(struct disk *d)
{
	if (!d)
		return;
	free(d->parts);
	*d = (struct disk){ 0 };
}
