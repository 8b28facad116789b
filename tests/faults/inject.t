#!/bin/bash
# tests/faults/inject.t — strace fault injection at each file-system call `apply` makes, per backend:
# SPDX-License-Identifier: Apache-2.0
# every managed file old or new (never torn or missing), shadow valid, mode/owner/label kept,
# os.conf kept on failure, no silent change, and a clean re-run converges to the clean result.
#
# Per backend (its family's fixture root, sample 01-classic with a password) one clean apply under
# `strace -f -e trace=%file,%desc` lists the calls; then one run per (syscall, call N, fault):
# EIO at every call, ENOSPC at write/fsync and at opens with O_CREAT, SIGKILL on entering the call.
# `make check` runs every 7th call of each syscall plus the first and last; FAULTS_FULL=1 (`make
# faults`) every call. Each run works on a fresh copy of the root and os.conf; the runs go two at a
# time (FAULTS_JOBS). Known violations of osconf are listed in KNOWN below and show as TODO.
set -u
. "$(dirname "$0")/../lib/tap.sh"
BACKENDS=${FAULTS_BACKENDS:-"ifcfg nm networkd netplan ifupdown wicked"}
FAULTS_JOBS=${FAULTS_JOBS:-2}
# KNOWN: "ERE @@ reason" lines, known violations of osconf (TAP # TODO); matched against each
# violation as "BACKEND SYSCALL FAULT: message"
KNOWN='
'

