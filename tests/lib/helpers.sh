# tests/lib/helpers.sh — the helpers every test shares (tap.sh sources it; POSIX sh): comparing
# expected and actual with a readable diff, tree snapshots, scratch target roots from
# tests/fixtures/, the golden cases as samples, and (netns.sh) namespaces with veth links by MAC.
# SPDX-License-Identifier: Apache-2.0
CASES=$OSCONF_SRC/tests/golden/cases
FIXTURES=$OSCONF_SRC/tests/fixtures
. "$OSCONF_SRC/tests/lib/netns.sh"

# --- comparing: one TAP line each, the difference as diagnostics

# same NAME EXPECTED ACTUAL: ok when the two strings are equal, else fail with their unified diff.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; return 0; fi
	fail "$1"
	_sd=$(mktemp -d "${TMPDIR:-/tmp}/osconf-same.XXXXXX")
	printf '%s\n' "$2" >"$_sd/expected"; printf '%s\n' "$3" >"$_sd/actual"
	diag "$(diff -u --label expected --label actual "$_sd/expected" "$_sd/actual")"
	rm -rf "$_sd"
	return 1
}

# compare [-u] NAME EXPECTED ACTUAL [DIFF-OPTION...]: files or trees (diff -ru --no-dereference,
# e.g. --exclude=NAME); fail with the diff, or when EXPECTED is missing. With -u and
# $OSCONF_GOLDEN_UPDATE set, EXPECTED becomes a copy of ACTUAL instead (less the --exclude names).
compare() {
	_cu=; [ "$1" = -u ] && { _cu=${OSCONF_GOLDEN_UPDATE:-}; shift; }
	_cn=$1 _ce=$2 _ca=$3; shift 3
	if [ -n "$_cu" ]; then
		rm -rf "$_ce"; mkdir -p "$(dirname "$_ce")"; cp -a "$_ca" "$_ce"
		for _co in "$@"; do
			case $_co in --exclude=*) find "$_ce" -name "${_co#--exclude=}" -exec rm -rf {} + 2>/dev/null ;; esac
		done
		ok "$_cn (updated)"; return 0
	fi
	if [ ! -e "$_ce" ]; then fail "$_cn: no expected output $_ce"; return 1; fi
	if _cd=$(diff -ru --no-dereference "$@" "$_ce" "$_ca" 2>&1); then ok "$_cn"; else fail "$_cn"; diag "$_cd"; return 1; fi
}

# check_out NAME RE CMD...: like check, but CMD's output must also match the extended regexp RE.
check_out() {
	_n=$1 _re=$2; shift 2
	if _out=$("$@" 2>&1) && echo "$_out" | grep -Eq -- "$_re"; then ok "$_n"; else fail "$_n"; diag "$_out"; fi
}

# tree_state [-i] [-f] [-x PATH]... [-s NAME]... DIR: a snapshot of DIR to compare with same:
# every entry's path, type, mode and link target (with -i also inode and mtime: "rewritten?"),
# then the sha256 of every regular file. -f: regular files only; -x: leave out paths matching
# PATH (find -path, e.g. './run/osconf*'); -s: no content hash for files named NAME (salted hashes).
tree_state() {
	_ti= _tf= _tx= _ts=
	while :; do
		case $1 in
		-i) _ti=' %i %T@'; shift ;;
		-f) _tf='-type f'; shift ;;
		-x) _tx="$_tx ! -path '$2'"; shift 2 ;;
		-s) _ts="$_ts ! -name '$2'"; shift 2 ;;
		*) break ;;
		esac
	done
	(cd "$1" && eval "find . $_tf $_tx -printf '%p %y %m %l$_ti\\n'" | sort &&
		eval "find . -type f $_tx $_ts -exec sha256sum {} +" | sort)
}

# --- target roots

# newroot DIR [FAMILY]: a fresh scratch target root at DIR — a copy of tests/fixtures/FAMILY
# (default centos7), else the distro family mkroot builds (tests/lib/fixtures.sh); /etc/shadow
# 0640 as on a real system (git keeps no 0640).
newroot() {
	_nf=${2:-centos7}
	rm -rf "$1"
	if [ -d "$FIXTURES/$_nf" ]; then
		mkdir -p "$1" && cp -a "$FIXTURES/$_nf/." "$1/"
	else
		command -v mkroot >/dev/null 2>&1 || . "$OSCONF_SRC/tests/lib/fixtures.sh"
		mkroot "$_nf" "$1"
	fi
	chmod 640 "$1/etc/shadow"
}

# verify_password ROOT PLAINTEXT: root's hash in ROOT/etc/shadow verifies PLAINTEXT (crypt(3))
verify_password() {
	printf '%s\n' "$2" | "$OSCONF_SRC/build/tests/shadow-verify" "$1" root
}

# --- samples: the golden cases (tests/golden/cases/NN-name.conf) are the one copy of each

# conf_value FILE KEY: KEY's value in an os.conf, without quotes and CR
conf_value() { sed -n "s/^$2=//p" "$1" | tr -d "\"'\r"; }
# case_password CASE: the plaintext of the case's (base64) password
case_password() { conf_value "$CASES/$1.conf" password | base64 -d | tr -d '\n'; }
# sample CASE [KEY=VALUE | -KEY]...: the case's os.conf with KEY's line replaced (appended when
# the case has none) or, with -KEY, left out.
sample() {
	[ -f "$CASES/$1.conf" ] || { echo "sample: no case $CASES/$1.conf" >&2; return 1; }
	_sc=$CASES/$1.conf; shift
	awk 'BEGIN {
		for (i = 1; i < ARGC; i++) {
			a = ARGV[i]; ARGV[i] = ""
			if (a ~ /^-/) { drop[substr(a, 2)] = 1; continue }
			k = a; sub(/=.*/, "", k); set[k] = a; order[++n] = k
		}
	}
	{ k = $0; sub(/=.*/, "", k) }
	k in drop { next }
	k in set { print set[k]; done[k] = 1; next }
	{ print }
	END { for (i = 1; i <= n; i++) if (!(order[i] in done)) print set[order[i]] }' "$@" <"$_sc"
}

# --- output: has NAME RE TEXT / lacks NAME RE TEXT: ok when a line of TEXT matches (no line
# matches) the basic regexp RE; has_line NAME LINE TEXT: TEXT has exactly LINE. Else fail with TEXT.
has() { if printf '%s\n' "$3" | grep -q -- "$2"; then ok "$1"; else fail "$1"; diag "$3"; return 1; fi; }
lacks() { if printf '%s\n' "$3" | grep -q -- "$2"; then fail "$1"; diag "$3"; return 1; else ok "$1"; fi; }
has_line() { if printf '%s\n' "$3" | grep -qxF -- "$2"; then ok "$1"; else fail "$1"; diag "$3"; return 1; fi; }
