/* container.c — detect a disk image's container format, open it, and read guest bytes. */
#define _GNU_SOURCE
#include "image/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "util/macros.h"

#define HEAD_LEN 65536
#define CACHE_SLOTS 8

struct map_cache {
	struct {
		uint64_t off;
		uint32_t len;
		uint8_t *data;
	} slot[CACHE_SLOTS];
	unsigned next;
};

const char *image_format_name(enum image_format f)
{
	switch (f) {
	case IMG_RAW: return "raw";
	case IMG_QCOW2: return "qcow2";
	case IMG_VHD_FIXED: return "vhd";
	case IMG_VHD_DYNAMIC: return "vhd";
	case IMG_VMDK_SPARSE: return "vmdk";
	case IMG_VMDK_DESCRIPTOR: return "vmdk";
	case IMG_UNSUPPORTED: return "unsupported";
	}
	return "?";
}

static bool has(const uint8_t *p, size_t len, size_t at, const char *magic, size_t mlen)
{
	return len >= at + mlen && memcmp(p + at, magic, mlen) == 0;
}

enum image_format image_detect(const uint8_t *head, size_t head_len, const uint8_t *tail512,
			       uint64_t file_size, const char **what)
{
	static const struct {
		size_t at;
		const char *magic;
		size_t len;
		const char *name;
	} others[] = {
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
	*what = NULL;
	if (has(head, head_len, 0, "QFI\xfb", 4)) {
		if (head_len >= 8 && get_be32(head + 4) < 2) {
			*what = "qcow version 1";
			return IMG_UNSUPPORTED;
		}
		return IMG_QCOW2;
	}
	if (has(head, head_len, 0, "KDMV", 4))
		return IMG_VMDK_SPARSE;
	if (has(head, head_len, 0, "# Disk DescriptorFile", 21))
		return IMG_VMDK_DESCRIPTOR;
	for (size_t i = 0; i < ARRAY_SIZE(others); i++)
		if (has(head, head_len, others[i].at, others[i].magic, others[i].len)) {
			*what = others[i].name;
			return IMG_UNSUPPORTED;
		}
	if (file_size >= 512 && tail512) {
		if (memcmp(tail512, "conectix", 8) == 0) {
			/* dynamic disks also carry a copy of the footer at offset 0 */
			if (has(head, head_len, 0, "conectix", 8))
				return IMG_VHD_DYNAMIC;
			return get_be32(tail512 + 60) == 2 ? IMG_VHD_FIXED : IMG_VHD_DYNAMIC;
		}
		if (memcmp(tail512, "koly", 4) == 0) {
			*what = "Apple disk image (DMG)";
			return IMG_UNSUPPORTED;
		}
	}
	/* a dynamic VHD whose footer at the end is damaged still has its copy at offset 0 */
	if (has(head, head_len, 0, "conectix", 8))
		return IMG_VHD_DYNAMIC;
	return IMG_RAW;
}

int image_host_read(struct image *img, void *buf, size_t len, uint64_t off)
{
	if (off > img->file_size || len > img->file_size - off)
		return -EIO;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(img->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negerrno();
		}
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

int image_cached_table(struct image *img, uint64_t off, uint32_t len, const uint8_t **table)
{
	if (!img->cache) {
		img->cache = calloc(1, sizeof(*img->cache));
		if (!img->cache)
			return -ENOMEM;
	}
	struct map_cache *c = img->cache;
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].data && c->slot[i].off == off && c->slot[i].len == len) {
			*table = c->slot[i].data;
			return 0;
		}
	unsigned s = c->next++ % CACHE_SLOTS;
	uint8_t *data = realloc(c->slot[s].data, len);
	if (!data)
		return -ENOMEM;
	c->slot[s].data = data;
	c->slot[s].len = 0;
	int r = image_host_read(img, data, len, off);
	if (r < 0)
		return r;
	c->slot[s].off = off;
	c->slot[s].len = len;
	*table = data;
	return 0;
}

static int vmdk_descriptor_open(struct image *img, const uint8_t *head, size_t head_len,
				char *err, size_t errlen)
{
	uint64_t sectors;
	if (vmdk_descriptor_sectors((const char *)head, head_len, &sectors) < 0) {
		snprintf(err, errlen, "VMDK descriptor names no extents");
		return -EINVAL;
	}
	img->virtual_size = sectors * 512;
	img->detail = "descriptor";
	snprintf(img->why_unreadable, sizeof(img->why_unreadable),
		 "the VMDK is a text descriptor with separate extent files, which this reader does not open");
	return 0;
}

