#!/bin/bash
# tests/vm/boot-suites.t — the same static binary on older and newer systemd and glibc: Debian 11
# (bullseye: systemd 247, glibc 2.31) and Debian 13 (trixie: systemd 257, glibc 2.41) images with
# `osconf install --root`, each booted once under QEMU (TCG) with boot.t's kernel, probe and checks.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
. "$(dirname "$0")/systemd.sh"
vm_prepare_host
if readelf -lW "$OSCONF" 2>/dev/null | grep -q 'program interpreter'; then
	diag "note: $OSCONF is dynamically linked: it runs only where the glibc is as new as the build host's"
fi

# bullseye: eth0, partition 1 mounted privately by osconf; trixie: the NIC found by its MAC under
# its predictable name, partition 1 mounted at /boot (osconf.path and `osconf watch` too).
for suite in bullseye trixie; do
	if [ $suite = bullseye ]; then nic=eth0 APPEND="net.ifnames=0" PARTITION_MOUNTED=""
	# systemd 257 is the slowest guest under TCG (45 s to 100 s, by the load): a longer bound
	else nic=ens3 APPEND="" PARTITION_MOUNTED=boot BOOT_TIMEOUT=$((BOOT_TIMEOUT * 2)); fi
	if ! vm_suite_rootfs "$VM_PKGS" $suite; then skip "$suite: $VM_WHY"; continue; fi
	diag "$suite: rootfs $ROOTFS ready after $(($(date +%s) - START)) s"
	check "$suite: the rootfs has its own glibc" sh -c "ls '$ROOTFS'/lib/x86_64-linux-gnu/libc.so.6"
	IMG=$SCRATCH/disk-$suite.img
	vm_systemd_build $suite || continue
	vm_systemd_check "$suite" $nic "$VM_HOSTNAME" "$VM_ADDR" "$VM_GW" "$VM_DNS" "$VM_PW"
	diag "$suite: glibc $(vm_val $suite glibc), systemd $(vm_val $suite systemd)"
	rm -f "$IMG"
done
diag "bullseye/trixie boot test took $(($(date +%s) - START)) s"
done_testing
