#!/bin/bash
# tests/fuzz/mkseeds-image.sh OUTDIR — tiny disk images as seeds for the image fuzz target
# SPDX-License-Identifier: Apache-2.0
# (tests/fuzz/fuzz_image.c): MBR and GPT disks with a FAT32 partition 1 (aliyun_custom_image/)
# and an ext4 root (os-release, fstab, shadow, a small static ELF as osconf, symlinks), and
# qcow2/VHD/VMDK forms of them. No root, loop devices or mounts; each seed well under 1 MiB
# (file systems of a few hundred KiB, partitions from sector 64). Skips (exit 0, a note on
# stderr) when a tool is missing; OUTDIR gets only what could be made.
set -eu
out=${1:?usage: mkseeds-image.sh OUTDIR}
PATH=$PATH:/sbin:/usr/sbin
for t in sfdisk mkfs.vfat mkfs.ext4 python3 ${CC:-cc}; do
	command -v "$t" >/dev/null || { echo "mkseeds-image: no $t, no seeds" >&2; exit 0; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

P1=64 P1N=512          # FAT32, 256 KiB (fewer clusters than FAT32 wants: mkfs.fat warns)
P2=$((P1 + P1N)) P2N=1024   # ext4, 512 KiB, 1 KiB blocks, no journal
DISK=$(((P2 + P2N + 40) * 512))   # + room for the GPT backup
ROOT_UUID=5eed0002-0000-4000-8000-000000000002

# the smallest static ELF of the host's machine: _start that exits
printf 'void _start(void) { for (;;) __asm__ volatile("" ::: "memory"); }\n' >"$tmp/tiny.c"
${CC:-cc} -Os -s -static -nostdlib -fno-asynchronous-unwind-tables -Wl,--build-id=none \
	-o "$tmp/tiny" "$tmp/tiny.c"

r=$tmp/root
mkdir -p "$r"/etc/ssh "$r"/etc/systemd/system/sysinit.target.wants "$r"/usr/lib/systemd/system \
	"$r"/usr/sbin "$r"/bin "$r"/root/.ssh
printf 'ID=debian\nVERSION_ID=12\n' >"$r"/etc/os-release
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$r"/etc/passwd
printf 'root:!:19700:0:99999:7:::\nbob:$6$salt$hash:19700:0:99999:7:::\n' >"$r"/etc/shadow
printf 'UUID=%s / ext4 defaults 0 1\nLABEL=CUSTOMIMG /boot/efi vfat umask=077 0 2\n/dev/vda3 none swap sw 0 0\n' \
	"$ROOT_UUID" >"$r"/etc/fstab
cp "$tmp/tiny" "$r"/usr/sbin/osconf
cp "$tmp/tiny" "$r"/usr/lib/systemd/systemd
ln -s ../usr/lib/systemd/systemd "$r"/bin/sh
printf '[Service]\nType=oneshot\nExecStart=/usr/sbin/osconf apply\n' >"$r"/usr/lib/systemd/system/osconf.service
ln -s /usr/lib/systemd/system/osconf.service "$r"/etc/systemd/system/sysinit.target.wants/osconf.service
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake host\n' >"$r"/etc/ssh/ssh_host_ed25519_key.pub
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake key\n' >"$r"/root/.ssh/authorized_keys
printf 'partition=LABEL=CUSTOMIMG\n' >"$r"/etc/osconf.conf

# fat_mkdir IMG OFFSET NAME: a directory (long name, cluster 3) in the root of a FAT32 file
# system. mtools cannot: it takes a FAT32 with this few clusters for FAT12.
fat_mkdir() {
	python3 - "$@" <<'PY'
import struct, sys
path, off, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
f = open(path, "r+b")
f.seek(off); b = f.read(512)
bps, spc, res, nfats = struct.unpack_from("<HBHB", b, 11)
fatlen, root = struct.unpack_from("<I", b, 36)[0], struct.unpack_from("<I", b, 44)[0]
for i in range(nfats):                      # cluster 3: end of chain
	f.seek(off + (res + i * fatlen) * bps + 3 * 4); f.write(struct.pack("<I", 0x0FFFFFFF))
short = b"ALIYUN~1   "
s = 0
for c in short:
	s = (((s & 1) << 7) + (s >> 1) + c) & 0xFF
u = [ord(c) for c in name] + [0]
u += [0xFFFF] * (-len(u) % 13)
n = len(u) // 13
ents = []
for seq in range(n, 0, -1):
	ch = u[(seq - 1) * 13:seq * 13]
	e = bytearray(32)
	e[0] = seq | (0x40 if seq == n else 0)
	struct.pack_into("<5H", e, 1, *ch[0:5]); e[11] = 0x0F; e[13] = s
	struct.pack_into("<6H", e, 14, *ch[5:11]); struct.pack_into("<2H", e, 28, *ch[11:13])
	ents.append(bytes(e))
e = bytearray(32); e[0:11] = short; e[11] = 0x10
struct.pack_into("<H", e, 20, 0); struct.pack_into("<H", e, 26, 3)
ents.append(bytes(e))
rootoff = off + (res + nfats * fatlen) * bps + (root - 2) * spc * bps
f.seek(rootoff); d = f.read(spc * bps)
pos = next(i for i in range(0, len(d), 32) if d[i] == 0)
f.seek(rootoff + pos); f.write(b"".join(ents))
PY
}

# disk LABEL(dos|gpt) OUT
disk() {
	local label=$1 img=$2 t1=c t2=83 hdr="label: dos" x1="" x2=""
	if [ "$label" = gpt ]; then
		t1=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 t2=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
		hdr="label: gpt
first-lba: 34"
		x1=", uuid=5EED0000-0000-4000-8000-0000000000A1, name=custom"
		x2=", uuid=5EED0000-0000-4000-8000-0000000000A2, name=root"
	fi
	rm -f "$img"
	truncate -s $DISK "$img"
	printf '%s\nunit: sectors\nstart=%d, size=%d, type=%s%s\nstart=%d, size=%d, type=%s%s\n' \
		"$hdr" $P1 $P1N $t1 "$x1" $P2 $P2N $t2 "$x2" | sfdisk -q "$img" 2>/dev/null
	mkfs.vfat -F 32 -S 512 -s 1 -n CUSTOMIMG -i 5EED0001 --offset=$P1 "$img" $((P1N / 2)) >/dev/null 2>&1
	fat_mkdir "$img" $((P1 * 512)) aliyun_custom_image
	mkfs.ext4 -q -F -b 1024 -N 64 -O ^has_journal,^resize_inode -L rootfs -U $ROOT_UUID \
		-E offset=$((P2 * 512)) -d "$r" "$img" $((P2N / 2))k
}

disk dos "$out/mbr-fat32-ext4.raw"
disk gpt "$out/gpt-fat32-ext4.raw"
# a bare file system (no partition table) and a disk with only the table
mkfs.ext4 -q -F -b 1024 -N 64 -O ^has_journal,^resize_inode -d "$r" "$tmp/fs.img" 512k >/dev/null
mv "$tmp/fs.img" "$out/bare-ext4.raw"
head -c $((P1 * 512)) "$out/mbr-fat32-ext4.raw" >"$out/mbr-only.raw"

if command -v qemu-img >/dev/null; then
	src=$out/mbr-fat32-ext4.raw
	# qcow2 grown past 5 GiB (the MBR table still fits): small clusters keep the file small
	qemu-img convert -O qcow2 -o cluster_size=4096 "$src" "$tmp/big.qcow2"
	qemu-img resize -q "$tmp/big.qcow2" 6G
	mv "$tmp/big.qcow2" "$out/mbr-6g.qcow2"
	qemu-img convert -O qcow2 -o cluster_size=512 "$out/gpt-fat32-ext4.raw" "$out/gpt.qcow2"
	qemu-img convert -O vpc -o subformat=fixed "$src" "$out/mbr-fixed.vhd"
	qemu-img convert -O vpc -o subformat=dynamic "$src" "$out/mbr-dynamic.vhd"
	qemu-img convert -O vmdk -o subformat=monolithicSparse "$src" "$out/mbr-sparse.vmdk"
	qemu-img convert -O vmdk -o subformat=streamOptimized "$src" "$out/mbr-stream.vmdk"
else
	echo "mkseeds-image: no qemu-img, raw seeds only" >&2
fi

# XFS (the smallest mkfs.xfs makes: 16 MiB, 1 KiB blocks) as partition 2, v5 and v4 without
# ftype, btrfs, and — as root, lvm2 on a loop device — XFS inside an LVM volume group; qcow2 with 4 KiB
# clusters keeps each under 300 KiB (the file systems are mostly zeros).
if command -v mkfs.xfs >/dev/null && command -v qemu-img >/dev/null; then
	SCRATCH=$tmp
	. "$(dirname "$0")/../image/lib.sh"
	XN=34816                            # partition 2: 17 MiB
	XFS_SKIP=0
	# xfs_disk OUT TYPE: partition 1 FAT32, partition 2 of TYPE with the file system $tmp/x.fs at XFS_SKIP bytes
	# into it (XFS_LVM, when set, makes the PV first and sets XFS_SKIP)
	xfs_disk() {
		local img=$1 type=$2
		truncate -s $(((P2 + XN + 40) * 512)) "$tmp/x.raw"
		printf 'label: dos\nunit: sectors\nstart=%d, size=%d, type=c\nstart=%d, size=%d, type=%s\n' \
			$P1 $P1N $P2 $XN "$type" | sfdisk -q "$tmp/x.raw" 2>/dev/null
		mkfs.vfat -F 32 -S 512 -s 1 -n CUSTOMIMG -i 5EED0001 --offset=$P1 "$tmp/x.raw" $((P1N / 2)) >/dev/null 2>&1
		fat_mkdir "$tmp/x.raw" $((P1 * 512)) aliyun_custom_image
		if [ -n "${XFS_LVM:-}" ]; then "$XFS_LVM" "$tmp/x.raw" || return 1; fi
		dd if="$tmp/x.fs" of="$tmp/x.raw" bs=512 seek=$((P2 + XFS_SKIP / 512)) conv=notrunc,sparse status=none
		qemu-img convert -O qcow2 -o cluster_size=4096 "$tmp/x.raw" "$img"
		rm -f "$tmp/x.raw"
	}
	printf 'UUID=5eed0003-0000-4000-8000-000000000003 / xfs defaults 0 0\n' >"$r"/etc/fstab
	for i in $(seq 1 40); do : >"$r/etc/filler-$i"; done      # /etc in block form
	make_xfs "$r" "$tmp/x.fs" 16M -b size=1024 -m uuid=5eed0003-0000-4000-8000-000000000003
	xfs_disk "$out/mbr-fat32-xfs.qcow2" 83
	make_xfs "$r" "$tmp/x.fs" 16M -b size=1024 -m crc=0 -n ftype=0 2>/dev/null
	xfs_disk "$out/mbr-fat32-xfs4.qcow2" 83
	if command -v mkfs.btrfs >/dev/null; then   # btrfs in mixed block groups: 16 MiB is enough
		rm -f "$tmp/x.fs" && truncate -s 16M "$tmp/x.fs"
		mkfs.btrfs -q -f --mixed -U 5eed0003-0000-4000-8000-000000000003 --rootdir "$r" "$tmp/x.fs" >/dev/null 2>&1
		xfs_disk "$out/mbr-fat32-btrfs.qcow2" 83
	fi
	if [ "$(id -u)" = 0 ] && command -v vgcfgrestore >/dev/null; then
		# the PV on partition 2: VG centos of 1 MiB extents, root linear over 16 of them
		lvm_seed() {
			lvm_attach "$1" $((P2 * 512)) $((XN * 512)) || return 1
			XFS_SKIP=$(LVM_PV_OPTS="--metadatasize 64k --dataalignment 64k" LVM_VG_OPTS="-s 1m" \
				lvm_volumes centos "$(lvm_linear root pv0 0 16)")
			local rc=$?
			lvm_detach
			return $rc
		}
		trap 'lvm_detach; rm -rf "$tmp"' EXIT
		make_xfs "$r" "$tmp/x.fs" 16M -b size=1024 -m uuid=5eed0003-0000-4000-8000-000000000003
		XFS_LVM=lvm_seed xfs_disk "$out/mbr-fat32-lvm-xfs.qcow2" 8e 2>/dev/null ||
			echo "mkseeds-image: lvm2 failed, no LVM seed" >&2
	else
		echo "mkseeds-image: not root or no lvm2, no LVM seed" >&2
	fi
else
	echo "mkseeds-image: no mkfs.xfs or qemu-img, no XFS seeds" >&2
fi
