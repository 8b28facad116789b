#!/bin/bash
# tests/faults/install-faults.t — install and uninstall fail closed: EIO at each look-up they make.
# SPDX-License-Identifier: Apache-2.0
# On a Debian sysv, a RHEL sysv and a Debian OpenRC tree, a clean `install` (then `uninstall` of
# the installed tree) lists its openat2 and fstatat calls under strace; then one run per call with
# EIO injected there (every 3rd call and the last; FAULTS_FULL=1, as `make faults` sets: all). Each run either fails — non-zero exit, the error and a path named — or
# succeeds leaving the tree the clean run leaves: an error looking at a path (is /etc/rcS.d a
# directory? is there a network script? a stale link to remove?) is never taken for "no".
set -u
. "$(dirname "$0")/../lib/tap.sh"
strace -qq -o /dev/null true 2>/dev/null || skip_all "strace cannot trace here"
scratch
CALLS="openat2,newfstatat,statx"
STEP=3 SAMPLE="every 3rd and the last" # make check; make faults (FAULTS_FULL=1): every call
[ -n "${FAULTS_FULL:-}" ] && STEP=1 SAMPLE="every one"

debsysv() {
	mkdir -p "$1/sbin" "$1/etc/init.d" && : > "$1/sbin/init"
	for n in S 0 1 2 3 4 5 6; do mkdir "$1/etc/rc$n.d"; done
	: > "$1/etc/init.d/networking" && ln -s ../init.d/networking "$1/etc/rcS.d/S07networking"
	ln -s ../init.d/osconf "$1/etc/rcS.d/S03osconf" # a stale link of an earlier install
	printf 'TARGETS = mountall.sh networking\nnetworking: mountall.sh\n' > "$1/etc/init.d/.depend.boot"
	printf 'partition=LABEL=CUSTOMIMG\n' > "$1/etc/osconf.conf"
}
rhelsysv() {
	mkdir -p "$1/sbin" "$1/etc/rc.d/init.d" && : > "$1/sbin/init" && ln -s rc.d/init.d "$1/etc/init.d"
	for n in 0 1 2 3 4 5 6; do mkdir "$1/etc/rc.d/rc$n.d"; ln -s rc.d/rc$n.d "$1/etc/rc$n.d"; done
	for n in 2 3 4 5; do ln -s ../init.d/network "$1/etc/rc.d/rc$n.d/S10network"; done
	printf 'LABEL=CUSTOMIMG /boot vfat noauto 0 0\n' > "$1/etc/fstab"
}
debopenrc() {
	mkdir -p "$1/sbin" "$1/etc/init.d" "$1/etc/runlevels/sysinit" "$1/etc/runlevels/boot"
	: > "$1/sbin/openrc-run" && : > "$1/sbin/init"
	ln -s /etc/init.d/networking "$1/etc/runlevels/sysinit/networking"
}

state() { tree_state -x './run/osconf*' "$1"; }
# sweep NAME CMD...: CMD (install or uninstall with its options) on copies of $SCRATCH/base
sweep() {
	local name=$1; shift
	rm -rf "$SCRATCH/clean"; cp -a "$SCRATCH/base" "$SCRATCH/clean"
	strace -f -qq -o "$SCRATCH/trace" -e trace=$CALLS "$OSCONF" "$@" --root "$SCRATCH/clean" > /dev/null 2>&1 \
		|| { fail "$name: the clean run"; return; }
	local want; want=$(state "$SCRATCH/clean")
	local call n total bad=0 runs=0 failed=0
	for call in ${CALLS//,/ }; do
		total=$(grep -c "^[0-9]* *$call(" "$SCRATCH/trace")
		for n in $(seq "$total"); do
			[ $(( (n - 1) % STEP )) = 0 ] || [ "$n" = "$total" ] || continue
			rm -rf "$SCRATCH/t"; cp -a "$SCRATCH/base" "$SCRATCH/t"
			timeout 20 strace -f -qq -o /dev/null -e trace=$call -e inject=$call:error=EIO:when=$n \
				"$OSCONF" "$@" --root "$SCRATCH/t" > "$SCRATCH/out" 2>&1
			local rc=$?
			runs=$((runs + 1))
			if [ $rc != 0 ]; then
				failed=$((failed + 1))
				# the error line names a path (a "/" besides the one in "Input/output")
				grep 'error: .*Input/output error' "$SCRATCH/out" | sed 's|Input/output||' | grep -q / && continue
				bad=$((bad + 1)); diag "$name: EIO at $call #$n: exit $rc without the error named: $(cat "$SCRATCH/out")"
			elif [ "$(state "$SCRATCH/t")" != "$want" ]; then
				bad=$((bad + 1)); diag "$name: EIO at $call #$n: exit 0 but not the clean tree:"
				diag "$(diff <(echo "$want") <(state "$SCRATCH/t") | head -8)"
			fi
		done
	done
	[ $bad = 0 ] && [ $runs -gt 0 ] \
		&& ok "$name: EIO at $runs calls ($SAMPLE): $failed fail with the error named, the others leave the clean tree" \
		|| fail "$name: $bad of $runs faults silently changed the result"
}

for tree in debsysv rhelsysv debopenrc; do
	rm -rf "$SCRATCH/base"; mkdir -p "$SCRATCH/base"; $tree "$SCRATCH/base"
	init=sysv; [ $tree = debopenrc ] && init=openrc
	sweep "install ($tree)" install --init $init
	"$OSCONF" install --init $init --root "$SCRATCH/base" > /dev/null 2>&1 || fail "install ($tree) for the uninstall sweep"
	sweep "uninstall ($tree)" uninstall
done

# a hostile root: /etc/rcS.d a symlink to itself (ELOOP, not "no such directory"): install stops
# and names it, instead of picking another layout or leaving .depend.boot out
rm -rf "$SCRATCH/t"; mkdir -p "$SCRATCH/t"; debsysv "$SCRATCH/t"
rm -rf "$SCRATCH/t/etc/rcS.d"; ln -s rcS.d "$SCRATCH/t/etc/rcS.d"
timeout 10 "$OSCONF" install --init sysv --root "$SCRATCH/t" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 1 ] && grep -q 'error: install: .*/etc/rcS.d' "$SCRATCH/out" && ! grep -q osconf "$SCRATCH/t/etc/init.d/.depend.boot" \
	&& [ -z "$(find "$SCRATCH/t/etc" -name 'S*osconf')" ] \
	&& ok "/etc/rcS.d a symlink loop: install exits 1, names it, enables nothing" \
	|| { fail "/etc/rcS.d a symlink loop: exit $rc"; diag "$(cat "$SCRATCH/out")"; }
done_testing
