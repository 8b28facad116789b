/* peek.c — look for os.conf on an unmounted partition with the read-only FAT and ext readers. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "locate/peek.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "image/container.h"
#include "locate/locate.h"
#include "tree/fsview.h"
#include "util/macros.h"

/* ext's s_feature_incompat (at 0x60 in the superblock, itself at 1024) has RECOVER (0x4)
 * while the journal holds what is not yet in place. */
static bool ext_needs_recovery(struct image *img)
{
	uint8_t sb[4];
	return image_pread(img, sb, sizeof(sb), 1024 + 0x60) < 0 || (get_le32(sb) & 0x4);
}

int peek_absent(const char *device, const char *fstype, char *why, size_t whylen)
{
	bool fat = streq(fstype, "vfat"), ext = streq(fstype, "ext2") || streq(fstype, "ext3") || streq(fstype, "ext4");
	if (!fat && !ext)
		return 0;
	char err[256];
	struct image img;
	if (image_open(device, &img, err, sizeof(err)) < 0)
		return 0;
	struct fsview *fs = NULL;
	int r = -EINVAL;
	if (img.format == IMG_RAW && img.readable && !(ext && ext_needs_recovery(&img)))
		r = (fat ? fs_open_fat : fs_open_ext)(&img, 0, img.virtual_size, &fs, err, sizeof(err));
	struct fs_stat st;
	int d = r == 0 ? fs_stat(fs, "/" OSCONF_DIR, false, &st) : r;
	bool absent = d == -ENOENT || (d == 0 && st.type == FS_DIR &&
				       fs_stat(fs, "/" OSCONF_DIR "/" OSCONF_NAME, false, &st) == -ENOENT &&
				       fs_stat(fs, "/" OSCONF_DIR "/" OSCONF_APPLIED_NAME, false, &st) == -ENOENT);
	fs_close(fs);
	image_close(&img);
	if (absent)
		snprintf(why, whylen, "%s read (%s) without mounting it: no %s/%s there, nothing to mount for",
			 device, fstype, OSCONF_DIR, OSCONF_NAME);
	return absent;
}
