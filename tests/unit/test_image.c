/* test_image.c — image check: header parsers, the format table, synthetic block-map reads, check rules. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "image/checks.h"
#include "tree/fstab.h"
#include "image/container.h"
#include "image/format.h"
#include "image/inspect.h"

static void put_be32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void put_be64(uint8_t *p, uint64_t v) { put_be32(p, v >> 32); put_be32(p + 4, (uint32_t)v); }
static void put_le32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void put_le64(uint8_t *p, uint64_t v) { put_le32(p, (uint32_t)v); put_le32(p + 4, v >> 32); }

static void qcow2_header(uint8_t *h, uint32_t version, uint32_t cbits, uint64_t size, uint32_t l1_size,
			 uint64_t l1_off)
{
	memset(h, 0, 112);
	memcpy(h, "QFI\xfb", 4);
	put_be32(h + 4, version);
	put_be32(h + 20, cbits);
	put_be64(h + 24, size);
	put_be32(h + 36, l1_size);
	put_be64(h + 40, l1_off);
	put_be32(h + 100, 104);
}

static void vhd_footer(uint8_t *f, uint32_t type, uint64_t size, uint64_t data_offset)
{
	memset(f, 0, 512);
	memcpy(f, "conectix", 8);
	put_be32(f + 8, 2);
	put_be32(f + 12, 0x10000);
	put_be64(f + 16, data_offset);
	put_be64(f + 40, size);
	put_be64(f + 48, size);
	put_be32(f + 60, type);
	uint32_t sum = 0;
	for (int i = 0; i < 512; i++)
		sum += f[i];
	put_be32(f + 64, ~sum);
}

static void vhd_dyn(uint8_t *h, uint64_t table, uint32_t entries, uint32_t block)
{
	memset(h, 0, 1024);
	memcpy(h, "cxsparse", 8);
	put_be64(h + 8, ~0ULL);
	put_be64(h + 16, table);
	put_be32(h + 24, 0x10000);
	put_be32(h + 28, entries);
	put_be32(h + 32, block);
	uint32_t sum = 0;
	for (int i = 0; i < 1024; i++)
		sum += h[i];
	put_be32(h + 36, ~sum);
}

static void test_detect(void **state)
{
	(void)state;
	uint8_t head[65536] = { 0 }, tail[512] = { 0 };
	const char *what;
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_RAW);
	memcpy(head, "QFI\xfb\0\0\0\3", 8);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_QCOW2);
	memcpy(head, "QFI\xfb\0\0\0\1", 8);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_UNSUPPORTED);
	assert_string_equal(what, "qcow version 1");
	memcpy(head, "KDMV", 4);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_VMDK_SPARSE);
	memcpy(head, "# Disk DescriptorFile", 21);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_VMDK_DESCRIPTOR);
	memset(head, 0, 64);
	memcpy(head, "vhdxfile", 8);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_UNSUPPORTED);
	assert_string_equal(what, "VHDX");
	memcpy(head, "\x1f\x8b\x08\0", 4);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_UNSUPPORTED);
	memset(head, 0, 64);
	memcpy(head + 0x40, "\x7f\x10\xda\xbe", 4);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), IMG_UNSUPPORTED);
	assert_string_equal(what, "VirtualBox VDI");
	memset(head, 0, 0x50);
	vhd_footer(tail, 2, 1 << 20, ~0ULL);
	assert_int_equal(image_detect(head, sizeof(head), tail, (1 << 20) + 512, &what), IMG_VHD_FIXED);
	vhd_footer(tail, 3, 1 << 20, 512);
	memcpy(head, tail, 512);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 20, &what), IMG_VHD_DYNAMIC);
	memset(head, 0, 512);
	memset(tail, 0, 512);
	memcpy(tail, "koly", 4);
	assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 20, &what), IMG_UNSUPPORTED);
}

static void test_qcow2_header(void **state)
{
	(void)state;
	uint8_t h[112];
	char err[128];
	struct qcow2_header q;
	/* 6 GiB with 64 KiB clusters: one L1 entry maps 512 MiB, so 12 entries */
	qcow2_header(h, 3, 16, 6ULL << 30, 12, 0x30000);
	put_be64(h + 72, QCOW2_INCOMPAT_DIRTY);
	assert_int_equal(qcow2_parse_header(h, sizeof(h), &q, err, sizeof(err)), 0);
	assert_int_equal(q.version, 3);
	assert_int_equal(q.size, 6ULL << 30);
	assert_int_equal(q.cluster_bits, 16);
	assert_int_equal(q.l1_table_offset, 0x30000);
	assert_int_equal(q.incompatible_features, QCOW2_INCOMPAT_DIRTY);
	qcow2_header(h, 3, 16, 6ULL << 30, 11, 0x30000);
	assert_int_equal(qcow2_parse_header(h, sizeof(h), &q, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "L1 table"));
	qcow2_header(h, 3, 8, 1 << 20, 100, 0x30000);
	assert_int_equal(qcow2_parse_header(h, sizeof(h), &q, err, sizeof(err)), -EINVAL);
	qcow2_header(h, 4, 16, 1 << 20, 1, 0x30000);
	assert_int_equal(qcow2_parse_header(h, sizeof(h), &q, err, sizeof(err)), -EINVAL);
	qcow2_header(h, 2, 16, 1 << 20, 1, 0x30001);   /* unaligned L1 */
	assert_int_equal(qcow2_parse_header(h, sizeof(h), &q, err, sizeof(err)), -EINVAL);
	assert_int_equal(qcow2_parse_header(h, 40, &q, err, sizeof(err)), -EINVAL);
}

