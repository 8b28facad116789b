#!/bin/bash
# tests/faults/concurrency.t — one run at a time per target root: two applies, apply while watch
# runs, install during an apply, waiting for the lock (/run/osconf/lock) bounded (lock_wait=, 60 s
# by default: this file takes over a minute), a hostile file there refused at once.
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
scratch
LOCK=run/osconf/lock
# what a run leaves that differs from one run to the next: salted hashes, the status records
state() { tree_state -x './run/osconf*' -x './var/lib/osconf*' -s shadow -s shadow- "$1"; }

# --- the tree one apply leaves
newroot "$SCRATCH/one"; cp "$CASES/02-vpc.conf" "$SCRATCH/one.conf"
"$OSCONF" apply --no-live --conf "$SCRATCH/one.conf" --root "$SCRATCH/one" >/dev/null 2>&1 \
	&& ok "a single apply" || fail "a single apply"

# --- two applies started together on one root (several times: the race is not deterministic)
for i in 1 2 3; do
	newroot "$SCRATCH/two"; cp "$CASES/02-vpc.conf" "$SCRATCH/two.conf"
	timeout 70 "$OSCONF" apply --no-live --conf "$SCRATCH/two.conf" --root "$SCRATCH/two" > "$SCRATCH/a.out" 2>&1 &
	pa=$!
	timeout 70 "$OSCONF" apply --no-live --conf "$SCRATCH/two.conf" --root "$SCRATCH/two" > "$SCRATCH/b.out" 2>&1 &
	pb=$!
	wait $pa; ra=$?; wait $pb; rb=$?
	removed=$(cat "$SCRATCH/a.out" "$SCRATCH/b.out" | grep -c 'removed .*two.conf')
	idle=$(cat "$SCRATCH/a.out" "$SCRATCH/b.out" | grep -c 'nothing to do')
	if [ $ra = 0 ] && [ $rb = 0 ] && [ "$removed" = 1 ] && [ "$idle" = 1 ] && [ ! -e "$SCRATCH/two.conf" ]; then
		ok "two applies at once ($i): both exit 0, one applies, the other then finds nothing to do"
	else
		fail "two applies at once ($i): exit $ra/$rb, removed $removed, idle $idle"
		diag "$(cat "$SCRATCH/a.out" "$SCRATCH/b.out")"
	fi
	same "two applies at once ($i): the tree a single apply leaves" "$(state "$SCRATCH/one")" "$(state "$SCRATCH/two")"
	verify_password "$SCRATCH/two" "$(case_password 02-vpc)" >/dev/null && ok "two applies ($i): the password verifies" \
		|| fail "two applies ($i): password"
done

# --- install (and apply) while another run holds the lock: they wait, then go on
newroot "$SCRATCH/i"; mkdir -p "$SCRATCH/i/run/osconf"; : > "$SCRATCH/i/$LOCK"
flock "$SCRATCH/i/$LOCK" sleep 3 & holder=$!
sleep 0.5
t0=$(date +%s%N)
timeout 70 "$OSCONF" install --root "$SCRATCH/i" --init systemd > "$SCRATCH/out" 2>&1; rc=$?
waited=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $holder
[ $rc = 0 ] && [ $waited -ge 2000 ] && [ -x "$SCRATCH/i/usr/sbin/osconf" -o -x "$SCRATCH/i/usr/bin/osconf" ] \
	&& ok "install --root while the lock is held: waits (${waited} ms), then installs" \
	|| { fail "install during a held lock: exit $rc after ${waited} ms"; diag "$(cat "$SCRATCH/out")"; }
cp "$CASES/02-vpc.conf" "$SCRATCH/i.conf"
flock "$SCRATCH/i/$LOCK" sleep 2 & holder=$!
sleep 0.5
t0=$(date +%s%N)
timeout 70 "$OSCONF" apply --no-live --conf "$SCRATCH/i.conf" --root "$SCRATCH/i" > "$SCRATCH/out" 2>&1; rc=$?
waited=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $holder
[ $rc = 0 ] && [ $waited -ge 1000 ] && [ ! -e "$SCRATCH/i.conf" ] \
	&& ok "apply while the lock is held: waits (${waited} ms), then applies" \
	|| { fail "apply during a held lock: exit $rc after ${waited} ms"; diag "$(cat "$SCRATCH/out")"; }

