/* btrfs.h — the read-only btrfs reader's shared parts: chunks, B-trees, keys (fs_btrfs*.c). */
/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/container.h"

#define BTRFS_MAX_CHUNKS 1024
#define BTRFS_MAX_LEVEL 8
#define BTRFS_MAX_NODES 65536          /* tree blocks read for one search */

enum {
	BTRFS_INODE_ITEM = 1,
	BTRFS_INODE_REF = 12,
	BTRFS_DIR_ITEM = 84,
	BTRFS_DIR_INDEX = 96,
	BTRFS_EXTENT_DATA = 108,
	BTRFS_ROOT_ITEM = 132,
	BTRFS_CHUNK_ITEM = 228,
};

struct btrfs_key {
	uint64_t objectid;
	uint8_t type;
	uint64_t offset;
};

struct btrfs_chunk {
	uint64_t logical, len, physical;
};

struct btrfs {
	struct image *img;
	uint64_t off, size;                /* the device's bytes in img */
	uint32_t nodesize, sectorsize;
	uint64_t devid;
	uint64_t total_bytes, bytes_used;
	struct btrfs_chunk chunks[BTRFS_MAX_CHUNKS];
	int nchunks;
	uint64_t fs_root;                  /* the default subvolume's tree … */
	uint8_t fs_level;
	uint64_t root_dir;                 /* … and its top directory's inode */
};

/* Bytes at logical address addr (through the chunk map), -EIO when unmapped. */
int btrfs_read_logical(struct btrfs *b, void *buf, size_t len, uint64_t addr);

/* Items with keys from min to max (inclusive) of the tree at root: cb gets each key and its
 * data; returns 0 to go on, >0 to stop (the search returns it), <0 an error. cb may search
 * again: each search reads into buffers of its own. */
typedef int (*btrfs_item_cb)(const struct btrfs_key *k, const uint8_t *data, uint32_t len, void *userdata);
int btrfs_search(struct btrfs *b, uint64_t root, uint8_t level, const struct btrfs_key *min,
		 const struct btrfs_key *max, btrfs_item_cb cb, void *userdata);

/* Open the superblock, chunk tree and default subvolume (fs_btrfs.c). */
int btrfs_mount(struct btrfs *b, char *err, size_t errlen);
