/* container.c — detect a disk image's format from the table, open it, and read guest bytes. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "image/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/format.h"
#include "util/macros.h"

const char *image_format_name(enum image_kind k)
{
	for (size_t i = 0; i < image_formats_count; i++)
		if ((unsigned)k < IMG_KINDS && image_formats[i]->kinds & 1u << k)
			return image_formats[i]->name;
	return "?";
}

/* The format whose detect is surest (raw matches anything), its match in *m. */
static const struct image_format *image_pick(const struct image_probe *p, struct image_match *m)
{
	const struct image_format *best = NULL;
	int best_conf = IMAGE_NO;
	for (size_t i = 0; i < image_formats_count; i++) {
		struct image_match cand = { .kind = IMG_RAW };
		int c = image_formats[i]->detect(p, &cand);
		if (c > best_conf) {
			best = image_formats[i];
			best_conf = c;
			*m = cand;
		}
	}
	return best;
}

enum image_kind image_detect(const uint8_t *head, size_t head_len, const uint8_t *tail512,
			     uint64_t file_size, const char **what)
{
	struct image_probe p = { head, head_len, file_size >= 512 ? tail512 : NULL, file_size };
	struct image_match m = { .kind = IMG_RAW };
	image_pick(&p, &m);
	*what = m.what;
	return m.kind;
}

/* The first bytes and the last 512 of the open file. */
static int read_probe(struct image *img, uint8_t *head, uint8_t *tail, struct image_probe *p)
{
	size_t head_len = img->file_size < IMAGE_HEAD_LEN ? (size_t)img->file_size : IMAGE_HEAD_LEN;
	int r = image_host_read(img, head, head_len, 0);
	if (r == 0 && img->file_size >= 512)
		r = image_host_read(img, tail, 512, img->file_size - 512);
	*p = (struct image_probe){ head, head_len, img->file_size >= 512 ? tail : NULL, img->file_size };
	return r;
}

/* Parse the container of the open file img->fd with the format the table picks. */
static int open_format(struct image *img, const struct image_probe *p, char *err, size_t errlen)
{
	struct image_match m = { .kind = IMG_RAW };
	const struct image_format *f = image_pick(p, &m);
	if (!f) {
		snprintf(err, errlen, "no image format matches");
		return -EINVAL;
	}
	void *state = NULL;
	int r = f->open(img, p, &m, &state, err, errlen);
	if (r < 0)
		return r;
	img->fmt = f;
	img->state = state;
	img->format = m.kind;
	img->virtual_size = f->virtual_size(state);
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

	_cleanup_free_ uint8_t *head = calloc(1, IMAGE_HEAD_LEN);
	uint8_t tail[512] = { 0 };
	if (!head)
		return -ENOMEM;
	struct image_probe p;
	int r = read_probe(img, head, tail, &p);
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		img->fd = -1;
		return r;
	}
	r = open_format(img, &p, err, errlen);
	if (r < 0) {
		img->fd = -1;   /* closed by the cleanup */
		image_close(img);
		return r;
	}
	TAKE_FD(fd);
	return 0;
}

void image_close(struct image *img)
{
	if (!img)
		return;
	if (img->fmt)
		img->fmt->close(img->state);
	if (img->fd >= 0)
		close(img->fd);
	free(img->backing_file);
	*img = (struct image)IMAGE_INIT;
}

int image_pread(struct image *img, void *buf, size_t len, uint64_t off)
{
	if (off > img->virtual_size || len > img->virtual_size - off)
		return -EINVAL;
	if (!img->readable || !img->fmt)
		return -ENOTSUP;
	uint8_t *p = buf;
	while (len) {
		struct image_extent x = { 0 };
		int r = img->fmt->map(img->state, img, off, &x);
		if (r < 0)
			return r;
		if (!x.len)
			return -EIO;
		size_t n = (size_t)(x.len < len ? x.len : len);
		if (x.data)
			memcpy(p, x.data, n);
		else if (x.zero)
			memset(p, 0, n);
		else if ((r = image_host_read(img, p, n, x.host)) < 0)
			return r;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

bool image_flat(struct image *img)
{
	struct image_extent x = { 0 };
	return img->readable && img->fmt && img->virtual_size &&
	       img->fmt->map(img->state, img, 0, &x) == 0 && !x.data && !x.zero && x.host == 0 &&
	       x.len >= img->virtual_size;
}