static void test_vhd_headers(void **state)
{
	(void)state;
	uint8_t f[512], d[1024];
	char err[128];
	struct vhd_footer vf;
	struct vhd_dyn_header vd;
	vhd_footer(f, 2, 6ULL << 30, ~0ULL);
	assert_int_equal(vhd_parse_footer(f, &vf, err, sizeof(err)), 0);
	assert_int_equal(vf.disk_type, 2);
	assert_int_equal(vf.current_size, 6ULL << 30);
	f[100] ^= 1;   /* checksum no longer matches */
	assert_int_equal(vhd_parse_footer(f, &vf, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "checksum"));
	vhd_footer(f, 7, 1 << 20, 512);
	assert_int_equal(vhd_parse_footer(f, &vf, err, sizeof(err)), -EINVAL);
	vhd_dyn(d, 1536, 3072, 2 << 20);
	assert_int_equal(vhd_parse_dyn_header(d, &vd, err, sizeof(err)), 0);
	assert_int_equal(vd.table_offset, 1536);
	assert_int_equal(vd.max_table_entries, 3072);
	assert_int_equal(vd.block_size, 2 << 20);
	vhd_dyn(d, 1536, 3072, 3000);
	assert_int_equal(vhd_parse_dyn_header(d, &vd, err, sizeof(err)), -EINVAL);
}

static void test_vmdk_headers(void **state)
{
	(void)state;
	uint8_t h[512] = { 0 };
	char err[128];
	struct vmdk_header v;
	memcpy(h, "KDMV", 4);
	put_le32(h + 4, 1);
	put_le32(h + 8, 3);
	put_le64(h + 12, 12582912);   /* 6 GiB in sectors */
	put_le64(h + 20, 128);
	put_le32(h + 44, 512);
	put_le64(h + 56, 21);
	assert_int_equal(vmdk_parse_header(h, sizeof(h), &v, err, sizeof(err)), 0);
	assert_int_equal(v.capacity * 512, 6ULL << 30);
	assert_int_equal(v.grain_size, 128);
	assert_int_equal(v.gd_offset, 21);
	put_le64(h + 20, 100);
	assert_int_equal(vmdk_parse_header(h, sizeof(h), &v, err, sizeof(err)), -EINVAL);
	const char *desc = "# Disk DescriptorFile\nversion=1\ncreateType=\"twoGbMaxExtentSparse\"\n"
			   "RW 4194304 SPARSE \"a-s001.vmdk\"\nRW 2097152 SPARSE \"a-s002.vmdk\"\n";
	uint64_t sectors;
	assert_int_equal(vmdk_descriptor_sectors(desc, strlen(desc), &sectors), 0);
	assert_int_equal(sectors, 6291456);
	assert_int_equal(vmdk_descriptor_sectors("version=1\n", 10, &sectors), -EINVAL);
}

