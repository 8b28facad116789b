#!/bin/bash
# tests/vm/try-arm64.t — `osconf image try` on the arm64 reference image (mk/image.sh arm64: GPT, GRUB
# arm64-efi as the ESP's loader, build-arm64/osconf installed) under qemu-system-aarch64 with AAVMF:
# both boots PASS (about 3 min here: the image from the cache 25 s, image try 150 s). Runs when the
# arm64 debootstrap is cached; OSCONF_TRY_ARM64=1 builds it first (its second stage runs in an
# aarch64 guest under TCG: about 35 min here, once).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
need_root
for t in qemu-system-aarch64 qemu-img ssh debootstrap sfdisk mkfs.vfat mmd mdir mkfs.ext4 grub-mkimage apt-get dpkg-deb; do
	command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || [ -x "/sbin/$t" ] ||
		skip_all "arm64 image try test needs $t (Debian: mk/deps.sh image)"
done
[ -e /usr/share/AAVMF/AAVMF_CODE.fd ] || skip_all "arm64 image try test needs AAVMF (Debian: apt-get install qemu-efi-aarch64)"
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
agent=$OSCONF_SRC/build-arm64/osconf
[ -x "$agent" ] || skip_all "build-arm64/osconf not built (make ARCH=arm64)"
[ -z "${OSCONF_SKIP_VM:-}" ] || skip_all "OSCONF_SKIP_VM is set"
scratch
START=$(date +%s)
export TMPDIR=$SCRATCH   # image try's working copy too

img=$SCRATCH/arm64.raw
cached=1; [ -n "${OSCONF_TRY_ARM64:-}" ] && cached=
VM_CACHED_ONLY=$cached "$OSCONF_SRC/mk/image.sh" "$OSCONF" "$img" arm64 "$agent" >"$SCRATCH/build.log" 2>&1
rc=$?
[ $rc = 3 ] && skip_all "the arm64 debootstrap is not cached (OSCONF_TRY_ARM64=1 or make image ARCH=arm64 builds it: about 35 min under TCG, once)"
if [ $rc = 0 ]; then
	ok "arm64: image built by mk/image.sh"
else
	fail "arm64: image built by mk/image.sh"; diag "$(tail -20 "$SCRATCH/build.log")"; done_testing; exit
fi
diag "image built after $(($(date +%s) - START)) s"
check "arm64: the ESP's loader is BOOTAA64.EFI" sh -c "mdir -i '$img@@1048576' ::/EFI/BOOT | grep -q BOOTAA64"
t0=$(date +%s)
"$OSCONF" image try --timeout 600 --keep-logs "$SCRATCH/logs" "$img" >"$SCRATCH/try.out" 2>&1
rc=$?
diag "image try exit $rc after $(($(date +%s) - t0)) s"
has() { if grep -qE "$1" "$SCRATCH/try.out"; then return 0; fi; cat "$SCRATCH/try.out"; return 1; }
check "arm64: image try exits 0" test "$rc" = 0
check "arm64: qemu-system-aarch64 under TCG with AAVMF" has '^  arm64, UEFI \(AAVMF\), TCG'
check "arm64: result PASS" has '^result: PASS$'
for b in 1 2; do
	for item in "login prompt on the serial console" "SSH: root logs in with os.conf's password" "host name is os.conf's" "os.conf consumed"; do
		check "arm64: boot $b PASS: $item" has "^PASS  boot $b: $item"
	done
done
for item in "address is os.conf's" "default route is os.conf's" "DNS servers are os.conf's"; do
	check "arm64: boot 1 PASS: $item" has "^PASS  boot 1: $item"
done
check "arm64: the guest's console is ttyAMA0" grep -q 'ttyAMA0' "$SCRATCH/logs/console-1.log"
diag "$(grep -E '^boot [12]: power-on' "$SCRATCH/try.out")"
rm -f "$SCRATCH"/*.raw
diag "arm64 image try test took $(($(date +%s) - START)) s"
done_testing
