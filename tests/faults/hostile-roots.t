#!/bin/bash
# tests/faults/hostile-roots.t — every file apply reads or writes, replaced by what an image must
# not hold there: a FIFO, a character device, a directory, a symlink or hard link leading out
# of the root, a huge sparse file; and /etc/shadow without a root line or with two. Nothing
# blocks (10 s each), nothing outside the root changes, each case ends with the file named. Each
# file is resolved once (O_PATH, then /proc/self/fd); without /proc nothing is opened.
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
scratch
R=$SCRATCH/r OUT=$SCRATCH/outside
# the files an apply of the classic sample touches on the CentOS 7 fixture (ifcfg backend)
FILES="etc/os-release etc/login.defs etc/shadow etc/hostname etc/hosts etc/resolv.conf
	etc/sysconfig/network etc/sysconfig/network-scripts/ifcfg-eth0 etc/sysconfig/network-scripts/ifcfg-eth1"
fresh() {
	newroot "$R"; sample 01-classic > "$SCRATCH/os.conf"
	rm -rf "$OUT"; mkdir -p "$OUT"; echo outside > "$OUT/file"
}
outside_state() { (cd "$OUT" && find . -printf '%p %y %s %i\n' | sort && cat file); }
# run CASE FILE: apply at most 10 s; then: ended in time, nothing outside changed, and either a
# failure naming FILE with os.conf kept, or success (the thing was replaced by a regular file)
run() {
	local what=$1 f=$2 before rc
	before=$(outside_state)
	timeout 10 "$OSCONF" apply --no-live --conf "$SCRATCH/os.conf" --root "$R" > "$SCRATCH/out" 2>&1; rc=$?
	if [ $rc = 124 ]; then fail "$what at /$f: apply did not end within 10 s"; return; fi
	if [ "$before" != "$(outside_state)" ]; then fail "$what at /$f: something outside the root changed"; return; fi
	if [ $rc = 0 ] && [ -f "$R/$f" ] && [ ! -L "$R/$f" ]; then
		ok "$what at /$f: replaced by a regular file, nothing outside touched"
	elif [ $rc = 0 ] && [ -L "$R/$f" ]; then
		ok "$what at /$f: followed inside the root only, nothing outside touched"
	elif [ $rc != 0 ] && [ -e "$SCRATCH/os.conf" ] && grep -q "/$f\|$(basename "$f")" "$SCRATCH/out"; then
		ok "$what at /$f: exit $rc, named, os.conf kept, nothing outside touched"
	else
		fail "$what at /$f (exit $rc)"; diag "$(cat "$SCRATCH/out")"
	fi
}

for f in $FILES; do
	fresh; rm -f "$R/$f"; mkfifo "$R/$f"; run "a FIFO" "$f"
	fresh; rm -f "$R/$f"; mkdir "$R/$f"; run "a directory" "$f"
	fresh; rm -f "$R/$f"; ln -s "$OUT/file" "$R/$f"; run "an absolute symlink out of the root" "$f"
	fresh; rm -f "$R/$f"; ln -s "../../../../../../../../$OUT/file" "$R/$f"; run "a relative symlink out of the root" "$f"
	fresh; rm -f "$R/$f"; ln "$OUT/file" "$R/$f"; run "a hard link to a file outside" "$f"
	if [ "$(id -u)" = 0 ]; then
		fresh; rm -f "$R/$f"; mknod "$R/$f" c 1 3; run "a character device" "$f"
	else
		skip "character devices need root (mknod)"
	fi
done
# a symlink at every directory component written
for d in etc/sysconfig etc/sysconfig/network-scripts; do
	fresh; rm -rf "$R/$d"; ln -s "$OUT" "$R/$d"; run "an absolute symlink out of the root (directory)" "$d"
	fresh; rm -rf "$R/$d"; ln -s "../../../../../../../../$OUT" "$R/$d"; run "a relative symlink out of the root (directory)" "$d"