# --- apply while watch runs (watch's runs go through run_pipeline, which takes the same lock).
# watch's first write is held back 3 s by strace, so its run holds the lock while os.conf is
# rewritten (v2: another host name) and an apply of v2 starts: the apply waits for watch's run,
# watch's run keeps the rewritten os.conf (not the bytes it applied), v2 is applied by one of
# them, whole files only: the tree is the one v1 then v2, applied one after the other, leave.
if strace -qq -o /dev/null true 2>/dev/null; then
	cp "$CASES/02-vpc.conf" "$SCRATCH/v1.conf"; sed 's/^hostname=.*/hostname=written-meanwhile/' "$SCRATCH/v1.conf" > "$SCRATCH/v2.conf"
	newroot "$SCRATCH/ref"
	for v in v1 v2; do cp "$SCRATCH/$v.conf" "$SCRATCH/ref.conf"
		"$OSCONF" apply --no-live --conf "$SCRATCH/ref.conf" --root "$SCRATCH/ref" >/dev/null 2>&1; done
	newroot "$SCRATCH/w"; D=$SCRATCH/wd; mkdir -p "$D"
	# --once: watch ends after that run by itself (strace, when killed, would leave it running)
	timeout 60 strace -f -qq -o "$SCRATCH/wtrace" -e trace=renameat -e inject=renameat:delay_enter=3000000:when=1 \
		"$OSCONF" watch --once --dir "$D" --root "$SCRATCH/w" --no-live --debounce 100 > "$SCRATCH/watch.out" 2>&1 &
	watcher=$!
	for _ in $(seq 100); do grep -q 'watch: watching' "$SCRATCH/watch.out" 2>/dev/null && break; sleep 0.1; done
	cp "$SCRATCH/v1.conf" "$D/os.conf"
	for _ in $(seq 100); do grep -q 'changed, applying' "$SCRATCH/watch.out" 2>/dev/null && break; sleep 0.1; done
	sleep 1 # well inside the 3 s held write
	flock -n -E 75 "$SCRATCH/w/$LOCK" true; [ $? = 75 ] && held=yes || held=no # 75: would block
	hn_during=$(cat "$SCRATCH/w/etc/hostname")
	cp "$SCRATCH/v2.conf" "$D/os.conf"
	t0=$(date +%s%N)
	timeout 70 "$OSCONF" apply --no-live --conf "$D/os.conf" --root "$SCRATCH/w" > "$SCRATCH/out" 2>&1; rc=$?
	waited=$(( ($(date +%s%N) - t0) / 1000000 ))
	wait "$watcher"
	# should timeout have stopped strace, its tracee (our watch) is still there: end it
	wpid=$(awk 'NR == 1 { print $1 }' "$SCRATCH/wtrace" 2>/dev/null)
	[ -n "$wpid" ] && grep -qs -- "$D" "/proc/$wpid/cmdline" && kill "$wpid"
	[ $held = yes ] && [ "$hn_during" != written-meanwhile ] \
		&& ok "watch: its run holds $LOCK while it applies" \
		|| { fail "watch: lock held during its run: $held, host name then: $hn_during"; diag "$(cat "$SCRATCH/watch.out")"; }
	[ $rc = 0 ] && [ $waited -ge 1000 ] \
		&& ok "apply while watch's run holds the lock: waits (${waited} ms), then exits 0" \
		|| { fail "apply during watch's run: exit $rc after ${waited} ms"; diag "$(cat "$SCRATCH/out" "$SCRATCH/watch.out")"; }
	has "watch's run keeps the os.conf rewritten under it" "os.conf was rewritten while it was applied: kept" \
		"$(cat "$SCRATCH/watch.out")"
	[ ! -e "$D/os.conf" ] && [ "$(cat "$SCRATCH/w/etc/hostname")" = written-meanwhile ] \
		&& ok "apply while watch runs: no lost update (v2 applied, os.conf removed once applied)" \
		|| { fail "apply while watch runs: lost update"; diag "$(ls -a "$D"; cat "$SCRATCH/w/etc/hostname" "$SCRATCH/out" "$SCRATCH/watch.out")"; }
	same "apply while watch runs: the tree v1 then v2 leave, whole files only" "$(state "$SCRATCH/ref")" "$(state "$SCRATCH/w")"
	verify_password "$SCRATCH/w" "$(case_password 02-vpc)" >/dev/null && ok "apply while watch runs: the password verifies" \
		|| fail "apply while watch runs: password"
