#!/bin/bash
# tests/image/check-lvm-xfs.t — `osconf image check` inside LVM and XFS: a CentOS-7-style image
# (MBR, FAT32 partition 1, LVM volume group centos with an XFS root) passes with its contents
# inspected, raw and as qcow2, XFS v5 and v4; a root in several segments; a thin root and a
# damaged XFS fail clearly. Root: lvm2 writes the metadata on a loop device (pvcreate,
# vgcreate, vgcfgrestore; no device-mapper needed); the XFS is made without mounting.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
need_root
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.xfs pvcreate vgcfgrestore losetup fallocate python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
trap 'lvm_detach; rm -rf "$SCRATCH"' EXIT

# text_has NAME IMAGE PATTERN…: `image check` prints every pattern (extended regular expressions)
text_has() {
	local name=$1 img=$2 out
	shift 2
	out=$("$OSCONF" image check "$img" 2>&1)
	for p in "$@"; do
		if ! echo "$out" | grep -Eq -- "$p"; then
			fail "$name: no /$p/"
			diag "$out"
			return
		fi
	done
	ok "$name"
}

make_centos_root "$SCRATCH/root"
# directories in every form: short-form (/etc/ssh), block (/usr/lib), leaf (/home with many
# users) and node (/usr/share/many, /etc), and a file of many blocks (osconf itself)
mkdir -p "$SCRATCH/root/usr/share/many"
for i in $(seq 1 2500); do : >"$SCRATCH/root/usr/share/many/entry-with-a-long-name-$i"; done
# /etc in node form, its real entries after 3000 others: every lookup there reads many blocks
for i in $(seq 1 3000); do : >"$SCRATCH/root/etc/aaa-filler-entry-$i"; done
for i in $(seq 1 120); do mkdir -p "$SCRATCH/root/home/user$i/.ssh"; done
head -c 3000000 /dev/zero >>"$SCRATCH/root/usr/sbin/osconf"

make_lvm_image "$SCRATCH/centos.img" "$SCRATCH/root" 2>"$SCRATCH/mk.err" || { fail "build the LVM image"; diag "$(cat "$SCRATCH/mk.err")"; exit 1; }
run_check "CentOS-7-style image: LVM + XFS v5 root passes" "$SCRATCH/centos.img" pass 0
text_has "root found in the logical volume, contents inspected" "$SCRATCH/centos.img" \
	'^PASS  root-fs +LVM centos/root \(xfs\) on partition 2: the only file system with /etc/os-release' \
	'CentOS Linux 7 \(Core\) \(ID=centos VERSION_ID=7\)' '/etc/fstab mounts / from UUID=5eed0003.* = LVM centos/root' \
	'^PASS  agent ' '^PASS  root-password ' '64 home directories looked at' '^PASS  fstab +3 /etc/fstab entries'

python3 - "$SCRATCH/out.json" <<'PY' && ok "JSON: root partition 2, volume centos/root" || fail "JSON root"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["root"]["partition"] == 2, d["root"]
assert d["partitions"][1]["fstype"] == "LVM2_member", d["partitions"]
assert d["root"]["volume"] == "centos/root", d["root"]
PY

qemu_img=$(command -v qemu-img || true)
if [ -n "$qemu_img" ]; then
	qemu-img convert -O qcow2 "$SCRATCH/centos.img" "$SCRATCH/centos.qcow2"
	run_check "the same image as qcow2 passes" "$SCRATCH/centos.qcow2" pass 0
	rm -f "$SCRATCH/centos.qcow2"
else
	skip "no qemu-img"
fi