done
# a huge sparse file where a small one is read
for f in etc/os-release etc/login.defs etc/shadow etc/hosts; do
	fresh; rm -f "$R/$f"; truncate -s 20G "$R/$f"; run "a 20 GB sparse file" "$f"
done
# /etc/shadow without a root line, or with two: the password section fails, shadow untouched
fresh; grep -v '^root:' "$R/etc/shadow" > "$SCRATCH/s" && cat "$SCRATCH/s" > "$R/etc/shadow"; cp -p "$R/etc/shadow" "$SCRATCH/shadow.before"
timeout 10 "$OSCONF" apply --no-live --conf "$SCRATCH/os.conf" --root "$R" > "$SCRATCH/out" 2>&1; rc=$?
check "shadow without a root line: exit 1, os.conf kept, shadow untouched" sh -c "[ $rc = 1 ] && [ -e '$SCRATCH/os.conf' ] && cmp -s '$SCRATCH/shadow.before' '$R/etc/shadow'"
has "... and the message says so" "shadow" "$(cat "$SCRATCH/out")"
fresh; grep '^root:' "$R/etc/shadow" > "$SCRATCH/s" && cat "$SCRATCH/s" >> "$R/etc/shadow"; cp -p "$R/etc/shadow" "$SCRATCH/shadow.before"
timeout 10 "$OSCONF" apply --no-live --conf "$SCRATCH/os.conf" --root "$R" > "$SCRATCH/out" 2>&1; rc=$?
check "shadow with two root lines: exit 1, os.conf kept, shadow untouched" sh -c "[ $rc = 1 ] && [ -e '$SCRATCH/os.conf' ] && cmp -s '$SCRATCH/shadow.before' '$R/etc/shadow'"
has "... and the message says so" "shadow" "$(cat "$SCRATCH/out")"
# each file of the root is resolved once: looked at O_PATH, its type checked, then that inode
# opened through /proc/self/fd — no openat2 by path opens a file for I/O, but for O_CREAT|O_EXCL
fresh
strace -f -qq -o "$SCRATCH/trace" -e trace=openat2,openat "$OSCONF" apply --no-live --conf "$SCRATCH/os.conf" --root "$R" \
	> "$SCRATCH/out" 2>&1; rc=$?
byname=$(grep ' openat2(' "$SCRATCH/trace" | grep -v 'O_PATH\|O_DIRECTORY\|O_CREAT|O_EXCL')
procfd=$(sed -n 's/.*openat(AT_FDCWD, "\/proc\/self\/fd", [^)]*O_PATH[^)]*) = \([0-9]*\)$/\1/p' "$SCRATCH/trace" | head -1)
if [ $rc = 0 ] && [ -z "$byname" ] && [ -n "$procfd" ] && grep -q "openat($procfd, \"[0-9]*\", O_RDONLY" "$SCRATCH/trace"; then
	ok "every file of the root opened once by name (O_PATH), then through /proc/self/fd"
else fail "a file of the root opened by name for I/O (exit $rc)"; diag "$byname"; fi
# without /proc (a private mount namespace with an empty tmpfs on /proc) there is no safe open:
# apply stops at the first file with a clear message, os.conf kept, nothing written but the lock
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
	fresh; before=$(tree_state -x './run' -x './run/osconf*' "$R") # the lock file aside
	timeout 10 unshare -m --propagation private sh -c 'mount -t tmpfs none /proc && exec "$0" "$@"' "$OSCONF" \
		apply --no-live --conf "$SCRATCH/os.conf" --root "$R" > "$SCRATCH/out" 2>&1; rc=$?
	[ $rc = 1 ] && grep -q '/proc is not mounted' "$SCRATCH/out" && [ -e "$SCRATCH/os.conf" ] \
		&& [ "$before" = "$(tree_state -x './run' -x './run/osconf*' "$R")" ] \
		&& ok "no /proc: apply exits 1, says /proc is not mounted, os.conf kept, nothing else written" \
		|| { fail "no /proc: exit $rc"; diag "$(cat "$SCRATCH/out")"; }
else
	skip "needs root and unshare -m (a private /proc)"
fi
done_testing
