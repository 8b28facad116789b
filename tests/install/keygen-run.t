#!/bin/bash
# tests/install/keygen-run.t — the host key scripts `osconf install` adds on sysvinit and OpenRC, run for
# real: in a chroot of the cached Debian rootfs with openssh-server (an overlay: the cache stays as
# it is), inside a private mount and PID namespace, they make the keys when there are none and do
# nothing when there are; Debian's insserv takes their LSB header.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../vm/vmlib.sh"
need_root
unshare --mount --pid --fork --propagation private true 2>/dev/null || skip_all "cannot unshare a mount and PID namespace"
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
ROOTFS=$(vm_rootfs_path "$VM_PKGS,openssh-server")
[ -e "$ROOTFS/.complete" ] && [ -x "$ROOTFS/usr/bin/ssh-keygen" ] ||
	skip_all "no cached Debian rootfs with openssh-server in $OSCONF_VM_CACHE (tests/vm/identity.t builds it)"
scratch
mkdir -p "$SCRATCH/upper" "$SCRATCH/work" "$SCRATCH/root"

# run.sh INIT: in the namespace, the rootfs overlaid, osconf installed into it for INIT, then the
# script started: keys there (nothing), keys removed (made), keys there again (nothing), one type
# removed (nothing)
cat >"$SCRATCH/run.sh" <<'SH'
set -e
init=$1 r=$SCRATCH/root
mount -t overlay overlay -o lowerdir="$ROOTFS",upperdir="$SCRATCH/upper",workdir="$SCRATCH/work" "$r"
mount -t tmpfs tmpfs "$r/dev" && for d in null urandom random; do : >"$r/dev/$d"; mount --bind /dev/$d "$r/dev/$d"; done
"$OSCONF" install --root "$r" --init "$init" >"$SCRATCH/install-$init.log" 2>&1
if [ "$init" = sysv ]; then
	start() { chroot "$r" /etc/init.d/osconf-ssh-keygen start; }
else # openrc-run's helpers stand in: the script's own start()
	start() { chroot "$r" /bin/sh -c 'ebegin() { echo "* $*"; }; eend() { return "$1"; }; . /etc/init.d/osconf-ssh-keygen; start'; }
fi
sums() { (cd "$r/etc/ssh" && sha256sum ssh_host_*) 2>/dev/null; }
before=$(sums)
out1=$(start)
[ "$(sums)" = "$before" ] && [ -z "$out1" ] && echo "keys-there-untouched"
rm -f "$r"/etc/ssh/ssh_host_*
start >"$SCRATCH/made-$init.log" 2>&1 && echo "started"
ls "$r/etc/ssh" | grep -c '^ssh_host_.*_key$' | sed 's/^/private=/'
chroot "$r" ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub >/dev/null && echo "ed25519-valid"
[ "$(sums)" != "$before" ] && echo "new-keys"
made=$(sums)
out3=$(start)
[ "$(sums)" = "$made" ] && [ -z "$out3" ] && echo "second-start-untouched"
# one type removed by an administrator: some key is there, so it is not made again (ssh-keygen
# -A alone would)
rm -f "$r"/etc/ssh/ssh_host_ecdsa_key*
start >/dev/null
[ ! -e "$r/etc/ssh/ssh_host_ecdsa_key" ] && echo "removed-type-stays-removed"
SH

for init in sysv openrc; do
	rm -rf "$SCRATCH/upper" "$SCRATCH/work" && mkdir -p "$SCRATCH/upper" "$SCRATCH/work"
	out=$(SCRATCH=$SCRATCH ROOTFS=$ROOTFS OSCONF=$OSCONF timeout 120 unshare --mount --pid --fork --propagation private \
		bash "$SCRATCH/run.sh" $init 2>&1)
	has "$init: installed /etc/init.d/osconf-ssh-keygen" "installed /etc/init.d/osconf-ssh-keygen" "$(cat "$SCRATCH/install-$init.log")"
	has_line "$init: keys there: the script changes nothing and says nothing" keys-there-untouched "$out"
	has_line "$init: no keys: the script runs ssh-keygen -A" started "$out" || diag "$(cat "$SCRATCH/made-$init.log")"
	has_line "$init: ... and makes rsa, ecdsa and ed25519 keys" private=3 "$out"
	has_line "$init: ... a valid ed25519 key, other than the image's" ed25519-valid "$out" && has_line "$init: new keys" new-keys "$out"
	has_line "$init: started again: nothing changes" second-start-untouched "$out"
	has_line "$init: a key type removed on purpose is not made again" removed-type-stays-removed "$out"
	check "$init: the cached rootfs is untouched" test ! -e "$ROOTFS/etc/init.d/osconf-ssh-keygen"
done
# Debian's own insserv (the cached sysvinit rootfs) takes the LSB header as osconf wrote the
# order: no warning, osconf-ssh-keygen after osconf in .depend.boot and in rcS.d
SYSV=$(vm_rootfs_path "$VM_PKGS_SYSV")
if [ -e "$SYSV/.complete" ] && [ -x "$SYSV/sbin/insserv" ]; then
	rm -rf "$SCRATCH/upper" "$SCRATCH/work" && mkdir -p "$SCRATCH/upper" "$SCRATCH/work"
	out=$(timeout 120 unshare --mount --propagation private sh -c '
		mount -t overlay overlay -o lowerdir="$1",upperdir="$2/upper",workdir="$2/work" "$2/root" &&
		"$3" install --root "$2/root" --init sysv >/dev/null 2>&1 && chroot "$2/root" insserv 2>&1 && echo insserv-ok &&
		sed -n "s/^osconf-ssh-keygen:/rule:/p" "$2/root/etc/init.d/.depend.boot" && ls "$2/root/etc/rcS.d"' \
		sh "$SYSV" "$SCRATCH" "$OSCONF" 2>&1)
	has_line "insserv accepts the script" insserv-ok "$out"
	lacks "... without a warning" "insserv: warning" "$out"
	has "... osconf-ssh-keygen after osconf in .depend.boot" "^rule: .*osconf" "$out"
	kg=$(echo "$out" | sed -n 's/^S\([0-9][0-9]\)osconf-ssh-keygen$/\1/p') oc=$(echo "$out" | sed -n 's/^S\([0-9][0-9]\)osconf$/\1/p')
	check "... and in rcS.d (S$oc osconf, S$kg osconf-ssh-keygen)" test -n "$kg" -a -n "$oc" -a "${kg:-0}" -ge "${oc:-99}"
else
	for i in 1 2 3 4; do skip "no cached Debian sysvinit rootfs with insserv (tests/vm/boot-rc.t builds it)"; done
fi
check "no mount left behind" sh -c "! grep -q '$SCRATCH' /proc/self/mountinfo"
done_testing