# /etc/shadow in a B+tree fork: written a block at a time, interleaved with another file, by
# the kernel (mounted in a private mount namespace, gone with it); its last line, a usable root
# password, is found only when every extent is read. And a remote symlink as the kernel writes it.
fragment() {
	mkdir -p "$SCRATCH/mnt"
	unshare -m --propagation private sh -c 'mount -o loop,allocsize=4096 "$1" "$2" && python3 - "$2" && umount "$2"' sh \
		"$1" "$SCRATCH/mnt" <<'PY'
import os, sys
m = sys.argv[1]
shadow = os.open(m + "/etc/shadow", os.O_WRONLY | os.O_TRUNC)
filler = os.open(m + "/etc/filler", os.O_WRONLY | os.O_CREAT, 0o644)
line = b"".join(b"u%05d:!:19700:0:99999:7:::\n" % i for i in range(4096 // 26))
block = line + b"#" * (4095 - len(line)) + b"\n"
for i in range(300):
    os.write(shadow, block); os.fsync(shadow)
    os.write(filler, b"x" * 4096); os.fsync(filler)
os.write(shadow, b"root:$6$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstu:19700:0:99999:7:::\n")
os.close(shadow); os.close(filler)
# /etc/os-release through a remote symlink with its v5 block header
d = m + "/usr/lib/" + "".join("a-rather-long-directory-name-%02d/" % i for i in range(12))
os.makedirs(d)
os.rename(m + "/usr/lib/os-release", d + "os-release")
os.unlink(m + "/etc/os-release")
os.symlink(".." + d[len(m):] + "os-release", m + "/etc/os-release")
PY
}
if grep -qw xfs /proc/filesystems && command -v unshare >/dev/null; then
	XFS_HOOK=fragment make_lvm_image "$SCRATCH/btree.img" "$SCRATCH/root" 2>"$SCRATCH/mk.err" ||
		{ fail "build the B+tree image"; diag "$(cat "$SCRATCH/mk.err")"; }
	text_has "/etc/shadow in a B+tree fork is read to its end, os-release through a remote symlink" \
		"$SCRATCH/btree.img" '^FAIL  root-password ' '^PASS  fstab ' 'CentOS Linux 7 \(Core\)'
	rm -f "$SCRATCH/btree.img"
else
	skip "no XFS in this kernel: no B+tree fork test"
fi

# XFS v4 (no CRCs) without file types in directory entries: types come from the inodes
make_lvm_image "$SCRATCH/v4.img" "$SCRATCH/root" -m crc=0 -n ftype=0 2>/dev/null || fail "build the v4 image"
run_check "XFS v4 without ftype passes" "$SCRATCH/v4.img" pass 0
rm -f "$SCRATCH/v4.img"

# the root in two segments, in reverse order on the physical volume
LVM_TEXT=$(printf '\t\troot {\n\t\t\tid = "5eed01-0000-0000-0000-0000-0000-00lv01"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n\t\t\tsegment_count = 2\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 8\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = ["pv0", 0]\n\t\t\t}\n\t\t\tsegment2 {\n\t\t\t\tstart_extent = 8\n\t\t\t\textent_count = 504\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = ["pv0", 600]\n\t\t\t}\n\t\t}\n')
LVM_TEXT=$LVM_TEXT make_lvm_image "$SCRATCH/seg.img" "$SCRATCH/root" 2>"$SCRATCH/mk.err" || fail "build the two-segment image"
# mkfs wrote the whole XFS at extent 0: move LV extents 8… to PV extent 600 (4 MiB extents)
pe_mib=$(((P2_START * 512 >> 20) + 1))
dd if="$SCRATCH/seg.img" of="$SCRATCH/seg.img" bs=1M skip=$((pe_mib + 32)) seek=$((pe_mib + 2400)) \
	count=$((504 * 4)) conv=notrunc,sparse status=none
fallocate -p -o $(((pe_mib + 32) << 20)) -l $((504 * 4 << 20)) "$SCRATCH/seg.img"
run_check "a root in two segments passes" "$SCRATCH/seg.img" pass 0
rm -f "$SCRATCH/seg.img"

# the root over two physical volumes (partitions 2 and 3): its first GiB on pv0, the second on pv1
make_centos_root "$SCRATCH/two"
make_xfs "$SCRATCH/two" "$SCRATCH/two.xfs" 2G -m uuid=$XFS_UUID
rm -f "$SCRATCH/two.img" && truncate -s 6G "$SCRATCH/two.img"
printf 'label: dos\nunit: sectors\nstart=%s, size=%s, type=c\nstart=%s, size=4194304, type=8e\nstart=%s, type=8e\n' \
	$P1_START $P1_SECTORS $P2_START $((P2_START + 4194304)) | sfdisk -q "$SCRATCH/two.img"
mbr_boot_code "$SCRATCH/two.img"
mkfs.vfat -F 32 -s 1 -n CUSTOMIMG --offset=$P1_START "$SCRATCH/two.img" $((P1_SECTORS / 2)) >/dev/null 2>&1
mcopy -s -i "$SCRATCH/two.img@@$((P1_START * 512))" "$SCRATCH/custom/aliyun_custom_image" ::/
p2=$((P2_START * 512)) p3=$(((P2_START + 4194304) * 512))
two=$(printf '\t\troot {\n\t\t\tid = "5eed01-0000-0000-0000-0000-0000-00lv01"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n\t\t\tsegment_count = 2\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 256\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = ["pv0", 0]\n\t\t\t}\n\t\t\tsegment2 {\n\t\t\t\tstart_extent = 256\n\t\t\t\textent_count = 256\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = ["pv1", 0]\n\t\t\t}\n\t\t}\n')
if lvm_attach "$SCRATCH/two.img" $p2 $((4194304 * 512)) $p3 $(((6 << 30) - p3)) &&
	pe=$(lvm_volumes centos "$two" 2>"$SCRATCH/mk.err"); then
	lvm_detach
	dd if="$SCRATCH/two.xfs" of="$SCRATCH/two.img" bs=1M seek=$(((p2 + pe) >> 20)) count=1024 conv=notrunc,sparse status=none
	dd if="$SCRATCH/two.xfs" of="$SCRATCH/two.img" bs=1M skip=1024 seek=$(((p3 + pe) >> 20)) conv=notrunc,sparse status=none
	run_check "a root over two physical volumes passes" "$SCRATCH/two.img" pass 0
	out=$("$OSCONF" image check "$SCRATCH/two.img" 2>&1)
	echo "$out" | grep -q '^  partition 3: .*LVM2_member' && ok "both physical volumes probed" || { fail "partition 3"; diag "$out"; }
else
	lvm_detach
	fail "build the two-PV image"
	diag "$(cat "$SCRATCH/mk.err")"
fi
rm -f "$SCRATCH/two.img" "$SCRATCH/two.xfs"

# a thin root (in a thin pool with its hidden data and metadata volumes): not read, and said so
LVM_TEXT=$(cat <<'VG'
		pool {
			id = "5eed01-0000-0000-0000-0000-0000-00lv01"
			status = ["READ", "WRITE", "VISIBLE"]
			flags = []
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 100
				type = "thin-pool"
				metadata = "pool_tmeta"
				pool = "pool_tdata"
				transaction_id = 1
				chunk_size = 128
				discards = "passdown"
				zero_new_blocks = 1
			}
		}
		root {
			id = "5eed02-0000-0000-0000-0000-0000-00lv02"
			status = ["READ", "WRITE", "VISIBLE"]
			flags = []
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 50
				type = "thin"
				thin_pool = "pool"
				transaction_id = 0
				device_id = 1
			}
		}
		pool_tmeta {
			id = "5eed03-0000-0000-0000-0000-0000-00lv03"
			status = ["READ", "WRITE"]
			flags = []
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 2
				type = "striped"
				stripe_count = 1
				stripes = ["pv0", 100]
			}
		}
		pool_tdata {
			id = "5eed04-0000-0000-0000-0000-0000-00lv04"
			status = ["READ", "WRITE"]
			flags = []
			segment_count = 1
			segment1 {
				start_extent = 0
				extent_count = 100
				type = "striped"
				stripe_count = 1
				stripes = ["pv0", 0]
			}
		}
