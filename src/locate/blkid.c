/* blkid.c — tag resolution and file-system probing with libblkid, without udev. */
/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "locate/blkid.h"

#include <blkid.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/macros.h"

static const char *const tag_names[] = { "UUID", "LABEL", "PARTUUID", "PARTLABEL" };

int blk_resolve_tag(const char *tag, struct tag_match *m, size_t max, char *err, size_t errlen)
{
	const char *eq = strchr(tag, '=');
	bool known = false;
	for (size_t i = 0; eq && i < ARRAY_SIZE(tag_names); i++)
		known |= strlen(tag_names[i]) == (size_t)(eq - tag) && !strncmp(tag, tag_names[i], (size_t)(eq - tag));
	if (!known || !eq[1]) {
		snprintf(err, errlen, "'%s' is not UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…", tag);
		return -EINVAL;
	}
	_cleanup_free_ char *name = strndup(tag, (size_t)(eq - tag));
	if (!name)
		return -ENOMEM;
	const char *value = eq + 1;
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
