#!/bin/bash
# tests/vm/boot-rc.t — the real boot without systemd: Debian 12 with sysvinit (sysv-rc, insserv order)
# and with OpenRC, each with ifupdown and `osconf install --root`, booted once under QEMU (TCG).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
vm_prepare "$VM_PKGS_SYSV"
SYSV_ROOTFS=$ROOTFS
vm_lock && OPENRC_ROOTFS=$(vm_rootfs_openrc); exec 9>&-

# the guest's report: the common probe, the kernel log order, then `osconf install` on the running
# system with no --partition and aliyun_custom_image/ missing (partition 1 found as at boot, its
# UUID recorded, the directory created on it); $1: where the enable link must be
report_script() {
	vm_probe_common
	cat <<EOF
echo "VMR ifstate=\$(ifquery --state eth0)"
dmesg | grep -E 'osconf\[[0-9]+\]: |vm-test: networking start' | sed 's/^\[[ 0-9.]*\] //; s/^/VMR kmsg /'
mount -t vfat /dev/vda1 /mnt && rmdir /mnt/aliyun_custom_image && umount /mnt
cp /usr/sbin/osconf /root/osconf.copy
/root/osconf.copy uninstall >/dev/null 2>&1
echo "VMR uninstalled=\$(ls /usr/sbin/osconf /etc/init.d/osconf /etc/osconf.conf $1 2>/dev/null | wc -l)"
/root/osconf.copy install 2>&1 | sed 's/^/VMR install /'
echo "VMR recorded=\$(grep '^partition=' /etc/osconf.conf)"
echo "VMR reinstalled=\$(ls /usr/sbin/osconf /etc/init.d/osconf $1 2>/dev/null | wc -l)"
echo "VMR END"
poweroff
EOF
}

for n in sysv openrc; do
	if [ $n = sysv ]; then R=$SYSV_ROOTFS LINK='/etc/rcS.d/S??osconf'; else R=$OPENRC_ROOTFS LINK=/etc/runlevels/sysinit/osconf; fi
	if [ -z "$R" ]; then fail "$n: rootfs (see $OSCONF_VM_CACHE/openrc.log)"; continue; fi
	ROOT=$SCRATCH/rootfs IMG=$SCRATCH/disk.img
	rm -rf "$ROOT" "$SCRATCH/p1" && cp -a "$R" "$ROOT" && rm -f "$ROOT/.complete"
	printf 'LABEL=rootfs / ext4 rw 0 0\n' >"$ROOT/etc/fstab"
	echo vm-test >"$ROOT/etc/hostname"
	check "$n: install (init detected from the tree)" "$OSCONF" install --root "$ROOT" --partition LABEL=CUSTOMIMG
	if [ $n = sysv ]; then
		check "$n: LSB script and rcS link" sh -c "test -x $ROOT/etc/init.d/osconf && ls $ROOT/etc/rcS.d | grep -q '^S[0-9][0-9]osconf$'"
		check "$n: insserv order: networking after osconf" grep -q '^networking:.* osconf' "$ROOT/etc/init.d/.depend.boot"
	else
		check "$n: openrc-run script in the sysinit runlevel, with networking" sh -c "head -1 $ROOT/etc/init.d/osconf | grep -qx '#!/sbin/openrc-run' && test -L $ROOT$LINK && test -e $ROOT/etc/runlevels/sysinit/networking"
	fi
	# test-only probe: the networking script marks its start in the kernel log, where osconf --syslog
	# logs too, so the order of the two is exact; the report runs once runlevel 2 is reached
	sed -i '0,/^case "\$1" in/s//echo "vm-test: networking $1" >\/dev\/kmsg\n&/' "$ROOT/etc/init.d/networking"
	report_script "$LINK" >"$ROOT/usr/local/sbin/vm-report" && chmod 755 "$ROOT/usr/local/sbin/vm-report"
	echo 'vr:2345:once:/usr/local/sbin/vm-report' >>"$ROOT/etc/inittab"
	mkdir -p "$SCRATCH/p1/aliyun_custom_image" && vm_sample_conf >"$SCRATCH/p1/aliyun_custom_image/os.conf"
	if vm_mkimg "$IMG" "$SCRATCH/p1" "$ROOT" >"$SCRATCH/mkimg.log" 2>&1; then ok "$n: image built"; else fail "$n: image built"; diag "$(cat "$SCRATCH/mkimg.log")"; continue; fi

	failed_before=$TAP_FAILED
	if vm_run $n "net.ifnames=0"; then ok "$n: booted to runlevel 2 and reported"; else fail "$n: booted to runlevel 2 and reported"; fi
	vm_check_settings $n eth0 "$VM_HOSTNAME" "$VM_ADDR" "$VM_GW" "$VM_DNS"
	check "$n: root password verifies" vm_has $n "password=$VM_PW"
	sed -n 's/^VMR kmsg //p' "$SCRATCH/$n.vmr" >"$SCRATCH/kmsg"
	first_net=$(grep -n 'vm-test: networking start' "$SCRATCH/kmsg" | head -1 | cut -d: -f1)
	last_osconf=$(grep -n 'osconf\[' "$SCRATCH/kmsg" | tail -1 | cut -d: -f1)
	if [ -n "$first_net" ] && [ -n "$last_osconf" ] && [ "$last_osconf" -lt "$first_net" ]; then
		ok "$n: osconf finished (kernel log via --syslog) before the networking script started"
	else
		fail "$n: osconf finished before the networking script started"; diag "$(cat "$SCRATCH/kmsg")"
	fi
	# ifupdown's ifup -a runs after osconf configured eth0 live: it must neither fail ("RTNETLINK
	# answers: File exists") nor leave eth0 out of its state
	check "$n: ifupdown brings eth0 up after osconf (no failure in the boot log)" sh -c \
		"! grep -qE 'failed to bring up|RTNETLINK answers' '$SCRATCH/$n.log'"
	check "$n: ifupdown's state records eth0" vm_has $n "ifstate=eth0=eth0"
	check "$n: no dependency loop at boot" sh -c "! grep -q 'dependency loop' '$SCRATCH/$n.log'"
	check "$n: one line per action in the kernel log, no password" sh -c "grep -q 'set the root password' $SCRATCH/kmsg && ! grep -q '$VM_PW' $SCRATCH/kmsg"
	vm_check_p1 $n
	check "$n: uninstall on the running system" test "$(vm_val $n uninstalled)" = 0
	check "$n: install on the running system recorded partition 1's UUID" test "$(vm_val $n recorded)" = partition=UUID=5EED-0001
	check "$n: ... and enabled it again" test "$(vm_val $n reinstalled)" = 3
	check "$n: ... and created aliyun_custom_image/ on the unmounted partition 1" vm_p1_ls
	if [ "$TAP_FAILED" = "$failed_before" ]; then diag "$(grep '^VMR install' "$SCRATCH/$n.vmr")"
	else diag "$(cat "$SCRATCH/$n.vmr")"; vm_show_log $n; fi
done
diag "sysvinit/OpenRC boot test took $(($(date +%s) - START)) s"
done_testing