# snap DIR: one line per entry ("M<TAB>path<TAB>type mode uid:gid security.selinux link") and per
# regular file's sha256 ("H<TAB>path<TAB>hash"), sorted; shadow (salted) and the status record
# (time) unhashed.
snap() {
	(cd "$1" && { find . -printf 'M\t%p\t%y %m %U:%G %Z %l\n' 2>/dev/null
		find . -type f ! -name shadow ! -name status.json ! -name last-result.json -exec sha256sum {} + |
			sed 's/^\([0-9a-f]*\)  \(.*\)$/H\t\2\t\1/'; } | LC_ALL=C sort)
}
# load_snap ARRAY FILE: ARRAY[path]="meta hash" from a snap
load_snap() {
	local -n _a=$1
	local k p v
	while IFS=$'\t' read -r k p v; do
		case $k in M) _a[$p]="$v${_a[$p]:-}" ;; H) _a[$p]="${_a[$p]:-} $v" ;; esac
	done < "$2"
}
# the status record and the directories made for it
is_status() { case $1 in ./run|./run/osconf|./run/osconf/*|./var|./var/lib|./var/lib/osconf|./var/lib/osconf/*) return 0 ;; esac; return 1; }
# violation MESSAGE: add one to $bad
violation() { bad="$bad; $*"; }

# check_tree D SNAP: (1) and (3): each managed entry is its old or its new state (content, type,
# mode, owner, security.selinux as a whole), every other entry as before (temp files aside); the
# status record whole JSON. Sets NONSTATUS: the entries (status record aside) that differ from
# the clean result.
check_tree() {
	local D=$1 p o c f
	local -A U=()
	NONSTATUS="" STATUSDIFF=""
	for p in "${!O[@]}" "${!C[@]}" "${!F[@]}"; do U[$p]=1; done
	for p in "${!U[@]}"; do
		case ${p##*/} in .\#*.osconf*) continue ;; esac
		o=${O[$p]-absent} c=${C[$p]-absent} f=${F[$p]-absent}
		if [ "$f" != "$c" ]; then
			if is_status "$p"; then STATUSDIFF="$STATUSDIFF $p"; else NONSTATUS="$NONSTATUS $p"; fi
		fi
		[ "$f" = "$o" ] || [ "$f" = "$c" ] && continue
		if [ "$o" = "$c" ]; then violation "$p changed though a clean run leaves it ($o -> $f)"
		elif [ "$f" = absent ]; then violation "$p missing (was $o)"
		else violation "$p neither old nor new: $f (old $o, new $c)"; fi
	done
	for f in "$W/r/run/osconf/status.json" "$W/r/var/lib/osconf/last-result.json"; do
		[ -f "$f" ] || continue
		[ "$(head -c1 "$f")" = "{" ] && [ "$(tail -c3 "$f")" = "}}" ] || violation "${f#$W/r} torn: $(head -c60 "$f")"
	done
}
# check_shadow D ROOT: (2) 9 fields a line, other lines as before, root's hash old or verifying;
# sets SHADOW to old or new
check_shadow() {
	local s=$2/etc/shadow h
	SHADOW=old
	[ -f "$s" ] || { violation "/etc/shadow missing"; return; }
	h=$(awk -F: -v out="$W/others" 'NF != 9 { printf "line %d has %d fields ", NR, NF }
		$1 == "root" { n++; h = $2; next } { print > out } END { printf "%d:%s", n, h }' "$s")
	case $h in *" "*) violation "/etc/shadow: ${h% *}" ;; esac
	h=${h##* }
	cmp -s "$W/others" "$D/shadow.others" || violation "/etc/shadow: lines other than root's changed"
	[ "${h%%:*}" = 1 ] || { violation "/etc/shadow: ${h%%:*} root lines"; return; }
	h=${h#*:}
	[ "$h" = "$(< "$D/shadow.oldhash")" ] && return
	SHADOW=new
	verify_password "$2" "$PASSWORD" >/dev/null 2>&1 || violation "root's hash neither old nor verifying: $h"
}

# run_one D BACKEND SYSCALL FAULT N: one injected run and the re-run; prints one result line
# "R<TAB>backend<TAB>syscall<TAB>fault<TAB>N<TAB>exit<TAB>violations"
run_one() {
	local D=$1 b=$2 sys=$3 kind=$4 n=$5 spec rc rc2 temps p
	local -A O=() C=() F=()
	bad=""
	W=$(mktemp -d "$D/w.XXXXXX")
	cp -a "$D/orig" "$W/r"; cp "$D/conf" "$W/os.conf"
	case $kind in KILL) spec=signal=SIGKILL ;; *) spec=error=$kind ;; esac
	{ timeout 30 strace -f -qq -o /dev/null -e trace="$sys" -e inject="$sys:$spec:when=$n" \
		"$OSCONF" apply --no-live --conf "$W/os.conf" --root "$W/r" > "$W/out" 2>&1; } 2>/dev/null
	rc=$?
	case $rc in
	124) violation "hung (killed after 30 s)" ;;
	137) ;;
	1[3-9][0-9]|2[0-9][0-9]) violation "died of signal $((rc - 128))" ;;
	esac
	load_snap O "$D/orig.snap"; load_snap C "$D/clean.snap"
	snap "$W/r" > "$W/snap"; load_snap F "$W/snap"
	check_tree "$D"
	check_shadow "$D" "$W/r"
	# (4) os.conf kept unless exit 0, or killed once the run was complete: everything applied
	# and the status record written (it is written before os.conf is removed)
	if [ "$rc" != 0 ] && [ ! -e "$W/os.conf" ]; then
		if [ "$rc" = 137 ] && [ -z "$NONSTATUS" ] && [ "$SHADOW" = new ]; then
			[ -z "$STATUSDIFF" ] || violation "os.conf removed, then killed, without the status record:$STATUSDIFF"
		else violation "os.conf removed though exit $rc"; fi
	fi
	# (5) exit 0 only with the clean result
	if [ "$rc" = 0 ]; then
		[ "$SHADOW" = new ] || violation "exit 0 with the old password"
		for p in $NONSTATUS; do violation "exit 0 but not the clean result: $p ${F[$p]-absent} (clean ${C[$p]-absent})"; done
		[ -n "$STATUSDIFF" ] && violation "exit 0 without the status record:$STATUSDIFF"
	fi
	# (6) a clean re-run: exit 0, no temp file left, the clean result
	[ -e "$W/os.conf" ] || cp "$D/conf" "$W/os.conf"
	"$OSCONF" apply --no-live --conf "$W/os.conf" --root "$W/r" > "$W/out2" 2>&1
	rc2=$?
	[ "$rc2" = 0 ] || violation "re-run exit $rc2: $(tr '\n' ' ' < "$W/out2")"
	temps=$(cd "$W/r" && find . -name '.#*.osconf*' | tr '\n' ' ')
	[ -z "$temps" ] || violation "re-run left $temps"
	snap "$W/r" > "$W/snap2"
	if ! cmp -s "$D/clean.snap" "$W/snap2"; then
		F=(); load_snap F "$W/snap2"
		for p in "${!C[@]}" "${!F[@]}"; do
			[ "${C[$p]-absent}" = "${F[$p]-absent}" ] || echo "$p"
		done | sort -u > "$W/diverge"
		while read -r p; do violation "re-run does not converge: $p ${F[$p]-absent} (clean ${C[$p]-absent})"; done < "$W/diverge"
	fi
	check_shadow "$D" "$W/r"
	[ "$SHADOW" = new ] || violation "re-run left the old password"
	printf 'R\t%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$sys" "$kind" "$n" "$rc" "${bad#; }"
	rm -rf "$W"
}

[ -n "${PASSWORD:-}" ] || PASSWORD=$(case_password 01-classic)
export PASSWORD OSCONF OSCONF_SRC
if [ "${1:-}" = --run ]; then shift; run_one "$@"; exit 0; fi

