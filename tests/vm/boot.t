#!/bin/bash
# tests/vm/boot.t — the real boot: a Debian 12 systemd image with `osconf install --root`, partition 1
# FAT32 holding the documents' VPC os.conf, booted twice under QEMU (TCG), with and without net.ifnames=0.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
. "$(dirname "$0")/systemd.sh"
vm_prepare

# The console changed address, hostname and password: the cloud rewrites os.conf.
conf2() {
	sample 02-vpc hostname=changed-host-2 password="$(printf 'N3w-pass.2\n' | base64)" eth0_ip_addr=192.168.7.20 \
		eth0_mac_addr="$VM_MAC" eth0_gateway=192.168.7.1 'eth0_route="0.0.0.0/0 192.168.7.1"' 'dns_nameserver="223.5.5.5"'
}

# eth0: partition 1 not mounted (osconf mounts it privately); ens3: mounted at /boot by fstab,
# with osconf.path re-applying changes made while the system runs.
for mode in eth0 ens3; do
	if [ $mode = eth0 ]; then APPEND="net.ifnames=0" PARTITION_MOUNTED=""; else APPEND="" PARTITION_MOUNTED=boot; fi
	IMG=$SCRATCH/disk-$mode.img
	vm_systemd_build $mode || continue
	vm_systemd_check "$mode-boot1" $mode "$VM_HOSTNAME" "$VM_ADDR" "$VM_GW" "$VM_DNS" "$VM_PW"
	# the cloud writes a changed os.conf: applied at the next boot
	conf2 >"$SCRATCH/os.conf" && mcopy -o -i "$IMG@@$VM_P1_OFFSET" "$SCRATCH/os.conf" ::/aliyun_custom_image/os.conf
	vm_systemd_check "$mode-boot2" $mode changed-host-2 192.168.7.20/24 192.168.7.1 "223.5.5.5" N3w-pass.2
	check "$mode-boot2: old address gone" sh -c "! grep -qxF 'VMR addr 10.171.254.123/24' '$SCRATCH/$mode-boot2.vmr'"
	rm -f "$IMG"
done
diag "boot test took $(($(date +%s) - START)) s"
done_testing
