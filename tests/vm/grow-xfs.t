#!/bin/bash
# tests/vm/grow-xfs.t — an XFS root grows online too: a 6 GiB MBR image with XFS on partition 2 (made
# through a loop device in a private mount namespace), its disk file enlarged to 10 GiB, booted once
# under QEMU (TCG) with Debian's cloud kernel and its xfs module.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
. "$(dirname "$0")/systemd.sh"
command -v mkfs.xfs >/dev/null || skip_all "needs mkfs.xfs (Debian: apt-get install xfsprogs)"
grep -qw xfs /proc/filesystems || skip_all "the host kernel has no XFS to fill the image through a loop device"
VM_MODULES="$VM_MODULES_BASE xfs"
vm_prepare
APPEND="net.ifnames=0" PARTITION_MOUNTED="" VM_ROOT_FS=xfs
# a loaded machine (make check runs the VM tests side by side) can double a boot's time
BOOT_TIMEOUT=$((BOOT_TIMEOUT * 2))
export VM_ROOT_FS
VM_REPORT_EXTRA=$SCRATCH/report-extra
cat >"$VM_REPORT_EXTRA" <<'EOF2'
#!/bin/sh
echo "VMR fstype=$(stat -f -c %T /)"
echo "VMR part_sectors=$(cat /sys/class/block/vda2/size)"
echo "VMR fs_bytes=$(stat -f -c '%b %S' / | awk '{printf "%.0f\n", $1 * $2}')"
EOF2
export VM_REPORT_EXTRA
IMG=$SCRATCH/disk-xfs.img
if ! vm_systemd_image "$IMG"; then
	fail "image with an XFS root built"; diag "$(cat "$SCRATCH/install.log" "$SCRATCH/mkimg.log" 2>/dev/null)"; done_testing; exit
fi
ok "image with an XFS root built"
truncate -s 10G "$IMG"
if vm_run xfs "$APPEND"; then ok "xfs: booted and reported"; else fail "xfs: booted and reported"; vm_show_log xfs; fi
check "xfs: / is XFS" test "$(vm_val xfs fstype)" = xfs
check "xfs: osconf exited 0" test "$(vm_val xfs osconf_status)" = 0
want=$((10240 * 2048 - 264192))
check "xfs: partition 2 fills the disk" test "$(vm_val xfs part_sectors)" = $want
fs=$(vm_val xfs fs_bytes)
check "xfs: XFS grew (${fs:-?} bytes, over 97 % of the partition)" test "${fs:-0}" -gt $((want * 512 / 100 * 97))
check "xfs: the journal says so" grep -q '^VMR journal osconf: grow: xfs on vda2; dos partition 2 of vda: .*; xfs grown online' "$SCRATCH/xfs.vmr"
check "xfs: sfdisk finds the table sound" sfdisk -V "$IMG"
[ "$TAP_FAILED" = 0 ] || diag "$(cat "$SCRATCH/xfs.vmr")"
rm -f "$IMG"
diag "xfs grow test took $(($(date +%s) - START)) s"
done_testing