else
	skip "strace cannot trace here: no apply-while-watch test"
fi

# --- a lock held for longer than the bound: a clear message, exit 1, os.conf kept, nothing
# changed; waiting sleeps (50 ms polls), it does not spin. lock_wait= in /etc/osconf.conf sets
# the bound (here 1 s); without it (or with an invalid value, warned about) it is 60 s.
# timed_run CMD...: runs CMD (output in $SCRATCH/out); sets rc, real and cpu (user+sys), in s
timed_run() {
	local TIMEFORMAT='%R %U %S' u s
	{ time "$@" > "$SCRATCH/out" 2>&1; } 2> "$SCRATCH/time"; rc=$?
	read -r real u s < "$SCRATCH/time"; cpu=$(awk "BEGIN { print $u + $s }")
}
# is EXPR: a comparison of decimal numbers (awk)
is() { awk "BEGIN { exit !($1) }"; }
for bound in 1 default; do
	newroot "$SCRATCH/t"; mkdir -p "$SCRATCH/t/run/osconf"; : > "$SCRATCH/t/$LOCK"; cp "$CASES/02-vpc.conf" "$SCRATCH/t.conf"
	if [ $bound = 1 ]; then printf 'lock_wait=1\n' >> "$SCRATCH/t/etc/osconf.conf"; lo=1 hi=5
	else printf 'lock_wait=forever\n' >> "$SCRATCH/t/etc/osconf.conf"; lo=60 hi=70; fi
	before=$(state "$SCRATCH/t")
	# the holder: a sleep holding the lock on its fd 9 (killing it releases the lock)
	( exec 9> "$SCRATCH/t/$LOCK"; flock 9; exec sleep 90 ) & holder=$!
	sleep 0.5
	timed_run timeout 90 "$OSCONF" apply --no-live --conf "$SCRATCH/t.conf" --root "$SCRATCH/t"
	if [ $rc = 1 ] && is "$real >= $lo && $real < $hi" && [ -e "$SCRATCH/t.conf" ] \
		&& grep -q 'cannot take the lock /run/osconf/lock: held by another osconf run .* for too long; giving up; os.conf not applied, kept' "$SCRATCH/out"; then
		ok "lock held, bound $bound: apply exits 1 after ${real} s (${cpu} s of CPU), says why, os.conf kept"
	else fail "lock held, bound $bound: apply exit $rc after ${real} s"; diag "$(cat "$SCRATCH/out")"; fi
	is "$cpu < 1" && ok "bound $bound: waiting took ${cpu} s of CPU" || fail "bound $bound: waiting burnt ${cpu} s of CPU"
	same "lock held, bound $bound: nothing changed" "$before" "$(state "$SCRATCH/t")"
	[ $bound = default ] && has "an invalid lock_wait= is warned about, the default kept" \
		"osconf.conf:[0-9]*: lock_wait= needs seconds (0-3600); waiting the default 60 s" "$(cat "$SCRATCH/out")"
	if [ $bound = 1 ]; then
		timed_run timeout 20 "$OSCONF" install --root "$SCRATCH/t" --init systemd
		[ $rc = 1 ] && is "$real < 5" && grep -q 'lock /run/osconf/lock.*for too long' "$SCRATCH/out" \
			&& ok "lock held, bound 1: install exits 1 after ${real} s, says why" \
			|| { fail "lock held, bound 1: install exit $rc after ${real} s"; diag "$(cat "$SCRATCH/out")"; }
	fi
	kill $holder 2>/dev/null; wait $holder 2>/dev/null