need_root
command -v strace >/dev/null || skip_all "strace is not installed"
strace -f -qq -o /dev/null -e trace=getpid -e inject=getpid:error=EIO true 2>/dev/null ||
	skip_all "strace has no fault injection (-e inject)"
command -v python3 >/dev/null || skip_all "python3 (xattrs) is missing"
[ -x "$OSCONF_SRC/build/tests/shadow-verify" ] || skip_all "build/tests/shadow-verify is not built"
scratch
. "$OSCONF_SRC/tests/lib/fixtures.sh"
start=$(date +%s)

# sample POINTS...: every 7th of the points plus the last (all with FAULTS_FULL=1)
pick() { if [ -n "${FAULTS_FULL:-}" ]; then echo "$@"; else echo "$@" | tr ' ' '\n' | awk 'NR % 7 == 1 { print; next } { l = $0 } END { if (l != "") print l }' | tr '\n' ' '; fi; }

: > "$SCRATCH/jobs"
for b in $BACKENDS; do
	D=$SCRATCH/$b fam=$(backend_family "$b")
	mkdir -p "$D"
	cp "$CASES/01-classic.conf" "$D/conf"
	# a first clean run finds the files that exist and change: give them owners and labels
	newroot "$D/orig" "$fam"
	cp -a "$D/orig" "$D/first"; cp "$D/conf" "$D/first.conf"
	"$OSCONF" apply --no-live --conf "$D/first.conf" --root "$D/first" > /dev/null 2>&1
	snap "$D/orig" > "$D/orig.snap"; snap "$D/first" > "$D/clean.snap"
	(cd "$D/orig" && find . -type f) | LC_ALL=C sort | while read -r p; do
		[ "$(grep -F "	$p	" "$D/orig.snap")" = "$(grep -F "	$p	" "$D/clean.snap")" ] || echo "$p"
	done > "$D/label-paths"
	while read -r p; do
		case $p in ./etc/shadow) chgrp 42 "$D/orig/$p" ;; *) chgrp 4 "$D/orig/$p" ;; esac
	done < "$D/label-paths"
	python3 -c 'import os, sys
for p in sys.stdin.read().split("\n"):
    if p: os.setxattr(os.path.join(sys.argv[1], p), "security.selinux", ("system_u:object_r:" + os.path.basename(p).replace(".", "_").replace(" ", "_").replace("-", "_") + "_t:s0\0").encode())' "$D/orig" < "$D/label-paths" 2>/dev/null ||
		diag "$b: security.selinux cannot be set here: labels not checked"
	awk -F: '$1 == "root" { print $2 }' "$D/orig/etc/shadow" > "$D/shadow.oldhash"
	grep -v '^root:' "$D/orig/etc/shadow" > "$D/shadow.others"
	# the clean run, traced
	cp -a "$D/orig" "$D/clean"; cp "$D/conf" "$D/clean.conf"
	strace -f -qq -o "$D/trace" -e trace=%file,%desc \
		"$OSCONF" apply --no-live --conf "$D/clean.conf" --root "$D/clean" > "$D/clean.out" 2>&1
	rc=$?
	snap "$D/orig" > "$D/orig.snap"; snap "$D/clean" > "$D/clean.snap"
	[ "$rc" = 0 ] && grep -q "network: backend $b " "$D/clean.out" && ! [ -e "$D/clean.conf" ] &&
		ok "$b ($fam root): clean apply exits 0, picks $b, removes os.conf" ||
		{ fail "$b ($fam root): clean apply (exit $rc)"; diag "$(cat "$D/clean.out")"; continue; }
	changed=$(diff "$D/orig.snap" "$D/clean.snap" | sed -n 's/^[<>] [MH]	\([^	]*\)	.*/\1/p' | sort -u | tr '\n' ' ')
	keep=$(while read -r p; do
		[ "$(grep -F "M	$p	" "$D/orig.snap" | cut -f3 | cut -d' ' -f1-4)" = \
			"$(grep -F "M	$p	" "$D/clean.snap" | cut -f3 | cut -d' ' -f1-4)" ] || grep -F "M	$p	" "$D/clean.snap"
	done < "$D/label-paths")
	same "$b: clean apply keeps mode, owner and security.selinux of the $(wc -l < "$D/label-paths") files it rewrites" "" "$keep"
	diag "$b: managed: $changed"
	# the calls: name and count; for ENOSPC the opens that create
	sed -E 's/^[0-9]+ +//' "$D/trace" | grep -E '^[a-z0-9_]+\(' | grep -v '^execve(' > "$D/calls"
	counts=$(sed 's/(.*//' "$D/calls" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')
	diag "$b: calls: $counts"
	for sc in $counts; do
		sys=${sc%=*} c=${sc#*=}
		all=$(seq 1 "$c" | tr '\n' ' ')
		for n in $(pick $all); do printf '%s %s %s EIO %s\n' "$D" "$b" "$sys" "$n"; done
		for n in $(pick $all); do printf '%s %s %s KILL %s\n' "$D" "$b" "$sys" "$n"; done
		case $sys in
		write|fsync|fdatasync) nospc=$all ;;
		openat|openat2|open|creat) nospc=$(grep "^$sys(" "$D/calls" | grep -n 'O_CREAT' | cut -d: -f1 | tr '\n' ' ') ;;
		*) nospc="" ;;
		esac
		[ -n "$nospc" ] && for n in $(pick $nospc); do printf '%s %s %s ENOSPC %s\n' "$D" "$b" "$sys" "$n"; done
	done >> "$SCRATCH/jobs"
	rm -rf "$D/first" "$D/first.conf"
