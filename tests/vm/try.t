#!/bin/bash
# tests/vm/try.t — `osconf image try` on the reference image of `make image` (PASS, both boots) and on
# three broken copies (no agent, sshd refusing root's password, an initramfs without virtio_blk): each fails with its reason;
# with OSCONF_TRY_UEFI=1 also the UEFI variant (GPT, GRUB as the ESP's loader, OVMF).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
need_root
for t in qemu-system-x86_64 qemu-img ssh debootstrap sfdisk mkfs.vfat mmd mdir mkfs.ext4 grub-mkimage; do
	command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || [ -x "/sbin/$t" ] ||
		skip_all "image try test needs $t (Debian: mk/deps.sh image)"
done
[ -e /usr/lib/grub/i386-pc/boot.img ] || skip_all "image try test needs grub-pc-bin"
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
[ -z "${OSCONF_SKIP_VM:-}" ] || skip_all "OSCONF_SKIP_VM is set"
scratch
START=$(date +%s)
# the working copies go into the scratch directory too (removed by image try itself)
export TMPDIR=$SCRATCH

# build VARIANT: $SCRATCH/VARIANT.raw made by mk/image.sh (the debootstrap comes from the VM cache)
build() {
	if "$OSCONF_SRC/mk/image.sh" "$OSCONF" "$SCRATCH/$1.raw" "$1" >"$SCRATCH/build-$1.log" 2>&1; then
		ok "$1: image built by mk/image.sh"
	else
		fail "$1: image built by mk/image.sh"; diag "$(tail -20 "$SCRATCH/build-$1.log")"; return 1
	fi
}
# try NAME [OPTIONS]: image try on $SCRATCH/NAME.raw; its report in $SCRATCH/NAME.out, exit status in RC
try() {
	local n=$1 t0=$(date +%s); shift
	"$OSCONF" image try "$@" --keep-logs "$SCRATCH/logs-$n" "$SCRATCH/$n.raw" >"$SCRATCH/$n.out" 2>&1
	RC=$?
	diag "$n: image try exit $RC after $(($(date +%s) - t0)) s"
}
# has NAME REGEX: the report has a line matching REGEX (else the report as diagnostics)
has() { if grep -qE "$2" "$SCRATCH/$1.out"; then return 0; fi; cat "$SCRATCH/$1.out"; return 1; }
# the evidence lines under the item NAME's first line matching REGEX
evidence() { awk -v re="$2" 'found && /^        \| / { print; next } found { exit } $0 ~ re { found = 1 }' "$SCRATCH/$1.out"; }
p1sum() { dd if="$1" bs=1M skip=1 count=128 status=none | md5sum; }

# --- the reference image: every item passes on both boots --------------------------------------
if build reference; then
	check "reference: osconf image check passes" "$OSCONF" image check "$SCRATCH/reference.raw"
	before=$(p1sum "$SCRATCH/reference.raw")
	try reference
	check "reference: image try exits 0" test "$RC" = 0
	check "reference: result PASS" has reference '^result: PASS$'
	check "reference: no FAIL line" sh -c "! grep -q '^FAIL' '$SCRATCH/reference.out'"
	for item in "login prompt on the serial console" "SSH: root logs in with os.conf's password" "host name is os.conf's" \
		"address is os.conf's" "default route is os.conf's" "DNS servers are os.conf's" "os.conf consumed"; do
		check "reference: boot 1 PASS: $item" has reference "^PASS  boot 1: $item"
	done
	check "reference: TCG chosen with the reason KVM is unusable here" has reference '(TCG — KVM unusable: |KVM;)'
	check "reference: the login prompt is the console's evidence" has reference '^        \| .* login:'
	check "reference: guest shows 10.0.2.15/24 on eth0" has reference '\| guest: eth0 10\.0\.2\.15/24'
	# the changed os.conf (console: new host name and password) applied at the second boot
	for item in "login prompt on the serial console" "SSH: root logs in with os.conf's password" "host name is os.conf's" "os.conf consumed"; do
		check "reference: boot 2 PASS: $item" has reference "^PASS  boot 2: $item"
	done
	check "reference: boot 2 has a new host name" has reference '\| guest: hostname changed-[a-z0-9]+; os.conf: hostname=changed-'
	check "reference: time from power-on to SSH reported" has reference '^boot 1: power-on to SSH login [0-9.]+ s$'
	check "reference: the image itself is unchanged" test "$(p1sum "$SCRATCH/reference.raw")" = "$before"
	check "reference: the working copy is removed" sh -c "! ls -d '$SCRATCH'/osconf-try.* 2>/dev/null"
	check "reference: --keep-logs kept both consoles" test -s "$SCRATCH/logs-reference/console-1.log" -a -s "$SCRATCH/logs-reference/console-2.log"
	diag "$(grep -E '^(boot [12]: power-on|  x86)' "$SCRATCH/reference.out")"
