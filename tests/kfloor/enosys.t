#!/bin/bash
# tests/kfloor/enosys.t — osconf on the kernel floor (3.10): every system call newer than that fails with ENOSYS.
# tests/tools/enosys installs the seccomp filter (table: tests/tools/syscalls.txt). A password
# applied under it verifies; then the golden, integration and image scripts run again with OSCONF
# pointing at tests/tools/osconf-enosys and must pass against the same expected outputs. EPERM
# (what container runtimes' seccomp profiles answer) must give the same results too.
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

# the golden, integration and image scripts against the same expectations; the golden
# cases once more with EPERM
export OSCONF_REAL="$OSCONF"
rerun() { # ERRNO SCRIPT...
	local e=$1 t log rc; shift
	for t in "$@"; do
		log="$SCRATCH/$e-$(echo "$t" | tr / -).log"
		OSCONF="$WRAP" OSCONF_ENOSYS_ERRNO=$e "$OSCONF_SRC/tests/$t" > "$log" 2>&1; rc=$?
		if grep -q '^1\.\.0 # SKIP' "$log"; then
			skip "$t with $e: $(sed -n 's/^1\.\.0 # SKIP //p' "$log")"
		elif [ $rc = 0 ] && ! grep -q '^not ok' "$log"; then
			ok "$t with $e ($(grep -c '^ok' "$log") tests)"
		else
			fail "$t with $e (exit $rc)"; diag "$(grep -A15 '^not ok' "$log" | head -60)"
		fi
	done
}
rerun ENOSYS golden/run.t integration/apply.t integration/pam.t image/check-pass.t image/check-fails.t image/check-formats.t
rerun EPERM golden/run.t
done_testing
