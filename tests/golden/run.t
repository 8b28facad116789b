#!/bin/bash
# tests/golden/run.t — golden tests: every case × every backend → plan output, apply log and
# resulting tree compared with tests/golden/expected/; `osconf check` output for every case.
# Regenerate expectations after an intended change: OSCONF_GOLDEN_UPDATE=1 tests/golden/run.t
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
G="$OSCONF_SRC/tests/golden"
scratch

# files whose content changes on every run or is checked separately
EXCLUDE="--exclude=shadow --exclude=shadow- --exclude=.pwd.lock"
# the no-op check: every file's inode, mtime and content (the run-time records aside)
snapshot() { tree_state -i -f -x './run/osconf/*' -x './var/lib/osconf/*' -x '*/.pwd.lock' "$1"; }

# check: stderr and exit status of `osconf check` for every case
for conf in "$G"/cases/*.conf; do
	name=$(basename "$conf" .conf)
	mkdir -p "$SCRATCH/check"; cp "$conf" "$SCRATCH/check/os.conf"
	(cd "$SCRATCH/check" && "$OSCONF" check os.conf > out 2>&1; echo "exit $?" >> out)
	compare -u "check $name" "$G/expected/check/$name.out" "$SCRATCH/check/out"
done

# plan + apply for every backend with its fixture root
while read -r backend fixture; do
	case "$backend" in ''|'#'*) continue;; esac
	for conf in "$G"/cases/*.conf; do
		name=$(basename "$conf" .conf)
		w="$SCRATCH/$backend/$name"; mkdir -p "$w/out"
		newroot "$w/root" "$fixture"
		cp "$conf" "$w/os.conf"
		(cd "$w" && "$OSCONF" plan --conf os.conf --root root --backend "$backend" > out/plan 2>&1; echo "exit $?" >> out/plan)
		(cd "$w" && "$OSCONF" apply --conf os.conf --root root --backend "$backend" > out/apply 2>&1
		 echo "exit $?" >> out/apply; [ -e os.conf ] && echo "os.conf kept" >> out/apply || echo "os.conf removed" >> out/apply)
		# the status record says what the exit status says; then it leaves the compared tree
		rc=$(sed -n 's/^exit //p' "$w/out/apply")
		check "$backend $name: status record" python3 -c 'import json,sys
s=json.load(open(sys.argv[1])); assert s["exit_status"]==int(sys.argv[2]), s' "$w/root/run/osconf/status.json" "$rc"
		rm -rf "$w/root/run/osconf" "$w/root/var/lib/osconf"
		rmdir -p "$w/root/run" "$w/root/var/lib" 2>/dev/null
		find "$w/root" -depth -type d -empty -delete   # git keeps no empty directories
		compare -u "$backend $name: plan" "$G/expected/$backend/$name/plan" "$w/out/plan" $EXCLUDE
		compare -u "$backend $name: apply" "$G/expected/$backend/$name/apply" "$w/out/apply" $EXCLUDE
		compare -u "$backend $name: tree" "$G/expected/$backend/$name/tree" "$w/root" $EXCLUDE
		if grep -q '^password=' "$conf" && grep -q 'set the root password' "$w/out/apply"; then
			pw=$(conf_value "$conf" password | base64 -d | tr -d '\n')
			check "$backend $name: root password verifies with crypt(3)" verify_password "$w/root" "$pw"
		fi
		# a second apply of the same input changes nothing: same inodes, same mtimes
		before=$(snapshot "$w/root")
		cp "$conf" "$w/os.conf"
		(cd "$w" && "$OSCONF" apply --conf os.conf --root root --backend "$backend" > out/apply2 2>&1)
		after=$(snapshot "$w/root")
		if grep -q 'wrote\|set the' "$w/out/apply2"; then
			fail "$backend $name: second apply changes nothing"; diag "$(cat "$w/out/apply2")"
		else
			same "$backend $name: second apply changes nothing" "$before" "$after"
		fi
	done
done < "$G/backends"
done_testing
