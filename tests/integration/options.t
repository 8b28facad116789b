#!/bin/bash
# tests/integration/options.t — the one option parser, for every command: --opt=value is --opt value,
# unknown options and missing values are usage errors (exit 2), --help lists every option.
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
scratch
MAN="$OSCONF_SRC/man/osconf.8"

# command as typed : its options, "=" after those that take a value
COMMANDS=(
	"check:"
	"show:--json"
	"plan:--conf= --root= --backend= --no-live"
	"apply:--conf= --root= --backend= --no-live --keep"
	"watch:--dir= --root= --backend= --no-live --keep --debounce= --once"
	"install:--root= --init= --partition= --binary="
	"uninstall:--root="
	"locate:--root="
	"image check:--root= --json"
	"image try:--conf= --timeout= --keep-logs= --json"
	"help:"
)

# --- usage errors and --help, every command
for row in "${COMMANDS[@]}"; do
	cmd=${row%%:*} opts=${row#*:}
	read -ra c <<<"$cmd"
	"$OSCONF" "${c[@]}" --bogus >/dev/null 2>"$SCRATCH/err"; rc=$?
	[ $rc = 2 ] && grep -q "unknown option '--bogus'" "$SCRATCH/err" && grep -q "Try 'osconf --help'" "$SCRATCH/err" \
		&& ok "$cmd --bogus: exit 2, named" || { fail "$cmd --bogus (rc $rc)"; diag "$(cat "$SCRATCH/err")"; }
	"$OSCONF" "${c[@]}" --bogus=1 >/dev/null 2>"$SCRATCH/err"; rc=$?
	[ $rc = 2 ] && grep -q "unknown option '--bogus=1'" "$SCRATCH/err" && ok "$cmd --bogus=1: exit 2, named" \
		|| { fail "$cmd --bogus=1 (rc $rc)"; diag "$(cat "$SCRATCH/err")"; }
	"$OSCONF" "${c[@]}" --help=x >/dev/null 2>"$SCRATCH/err"; rc=$?
	[ $rc = 2 ] && grep -q -- "--help takes no value" "$SCRATCH/err" && ok "$cmd --help=x: exit 2" || fail "$cmd --help=x (rc $rc)"
	"$OSCONF" "${c[@]}" --help >"$SCRATCH/help" 2>&1; rc=$?
	"$OSCONF" help "${c[@]}" >"$SCRATCH/help2" 2>&1
	missing=""
	for o in $opts --help; do
		name=${o%=}
		grep -q -- "^  .*$name\\b" "$SCRATCH/help" || missing="$missing $name"
		grep -qF -- "${name//-/\\-}" "$MAN" || missing="$missing $name(man)"   # roff: \-\-no\-live
		if [ "$o" != "$name" ]; then
			"$OSCONF" "${c[@]}" "$name" >/dev/null 2>"$SCRATCH/err"; r2=$?
			[ $r2 = 2 ] && grep -q -- "$name needs a value" "$SCRATCH/err" && ok "$cmd $name without its value: exit 2" \
				|| { fail "$cmd $name without its value (rc $r2)"; diag "$(cat "$SCRATCH/err")"; }
		elif [ "$name" != --help ]; then
			"$OSCONF" "${c[@]}" "$name=x" >/dev/null 2>"$SCRATCH/err"; r2=$?
			[ $r2 = 2 ] && grep -q -- "$name takes no value" "$SCRATCH/err" && ok "$cmd $name=x: exit 2" || fail "$cmd $name=x (rc $r2)"
		fi
	done
	[ $rc = 0 ] && [ -z "$missing" ] && grep -q "^Usage: osconf $cmd " "$SCRATCH/help" && ok "$cmd --help: exit 0, every option" \
		|| { fail "$cmd --help (rc $rc), missing:$missing"; diag "$(cat "$SCRATCH/help")"; }
	cmp -s "$SCRATCH/help" "$SCRATCH/help2" && ok "osconf help $cmd is $cmd --help" || fail "osconf help $cmd differs"
done

# --- the global list: every command of the table, from osconf --help and osconf help
"$OSCONF" --help >"$SCRATCH/g1"; rc=$?
"$OSCONF" help >"$SCRATCH/g2"
missing=""
for row in "${COMMANDS[@]}"; do grep -q "^  ${row%%:*} " "$SCRATCH/g1" || missing="$missing ${row%%:*}"; done
[ $rc = 0 ] && [ -z "$missing" ] && cmp -s "$SCRATCH/g1" "$SCRATCH/g2" && ok "osconf --help and osconf help list every command" \
	|| { fail "global help (rc $rc), missing:$missing"; diag "$(cat "$SCRATCH/g1")"; }
"$OSCONF" help nope >/dev/null 2>&1; [ $? = 2 ] && ok "help of an unknown command: exit 2" || fail "help nope"
"$OSCONF" --bogus >/dev/null 2>"$SCRATCH/err"; rc=$?
[ $rc = 2 ] && grep -q "^osconf: unknown option '--bogus'" "$SCRATCH/err" && ok "unknown global option: exit 2" || fail "global --bogus (rc $rc)"

# --- --opt=value and --opt value: the same result, for every command
# result NAME CMD...: exit status, stdout and stderr of CMD in $SCRATCH/NAME
result() { _n=$1; shift; "$@" >"$SCRATCH/$_n" 2>&1; echo "exit $?" >>"$SCRATCH/$_n"; }
# tree DIR: names, types, modes, links and contents (the salted hash and the run records aside)
tree() { tree_state -x './run/osconf*' -x './var/lib/osconf*' -s 'shadow*' "$1"; }
# alike NAME: $SCRATCH/a and $SCRATCH/b (outputs), and the trees ta, tb when there, are the same
alike() {
	compare "$1" "$SCRATCH/a" "$SCRATCH/b"
	[ ! -e "$SCRATCH/ta" ] || compare "$1 (tree)" "$SCRATCH/ta" "$SCRATCH/tb"
	rm -f "$SCRATCH/ta" "$SCRATCH/tb"
}
R=$SCRATCH/r CONF=$SCRATCH/os.conf
cp "$CASES/01-classic.conf" "$CONF"

newroot "$R"
result a "$OSCONF" plan --root="$R" --conf="$CONF" --backend=ifcfg --no-live
result b "$OSCONF" plan --root "$R" --conf "$CONF" --backend ifcfg --no-live
grep -q 'root password: will be set' "$SCRATCH/a" && ok "plan --root=DIR --conf=FILE plans" || fail "plan output: $(cat "$SCRATCH/a")"
alike "plan: --opt=value is --opt value"

newroot "$R"; result a "$OSCONF" apply --root="$R" --conf="$CONF" --backend=ifcfg --no-live --keep; tree "$R" >"$SCRATCH/ta"
newroot "$R"; result b "$OSCONF" apply --root "$R" --conf "$CONF" --backend ifcfg --no-live --keep; tree "$R" >"$SCRATCH/tb"
grep -q '^root:\$6' "$R/etc/shadow" && [ -e "$CONF" ] && ok "apply --root=DIR applied, --keep kept os.conf" || fail "apply with ="
alike "apply: --opt=value is --opt value"

D=$SCRATCH/p1/aliyun_custom_image; mkdir -p "$D"
newroot "$R"; cp "$CASES/02-vpc.conf" "$D/os.conf"
result a timeout 30 "$OSCONF" watch --dir="$D" --root="$R" --no-live --debounce=0 --once; tree "$R" >"$SCRATCH/ta"
newroot "$R"; cp "$CASES/02-vpc.conf" "$D/os.conf"
result b timeout 30 "$OSCONF" watch --dir "$D" --root "$R" --no-live --debounce 0 --once; tree "$R" >"$SCRATCH/tb"
grep -q iZ23r29djmjZ "$R/etc/hostname" && ok "watch --dir=DIR applied" || fail "watch with =: $(cat "$SCRATCH/a")"
alike "watch: --opt=value is --opt value"

T=$SCRATCH/t
newtree() { rm -rf "$T"; mkdir -p "$T/sbin" "$T/lib/systemd" "$T/etc" && ln -s /lib/systemd/systemd "$T/sbin/init"; }
newtree; result a "$OSCONF" install --root="$T" --init=systemd --partition=UUID=5EED-0001 --binary="$OSCONF"; tree "$T" >"$SCRATCH/ta"
newtree; result b "$OSCONF" install --root "$T" --init systemd --partition UUID=5EED-0001 --binary "$OSCONF"; tree "$T" >"$SCRATCH/tb"
grep -qx 'partition=UUID=5EED-0001' "$T/etc/osconf.conf" && ok "install --partition=UUID=… recorded" || fail "install with ="
alike "install: --opt=value is --opt value"

result a "$OSCONF" uninstall --root="$T"; tree "$T" >"$SCRATCH/ta"
"$OSCONF" install --root "$T" --init systemd --partition UUID=5EED-0001 >/dev/null 2>&1
result b "$OSCONF" uninstall --root "$T"; tree "$T" >"$SCRATCH/tb"
[ ! -e "$T/usr/sbin/osconf" ] && ok "uninstall --root=DIR removed it" || fail "uninstall with ="
alike "uninstall: --opt=value is --opt value"

newroot "$R"
result a "$OSCONF" locate --root="$R"
result b "$OSCONF" locate --root "$R"
alike "locate: --opt=value is --opt value"

newroot "$R"
result a "$OSCONF" image check --root="$R" --json
result b "$OSCONF" image check --root "$R" --json
grep -q '"mode"' "$SCRATCH/a" && ok "image check --root=DIR checked the tree" || fail "image check with =: $(cat "$SCRATCH/a")"
alike "image check: --opt=value is --opt value"

result a "$OSCONF" show --json "$CONF"
result b "$OSCONF" show "$CONF" --json
alike "show: --json before or after FILE"
result a "$OSCONF" check "$CONF"
result b "$OSCONF" check -- "$CONF"
alike "check: FILE after --"
done_testing