static char *write_temp(const uint8_t *data, size_t len)
{
	char *path = strdup("/tmp/test_image.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_qcow2_read(void **state)
{
	(void)state;
	/* 512-byte clusters: header, L1 (cluster 1), L2 (cluster 2), data (cluster 3) */
	uint8_t file[2048] = { 0 };
	qcow2_header(file, 2, 9, 1 << 20, 32, 512);
	put_be64(file + 512, 1024);                 /* L1[0] → L2 at 1024 */
	put_be64(file + 1024 + 5 * 8, 1536);        /* guest cluster 5 → host 1536 */
	memcpy(file + 1536 + 7, "hello", 5);
	char *path = write_temp(file, sizeof(file));
	struct image img;
	char err[128];
	assert_int_equal(image_open(path, &img, err, sizeof(err)), 0);
	assert_int_equal(img.format, IMG_QCOW2);
	assert_int_equal(img.virtual_size, 1 << 20);
	assert_true(img.readable);
	char buf[16] = { 0 };
	assert_int_equal(image_pread(&img, buf, 5, 5 * 512 + 7), 0);
	assert_memory_equal(buf, "hello", 5);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(image_pread(&img, buf, 16, 4096), 0);   /* unallocated: zeros */
	assert_int_equal(buf[0] | buf[15], 0);
	assert_int_equal(image_pread(&img, buf, 16, (1 << 20) - 8), -EINVAL);
	image_close(&img);
	/* a compressed cluster: raw deflate at host 2048, one sector */
	uint8_t plain[512] = { 0 }, z[2048 + 512] = { 0 };
	memcpy(plain + 7, "zipped", 6);
	z_stream zs = { 0 };
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = plain;
	zs.avail_in = sizeof(plain);
	zs.next_out = z + 2048;
	zs.avail_out = 512;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	memcpy(z, file, 2048);
	put_be64(z + 1024 + 5 * 8, (1ULL << 62) | 2048);   /* 9-bit clusters: offset in bits 0..60 */
	put_be64(z + 1024 + 6 * 8, (1ULL << 62) | (2048 + 3));   /* garbage: starts mid-stream */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(z, 1, sizeof(z), f);
	fclose(f);
	assert_int_equal(image_open(path, &img, err, sizeof(err)), 0);
	assert_int_equal(image_pread(&img, buf, 6, 5 * 512 + 7), 0);
	assert_memory_equal(buf, "zipped", 6);
	assert_int_equal(image_pread(&img, buf, 6, 6 * 512 + 7), -EIO);
	image_close(&img);
	unlink(path);
	free(path);
}

/* Hostile headers whose offsets and sizes wrap around 2^64 are refused, not trusted. */
static void test_hostile_headers(void **state)
{
	(void)state;
	struct image img;
	char err[128];
	uint8_t q[2048] = { 0 };
	qcow2_header(q, 3, 9, 1 << 20, 32, 512);
	put_be64(q + 8, 0xffffffffffffff38ULL); /* backing file offset: offset + size wraps to 800 */
	put_be32(q + 16, 1000);
	char *path = write_temp(q, sizeof(q));
	assert_int_equal(image_open(path, &img, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "backing file"));
	unlink(path);
	free(path);
	uint8_t v[1024] = { 0 };
	vhd_footer(v + 512, 2, 0xffffffffffffff00ULL, ~0ULL); /* a "16 EiB" fixed VHD of 1 KiB */
	path = write_temp(v, sizeof(v));
	assert_int_equal(image_open(path, &img, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "shorter than its virtual size"));
	unlink(path);
	free(path);
}

static void test_vhd_dynamic_read(void **state)
{
	(void)state;
	/* footer copy 0..511, dynamic header 512..1535, BAT 1536..2047, block 1 at 2048
	 * (512-byte bitmap, then 4096 data bytes), footer at the end */
	uint8_t file[2048 + 512 + 4096 + 512];
	memset(file, 0, sizeof(file));
	vhd_footer(file, 3, 16384, 512);
	vhd_dyn(file + 512, 1536, 4, 4096);
	for (int i = 0; i < 4; i++)
		put_be32(file + 1536 + i * 4, 0xffffffffu);
	put_be32(file + 1536 + 4, 2048 / 512);
	memcpy(file + 2048 + 512 + 10, "block1", 6);
	memcpy(file + sizeof(file) - 512, file, 512);
	char *path = write_temp(file, sizeof(file));
	struct image img;
	char err[128];
	assert_int_equal(image_open(path, &img, err, sizeof(err)), 0);
	assert_int_equal(img.format, IMG_VHD_DYNAMIC);
	assert_string_equal(img.detail, "dynamic");
	assert_int_equal(img.virtual_size, 16384);
	char buf[8] = { 0 };
	assert_int_equal(image_pread(&img, buf, 6, 4096 + 10), 0);
	assert_memory_equal(buf, "block1", 6);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(image_pread(&img, buf, 8, 0), 0);
	assert_int_equal(buf[0] | buf[7], 0);
	image_close(&img);
	unlink(path);
	free(path);
}

static void test_password_rules(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(root_password_status("", "19700", &why), CHECK_FAIL);
	assert_int_equal(root_password_status("!", "19700", &why), CHECK_PASS);
	assert_int_equal(root_password_status("*", "19700", &why), CHECK_PASS);
	assert_int_equal(root_password_status("!$6$salt$abc", "19700", &why), CHECK_PASS);
	assert_int_equal(root_password_status("$6$salt$abc", "19700", &why), CHECK_FAIL);
	assert_int_equal(root_password_status("$6$salt$abc", "", &why), CHECK_FAIL);
	assert_int_equal(root_password_status("$6$salt$abc", "0", &why), CHECK_PASS);
	assert_int_equal(root_password_status("abcdefghijklm", "19700", &why), CHECK_FAIL);   /* DES */
	assert_int_equal(root_password_status("x", "19700", &why), CHECK_PASS);
}

static void test_fstab_and_keys(void **state)
{
	(void)state;
	assert_true(fstab_spec_is_device_name("/dev/sda1"));
	assert_true(fstab_spec_is_device_name("/dev/vdb"));
	assert_true(fstab_spec_is_device_name("/dev/xvda2"));
	assert_true(fstab_spec_is_device_name("/dev/nvme0n1p1"));
	assert_false(fstab_spec_is_device_name("UUID=1234"));
	assert_false(fstab_spec_is_device_name("/dev/mapper/vg-root"));
	assert_false(fstab_spec_is_device_name("/dev/disk/by-uuid/1234"));
	assert_false(authorized_keys_has_key("", 0));
	assert_false(authorized_keys_has_key("# none\n\n   \n", 12));
	assert_true(authorized_keys_has_key("# x\nssh-ed25519 AAAA\n", 21));
	struct partition p = { .number = 1 };
	strcpy(p.uuid, "5EED-0001");
	strcpy(p.label, "CUSTOMIMG");
	strcpy(p.partuuid, "5eed0001-01");
	assert_true(spec_names_partition("UUID=5eed-0001", &p));
	assert_true(spec_names_partition("LABEL=CUSTOMIMG", &p));
	assert_true(spec_names_partition("LABEL=\"CUSTOMIMG\"", &p));
	assert_false(spec_names_partition("LABEL=customimg", &p));
	assert_true(spec_names_partition("PARTUUID=5EED0001-01", &p));
	assert_true(spec_names_partition("/dev/disk/by-label/CUSTOMIMG", &p));
	assert_false(spec_names_partition("PARTLABEL=", &p));
	assert_false(spec_names_partition("/dev/sda1", &p));
	assert_true(fstype_allowed("vfat", "FAT32"));
	assert_false(fstype_allowed("vfat", "FAT16"));
	assert_true(fstype_allowed("ufs", ""));
	assert_false(fstype_allowed("xfs", ""));
}

static void test_ext_superblock(void **state)
{
	(void)state;
	uint8_t sb[1024] = { 0 };
	char why[160];
	assert_int_equal(ext_superblock_unwritable(sb, why, sizeof(why)), -EINVAL);
	sb[0x38] = 0x53;
	sb[0x39] = 0xef;
	sb[0x3a] = 1;
	assert_int_equal(ext_superblock_unwritable(sb, why, sizeof(why)), 0);
	put_le32(sb + 0x64, 0x1000);
	assert_int_equal(ext_superblock_unwritable(sb, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "read-only"));
	put_le32(sb + 0x64, 0x4000);
	assert_int_equal(ext_superblock_unwritable(sb, why, sizeof(why)), 1);
	put_le32(sb + 0x64, 0x80000000u);
	assert_int_equal(ext_superblock_unwritable(sb, why, sizeof(why)), 1);
	put_le32(sb + 0x64, 0);
	sb[0x3a] = 2;
	assert_int_equal(ext_superblock_unwritable(sb, why, sizeof(why)), 2);
}

/* --- the table of formats (src/image/format.c) --------------------------------------------- */

/* A sample of each format: its first bytes, its last 512, and what detection must say. */
struct sample {
	const char *format;
	enum image_kind kind;
	void (*make)(uint8_t *head, uint8_t *tail);
};

static void make_raw(uint8_t *head, uint8_t *tail) { (void)head, (void)tail; }
static void make_qcow2(uint8_t *head, uint8_t *tail) { (void)tail, memcpy(head, "QFI\xfb\0\0\0\3", 8); }
static void make_qcow1(uint8_t *head, uint8_t *tail) { (void)tail, memcpy(head, "QFI\xfb\0\0\0\1", 8); }
static void make_vmdk(uint8_t *head, uint8_t *tail) { (void)tail, memcpy(head, "KDMV\1\0\0\0", 8); }
static void make_desc(uint8_t *head, uint8_t *tail) { (void)tail, memcpy(head, "# Disk DescriptorFile\n", 22); }
static void make_gzip(uint8_t *head, uint8_t *tail) { (void)tail, memcpy(head, "\x1f\x8b\x08\0", 4); }
static void make_dmg(uint8_t *head, uint8_t *tail) { (void)head, memcpy(tail, "koly", 4); }
static void make_vhd_fixed(uint8_t *head, uint8_t *tail) { (void)head, vhd_footer(tail, 2, 1 << 20, ~0ULL); }
static void make_vhd_dyn(uint8_t *head, uint8_t *tail)
{
	vhd_footer(tail, 3, 1 << 20, 512);
	memcpy(head, tail, 512);
}
static void make_vhd_copy(uint8_t *head, uint8_t *tail) { (void)tail, vhd_footer(head, 3, 1 << 20, 512); }

static const struct sample samples[] = {
	{ "raw", IMG_RAW, make_raw },
	{ "qcow2", IMG_QCOW2, make_qcow2 },
	{ "unsupported", IMG_UNSUPPORTED, make_qcow1 },
	{ "vmdk", IMG_VMDK_SPARSE, make_vmdk },
	{ "vmdk", IMG_VMDK_DESCRIPTOR, make_desc },
	{ "unsupported", IMG_UNSUPPORTED, make_gzip },
	{ "unsupported", IMG_UNSUPPORTED, make_dmg },
	{ "vhd", IMG_VHD_FIXED, make_vhd_fixed },
	{ "vhd", IMG_VHD_DYNAMIC, make_vhd_dyn },
	{ "vhd", IMG_VHD_DYNAMIC, make_vhd_copy },
};

static void test_formats_every_op(void **state)
{
	(void)state;
	assert_true(image_formats_count >= 5);
	unsigned seen = 0;
	for (size_t i = 0; i < image_formats_count; i++) {
		const struct image_format *f = image_formats[i];
		assert_non_null(f);
		assert_non_null(f->name);
		assert_non_null(f->detect);
		assert_non_null(f->open);
		assert_non_null(f->map);
		assert_non_null(f->virtual_size);
		assert_non_null(f->close);
		assert_true(f->kinds != 0);
		assert_int_equal(f->kinds & seen, 0);   /* each kind belongs to one format */
		seen |= f->kinds;
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(f->name, image_formats[j]->name);
	}
	assert_int_equal(seen, (1u << IMG_KINDS) - 1);
}

static void test_formats_names(void **state)
{
	(void)state;
	/* what reports and JSON print */
	static const char *const want[IMG_KINDS] = {
		[IMG_RAW] = "raw", [IMG_QCOW2] = "qcow2", [IMG_VHD_FIXED] = "vhd", [IMG_VHD_DYNAMIC] = "vhd",
		[IMG_VMDK_SPARSE] = "vmdk", [IMG_VMDK_DESCRIPTOR] = "vmdk", [IMG_UNSUPPORTED] = "unsupported",
	};
	for (int k = 0; k < IMG_KINDS; k++)
		assert_string_equal(image_format_name((enum image_kind)k), want[k]);
	assert_string_equal(image_format_name(IMG_KINDS), "?");
}

/* Each sample is claimed by its own format alone (raw, the fallback, by nothing else). */
static void test_formats_detect_exact(void **state)
{
	(void)state;
	static uint8_t head[65536];
	uint8_t tail[512];
	for (size_t s = 0; s < sizeof(samples) / sizeof(samples[0]); s++) {
		memset(head, 0, sizeof(head));
		memset(tail, 0, sizeof(tail));
		samples[s].make(head, tail);
		struct image_probe p = { head, sizeof(head), tail, 1 << 30 };
		int matched = 0;
		for (size_t i = 0; i < image_formats_count; i++) {
			const struct image_format *f = image_formats[i];
			struct image_match m = { .kind = IMG_KINDS };
			int c = f->detect(&p, &m);
			bool mine = strcmp(f->name, samples[s].format) == 0;
			if (c > IMAGE_FALLBACK || (mine && c)) {
				assert_true(mine);
				assert_int_equal(m.kind, samples[s].kind);
				matched++;
			} else if (!mine) {
				assert_int_equal(c, strcmp(f->name, "raw") == 0 ? IMAGE_FALLBACK : IMAGE_NO);
			}
		}
		assert_int_equal(matched, 1);
		const char *what;
		assert_int_equal(image_detect(head, sizeof(head), tail, 1 << 30, &what), samples[s].kind);
		assert_true((what != NULL) == (samples[s].kind == IMG_UNSUPPORTED));
	}
}

/* Raw files and fixed VHDs are flat (probed in place); their reads are the file's bytes. */
static void test_formats_open_flat(void **state)
{
	(void)state;
	static uint8_t file[8192 + 512];
	memset(file, 0, sizeof(file));
	memcpy(file + 700, "guest", 5);
	vhd_footer(file + 8192, 2, 8192, ~0ULL);
	char err[128];
	char buf[5];
	for (int vhd = 0; vhd < 2; vhd++) {
		char *path = write_temp(file, vhd ? sizeof(file) : 8192);
		struct image img;
		assert_int_equal(image_open(path, &img, err, sizeof(err)), 0);
		assert_string_equal(img.fmt->name, vhd ? "vhd" : "raw");
		assert_int_equal(img.format, vhd ? IMG_VHD_FIXED : IMG_RAW);
		assert_int_equal(img.virtual_size, 8192);
		assert_true(image_flat(&img));
		assert_int_equal(image_pread(&img, buf, 5, 700), 0);
		assert_memory_equal(buf, "guest", 5);
		assert_int_equal(image_pread(&img, buf, 5, 8190), -EINVAL);
		image_close(&img);
		assert_null(img.fmt);
		assert_int_equal(img.fd, -1);
		unlink(path);
		free(path);
	}
	/* a gzip archive: recognised, named, not read */
	char *path = write_temp((const uint8_t *)"\x1f\x8b\x08\0\0\0\0\0", 8);
	struct image img;
	assert_int_equal(image_open(path, &img, err, sizeof(err)), 0);
	assert_int_equal(img.format, IMG_UNSUPPORTED);
	assert_string_equal(img.detail, "a gzip archive (decompress it first)");
	assert_false(img.readable);
	assert_false(image_flat(&img));
	assert_int_equal(image_pread(&img, buf, 1, 0), -EINVAL);
	image_close(&img);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_qcow2_header),
		cmocka_unit_test(test_vhd_headers),
		cmocka_unit_test(test_vmdk_headers),
		cmocka_unit_test(test_qcow2_read),
		cmocka_unit_test(test_vhd_dynamic_read),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_fstab_and_keys),
		cmocka_unit_test(test_ext_superblock),
		cmocka_unit_test(test_formats_every_op),
		cmocka_unit_test(test_formats_names),
		cmocka_unit_test(test_formats_detect_exact),
		cmocka_unit_test(test_formats_open_flat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
