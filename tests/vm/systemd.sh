# tests/vm/systemd.sh — the systemd guest of the real-boot tests (boot.t, boot-suites.t): image
# from the cached rootfs with `osconf install --root`, the guest's report, the checks of one boot.
# Source it after vmlib.sh and vm_prepare (uses $ROOTFS, $SCRATCH, $APPEND, $PARTITION_MOUNTED).
# SPDX-License-Identifier: Apache-2.0

# vm_systemd_report: what the guest reports on the serial console once multi-user is reached,
# then it powers off.
vm_systemd_report() {
	vm_probe_common
	cat <<'EOF'
echo "VMR systemd=$(systemctl --version | awk 'NR==1{print $2}')"
echo "VMR glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | cut -d" " -f2)"
echo "VMR osconf_exit=$(systemctl show -p ExecMainExitTimestampMonotonic --value osconf.service)"
echo "VMR osconf_status=$(systemctl show -p ExecMainStatus --value osconf.service)"
echo "VMR network_pre=$(systemctl show -p ActiveEnterTimestampMonotonic --value network-pre.target)"
echo "VMR cycles=$(journalctl -b -o cat --no-pager 2>/dev/null | grep -c 'ordering cycle')"
journalctl -b -o cat --no-pager 2>/dev/null | grep -E 'osconf\.(service|path):[0-9]+: ' | sed 's/^/VMR unitwarn /'
echo "VMR network_pre_after=$(systemctl show -p After --value network-pre.target | tr ' ' '\n' | grep -c '^osconf.service$')"
journalctl -b -o cat -u osconf.service --no-pager 2>/dev/null | sed 's/^/VMR journal /'
echo "VMR security=$(systemd-analyze security --no-pager osconf.service 2>/dev/null | tail -1)"
# partition 1 mounted at /boot: a new os.conf written while running is applied by osconf.path
if [ -e /etc/vm-path-test ]; then
	echo "VMR path_unit=$(systemctl is-enabled osconf.path 2>&1)/$(systemctl is-active osconf.path 2>&1)"
	printf 'hostname=path-applied\n' >/boot/aliyun_custom_image/os.tmp
	mv /boot/aliyun_custom_image/os.tmp /boot/aliyun_custom_image/os.conf
	i=0; while [ $i -lt 40 ] && { [ "$(hostname)" != path-applied ] || [ -e /boot/aliyun_custom_image/os.conf ]; }; do sleep 0.5; i=$((i+1)); done
	echo "VMR path_hostname=$(hostname)"
	echo "VMR path_removed=$([ -e /boot/aliyun_custom_image/os.conf ] && echo no || echo yes)"
	# `osconf watch` (no --dir: it locates the /boot mount) applies a change too
	systemctl stop osconf.path
	timeout 30 osconf watch --once --debounce 300 >/run/watch.log 2>&1 &
	sleep 2
	printf 'hostname=watch-applied\n' >/boot/aliyun_custom_image/os.conf
	wait
	echo "VMR watch_hostname=$(hostname)"
	echo "VMR watch_removed=$([ -e /boot/aliyun_custom_image/os.conf ] && echo no || echo yes)"
	sed 's/^/VMR watchlog /' /run/watch.log
fi
[ -x /usr/local/sbin/vm-report-extra ] && /usr/local/sbin/vm-report-extra
echo "VMR END"
systemctl poweroff
EOF
}

# vm_systemd_image IMG [boot]: a copy of $ROOTFS with osconf installed, partition 1 with the
# sample os.conf (VM_LABEL, VM_REPORT_EXTRA: see vm_mkimg and below); with "boot", /etc/fstab mounts partition 1 at /boot (install then adds osconf.path).
vm_systemd_image() {
	local img=$1 root=$SCRATCH/rootfs p1=$SCRATCH/p1
	rm -rf "$root" "$p1" && cp -a "$ROOTFS" "$root" || return 1
	rm -f "$root/.complete"
	printf 'LABEL=rootfs / %s rw 0 0\n' "${VM_ROOT_FS:-ext4}" >"$root/etc/fstab"
	if [ "${2:-}" = boot ]; then
		printf 'UUID=5EED-0001 /boot vfat rw,umask=022 0 0\n' >>"$root/etc/fstab"
		: >"$root/etc/vm-path-test"
	fi
	"$OSCONF" install --root "$root" --partition UUID=5EED-0001 >"$SCRATCH/install.log" 2>&1 || return 1
	echo "vm-test" >"$root/etc/hostname"
	# a network stack that starts after network-pre.target, as on a real image
	ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/"
	mkdir -p "$root/etc/systemd/system/sockets.target.wants"
	ln -sf /lib/systemd/system/systemd-networkd.socket "$root/etc/systemd/system/sockets.target.wants/"
	vm_systemd_report >"$root/usr/local/sbin/vm-report" && chmod 755 "$root/usr/local/sbin/vm-report"
	# a test's own report lines (VM_REPORT_EXTRA: a script), printed before "VMR END"
	if [ -n "${VM_REPORT_EXTRA:-}" ]; then
		cp "$VM_REPORT_EXTRA" "$root/usr/local/sbin/vm-report-extra" && chmod 755 "$root/usr/local/sbin/vm-report-extra" || return 1
	fi
	printf '[Unit]\nDescription=boot test report\nAfter=multi-user.target\n[Service]\nType=oneshot\nStandardOutput=tty\nTTYPath=/dev/ttyS0\nExecStart=/usr/local/sbin/vm-report\n[Install]\nWantedBy=multi-user.target\n' \
		>"$root/etc/systemd/system/vm-report.service"
	ln -sf /etc/systemd/system/vm-report.service "$root/etc/systemd/system/multi-user.target.wants/"
	# no login prompt on the serial line: its vhangup would cut the report off
	ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
	mkdir -p "$p1/aliyun_custom_image" && vm_sample_conf >"$p1/aliyun_custom_image/os.conf"
	vm_boot_files "$root" "$p1" "${2:-}"
	vm_mkimg "$img" "$p1" "$root" >"$SCRATCH/mkimg.log" 2>&1 || return 1
	# boot code in the MBR, as grub-install leaves it (QEMU boots the kernel directly)
	printf '\353\143\220' | dd of="$img" conv=notrunc status=none
}

