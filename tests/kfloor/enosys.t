#!/bin/bash
# tests/kfloor/enosys.t — osconf on the kernel floor (3.10): every system call newer than that fails with ENOSYS.
# tests/tools/enosys installs the seccomp filter (table: tests/tools/syscalls.txt). A password
# applied under it verifies; an apply gives the same tree and messages as without it; then the
# golden, integration and image scripts run again with OSCONF pointing at
# tests/tools/osconf-enosys and must give the same results, test for test, as normally. EPERM
# (what container runtimes' seccomp profiles answer) must give the same results too.
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
ENOSYS="$OSCONF_SRC/tests/tools/enosys"
WRAP="$OSCONF_SRC/tests/tools/osconf-enosys"
VERIFY="$OSCONF_SRC/build/tests/shadow-verify"
/usr/bin/python3 -c 'import seccomp' 2>/dev/null || skip_all "python3-seccomp not installed for /usr/bin/python3 (apt-get install python3-seccomp)"
out=$("$ENOSYS" -- true 2>&1) || skip_all "cannot install a seccomp filter here: $out"
[ -x "$VERIFY" ] || skip_all "build/tests/shadow-verify not built (make build/tests/shadow-verify)"
scratch

# the filter is in force: getrandom(2) (3.17) fails, an old call works
if "$ENOSYS" -- /usr/bin/python3 -c 'import os; os.getrandom(4)' 2>/dev/null; then
	fail "getrandom(2) still works under the filter"
else
	ok "under the filter getrandom(2) fails"
fi
"$ENOSYS" -- /usr/bin/python3 -c 'import os; os.urandom(4)' && ok "under the filter old calls work" || fail "old calls fail under the filter"

# apply of a sample with a password sets a password that verifies
PW=$(case_password 01-classic)
newroot "$SCRATCH/r"
cp "$CASES/01-classic.conf" "$SCRATCH/os.conf"
"$WRAP" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" --no-live > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 0 ] && ok "apply under the filter: exit 0" || { fail "apply under the filter: exit $rc"; diag "$(cat "$SCRATCH/out")"; }
verify_password "$SCRATCH/r" "$PW" >/dev/null && ok "the root password set under the filter verifies" \
	|| { fail "root password does not verify"; diag "$(grep '^root:' "$SCRATCH/r/etc/shadow")"; }

# the same where a seccomp filter answers EPERM (container runtimes): the same result
newroot "$SCRATCH/r"
cp "$CASES/01-classic.conf" "$SCRATCH/os.conf"
"$ENOSYS" --errno EPERM -- "$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" --no-live > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 0 ] && verify_password "$SCRATCH/r" "$PW" >/dev/null && ok "apply with EPERM for newer calls: exit 0, password verifies" \
	|| { fail "apply with EPERM for newer calls: exit $rc"; diag "$(cat "$SCRATCH/out")"; }

# the same apply with and without the filter: the same tree (root's hash aside: its salt is
# random) and the same messages
for v in normal filtered; do
	rm -rf "$SCRATCH/$v"; cp -a "$OSCONF_SRC/tests/fixtures/centos7" "$SCRATCH/$v"
	cp "$OSCONF_SRC/tests/golden/cases/02-vpc.conf" "$SCRATCH/$v.conf"
	if [ $v = normal ]; then run="$OSCONF"; else run="$WRAP"; fi
	OSCONF_REAL="$OSCONF" "$run" apply --conf "$SCRATCH/$v.conf" --root "$SCRATCH/$v" --no-live 2>&1 |
		sed "s|$SCRATCH/$v|ROOT|g" > "$SCRATCH/$v.out"
	sed -i 's/^root:[^:]*:/root:HASH:/' "$SCRATCH/$v/etc/shadow" "$SCRATCH/$v/etc/shadow-" 2>/dev/null
	rm -rf "$SCRATCH/$v/run/osconf" "$SCRATCH/$v/var/lib/osconf"   # status records: times
done
check "apply's messages are the same with and without the filter" diff -u "$SCRATCH/normal.out" "$SCRATCH/filtered.out"
check "apply's tree is the same with and without the filter" diff -ru --no-dereference "$SCRATCH/normal" "$SCRATCH/filtered"

# the golden, integration and image scripts again: each must pass with the same results, test
# for test, as its normal run (scratch paths aside); the golden cases once more with EPERM
export OSCONF_REAL="$OSCONF"
tap_lines() { grep -E '^(not )?ok ' "$1" | sed -E 's|/tmp/osconf-[a-z]+\.[A-Za-z0-9]+|SCRATCH|g; s/ [0-9]+ ms//'; }
rerun() { # ERRNO SCRIPT...
	local e=$1 t log base rc; shift
	for t in "$@"; do
		log="$SCRATCH/$e-$(echo "$t" | tr / -).log" base="$SCRATCH/normal-$(echo "$t" | tr / -).log"
		[ -e "$base" ] || "$OSCONF_SRC/tests/$t" > "$base" 2>&1
		OSCONF="$WRAP" OSCONF_ENOSYS_ERRNO=$e "$OSCONF_SRC/tests/$t" > "$log" 2>&1; rc=$?
		if grep -q '^1\.\.0 # SKIP' "$log"; then
			skip "$t with $e: $(sed -n 's/^1\.\.0 # SKIP //p' "$log")"
		elif [ $rc != 0 ] || grep -q '^not ok' "$log"; then
			fail "$t with $e (exit $rc)"; diag "$(grep -A15 '^not ok' "$log" | head -60)"
		elif ! d=$(diff <(tap_lines "$base") <(tap_lines "$log")); then
			fail "$t with $e: other results than its normal run"; diag "$d"
		else
			ok "$t with $e: the same $(grep -c '^ok' "$log") results as its normal run"
		fi
	done
}
rerun ENOSYS golden/run.t integration/apply.t integration/pam.t integration/options.t integration/partition-spec.t \
	image/check-pass.t image/check-fails.t image/check-formats.t
rerun EPERM golden/run.t
done_testing
