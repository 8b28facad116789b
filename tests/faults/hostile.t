#!/bin/bash
# tests/faults/hostile.t — fail closed: special files, stale temp files, symlinks and injected
# I/O errors (strace) in the target root end in exit 1 with the file named, os.conf kept.
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
scratch
CASES="$OSCONF_SRC/tests/golden/cases"
FIX="$OSCONF_SRC/tests/fixtures/centos7"
R="$SCRATCH/r"
# fresh: a new CentOS 7 root (tests/lib newroot) and the classic sample as os.conf
fresh() { newroot "$R"; sample 01-classic > "$SCRATCH/os.conf"; }
# apply [WRAPPER...]: apply $SCRATCH/os.conf to $R (no live changes, $APPLY_ARGS added) under
# WRAPPER (strace …), at most 10 s; status in $rc, output in $SCRATCH/out
APPLY_ARGS=""
apply() { timeout 10 "$@" "$OSCONF" apply --no-live $APPLY_ARGS --conf "$SCRATCH/os.conf" --root "$R" > "$SCRATCH/out" 2>&1; rc=$?; }
# expect NAME REGEX: exit 1 with REGEX in the output and os.conf kept
expect() {
	if [ "$rc" = 1 ] && grep -Eq -e "$2" "$SCRATCH/out" && [ -e "$SCRATCH/os.conf" ]; then ok "$1"
	else fail "$1 (exit $rc)"; diag "$(cat "$SCRATCH/out")"; fi
}
# only_opath FILE LOG: every open of FILE in an strace log is an O_PATH one (nothing opened for real)
only_opath() { ! grep -E "open(at2?)?\(.*$1" "$2" | grep -vq 'O_PATH'; }

# --- a FIFO at /etc/.pwd.lock: refused at once, never opened for writing (that would block)
fresh; mkfifo "$R/etc/.pwd.lock"
apply
expect "FIFO at /etc/.pwd.lock: exit 1 within 10 s, named" '\.pwd\.lock.*not a regular file'
grep -q 'wrote /etc/hostname' "$SCRATCH/out" && ok "FIFO lock: the other sections still applied" \
	|| fail "FIFO lock: other sections"
[ -p "$R/etc/.pwd.lock" ] && cmp -s "$FIX/etc/shadow" "$R/etc/shadow" && ok "FIFO lock: left alone, shadow untouched" \
	|| fail "FIFO lock: something changed"