VG
)
mkdir -p "$SCRATCH/empty"
LVM_TEXT=$LVM_TEXT make_lvm_image "$SCRATCH/thin.img" "$SCRATCH/empty" 2>"$SCRATCH/mk.err" || fail "build the thin image"
text_has "a thin root is named and not read" "$SCRATCH/thin.img" \
	'^WARN  root-fs +LVM centos/root \(unknown\) on partition 2 holds the root file system, but it cannot be read: segment type thin is not read \(only linear volumes are\)' \
	'^WARN  agent +not inspected'
rm -f "$SCRATCH/thin.img"

# damaged XFS: the root directory's inode, then the directory block of /usr/share/many
cp --sparse=always "$SCRATCH/centos.img" "$SCRATCH/bad.img"
xfs_off=$(((P2_START * 512) + (1 << 20)))
python3 - "$SCRATCH/bad.img" "$xfs_off" <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); base = int(sys.argv[2])
f.seek(base); sb = f.read(512)
bs, = struct.unpack_from(">I", sb, 4); root, = struct.unpack_from(">Q", sb, 56); isz, = struct.unpack_from(">H", sb, 104)
inopblog = sb[123]; agblklog = sb[124]; agblocks, = struct.unpack_from(">I", sb, 84)
agno, agbno, slot = root >> (agblklog + inopblog), (root >> inopblog) & ((1 << agblklog) - 1), root & ((1 << inopblog) - 1)
f.seek(base + (agno * agblocks + agbno) * bs + slot * isz); f.write(b"XX")
PY
text_has "a damaged root inode: said, nothing read" "$SCRATCH/bad.img" \
	'^WARN  root-fs +LVM centos/root \(xfs\) on partition 2 holds the root file system, but it cannot be read: XFS root directory inode 128 is damaged'
rm -f "$SCRATCH/bad.img"

cp --sparse=always "$SCRATCH/centos.img" "$SCRATCH/bad.img"
blk=$(python3 - "$SCRATCH/bad.img" "$xfs_off" <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); base = int(sys.argv[2])
f.seek(base); sb = f.read(512)
bs, = struct.unpack_from(">I", sb, 4)
# every directory block ("XDB3", "XDD3") of the file system: its entries overwritten with garbage
n = 0
for chunk in range(0, 2 << 30, 1 << 20):
    f.seek(base + chunk); data = bytearray(f.read(1 << 20))
    hit = False
    for off in range(0, len(data), bs):
        if data[off:off + 4] in (b"XDB3", b"XDD3"):
            data[off + 64:off + 136] = b"\x00\x00\x00\x00\x00\x00\x00\x00\xff" * 8; n += 1; hit = True
    if hit:
        f.seek(base + chunk); f.write(data)
print(n)
PY
)
[ "${blk:-0}" -gt 0 ] && ok "damaged $blk directory blocks" || fail "no directory block found to damage"
out=$("$OSCONF" image check "$SCRATCH/bad.img" 2>&1)
rc=$?
[ $rc -le 1 ] && echo "$out" | grep -q '^Result:' && ok "damaged directory blocks: a report, no crash (exit $rc)" ||
	{ fail "damaged directory blocks: exit $rc"; diag "$out"; }

done_testing
