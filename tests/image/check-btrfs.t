#!/bin/bash
# tests/image/check-btrfs.t — `osconf image check` reads a btrfs root: the default subvolume
# through the chunk tree, directories of many entries (a fs tree of several levels), symlinks,
# every path of the tree found while its directory is listed;
# as root also files the kernel wrote compressed (zlib read, lzo not: said so) and a damaged
# tree. Images are made with mkfs.btrfs --rootdir as a normal user.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.btrfs python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
export ROOT_FS=btrfs
P2_SECTORS=524288   # 256 MiB: mkfs.btrfs --rootdir grows a smaller file

make_root "$SCRATCH/root"
ln -sf ../usr/lib/os-release "$SCRATCH/root/etc/os-release"
mkdir -p "$SCRATCH/root/usr/lib"
printf 'ID=opensuse-leap\nVERSION_ID=15.5\nPRETTY_NAME="openSUSE Leap 15.5"\n' >"$SCRATCH/root/usr/lib/os-release"
for i in $(seq 1 3000); do : >"$SCRATCH/root/etc/aaa-filler-entry-$i"; done   # lookups across leaves
make_image "$SCRATCH/btrfs.img" gpt vfat "$SCRATCH/root" 2>/dev/null
run_check "GPT + FAT32 + btrfs root passes" "$SCRATCH/btrfs.img" pass 0
out=$("$OSCONF" image check "$SCRATCH/btrfs.img" 2>&1)
echo "$out" | grep -q '^PASS  root-fs .*partition 2 (btrfs): the only file system with /etc/os-release' &&
	echo "$out" | grep -q 'openSUSE Leap 15.5' && echo "$out" | grep -q '^PASS  agent .*enabled for systemd' &&
	ok "root found in btrfs, contents inspected" || { fail "root in btrfs"; diag "$out"; }

# every path of the tree is found, each looked up from inside its directory's listing (as the
# checks do: a unit scan stats while it lists, and the lookups read other leaves of the tree)
tree_tool="$OSCONF_SRC/build/tests/fsview-tree"
if [ -x "$tree_tool" ]; then
	(cd "$SCRATCH/root" && find . -mindepth 1 \( -type d -printf 'd /%P\n' \) -o \( -type f -printf 'f /%P %s\n' \) \
		-o \( -type l -printf 'l /%P %l\n' \) -o -printf 'o /%P\n') | LC_ALL=C sort >"$SCRATCH/tree.want"
	"$tree_tool" "$SCRATCH/btrfs.img" 2>"$SCRATCH/tree.err" | LC_ALL=C sort >"$SCRATCH/tree.got"
	if [ "${PIPESTATUS[0]}" = 0 ] && cmp -s "$SCRATCH/tree.want" "$SCRATCH/tree.got"; then
		ok "all $(wc -l <"$SCRATCH/tree.want") paths of the tree are found, with their types, sizes and link targets"
	else
		fail "the tree read from btrfs differs from its source"
		diag "$(cat "$SCRATCH/tree.err"; diff "$SCRATCH/tree.want" "$SCRATCH/tree.got" | head -20)"
	fi
else
	skip "every path of the tree: no build/tests/fsview-tree (make check builds it)"
fi

# damaged: the superblock's root tree pointer, then every tree block of the fs tree (owner 5)
cp --sparse=always "$SCRATCH/btrfs.img" "$SCRATCH/bad.img"
off=$((P2_START * 512))
python3 - "$SCRATCH/bad.img" $off <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); base = int(sys.argv[2])
f.seek(base + 65536 + 0x50); f.write(struct.pack("<Q", 12345 * 4096))
PY
out=$("$OSCONF" image check "$SCRATCH/bad.img" 2>&1)
echo "$out" | grep -q '^WARN  root-fs .*partition 2 (btrfs) holds the root file system, but it cannot be read: btrfs root tree: no readable subvolume 5' &&
	ok "a damaged root tree pointer: said" || { fail "damaged root tree"; diag "$out"; }
