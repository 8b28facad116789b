/* fuzz_image.c — libFuzzer target: input bytes as a disk image through `image check`: container,
 * partition table, file systems, ELF reader, every check, text and JSON reports; and the same
 * bytes as an initramfs (cpio newc, compressed or not) and as a partition's first bytes (locate's probe). */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "image/checks.h"
#include "image/inspect.h"
#include "image/report.h"
#include "locate/sniff.h"
#include "sys/anonfile.h"
#include "tree/initramfs.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes as a file with no name: image_open() takes a path, /proc/self/fd/N names it. */
static int image_file(const uint8_t *data, size_t size)
{
	int fd = anon_file("fuzz-image");
	if (fd < 0)
		return -1;
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return fd;
}

static int count_name(const char *name, void *userdata)
{
	*(size_t *)userdata += name[0] != '\0';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the same bytes as an initramfs (the drivers check reads one inside an image) */
	struct initramfs_info info;
	char err[160];
	size_t names = 0;
	initramfs_scan(data, size, count_name, &names, &info, err, sizeof(err));
	/* and as a partition's first bytes at boot (locate's probe of FAT and ext) */
	struct sniffed sniffed;
	sniff_fs(data, size, &sniffed);

	int fd = image_file(data, size);
	if (fd < 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	/* the same steps as cmd_image(), rendered to memory instead of stdout */
	struct inspect ctx;
	if (inspect_image(path, &ctx) == 0) {
		struct report rep = { 0 };
		if (image_checks_run(&ctx, &rep) == 0) {
			struct buf out = BUF_INIT;
			if (report_render_text(&rep, &out) == 0 && out.len && !out.data)
				__builtin_trap();
			buf_free(&out);
			char *json = NULL;
			size_t json_len = 0;
			FILE *f = open_memstream(&json, &json_len);
			if (f) {
				report_render_json(&rep, f);
				fclose(f);
			}
			free(json);
		}
		report_free(&rep);
	}
	inspect_free(&ctx);
	close(fd);
	return 0;
}