fi

# --- no agent: os.conf is not consumed (and root has no password to log in with) ---------------
if build noagent; then
	try noagent --json --timeout 240
	check "noagent: image try exits 1" test "$RC" = 1
	check "noagent: JSON report" /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
items = {(i["boot"], i["item"].split(":")[0]): i for i in r["items"]}
assert r["result"] == "fail", r["result"]
assert items[(1, "login prompt on the serial console")]["result"] == "pass"
c = items[(1, "os.conf consumed")]
assert c["result"] == "fail" and "still there (not applied)" in c["evidence"], c
assert items[(1, "SSH")]["result"] == "fail"
assert not any(i["boot"] == 2 for i in r["items"]), "no second boot after a failed first"
' "$SCRATCH/noagent.out"
fi

# --- sshd refusing root's password: FAIL at SSH, with sshd's answer as the reason ---------------
if build sshnoroot; then
	try sshnoroot --timeout 240
	check "sshnoroot: image try exits 1" test "$RC" = 1
	check "sshnoroot: login prompt PASS" has sshnoroot '^PASS  boot 1: login prompt'
	check "sshnoroot: SSH FAIL" has sshnoroot "^FAIL  boot 1: SSH: root logs in with os.conf's password"
	ev=$(evidence sshnoroot '^FAIL  boot 1: SSH')
	check "sshnoroot: the reason is sshd's refusal" sh -c "echo \"\$1\" | grep -q 'refused after .*Permission denied'" _ "$ev"
	check "sshnoroot: os.conf was still consumed (the agent ran)" has sshnoroot '^PASS  boot 1: os.conf consumed'
fi

# --- an initramfs without virtio_blk: no boot, and the console excerpt says why -----------------
if build novirtio; then
	try novirtio --timeout 240
	check "novirtio: image try exits 1" test "$RC" = 1
	check "novirtio: login prompt FAIL" has novirtio '^FAIL  boot 1: login prompt on the serial console'
	ev=$(evidence novirtio '^FAIL  boot 1: login prompt')
	if echo "$ev" | grep -qE 'Gave up waiting for (root|suspend)|ALERT!.*does not exist'; then
		ok "novirtio: the console excerpt shows the root disk never appeared"
	else
		fail "novirtio: the console excerpt shows the root disk never appeared"; diag "$ev"
	fi
	check "novirtio: no SSH attempted, no second boot" sh -c "! grep -qE '^(PASS|FAIL)  boot (1: SSH|2:)' '$SCRATCH/novirtio.out'"
fi

# --- UEFI (OSCONF_TRY_UEFI=1: two more boots, not part of the default run): GPT, GRUB on the ESP, OVMF
if [ -n "${OSCONF_TRY_UEFI:-}" ] && build uefi; then
	try uefi
	check "uefi: image try exits 0" test "$RC" = 0
	check "uefi: booted through OVMF" has uefi '^  x86-64, UEFI \(OVMF\)'
	check "uefi: result PASS" has uefi '^result: PASS$'
else
	skip "uefi: OSCONF_TRY_UEFI is not set (two more boots)"
fi

# --- errors before any boot -----------------------------------------------------------------------
truncate -s 64M "$SCRATCH/blank.raw"
out=$("$OSCONF" image try "$SCRATCH/blank.raw" 2>&1); rc=$?
check "blank disk: exit 1, partition 1 missing" sh -c "[ $rc = 1 ] && echo \"\$1\" | grep -q 'partition 1 is missing'" _ "$out"
if [ -e "$SCRATCH/reference.raw" ]; then
	out=$(PATH=/nonexistent "$OSCONF" image try "$SCRATCH/reference.raw" 2>&1); rc=$?
	check "no qemu on PATH: exit 1 with the package to install" sh -c "[ $rc = 1 ] && echo \"\$1\" | grep -q 'qemu-system-x86_64 not found (Debian: apt-get install qemu-system-x86)'" _ "$out"
fi
rm -f "$SCRATCH"/*.raw
diag "image try test took $(($(date +%s) - START)) s"
done_testing