done

diag "$(wc -l < "$SCRATCH/jobs") injected runs, $FAULTS_JOBS at a time${FAULTS_FULL:+ (FAULTS_FULL: every call)}"
xargs -P "$FAULTS_JOBS" -L 1 "$0" --run < "$SCRATCH/jobs" > "$SCRATCH/results"

# one TAP line per backend, syscall and fault; a run whose violations are all KNOWN is a TODO
printf '%s\n' "$KNOWN" | grep . > "$SCRATCH/known"
awk -F'\t' 'FILENAME == ARGV[1] { i = index($0, " @@ "); re[++nk] = substr($0, 1, i - 1); next }
	{ cls = "-"
	  if ($7 != "") {
		n = split($7, m, "; "); cls = ""
		for (i = 1; i <= n; i++) {
			t = $2 " " $3 " " $4 ": " m[i]; k = 0
			for (j = 1; j <= nk; j++) if (t ~ re[j]) { k = j; break }
			if (!k) { cls = "unknown"; break }
			if (index("," cls ",", "," k ",") == 0) cls = cls (cls == "" ? "" : ",") k
		}
	  }
	  print $0 "\t" cls }' "$SCRATCH/known" "$SCRATCH/results" > "$SCRATCH/classified"
violations=0 known=0
for key in $(cut -f2-4 "$SCRATCH/classified" | tr '\t' : | sort -u); do
	b=${key%%:*} rest=${key#*:} sys=${rest%%:*} kind=${rest#*:}
	rows=$(awk -F'\t' -v b="$b" -v s="$sys" -v k="$kind" '$2 == b && $3 == s && $4 == k' "$SCRATCH/classified")
	runs=$(printf '%s\n' "$rows" | wc -l)
	exits=$(printf '%s\n' "$rows" | cut -f6 | sort -n | uniq -c | awk '{ printf "%s×%s ", $2, $1 }')
	name="$b: $kind at $sys ($runs calls: exit ${exits% })"
	unknown=$(printf '%s\n' "$rows" | awk -F'\t' '$8 == "unknown"')
	todo=$(printf '%s\n' "$rows" | awk -F'\t' '$8 != "-" && $8 != "unknown"')
	if [ -n "$unknown" ]; then
		nbad=$(printf '%s\n' "$unknown" | wc -l); violations=$((violations + nbad))
		fail "$name: $nbad runs with violations"
		diag "$(printf '%s\n' "$unknown" | head -5 | awk -F'\t' '{ printf "call %s exit %s: %s\n", $5, $6, $7 }')"
	elif [ -n "$todo" ]; then
		nbad=$(printf '%s\n' "$todo" | wc -l); known=$((known + nbad))
		reasons=$(printf '%s\n' "$todo" | cut -f8 | tr ',' '\n' | sort -un | while read -r j; do
			sed -n "${j}p" "$SCRATCH/known" | sed 's/.* @@ //'; done | tr '\n' ' ')
		TAP_N=$((TAP_N + 1)); echo "not ok $TAP_N - $name: $nbad runs with known violations # TODO ${reasons% }"
		diag "$(printf '%s\n' "$todo" | head -3 | awk -F'\t' '{ printf "call %s exit %s: %s\n", $5, $6, $7 }')"
	else ok "$name"; fi
done

total=$(wc -l < "$SCRATCH/results")
diag "runs per backend: $(cut -f2 "$SCRATCH/results" | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')"
diag "runs per fault: $(cut -f4 "$SCRATCH/results" | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')"
diag "errors that exited 0 with the clean result (swallowed): $(awk -F'\t' '$6 == 0 && $4 != "KILL" && $7 == ""' "$SCRATCH/results" | cut -f3 | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')"
diag "$total runs, $violations with unknown violations, $known with known ones (TODO), $(( $(date +%s) - start )) s"
same "every run reported and was classified" "$(wc -l < "$SCRATCH/jobs") $total" "$total $(wc -l < "$SCRATCH/classified")"
done_testing
