#!/bin/bash
# tests/vm/boot.t — the real boot: a Debian 12 systemd image with `osconf install --root`, partition 1
# FAT32 holding the documents' VPC os.conf, booted twice under QEMU (TCG), with and without net.ifnames=0.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
vm_prepare

# The console changed address, hostname and password: the cloud rewrites os.conf.
conf2() {
	cat <<EOF
hostname=changed-host-2
password=$(printf 'N3w-pass.2\n' | base64)
eth0_ip_addr=192.168.7.20
eth0_mac_addr=$VM_MAC
eth0_netmask=255.255.255.0
eth0_gateway=192.168.7.1
eth0_route="0.0.0.0/0 192.168.7.1"
dns_nameserver="223.5.5.5"
EOF
}

# What the guest reports on the serial console once multi-user is reached, then it powers off.
report_script() {
	vm_probe_common
	cat <<'EOF'
echo "VMR osconf_exit=$(systemctl show -p ExecMainExitTimestampMonotonic --value osconf.service)"
echo "VMR osconf_status=$(systemctl show -p ExecMainStatus --value osconf.service)"
echo "VMR network_pre=$(systemctl show -p ActiveEnterTimestampMonotonic --value network-pre.target)"
echo "VMR cycles=$(journalctl -b -o cat --no-pager 2>/dev/null | grep -c 'ordering cycle')"
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
echo "VMR END"
systemctl poweroff
EOF
}

# build_image IMG [boot]: a copy of the cached rootfs with osconf installed, partition 1 with
# os.conf; with "boot", /etc/fstab mounts partition 1 at /boot (install then adds osconf.path).
build_image() {
	local img=$1 root=$SCRATCH/rootfs p1=$SCRATCH/p1
	rm -rf "$root" "$p1" && cp -a "$ROOTFS" "$root" || return 1
	rm -f "$root/.complete"
	printf 'LABEL=rootfs / ext4 rw 0 0\n' >"$root/etc/fstab"
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
	report_script >"$root/usr/local/sbin/vm-report" && chmod 755 "$root/usr/local/sbin/vm-report"
	printf '[Unit]\nDescription=boot test report\nAfter=multi-user.target\n[Service]\nType=oneshot\nStandardOutput=tty\nTTYPath=/dev/ttyS0\nExecStart=/usr/local/sbin/vm-report\n[Install]\nWantedBy=multi-user.target\n' \
		>"$root/etc/systemd/system/vm-report.service"
	ln -sf /etc/systemd/system/vm-report.service "$root/etc/systemd/system/multi-user.target.wants/"
	# no login prompt on the serial line: its vhangup would cut the report off
	ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
	mkdir -p "$p1/aliyun_custom_image" && vm_sample_conf >"$p1/aliyun_custom_image/os.conf"
	vm_mkimg "$img" "$p1" "$root" >"$SCRATCH/mkimg.log" 2>&1
}

check_boot() { # NAME NIC HOSTNAME ADDR GW DNS PASSWORD
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
	check "$n: hostname $3 (live)" test "$(vm_val "$n" hostname)" = "$3"
	check "$n: /etc/hostname $3" test "$(vm_val "$n" etc_hostname)" = "$3"
	check "$n: $nic has $4" vm_has "$n" "addr $4"
	check "$n: default route via $5 on $nic" grep -qE "^VMR route default via $5 dev $nic( |\$)" "$SCRATCH/$n.vmr"
	check "$n: exactly one default route" test "$(grep -c '^VMR route default' "$SCRATCH/$n.vmr")" = 1
	local want_dns=$(for d in $6; do echo "VMR resolv nameserver $d"; done)
	check "$n: resolv.conf nameservers $6" test "$(grep '^VMR resolv' "$SCRATCH/$n.vmr")" = "$want_dns"
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
	# after power-off, from the image file: os.conf gone, the directory kept
	local ls
	if ls=$(vm_p1_ls) && ! echo "$ls" | grep -qiE '^os +conf|os\.conf'; then ok "$n: os.conf removed from partition 1, aliyun_custom_image/ kept"
	else fail "$n: os.conf removed from partition 1, aliyun_custom_image/ kept"; diag "mdir: $ls"; fi
}

# eth0: partition 1 not mounted (osconf mounts it privately); ens3: mounted at /boot by fstab,
# with osconf.path re-applying changes made while the system runs.
for mode in eth0 ens3; do
	if [ $mode = eth0 ]; then APPEND="net.ifnames=0" PARTITION_MOUNTED=""; else APPEND="" PARTITION_MOUNTED=boot; fi
	IMG=$SCRATCH/disk-$mode.img
	if ! build_image "$IMG" $PARTITION_MOUNTED; then
		fail "$mode: image built with osconf install --root"; diag "$(cat "$SCRATCH/install.log" "$SCRATCH/mkimg.log" 2>/dev/null)"; continue
	fi
	ok "$mode: image built with osconf install --root"
	check "$mode: osconf image check passes on the image" "$OSCONF" image check "$IMG"
	if [ "$PARTITION_MOUNTED" ]; then
		check "$mode: install added osconf.path for /boot" grep -qx 'PathChanged=/boot/aliyun_custom_image/os.conf' "$SCRATCH/rootfs/usr/lib/systemd/system/osconf.path"
	fi
	check_boot "$mode-boot1" $mode iZ23r29djmjZ 10.171.254.123/24 10.171.254.1 "7.7.7.7 8.8.8.8" qwer1234
	# the cloud writes a changed os.conf: applied at the next boot
	conf2 >"$SCRATCH/os.conf" && mcopy -o -i "$IMG@@$VM_P1_OFFSET" "$SCRATCH/os.conf" ::/aliyun_custom_image/os.conf
	check_boot "$mode-boot2" $mode changed-host-2 192.168.7.20/24 192.168.7.1 "223.5.5.5" N3w-pass.2
	check "$mode-boot2: old address gone" sh -c "! grep -qxF 'VMR addr 10.171.254.123/24' '$SCRATCH/$mode-boot2.vmr'"
	rm -f "$IMG"
done
diag "boot test took $(($(date +%s) - START)) s"
done_testing
