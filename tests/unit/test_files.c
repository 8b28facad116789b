/* test_files.c — root-confined paths, special files, atomic writes, digests, random bytes, anonymous files, text edits, shared files and the unified diff. */
/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/plan.h"
#include "shared/hosts.h"
#include "shared/resolv.h"
#include "sys/anonfile.h"
#include "sys/atomic.h"
#include "sys/crypt.h"
#include "sys/digest.h"
#include "sys/entropy.h"
#include "sys/root.h"
#include "util/macros.h"
#include "util/text.h"

#include "scratch_root.h"

static struct buf text(const char *s)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, s);
	return b;
}

static void test_atomic_write_and_skip(void **state)
{
	(void)state;
	struct buf b = text("hello\n");
	struct file_meta meta = { .mode = 0600 };
	assert_int_equal(atomic_write(root.fd, "/etc/deep/dir/file", &b, &meta, 0), 0);
	struct stat st1, st2;
	assert_int_equal(root_lstat(root.fd, "/etc/deep/dir/file", &st1), 0);
	assert_int_equal(st1.st_mode & 07777, 0600);
	/* identical content: nothing touched (same inode) */
	assert_int_equal(atomic_write(root.fd, "/etc/deep/dir/file", &b, &meta, 0), 1);
	assert_int_equal(root_lstat(root.fd, "/etc/deep/dir/file", &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	/* existing mode kept on rewrite */
	assert_int_equal(fchmodat(root.fd, "etc/deep/dir/file", 0640, 0), 0);
	buf_free(&b);
	b = text("changed\n");
	assert_int_equal(atomic_write(root.fd, "/etc/deep/dir/file", &b, &meta, 0), 0);
	assert_int_equal(root_lstat(root.fd, "/etc/deep/dir/file", &st2), 0);
	assert_int_equal(st2.st_mode & 07777, 0640);
	assert_int_not_equal(st1.st_ino, st2.st_ino);
	struct buf r = BUF_INIT;
	assert_int_equal(root_read_file(root.fd, "etc/deep/dir/file", 100, &r), 0);
	assert_string_equal(r.data, "changed\n");
	assert_int_equal(root_read_file(root.fd, "etc/deep/dir/file", 3, &r), -EFBIG);
	buf_free(&r);
	buf_free(&b);
}

/* A group commit: nothing is renamed before atomic_group_rename, a cancelled item leaves
 * no temp, the same file twice is refused. */
static void group_once(void)
{
	struct buf b = text("new\n");
	struct file_meta meta = { .mode = 0644 };
	struct atomic_group *g = atomic_group_new();
	assert_non_null(g);
	int owner1, owner2;
	assert_int_equal(atomic_stage(g, &owner1, root.fd, "/g1/a", &b, &meta, 0), 0);
	assert_int_equal(atomic_stage(g, &owner2, root.fd, "/g1/sub/b", &b, &meta, ATOMIC_ORDERED), 0);
	assert_int_equal(atomic_stage(g, &owner2, root.fd, "/g1/sub/b", &b, &meta, 0), -EBUSY);
	assert_int_equal(root_exists(root.fd, "/g1/a"), 0); /* staged: only the temp exists */
	assert_int_equal(atomic_group_sync(g), 0);
	atomic_group_cancel(g, &owner2, -ECANCELED);
	assert_false(atomic_group_has(g, &owner2));
	assert_int_equal(atomic_group_rename(g), 0);
	char what[64];
	assert_int_equal(atomic_group_result(g, &owner1, what, sizeof(what)), 0);
	assert_int_equal(atomic_group_result(g, &owner2, what, sizeof(what)), -ECANCELED);
	assert_string_equal(what, "writing /g1/sub/b");
	atomic_group_free(g);
	assert_int_equal(root_exists(root.fd, "/g1/a"), 1);
	DIR *d;
	assert_int_equal(root_opendir(root.fd, "/g1/sub", &d), 0);
	int n = 0;
	for (struct dirent *de; (de = readdir(d));)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	assert_int_equal(n, 0); /* the cancelled temp is gone, nothing renamed */
	buf_free(&b);
}

/* With syncfs, and with the per-file fsync barrier (kernels before 5.8). */
static void test_group_commit(void **state)
{
	(void)state;
	group_once();
	atomic_use_syncfs(false);
	assert_int_equal(unlinkat(root.fd, "g1/a", 0), 0);
	group_once();
	atomic_use_syncfs(true);
}

/* A temp staged after the first barrier (the status record after the files it reports on)
 * is not renamed before a barrier covers it: the one that makes the earlier renames and the
 * directories made for them durable. */
static void late_once(void)
{
	struct buf b = text("late\n");
	struct file_meta meta = { .mode = 0644 };
	struct atomic_group *g = atomic_group_new();
	assert_non_null(g);
	int owner1, owner2;
	assert_int_equal(atomic_stage(g, &owner1, root.fd, "/late/new/dir/a", &b, &meta, 0), 0);
	assert_int_equal(atomic_group_sync(g), 0);
	assert_int_equal(atomic_group_rename(g), 0);
	assert_int_equal(root_exists(root.fd, "/late/new/dir/a"), 1);
	assert_int_equal(atomic_stage(g, &owner2, root.fd, "/late/b", &b, &meta, ATOMIC_DURABLE_PATH), 0);
	assert_int_equal(atomic_group_rename(g), 0);
	assert_int_equal(root_exists(root.fd, "/late/b"), 0); /* its temp is not durable yet */
	assert_int_equal(atomic_group_sync(g), 0);
	assert_int_equal(atomic_group_rename(g), 0);
	assert_int_equal(root_exists(root.fd, "/late/b"), 1);
	assert_int_equal(atomic_group_sync(g), 0);
	char what[64];
	assert_int_equal(atomic_group_result(g, &owner1, what, sizeof(what)), 0);
	assert_int_equal(atomic_group_result(g, &owner2, what, sizeof(what)), 0);
	atomic_group_free(g);
	buf_free(&b);
}

static void test_group_late_stage(void **state)
{
	(void)state;
	late_once();
	atomic_use_syncfs(false);
	assert_int_equal(unlinkat(root.fd, "late/b", 0), 0);
	assert_int_equal(unlinkat(root.fd, "late/new/dir/a", 0), 0);
	assert_int_equal(unlinkat(root.fd, "late/new/dir", AT_REMOVEDIR), 0);
	assert_int_equal(unlinkat(root.fd, "late/new", AT_REMOVEDIR), 0);
	late_once();
	atomic_use_syncfs(true);
}

/* A failed append is sticky: later appends do nothing, and the incomplete buffer is never
 * written (a renderer that ignores its appends' results cannot produce a truncated file). */
static void test_buf_error_sticky(void **state)
{
	(void)state;
	struct buf b = text("head\n");
	assert_int_equal(buf_error(&b), 0);
	assert_int_equal(buf_reserve(&b, (size_t)-1 / 2), -ENOMEM);
	assert_int_equal(buf_puts(&b, "tail\n"), -ENOMEM);
	assert_int_equal(buf_printf(&b, "%d\n", 42), -ENOMEM);
	assert_string_equal(b.data, "head\n");
	assert_int_equal(buf_error(&b), -ENOMEM);
	struct file_meta meta = { .mode = 0644 };
	assert_int_equal(atomic_write(root.fd, "/etc/truncated", &b, &meta, 0), -ENOMEM);
	struct stat st;
	assert_int_equal(root_lstat(root.fd, "/etc/truncated", &st), -ENOENT);
	struct buf moved = BUF_INIT;
	buf_move(&moved, &b);
	assert_int_equal(buf_error(&moved), -ENOMEM);
	assert_int_equal(buf_error(&b), 0);
	buf_free(&moved);
	assert_int_equal(buf_error(&moved), 0);
}

static void test_symlinks_stay_inside(void **state)
{
	(void)state;
	char outside[64];
	snprintf(outside, sizeof(outside), "%s-outside", dir);
	mkdir(outside, 0755);
	/* an absolute symlink in the image must resolve inside the root */
	assert_int_equal(symlinkat("/", root.fd, "escape"), 0);
	assert_int_equal(symlinkat(outside, root.fd, "abs"), 0);
	struct buf b = text("x\n");
	struct file_meta meta = { .mode = 0644 };
	assert_int_equal(atomic_write(root.fd, "/escape/tmp-file", &b, &meta, 0), 0);
	assert_int_equal(root_exists(root.fd, "/tmp-file"), 1); /* landed at the root's top */
	assert_int_equal(atomic_write(root.fd, "/abs/x", &b, &meta, 0), -ENOENT); /* resolved inside: absent */
	char p[128];
	snprintf(p, sizeof(p), "%s/x", outside);
	assert_int_equal(access(p, F_OK), -1); /* nothing written outside */
	/* a symlink as the last component is refused, not followed */
	assert_int_equal(symlinkat("/etc/passwd", root.fd, "link"), 0);
	assert_int_equal(atomic_write(root.fd, "/link", &b, &meta, 0), -ELOOP);
	struct buf r = BUF_INIT;
	assert_int_equal(root_read_file(root.fd, "/link", 100, &r), -EINVAL);
	assert_int_equal(atomic_write(root.fd, "/link", &b, &meta, ATOMIC_REPLACE_SYMLINK), 0);
	struct stat st;
	assert_int_equal(root_lstat(root.fd, "/link", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	buf_free(&b);
	rmdir(outside);
}

/* The same guarantees without openat2 (old kernels): the hand-made walk. */
static void test_symlinks_stay_inside_walk(void **state)
{
	root_use_openat2(false);
	unlinkat(root.fd, "escape", 0);
	unlinkat(root.fd, "abs", 0);
	unlinkat(root.fd, "link", 0);
	unlinkat(root.fd, "tmp-file", 0);
	assert_int_equal(symlinkat("../../..", root.fd, "up"), 0);
	struct buf b = text("y\n");
	struct file_meta meta = { .mode = 0644 };
	assert_int_equal(atomic_write(root.fd, "/up/etc/../walk-file", &b, &meta, 0), 0);
	assert_int_equal(root_exists(root.fd, "/walk-file"), 1);
	assert_int_equal(symlinkat("up/up", root.fd, "loop1"), 0);
	assert_int_equal(symlinkat("loop1", root.fd, "loop2"), 0);
	assert_int_equal(unlinkat(root.fd, "loop1", 0), 0);
	assert_int_equal(symlinkat("loop2", root.fd, "loop1"), 0);
	assert_int_equal(atomic_write(root.fd, "/loop1/x", &b, &meta, 0), -ELOOP);
	buf_free(&b);
	test_symlinks_stay_inside(state);
	root_use_openat2(true);
}

static void test_text_edits(void **state)
{
	(void)state;
	struct buf b = text("NETWORKING=yes\nHOSTNAME=old\n# HOSTNAME=comment\nGATEWAY=1.2.3.4\nHOSTNAME=dup");
	char v[64];
	assert_int_equal(text_get(&b, "HOSTNAME", '=', v, sizeof(v)), 0);
	assert_string_equal(v, "dup");
	assert_int_equal(text_set_assignment(&b, "HOSTNAME", "new", true), 0);
	assert_int_equal(text_set_assignment(&b, "GATEWAY", NULL, false), 0);
	assert_int_equal(text_set_assignment(&b, "ADDED", "1", true), 0);
	assert_string_equal(b.data, "NETWORKING=yes\nHOSTNAME=new\n# HOSTNAME=comment\nADDED=1\n");
	buf_free(&b);
	b = text("MAIL_DIR /var/mail\nENCRYPT_METHOD   \"YESCRYPT\"\n");
	assert_int_equal(text_get(&b, "ENCRYPT_METHOD", ' ', v, sizeof(v)), 0);
	assert_string_equal(v, "YESCRYPT");
	assert_int_equal(text_get(&b, "ENCRYPT", ' ', v, sizeof(v)), -ENOENT);
	buf_free(&b);
}

/* random_bytes() from getrandom(2) and from /dev/urandom (kernels before 3.17): whole buffers
 * (more than getrandom's 256-byte single-read guarantee), different each time, usable as salt. */
static void test_random_bytes_both_paths(void **state)
{
	(void)state;
	for (int with_getrandom = 1; with_getrandom >= 0; with_getrandom--) {
		random_use_getrandom(with_getrandom);
		unsigned char a[1000], b[1000], zero[64] = { 0 };
		memset(a, 0, sizeof(a));
		memset(b, 0, sizeof(b));
		assert_int_equal(random_bytes(a, sizeof(a)), 0);
		assert_int_equal(random_bytes(b, sizeof(b)), 0);
		assert_memory_not_equal(a, b, sizeof(a));
		assert_memory_not_equal(a + sizeof(a) - sizeof(zero), zero, sizeof(zero));
		char *hash = NULL;
		assert_int_equal(crypt_hash("qwer1234", "$6$", &hash), 0);
		assert_true(crypt_verify("qwer1234", hash));
		assert_false(crypt_verify("qwer12345", hash));
		free(hash);
	}
	random_use_getrandom(true);
}

/* anon_file() from memfd_create(2) and as an unlinked temp file (kernels before 3.17): no name,
 * close-on-exec, sparse, readable and writable. */
static void test_anon_file_both_paths(void **state)
{
	(void)state;
	for (int with_memfd = 1; with_memfd >= 0; with_memfd--) {
		anon_file_use_memfd(with_memfd);
		int fd = anon_file("osconf-test");
		assert_true(fd >= 0);
		struct stat st;
		assert_int_equal(fstat(fd, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_nlink, 0);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		assert_int_equal(ftruncate(fd, (off_t)1 << 32), 0);
		assert_int_equal(pwrite(fd, "view", 4, (off_t)1 << 31), 4);
		char back[4];
		assert_int_equal(pread(fd, back, 4, (off_t)1 << 31), 4);
		assert_memory_equal(back, "view", 4);
		assert_int_equal(pread(fd, back, 4, 0), 4);
		assert_memory_equal(back, "\0\0\0\0", 4);
		close(fd);
	}
	anon_file_use_memfd(true);
}

static void test_diff(void **state)
{
	(void)state;
	struct buf a = text("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"), b = text("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\n13\n");
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	diff_unified(f, "a/x", "b/x", &a, &b);
	fclose(f);
	assert_string_equal(out, "--- a/x\n+++ b/x\n"
				 "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
				 "@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n");
	free(out);
	buf_free(&a);
	buf_free(&b);
}

/* Special files are refused through an O_PATH look first: nothing blocks, nothing is opened. */
static void test_special_files(void **state)
{
	(void)state;
	assert_int_equal(mkfifoat(root.fd, "fifo", 0600), 0);
	assert_int_equal(mkdirat(root.fd, "adir", 0755), 0);
	assert_int_equal(symlinkat("fifo", root.fd, "tofifo"), 0);
	assert_int_equal(root_open_file(root.fd, "/fifo", O_WRONLY | O_CREAT | O_NOFOLLOW, 0600), -EINVAL);
	assert_int_equal(root_open_file(root.fd, "/tofifo", O_RDONLY, 0), -EINVAL); /* followed, still a FIFO */
	assert_int_equal(root_open_file(root.fd, "/tofifo", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	assert_int_equal(root_open_file(root.fd, "/adir", O_RDONLY, 0), -EISDIR);
	assert_int_equal(root_open_file(root.fd, "/missing", O_RDONLY, 0), -ENOENT);
	int fd = root_open_file(root.fd, "/lock", O_WRONLY | O_CREAT | O_NOFOLLOW, 0600);
	assert_true(fd >= 0);
	close(fd);
	struct stat st;
	assert_int_equal(root_lstat(root.fd, "/lock", &st), 0);
	assert_true(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600);
	struct buf b = BUF_INIT;
	assert_int_equal(root_read(root.fd, "/missing", ROOT_OPTIONAL, 100, &b), 0);
	assert_null(b.data); /* absent */
	assert_int_equal(root_read(root.fd, "/lock", ROOT_OPTIONAL, 100, &b), 0);
	assert_non_null(b.data); /* present, empty */
	assert_int_equal(root_read(root.fd, "/fifo", ROOT_OPTIONAL, 100, &b), -EINVAL);
	assert_int_equal(root_read_file(root.fd, "/adir", 100, &b), -EINVAL);
	struct file_meta meta = { .mode = 0644 };
	assert_int_equal(atomic_write(root.fd, "/fifo", &b, &meta, 0), -EINVAL);
	assert_int_equal(atomic_write(root.fd, "/adir", &b, &meta, 0), -EISDIR);
	buf_free(&b);
}

/* Temp files a killed run left: the next write of that name removes them, nothing else. */
static void test_stale_temps(void **state)
{
	(void)state;
	static const char *const names[] = { ".#stale.osconf0badcafe", ".#stale.osconf0badcaf", ".#stale.osconfxyzxyzxy",
					     ".#other.osconf0badcafe" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		close(openat(root.fd, names[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	assert_int_equal(symlinkat("/etc/passwd", root.fd, ".#stale.osconf12345678"), 0);
	struct buf b = text("x\n");
	struct file_meta meta = { .mode = 0644 };
	assert_int_equal(atomic_write(root.fd, "/stale", &b, &meta, 0), 0);
	assert_int_equal(root_exists(root.fd, names[0]), 0);
	for (size_t i = 1; i < ARRAY_SIZE(names); i++)
		assert_int_equal(root_exists(root.fd, names[i]), 1);
	assert_int_equal(root_exists(root.fd, ".#stale.osconf12345678"), 1); /* a symlink: left alone */
	buf_free(&b);
}

/* In a group, a directory is listed once: stale temps of every base staged there go, the
 * group's own temps (staged after the listing) are renamed, not taken for stale ones. */
static void test_stale_temps_group(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(root.fd, "sg", 0755), 0);
	static const char *const names[] = { "sg/.#a.osconf0badcafe", "sg/.#b.osconf0badcafe", "sg/.#c.osconf0badcafe" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		close(openat(root.fd, names[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	struct buf b = text("x\n");
	struct file_meta meta = { .mode = 0644 };
	struct atomic_group *g = atomic_group_new();
	assert_non_null(g);
	assert_int_equal(atomic_stage(g, g, root.fd, "/sg/a", &b, &meta, 0), 0);
	assert_int_equal(atomic_stage(g, g, root.fd, "/sg/b", &b, &meta, 0), 0);
	assert_int_equal(root_exists(root.fd, names[0]), 0);
	assert_int_equal(root_exists(root.fd, names[1]), 0);
	assert_int_equal(root_exists(root.fd, names[2]), 1); /* c is not written: left alone */
	assert_int_equal(atomic_group_commit(g), 0);
	atomic_group_free(g);
	struct buf got = BUF_INIT;
	assert_int_equal(root_read_file(root.fd, "/sg/a", 100, &got), 0);
	assert_string_equal(got.data, "x\n");
	buf_free(&got);
	assert_int_equal(root_read_file(root.fd, "/sg/b", 100, &got), 0);
	assert_string_equal(got.data, "x\n");
	buf_free(&got);
	buf_free(&b);
}

static void test_digest(void **state)
{
	(void)state;
	uint8_t out[32];
	char hex[65];
	static const char *const in[] = { "", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" };
	static const char *const want[] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		sha256(in[i], strlen(in[i]), out);
		for (int j = 0; j < 32; j++)
			snprintf(hex + 2 * j, 3, "%02x", out[j]);
		assert_string_equal(hex, want[i]);
	}
	struct buf a = text("password=c2VjcmV0\n"), b = text("password=c2VjcmV0\n"), c = text("password=c2VjcmV1\n");
	assert_int_equal(buf_digest(&a), 0);
	assert_int_equal(buf_digest(&b), 0);
	assert_int_equal(buf_digest(&c), 0);
	assert_int_equal(a.len, 32);
	assert_true(buf_eq(&a, &b));
	assert_false(buf_eq(&a, &c));
	for (size_t i = 0; i + 4 <= a.len; i++)
		assert_false(memcmp(a.data + i, "c2Vj", 4) == 0);
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
}

/* Shared files: only our lines change. */
static void test_shared_files(void **state)
{
	(void)state;
	struct in_addr ns[2];
	inet_pton(AF_INET, "8.8.8.8", &ns[0]);
	inet_pton(AF_INET, "1.1.1.1", &ns[1]);
	struct buf b = text("# x\nsearch a\nnameserver 9.9.9.9\noptions rotate\nnameserver 4.4.4.4\n");
	assert_int_equal(resolv_set_nameservers(&b, ns, 2), 0);
	assert_string_equal(b.data, "# x\nsearch a\nnameserver 8.8.8.8\nnameserver 1.1.1.1\noptions rotate\n");
	buf_free(&b);
	b = text("search a"); /* no nameserver line, no final newline: ours at the end */
	assert_int_equal(resolv_set_nameservers(&b, ns, 1), 0);
	assert_string_equal(b.data, "search a\nnameserver 8.8.8.8\n");
	buf_free(&b);

	b = text("127.0.0.1\tlocalhost\n10.0.0.9\told.example old\t# osconf\n");
	assert_int_equal(hosts_set_name(&b, "web.example", "10.0.0.5"), 0);
	assert_string_equal(b.data, "127.0.0.1\tlocalhost\n10.0.0.5\tweb.example web\t# osconf\n");
	buf_free(&b);
	b = text("10.1.1.1 WEB # admin's\n");   /* mapped by another line: ours is not added */
	assert_int_equal(hosts_set_name(&b, "web", "10.0.0.5"), 0);
	assert_string_equal(b.data, "10.1.1.1 WEB # admin's\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atomic_write_and_skip),
		cmocka_unit_test(test_group_commit),
		cmocka_unit_test(test_group_late_stage),
		cmocka_unit_test(test_buf_error_sticky),
		cmocka_unit_test(test_symlinks_stay_inside),
		cmocka_unit_test(test_symlinks_stay_inside_walk),
		cmocka_unit_test(test_special_files),
		cmocka_unit_test(test_stale_temps),
		cmocka_unit_test(test_stale_temps_group),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_random_bytes_both_paths),
		cmocka_unit_test(test_anon_file_both_paths),
		cmocka_unit_test(test_text_edits),
		cmocka_unit_test(test_shared_files),
		cmocka_unit_test(test_diff),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