done

# --- hostile lock files: refused at once with the path named, os.conf kept, nothing opened
for kind in fifo symlink dir; do
	newroot "$SCRATCH/h"; mkdir -p "$SCRATCH/h/run/osconf"; cp "$CASES/02-vpc.conf" "$SCRATCH/h.conf"
	case $kind in
	fifo) mkfifo "$SCRATCH/h/$LOCK" ;;
	symlink) mkfifo "$SCRATCH/h/fifo"; ln -s ../../fifo "$SCRATCH/h/$LOCK" ;;
	dir) mkdir "$SCRATCH/h/$LOCK" ;;
	esac
	before=$(state "$SCRATCH/h")
	timeout 10 "$OSCONF" apply --no-live --conf "$SCRATCH/h.conf" --root "$SCRATCH/h" > "$SCRATCH/out" 2>&1; rc=$?
	if [ $rc = 1 ] && grep -q "lock /run/osconf/lock: .*refused" "$SCRATCH/out" && [ -e "$SCRATCH/h.conf" ]; then
		ok "$kind at the lock path: apply exits 1 within 10 s, named, os.conf kept"
	else fail "$kind at the lock path: apply exit $rc"; diag "$(cat "$SCRATCH/out")"; fi
	same "$kind at the lock path: nothing changed" "$before" "$(state "$SCRATCH/h")"
	timeout 10 "$OSCONF" install --root "$SCRATCH/h" --init systemd > "$SCRATCH/out" 2>&1; rc=$?
	[ $rc = 1 ] && grep -q "lock /run/osconf/lock.*refused" "$SCRATCH/out" \
		&& ok "$kind at the lock path: install exits 1 within 10 s, named" \
		|| { fail "$kind at the lock path: install exit $rc"; diag "$(cat "$SCRATCH/out")"; }
done
# --- os.conf rewritten while it is being removed (strace delays the calls of the removal):
# the new os.conf survives, whichever call the rewrite lands before
if strace -qq -o /dev/null true 2>/dev/null; then
	for call in rename unlink; do
		case $call in
		rename) inj='-e inject=rename,renameat,renameat2:delay_enter=1500000:when=1' want=1 ;; # kept: rewritten
		unlink) inj='-e inject=unlink,unlinkat:delay_enter=1500000:when=1' want=0 ;; # ours gone, the new one there
		esac
		newroot "$SCRATCH/l"; cp "$CASES/02-vpc.conf" "$SCRATCH/l.conf"
		# shellcheck disable=SC2086
		timeout 20 strace -f -qq -o "$SCRATCH/trace" -P "$SCRATCH" -e trace=rename,renameat,renameat2,unlink,unlinkat $inj \
			"$OSCONF" apply --no-live --conf "$SCRATCH/l.conf" --root "$SCRATCH/l" > "$SCRATCH/out" 2>&1 &
		pid=$!
		# wait until the run is at the removal (the status record is written after it)
		for _ in $(seq 100); do grep -q 'wrote /etc/hosts\|unchanged' "$SCRATCH/out" 2>/dev/null && break; sleep 0.1; done
		sleep 0.5
		printf 'hostname=written-meanwhile\n' > "$SCRATCH/l.conf"
		wait $pid; rc=$?
		if [ $rc = $want ] && [ -e "$SCRATCH/l.conf" ] && grep -qx 'hostname=written-meanwhile' "$SCRATCH/l.conf" \
			&& [ ! -e "$SCRATCH/.l.conf.osconf-applied" ]; then
			ok "os.conf rewritten during the $call of the removal: the new one survives (exit $rc)"
		else fail "os.conf rewritten during the $call: lost (exit $rc)"; diag "$(cat "$SCRATCH/out"; ls -a "$SCRATCH")"; fi
	done
else
	skip "strace cannot trace here: no removal-window test"
fi
done_testing
