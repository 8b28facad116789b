#!/bin/bash
# tests/image/check-xfs.t — `osconf image check` reads an XFS root partition as a normal user
# (mkfs.xfs -p prototype, no mount): v5 and v4, inline and remote symlinks.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.xfs python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
export ROOT_FS=xfs
P2_SECTORS=65536   # 32 MiB (mkfs.xfs is told this is a test file system)

make_root "$SCRATCH/root"
mkdir -p "$SCRATCH/root/usr/lib"
printf 'ID=rocky\nVERSION_ID=9.3\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n' >"$SCRATCH/root/usr/lib/os-release"
ln -sf ../usr/lib/os-release "$SCRATCH/root/etc/os-release"
make_image "$SCRATCH/xfs.img" gpt vfat "$SCRATCH/root" 2>/dev/null
run_check "GPT + FAT32 + XFS v5 root passes" "$SCRATCH/xfs.img" pass 0
out=$("$OSCONF" image check "$SCRATCH/xfs.img" 2>&1)
echo "$out" | grep -q '^PASS  root-fs .*partition 2 (xfs): the only file system with /etc/os-release' &&
	echo "$out" | grep -q 'Rocky Linux 9.3 (Blue Onyx)' && ok "os-release through an inline symlink" ||
	{ fail "inline symlink"; diag "$out"; }
rm -f "$SCRATCH/xfs.img"

# a remote symlink (a target too long for the inode, in a block of its own). On v4 only:
# mkfs.xfs 6.1 writes v5 remote symlinks without their block header (xfs_db reports a CRC
# error, the kernel refuses them; check-lvm-xfs.t has one the kernel wrote)
long=usr/lib/$(printf 'a-rather-long-directory-name-%02d/' $(seq 1 12))
mkdir -p "$SCRATCH/root/$long"
mv "$SCRATCH/root/usr/lib/os-release" "$SCRATCH/root/${long}os-release"
ln -sf "../${long}os-release" "$SCRATCH/root/etc/os-release"
[ ${#long} -gt 340 ] || fail "the symlink target is short enough to be inline"
# v4: the same tree, the partition left empty by make_image, the file system copied in
ROOT_FS=none make_image "$SCRATCH/v4.img" gpt vfat "$SCRATCH/root" 2>/dev/null
make_xfs "$SCRATCH/root" "$SCRATCH/v4.xfs" $((P2_SECTORS * 512)) -m crc=0 -m uuid=$ROOT_UUID 2>/dev/null
dd if="$SCRATCH/v4.xfs" of="$SCRATCH/v4.img" bs=1M seek=$((P2_START / 2048)) conv=notrunc,sparse status=none
run_check "XFS v4 root passes" "$SCRATCH/v4.img" pass 0
out=$("$OSCONF" image check "$SCRATCH/v4.img" 2>&1)
echo "$out" | grep -q 'Rocky Linux 9.3 (Blue Onyx)' && ok "os-release through a remote symlink" ||
	{ fail "remote symlink"; diag "$out"; }
rm -f "$SCRATCH/v4.img" "$SCRATCH/v4.xfs"

done_testing