# vm_boot_files ROOT P1 [boot]: the VM's kernel, its config and initramfs in /boot (on partition 1
# with "boot") and a grub.cfg naming them, so that image check finds what an ECS instance boots.
vm_boot_files() {
	local dir=$1/boot prefix=/boot
	[ "${3:-}" = boot ] && dir=$2 prefix=
	mkdir -p "$dir/grub"
	cp "$VM_KERNEL" "$dir/vmlinuz-$VM_KVER" && cp "$VM_KROOT/boot/config-$VM_KVER" "$dir/" &&
		cp "$VM_INITRD" "$dir/initrd.img-$VM_KVER" || return 1
	printf "menuentry 'Debian' {\n\tlinux %s/vmlinuz-%s root=LABEL=rootfs ro\n\tinitrd %s/initrd.img-%s\n}\n" \
		"$prefix" "$VM_KVER" "$prefix" "$VM_KVER" >"$dir/grub/grub.cfg"
}

# vm_systemd_build MODE: builds $IMG (partition 1 at /boot when $PARTITION_MOUNTED) and checks it
# offline; fails when the image could not be built.
vm_systemd_build() {
	if ! vm_systemd_image "$IMG" $PARTITION_MOUNTED; then
		fail "$1: image built with osconf install --root"; diag "$(cat "$SCRATCH/install.log" "$SCRATCH/mkimg.log" 2>/dev/null)"; return 1
	fi
	ok "$1: image built with osconf install --root"
	check "$1: osconf image check passes on the image" "$OSCONF" image check "$IMG"
	if [ "$PARTITION_MOUNTED" ]; then
		check "$1: install added osconf.path for /boot" grep -qx 'PathChanged=/boot/aliyun_custom_image/os.conf' "$SCRATCH/rootfs/usr/lib/systemd/system/osconf.path"
	fi
}

# vm_systemd_check NAME NIC HOSTNAME ADDR GW DNS PASSWORD: boots $IMG with $APPEND and checks the report.
vm_systemd_check() {
	local n=$1 nic=$2
	if vm_run "$n" "$APPEND"; then ok "$n: booted to multi-user and reported"; else fail "$n: booted to multi-user and reported"; vm_show_log "$n"; return 1; fi
	check "$n: NIC named $nic" test "$(vm_val "$n" nic)" = "$nic"
	check "$n: osconf exited 0" test "$(vm_val "$n" osconf_status)" = 0
	local ex=$(vm_val "$n" osconf_exit) np=$(vm_val "$n" network_pre)
	if [ -n "$ex" ] && [ -n "$np" ] && [ "$ex" -gt 0 ] && [ "$ex" -le "$np" ] && [ "$(vm_val "$n" network_pre_after)" = 1 ]; then
		ok "$n: osconf finished (${ex} us) before network-pre.target (${np} us)"
	else
		fail "$n: osconf finished before network-pre.target"; diag "osconf exit=$ex network-pre=$np"
	fi
	check "$n: no ordering cycle in the boot" test "$(vm_val "$n" cycles)" = 0
	check "$n: systemd $(vm_val "$n" systemd) loads the units without a warning" sh -c "! grep '^VMR unitwarn' '$SCRATCH/$n.vmr'"
	vm_check_settings "$n" "$nic" "$3" "$4" "$5" "$6"
	check "$n: root password verifies" vm_has "$n" "password=$7"
	if [ "$PARTITION_MOUNTED" ]; then
		check "$n: os.conf read through the /boot mount" grep -q '^VMR journal .* /boot/aliyun_custom_image/os.conf on /dev/vda1' "$SCRATCH/$n.vmr"
	else
		check "$n: partition 1 mounted privately by osconf" grep -q '^VMR journal .* /run/osconf/mnt\.[^/]*/aliyun_custom_image/os.conf on /dev/vda1' "$SCRATCH/$n.vmr"
	fi
	if [ "$PARTITION_MOUNTED" ]; then
		check "$n: osconf.path enabled and waiting" test "$(vm_val "$n" path_unit)" = enabled/active
		check "$n: os.conf written while running applied by osconf.path" test "$(vm_val "$n" path_hostname)" = path-applied
		check "$n: ... and removed" test "$(vm_val "$n" path_removed)" = yes
		check "$n: osconf watch (partition found at /boot) applied a change" test "$(vm_val "$n" watch_hostname)" = watch-applied
		check "$n: ... and removed it" test "$(vm_val "$n" watch_removed)" = yes
	fi
	if [ "$TAP_FAILED" != 0 ]; then diag "$(cat "$SCRATCH/$n.vmr")"
	else diag "$(sed -n 's/^VMR journal osconf: /osconf: /p; s/^VMR security=/systemd-analyze security: /p' "$SCRATCH/$n.vmr")"; fi
	vm_check_p1 "$n"
}