# --- character devices in place of files osconf reads: refused before anything opens them
if [ "$(id -u)" = 0 ]; then
	fresh; rm "$R/etc/os-release"; mknod "$R/etc/os-release" c 1 3
	sums=$(cd "$R/etc/sysconfig/network-scripts" && sha256sum *)
	apply strace -f -y -qq -o "$SCRATCH/trace" -e trace=open,openat,openat2
	expect "char device at /etc/os-release: exit 1, named" '/etc/os-release.*not a regular file'
	only_opath os-release "$SCRATCH/trace" && ok "char device at /etc/os-release: not opened" \
		|| { fail "char device at /etc/os-release: opened"; diag "$(grep os-release "$SCRATCH/trace")"; }
	[ "$sums" = "$(cd "$R/etc/sysconfig/network-scripts" && sha256sum *)" ] \
		&& ok "char device at /etc/os-release: no backend guessed, network files untouched" \
		|| fail "char device at /etc/os-release: network files written"
	fresh; rm "$R/etc/hostname"; mknod "$R/etc/hostname" c 1 3
	apply strace -f -y -qq -o "$SCRATCH/trace" -e trace=open,openat,openat2
	expect "char device at /etc/hostname: exit 1, named" '/etc/hostname.*not a regular file'
	only_opath 'etc/hostname"' "$SCRATCH/trace" && ok "char device at /etc/hostname: not opened" \
		|| { fail "char device at /etc/hostname: opened"; diag "$(grep 'etc/hostname"' "$SCRATCH/trace")"; }
	[ -c "$R/etc/hostname" ] && ok "char device at /etc/hostname: left in place" || fail "char device replaced"
else
	for i in 1 2 3 4 5 6; do skip "character devices need root (mknod)"; done
fi

# --- a directory in place of /etc/hostname
fresh; rm "$R/etc/hostname"; mkdir "$R/etc/hostname"
apply
expect "directory at /etc/hostname: exit 1, named" '/etc/hostname: is a directory'

# --- temp files a killed run left behind are removed by the next write of that file
fresh
echo 'root:$6$old:1:0:99999:7:::' > "$R/etc/.#shadow.osconf12345678"
echo keep > "$R/etc/.#shadow.osconf1234567"      # not our pattern (7 digits)
echo outside > "$SCRATCH/outside"
ln -s "$SCRATCH/outside" "$R/etc/.#shadow.osconfabcdef01"  # a symlink: never followed or removed
apply
[ "$rc" = 0 ] && [ ! -e "$R/etc/.#shadow.osconf12345678" ] && ok "stale .#shadow.osconfXXXXXXXX removed by the next apply" \
	|| { fail "stale temp file kept (exit $rc)"; diag "$(cat "$SCRATCH/out")"; }
[ -e "$R/etc/.#shadow.osconf1234567" ] && [ -L "$R/etc/.#shadow.osconfabcdef01" ] && [ "$(cat "$SCRATCH/outside")" = outside ] \
	&& ok "only regular files of the exact pattern are removed" || fail "other files removed"

# --- a symlink at /etc/shadow pointing outside the root: refused, nothing written outside
fresh; cp "$R/etc/shadow" "$SCRATCH/victim"; rm "$R/etc/shadow"; ln -s "$SCRATCH/victim" "$R/etc/shadow"
apply
expect "symlink at /etc/shadow: refused, exit 1" 'shadow.*symbolic link'
cmp -s "$SCRATCH/victim" "$FIX/etc/shadow" && [ ! -e "$SCRATCH/victim-" ] && ok "symlink at /etc/shadow: nothing written outside" \
	|| fail "symlink at /etc/shadow: the outside file changed"

# --- exit statuses: an os.conf over 64 KiB is invalid input (65, as check says), kept
fresh; { cat "$CASES/01-classic.conf"; head -c 70000 /dev/zero | tr '\0' '#'; echo; } > "$SCRATCH/os.conf"
"$OSCONF" check "$SCRATCH/os.conf" >/dev/null 2>&1; crc=$?
apply
[ "$crc" = 65 ] && [ "$rc" = 65 ] && [ -e "$SCRATCH/os.conf" ] && cmp -s "$FIX/etc/hostname" "$R/etc/hostname" \
	&& ok "os.conf over 64 KiB: apply exits 65 like check, os.conf kept, nothing written" \
	|| { fail "os.conf over 64 KiB: check $crc, apply $rc"; diag "$(cat "$SCRATCH/out")"; }
"$OSCONF" apply --no-live --conf "$SCRATCH/os.conf" --root "$SCRATCH/no-such-root" >/dev/null 2>&1
[ $? = 2 ] && ok "--root that does not exist: exit 2 (usage)" || fail "--root missing: exit status"

# --- directories osconf creates are made durable in their parent before os.conf goes: an
# fsync of the parent, or a syncfs of their file system (one file system here), after the
# mkdir and before os.conf is renamed away
fresh
APPLY_ARGS="--backend nm"
apply strace -f -y -qq -o "$SCRATCH/trace" -e trace=mkdirat,mkdir,fsync,syncfs,renameat,renameat2
APPLY_ARGS=""
made=$(grep -cE 'mkdirat?\(.*\) = 0$' "$SCRATCH/trace")
gone=$(grep -nE 'rename.*"os\.conf"' "$SCRATCH/trace" | head -1 | cut -d: -f1)
unsynced=$(grep -nE 'mkdirat?\(.*\) = 0$' "$SCRATCH/trace" | while IFS=: read -r n line; do
	parent=$(echo "$line" | sed -E 's/.*mkdirat\([0-9]+<([^>]*)>.*/\1/')
	sed -n "$n,${gone:-\$}p" "$SCRATCH/trace" | grep -qE "fsync\([0-9]+<$parent>\)|syncfs\(" || echo "$parent"
done)
[ "$rc" = 0 ] && [ -n "$gone" ] && [ "$made" -ge 2 ] && [ -z "$unsynced" ] \
	&& ok "every new directory ($made) durable in its parent before os.conf goes" \
	|| { fail "new directories not made durable (exit $rc, $made made): $unsynced"; diag "$(cat "$SCRATCH/out")"; }

# --- injected I/O errors (strace): an error is never taken for "file absent"
if ! strace -f -qq -o /dev/null -e inject=getpid:error=EIO true 2>/dev/null; then
	for i in 1 2 3 4; do skip "strace fault injection unavailable"; done
	done_testing; exit
fi
fresh
apply strace -f -qq -o /dev/null -P "$R" -e trace=open,openat -e inject=open,openat:error=EIO
expect "EIO opening --root: exit 1 (not 2, usage), named" "--root $R: Input/output error"
fresh; printf 'ID=debian\nVERSION_ID=12\n' > "$R/etc/os-release"
sums=$(cd "$R/etc/sysconfig/network-scripts" && sha256sum *)
apply strace -f -qq -o /dev/null -P "$R/etc/os-release" -e trace=read -e inject=read:error=EIO
expect "EIO reading /etc/os-release: exit 1, named" '/etc/os-release: Input/output error'
[ "$sums" = "$(cd "$R/etc/sysconfig/network-scripts" && sha256sum *)" ] && [ ! -e "$R/etc/network/interfaces.d" ] \
	&& ok "EIO reading /etc/os-release: no other backend written" || fail "EIO on os-release: a backend was written"

# An image default that cannot be read is not "absent": it would stay active beside ours.
fresh; IMGDEF="$R/etc/sysconfig/network-scripts/ifcfg-cloud"
printf 'DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n' > "$IMGDEF"
apply strace -f -qq -o /dev/null -P "$IMGDEF" -e trace=read -e inject=read:error=EIO
expect "EIO reading an image default (ifcfg-cloud): exit 1" 'network.*Input/output error'
grep -q 'ONBOOT=yes' "$IMGDEF" && ok "image default left as it was (section failed, not half-applied)" || fail "image default changed"
fresh; printf 'DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n' > "$IMGDEF"
apply
[ "$rc" = 0 ] && grep -q 'ONBOOT=no' "$IMGDEF" && ok "the same default without a fault: ONBOOT=no" || fail "image default not neutralised (exit $rc)"

# Every stat of /etc/hostname (mode 0600) in turn fails with EIO: never a 0644 rewrite, never exit 0.
# (The static glibc makes every stat, lstat and fstat a newfstatat; when=N counts those.)
fresh; chmod 600 "$R/etc/hostname"
apply strace -f -y -qq -o "$SCRATCH/trace" -e trace=newfstatat
# when=N counts per process: number the calls of the process that stats the file
pid=$(grep -E '/etc/hostname>|/etc>, "hostname"' "$SCRATCH/trace" | head -1 | cut -d' ' -f1)
calls=$(grep -E "^${pid:-none} +newfstatat\\(" "$SCRATCH/trace" | grep -nE '/etc/hostname>|/etc>, "hostname"' | cut -d: -f1)
bad=""
for n in $calls; do
	fresh; chmod 600 "$R/etc/hostname"
	apply strace -f -qq -o /dev/null -e trace=newfstatat -e inject=newfstatat:error=EIO:when=$n
	[ "$rc" = 1 ] && [ "$(stat -c %a "$R/etc/hostname")" = 600 ] && [ -e "$SCRATCH/os.conf" ] || bad="$bad $n(exit $rc, mode $(stat -c %a "$R/etc/hostname"))"
done
[ -n "$calls" ] && [ -z "$bad" ] && ok "EIO on each stat of a 0600 file ($(echo $calls | wc -w) calls): exit 1, mode kept" \
	|| fail "EIO on a stat of /etc/hostname:${bad:- no stat calls found}"
done_testing
