#!/bin/bash
# tests/image/check-hostile-ext.t — a crafted ext4 root: an inline-data symlink whose inode claims
# 1.9 GB. libext2fs's own path walk would allocate that much to follow it; osconf walks paths
# itself and checks every link's size first, so `image check` allocates nothing big.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$OSCONF_SRC/tests/image/lib.sh"
need_tools
command -v strace >/dev/null || skip_all "strace not installed (mk/deps.sh check installs it)"
command -v debugfs >/dev/null || skip_all "debugfs not installed (e2fsprogs)"

make_root "$SCRATCH/root"
make_image "$SCRATCH/d.img" dos vfat "$SCRATCH/root" 6G
fs="$SCRATCH/d.img?offset=$((P2_START * 512))"
long=/usr/lib/systemd/systemd-with-a-name-longer-than-the-sixty-bytes-of-i_block
{ debugfs -w -R "feature inline_data" "$fs" && debugfs -w -R "mkdir /sbin" "$fs" &&
	debugfs -w -R "symlink /sbin/init $long" "$fs"; } >"$SCRATCH/debugfs.log" 2>&1
check "the symlink is stored inline" sh -c "debugfs -R 'stat /sbin/init' '$fs' 2>/dev/null | grep -q 'Flags: 0x10000000'"
debugfs -w -R "sif /sbin/init size 1900000000" "$fs" >>"$SCRATCH/debugfs.log" 2>&1
check "its inode now claims 1.9 GB" sh -c "debugfs -R 'stat /sbin/init' '$fs' 2>/dev/null | grep -q 'Size: 1900000000'"

strace -f -e trace=mmap -o "$SCRATCH/st" "$OSCONF" image check "$SCRATCH/d.img" >"$SCRATCH/out" 2>&1
big=$(awk -F', ' '/mmap\(/ { if ($2 + 0 > 256 * 1048576) n++ } END { print n + 0 }' "$SCRATCH/st")
check "no allocation above 256 MiB while checking it" test "$big" = 0
has "the checks still run to their end" '^Result:' "$(cat "$SCRATCH/out")"
has "the agent check still judges the image (systemd found another way)" '^PASS  agent' "$(cat "$SCRATCH/out")"
done_testing
