#!/bin/bash
# tests/golden/run.t — golden tests: every case × every backend → plan output, apply log and
# resulting tree compared with tests/golden/expected/; `osconf check` output for every case.
# Regenerate expectations after an intended change: OSCONF_GOLDEN_UPDATE=1 tests/golden/run.t
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
G="$OSCONF_SRC/tests/golden"
scratch
UPDATE=${OSCONF_GOLDEN_UPDATE:-}

# files whose content changes on every run or is checked separately
EXCLUDE=(--exclude=shadow --exclude=shadow- --exclude=.pwd.lock)

compare() { # NAME EXPECTED ACTUAL (file or dir)
	if [ -n "$UPDATE" ]; then
		rm -rf "$2"; mkdir -p "$(dirname "$2")"; cp -a "$3" "$2"
		find "$2" \( -name shadow -o -name shadow- -o -name .pwd.lock \) -delete 2>/dev/null
		ok "$1 (updated)"; return
	fi
	if [ ! -e "$2" ]; then fail "$1: no expected output $2"; return; fi
	if out=$(diff -ru --no-dereference "${EXCLUDE[@]}" "$2" "$3" 2>&1); then ok "$1"; else fail "$1"; diag "$out"; fi
}

snapshot() { # DIR → "inode mtime path" of every file, for the no-op check
	(cd "$1" && find . -type f ! -name status.json ! -name last-result.json ! -name .pwd.lock \
		-printf '%i %T@ %p\n' | sort -k3)
}

verify_password() { # ROOT PLAINTEXT
	printf '%s\n' "$2" | "$OSCONF_SRC/build/tests/shadow-verify" "$1" root
}

# check: stderr and exit status of `osconf check` for every case
for conf in "$G"/cases/*.conf; do
	name=$(basename "$conf" .conf)
	mkdir -p "$SCRATCH/check"; cp "$conf" "$SCRATCH/check/os.conf"
	(cd "$SCRATCH/check" && "$OSCONF" check os.conf > out 2>&1; echo "exit $?" >> out)
	compare "check $name" "$G/expected/check/$name.out" "$SCRATCH/check/out"
done

# plan + apply for every backend with its fixture root
while read -r backend fixture; do
	case "$backend" in ''|'#'*) continue;; esac
	for conf in "$G"/cases/*.conf; do
		name=$(basename "$conf" .conf)
		w="$SCRATCH/$backend/$name"; mkdir -p "$w/out"
		if [ -d "$OSCONF_SRC/tests/fixtures/$fixture" ]; then cp -a "$OSCONF_SRC/tests/fixtures/$fixture" "$w/root"
		else mkroot "$fixture" "$w/root"; fi
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
		compare "$backend $name: plan" "$G/expected/$backend/$name/plan" "$w/out/plan"
		compare "$backend $name: apply" "$G/expected/$backend/$name/apply" "$w/out/apply"
		compare "$backend $name: tree" "$G/expected/$backend/$name/tree" "$w/root"
		if grep -q '^password=' "$conf" && grep -q 'set the root password' "$w/out/apply"; then
			pw=$(sed -n 's/^password=//p' "$conf" | tr -d "\"'\r" | base64 -d | tr -d '\n')
			check "$backend $name: root password verifies with crypt(3)" verify_password "$w/root" "$pw"
		fi
		# a second apply of the same input changes nothing: same inodes, same mtimes
		before=$(snapshot "$w/root")
		cp "$conf" "$w/os.conf"
		(cd "$w" && "$OSCONF" apply --conf os.conf --root root --backend "$backend" > out/apply2 2>&1)
		after=$(snapshot "$w/root")
		if [ "$before" = "$after" ] && ! grep -q 'wrote\|set the' "$w/out/apply2"; then
			ok "$backend $name: second apply changes nothing"
		else
			fail "$backend $name: second apply changed something"; diag "$(diff <(echo "$before") <(echo "$after")) $(cat "$w/out/apply2")"
		fi
	done
done < "$G/backends"
done_testing