cp --sparse=always "$SCRATCH/btrfs.img" "$SCRATCH/bad.img"
n=$(python3 - "$SCRATCH/bad.img" $off $((P2_SECTORS * 512)) <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); base, size = int(sys.argv[2]), int(sys.argv[3])
f.seek(base + 65536); sb = f.read(4096)
fsid, nodesize = sb[0x20:0x30], struct.unpack_from("<I", sb, 0x94)[0]
n = 0
for chunk in range(0, size, 1 << 20):
    f.seek(base + chunk); data = bytearray(f.read(1 << 20)); hit = False
    for o in range(0, len(data), 4096):
        if data[o + 0x20:o + 0x30] == fsid and struct.unpack_from("<Q", data, o + 0x58)[0] == 5:
            data[o + 101:o + 101 + 200] = b"\xff" * 200; n += 1; hit = True
    if hit:
        f.seek(base + chunk); f.write(data)
print(n)
PY
)
out=$("$OSCONF" image check "$SCRATCH/bad.img" 2>&1)
rc=$?
[ "${n:-0}" -gt 0 ] && [ $rc -le 1 ] &&
	echo "$out" | grep -q '^WARN  root-fs .*cannot be read: btrfs top directory of the default subvolume is damaged' &&
	ok "$n damaged fs tree blocks: said, no crash" || { fail "damaged fs tree: $n blocks, exit $rc"; diag "$out"; }
rm -f "$SCRATCH/bad.img"

# compressed files, written by the kernel (mounted in a private mount namespace, gone with it):
# zlib is read (a usable root password at the end of /etc/shadow fails root-password), lzo is not
compressed() {   # IMG ALGORITHM: /etc/shadow rewritten through compress-force=ALGORITHM
	mkdir -p "$SCRATCH/mnt"
	local l
	l=$(losetup -f --show -o $off --sizelimit $((P2_SECTORS * 512)) "$1") || return 1
	unshare -m --propagation private sh -c 'mount -o compress-force=$3 "$1" "$2" && python3 - "$2" && umount "$2"' sh \
		"$l" "$SCRATCH/mnt" "$2" <<'PY'
import sys
m = sys.argv[1]
lines = b"".join(b"u%05d:!:19700:0:99999:7:::\n" % i for i in range(20000))
open(m + "/etc/shadow", "wb").write(lines + b"root:$6$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstu:19700:0:99999:7:::\n")
PY
	local rc=$?
	losetup -d "$l"
	return $rc
}
if [ "$(id -u)" = 0 ] && grep -qw btrfs /proc/filesystems && command -v unshare >/dev/null; then
	cp --sparse=always "$SCRATCH/btrfs.img" "$SCRATCH/zlib.img"
	compressed "$SCRATCH/zlib.img" zlib || fail "write a zlib-compressed file"
	out=$("$OSCONF" image check "$SCRATCH/zlib.img" 2>&1)
	echo "$out" | grep -q '^FAIL  root-password ' && ok "zlib-compressed /etc/shadow is read to its end" ||
		{ fail "zlib"; diag "$out"; }
	cp --sparse=always "$SCRATCH/btrfs.img" "$SCRATCH/lzo.img"
	compressed "$SCRATCH/lzo.img" lzo || fail "write an lzo-compressed file"
	out=$("$OSCONF" image check "$SCRATCH/lzo.img" 2>&1)
	echo "$out" | grep -q '^WARN  root-password .*cannot read /etc/shadow: Operation not supported' &&
		ok "lzo-compressed /etc/shadow: not read, said so" || { fail "lzo"; diag "$out"; }
	rm -f "$SCRATCH/zlib.img" "$SCRATCH/lzo.img"
else
	skip "compressed files need root and btrfs in the kernel"
	skip "compressed files need root and btrfs in the kernel"
fi
done_testing