int image_open(const char *path, struct image *img, char *err, size_t errlen)
{
	*img = (struct image)IMAGE_INIT;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int r = negerrno();
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(-r));
		return r;
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return negerrno();
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory (use --root DIR for an unpacked tree)", path);
		return -EISDIR;
	}
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		return negerrno();
	img->fd = fd;
	img->file_size = (uint64_t)end;

	_cleanup_free_ uint8_t *head = calloc(1, HEAD_LEN);
	uint8_t tail[512] = { 0 };
	if (!head)
		return -ENOMEM;
	size_t head_len = img->file_size < HEAD_LEN ? (size_t)img->file_size : HEAD_LEN;
	int r = image_host_read(img, head, head_len, 0);
	if (r == 0 && img->file_size >= 512)
		r = image_host_read(img, tail, 512, img->file_size - 512);
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		img->fd = -1;
		return r;
	}
	const char *what;
	img->format = image_detect(head, head_len, img->file_size >= 512 ? tail : NULL,
				   img->file_size, &what);
	switch (img->format) {
	case IMG_RAW:
		img->virtual_size = img->file_size;
		img->readable = true;
		break;
	case IMG_QCOW2:
		r = qcow2_open(img, head, head_len, err, errlen);
		break;
	case IMG_VHD_FIXED:
	case IMG_VHD_DYNAMIC:
		/* the footer at the end; a dynamic disk's copy at offset 0 when the end is damaged */
		r = vhd_open(img, memcmp(tail, "conectix", 8) == 0 ? tail : head, err, errlen);
		break;
	case IMG_VMDK_SPARSE:
		r = vmdk_open(img, head, head_len, err, errlen);
		break;
	case IMG_VMDK_DESCRIPTOR:
		r = vmdk_descriptor_open(img, head, head_len, err, errlen);
		break;
	case IMG_UNSUPPORTED:
		img->detail = what;
		break;
	}
	if (r < 0) {
		img->fd = -1;
		image_close(img);
		img->fd = -1;
		return r;
	}
	TAKE_FD(fd);
	return 0;
}

void image_close(struct image *img)
{
	if (!img)
		return;
	if (img->fd >= 0)
		close(img->fd);
	free(img->l1);
	free(img->backing_file);
	free(img->unit_buf);
	if (img->cache) {
		for (unsigned i = 0; i < CACHE_SLOTS; i++)
			free(img->cache->slot[i].data);
		free(img->cache);
	}
	*img = (struct image)IMAGE_INIT;
}

int image_pread(struct image *img, void *buf, size_t len, uint64_t off)
{
	if (off > img->virtual_size || len > img->virtual_size - off)
		return -EINVAL;
	if (!img->readable)
		return -ENOTSUP;
	int (*map)(struct image *, uint64_t, uint64_t *, uint64_t *, const uint8_t **);
	switch (img->format) {
	case IMG_RAW:
	case IMG_VHD_FIXED: return image_host_read(img, buf, len, off);
	case IMG_QCOW2: map = qcow2_map; break;
	case IMG_VHD_DYNAMIC: map = vhd_map; break;
	case IMG_VMDK_SPARSE: map = vmdk_map; break;
	default: return -ENOTSUP;
	}
	uint8_t *p = buf;
	while (len) {
		uint64_t host, unit;
		const uint8_t *data = NULL;
		int r = map(img, off, &host, &unit, &data);
		if (r < 0)
			return r;
		uint64_t in = off % unit;
		size_t n = (size_t)(unit - in < len ? unit - in : len);
		if (data)
			memcpy(p, data + in, n);
		else if (host)
			r = image_host_read(img, p, n, host + in);
		else
			memset(p, 0, n);
		if (r < 0)
			return r;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int image_inflate(struct image *img, uint64_t off, size_t comp_len, bool raw, size_t out_len,
		  const uint8_t **out)
{
	if (img->unit_buf && img->unit_key == off + 1) {
		*out = img->unit_buf;
		return 0;
	}
	if (comp_len > out_len + 4096 + out_len / 8)   /* deflate never grows data that much */
		return -EIO;
	_cleanup_free_ uint8_t *in = malloc(comp_len ? comp_len : 1);
	uint8_t *dst = realloc(img->unit_buf, out_len);
	if (!in || !dst)
		return -ENOMEM;
	img->unit_buf = dst;
	img->unit_key = 0;
	/* a compressed qcow2 cluster may end short of its last sector at the end of the file */
	if (off < img->file_size && comp_len > img->file_size - off)
		comp_len = (size_t)(img->file_size - off);
	int r = image_host_read(img, in, comp_len, off);
	if (r < 0)
		return r;
	z_stream z = { .next_in = in, .avail_in = (uInt)comp_len, .next_out = dst, .avail_out = (uInt)out_len };
	if (inflateInit2(&z, raw ? -15 : 15) != Z_OK)
		return -ENOMEM;
	int zr = inflate(&z, Z_FINISH);
	size_t got = out_len - z.avail_out;
	inflateEnd(&z);
	if ((zr != Z_STREAM_END && zr != Z_BUF_ERROR && zr != Z_OK) || got != out_len)
		return -EIO;
	img->unit_key = off + 1;
	*out = dst;
	return 0;
}

int image_load_table32(struct image *img, uint64_t off, uint64_t n, bool big_endian)
{
	_cleanup_free_ uint8_t *raw = malloc(n ? n * 4 : 1);
	free(img->l1);
	img->l1 = calloc(n ? n : 1, sizeof(uint64_t));
	if (!raw || !img->l1)
		return -ENOMEM;
	if (image_host_read(img, raw, n * 4, off) < 0)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++)
		img->l1[i] = big_endian ? get_be32(raw + i * 4) : get_le32(raw + i * 4);
	img->l1_entries = n;
	return 0;
}
