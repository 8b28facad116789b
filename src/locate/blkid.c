/* blkid.c — tag resolution and file-system probing with libblkid, without udev. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "locate/blkid.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "locate/sniff.h"
#include "util/macros.h"

/* The tags partition= takes, and the value a probe of one device reports for each. */
static const struct {
	const char *tag, *probe_value;
} tag_names[] = {
	{ "UUID", "UUID" }, { "LABEL", "LABEL" }, { "PARTUUID", "PART_ENTRY_UUID" }, { "PARTLABEL", "PART_ENTRY_NAME" },
};

/* The entry of tag_names tag starts with, and its value; -EINVAL (err set) when none. */
static int tag_split(const char *tag, size_t *which, const char **value, char *err, size_t errlen)
{
	const char *eq = strchr(tag, '=');
	for (size_t i = 0; eq && eq[1] && i < ARRAY_SIZE(tag_names); i++)
		if (strlen(tag_names[i].tag) == (size_t)(eq - tag) && !strncmp(tag, tag_names[i].tag, (size_t)(eq - tag))) {
			*which = i;
			*value = eq + 1;
			return 0;
		}
	snprintf(err, errlen, "'%s' is not UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…", tag);
	return -EINVAL;
}

/* FAT or ext from the device's first 4 KiB alone: one read instead of libblkid's dozens across
 * the device (each a readahead from a cold disk at boot). 1: sniffed, 0: ask libblkid. */
static int sniff_device(const char *devname, struct sniffed *out)
{
	uint8_t b[SNIFF_BYTES];
	_cleanup_close_ int fd = open(devname, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode))
		return 0;
	ssize_t n = pread(fd, b, sizeof(b), 0);
	return n > 0 && sniff_fs(b, (size_t)n, out);
}

int blk_has_tag(const char *devname, const char *tag, char *err, size_t errlen)
{
	size_t which;
	const char *value, *v;
	int r = tag_split(tag, &which, &value, err, errlen);
	if (r < 0)
		return r;
	struct sniffed s;
	if (which == 0 && sniff_device(devname, &s))
		return streq(s.uuid, value);
	blkid_probe pr = blkid_new_probe_from_filename(devname);
	if (!pr) {
		r = negerrno();
		snprintf(err, errlen, "cannot open %s to probe it: %s", devname, strerror(-r));
		return r;
	}
	bool part = which >= 2;
	blkid_probe_enable_superblocks(pr, !part);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, part);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	int rc = blkid_do_safeprobe(pr);
	r = rc < 0 && rc != -2 ? -EIO : rc == 0 && blkid_probe_lookup_value(pr, tag_names[which].probe_value, &v, NULL) == 0 &&
					  streq(v, value);
	blkid_free_probe(pr);
	if (r < 0)
		snprintf(err, errlen, "cannot probe %s", devname);
	return r;
}

int blk_resolve_tag(const char *tag, struct tag_match *m, size_t max, char *err, size_t errlen)
{
	size_t which;
	const char *value;
	int r = tag_split(tag, &which, &value, err, errlen);
	if (r < 0)
		return r;
	const char *name = tag_names[which].tag;
	/* A cache that is never saved: every device listed in /proc/partitions is probed now. */
	blkid_cache cache;
	if (blkid_get_cache(&cache, "/dev/null") < 0) {
		snprintf(err, errlen, "libblkid: cannot create a cache");
		return -ENOMEM;
	}
	if (blkid_probe_all(cache) < 0) {
		blkid_put_cache(cache);
		snprintf(err, errlen, "libblkid: cannot probe the block devices");
		return -EIO;
	}
	int n = 0;
	blkid_dev_iterate it = blkid_dev_iterate_begin(cache);
	blkid_dev_set_search(it, name, value);
	blkid_dev d;
	while (blkid_dev_next(it, &d) == 0) {
		d = blkid_verify(cache, d);   /* re-read: the cached tags may be stale */
		if (!d)
			continue;
		const char *dn = blkid_dev_devname(d);
		struct stat st;
		if (!blkid_dev_has_tag(d, name, value) || stat(dn, &st) < 0 || !S_ISBLK(st.st_mode))
			continue;
		if ((size_t)n < max) {
			snprintf(m[n].devname, sizeof(m[n].devname), "%s", dn);
			m[n].dev = st.st_rdev;
		}
		n++;
	}
	blkid_dev_iterate_end(it);
	blkid_put_cache(cache);
	return n;
}

int blk_probe(const char *devname, struct blk_info *out, char *err, size_t errlen)
{
	struct sniffed s;
	if (sniff_device(devname, &s)) {
		struct blk_info b = { 0 };
		snprintf(b.fstype, sizeof(b.fstype), "%s", s.fstype);
		snprintf(b.uuid, sizeof(b.uuid), "%s", s.uuid);
		*out = b;
		return 0;
	}
	blkid_probe pr = blkid_new_probe_from_filename(devname);
	if (!pr) {
		int r = negerrno();
		snprintf(err, errlen, "cannot open %s to probe it: %s", devname, strerror(-r));
		return r;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
	int rc = blkid_do_safeprobe(pr);
	struct blk_info b = { 0 };
	if (rc == -2) {
		blkid_free_probe(pr);
		snprintf(err, errlen, "%s carries signatures of more than one file system; refusing to guess", devname);
		return -EINVAL;
	}
	if (rc < 0) {
		blkid_free_probe(pr);
		snprintf(err, errlen, "cannot probe %s", devname);
		return -EIO;
	}
	const char *v;
	if (rc == 0 && blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
		snprintf(b.fstype, sizeof(b.fstype), "%s", v);
	if (rc == 0 && blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
		snprintf(b.uuid, sizeof(b.uuid), "%s", v);
	if (rc == 0 && blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
		snprintf(b.label, sizeof(b.label), "%s", v);
	blkid_free_probe(pr);
	*out = b;
	return 0;
}
