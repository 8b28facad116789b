#!/bin/sh
# tests/golden/backends.t — every backend × every golden case: the files osconf apply changes in
# the backend's distro fixture root equal tests/golden/expected/BACKEND/CASE/ (GOLDEN_UPDATE=1 rewrites).
# 04-renamed runs as the live system in a namespace whose NICs carry its MACs as ens5/ens6.
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
scratch
BACKENDS=${GOLDEN_BACKENDS:-"networkd nm netplan ifupdown wicked"}
EXP="$OSCONF_SRC/tests/golden/expected"

# changed_tree BEFORE AFTER OUT: copy into OUT every file AFTER has new or different
# (secrets and run-time records left out); removed files are listed in OUT/REMOVED.
changed_tree() {
	mkdir -p "$3"
	(cd "$2" && find . -type f | sort) | while read -r f; do
		case $f in ./etc/shadow*|./etc/.pwd.lock|./run/*|./var/lib/osconf/*|./etc/case.conf) continue ;; esac
		if ! cmp -s "$1/$f" "$2/$f"; then
			mkdir -p "$3/${f%/*}"
			cp "$2/$f" "$3/$f"
			mode=$(stat -c %a "$2/$f")
			[ "$mode" = 644 ] || echo "$f $mode" >> "$3/MODES"
		fi
	done
	(cd "$1" && find . -type f | sort) | while read -r f; do
		[ -e "$2/$f" ] || echo "$f" >> "$3/REMOVED"
	done
}

# count_defaults BACKEND ROOT: default routes in the backend's files in ROOT.
count_defaults() {
	case $1 in
	networkd) cat "$2"/etc/systemd/network/*.network | awk '/^\[/ { if (r && !d) c++; r = ($0 == "[Route]"); d = 0; next }
		/^Destination=/ { d = 1 } END { if (r && !d) c++; print c + 0 }' ;;
	nm) cat "$2"/etc/NetworkManager/system-connections/* | grep -cE '^gateway=|^route[0-9]+=0\.0\.0\.0/0,' ;;
	netplan) cat "$2"/etc/netplan/*.yaml | grep -c 'to: default' ;;
	ifupdown) cat "$2"/etc/network/interfaces "$2"/etc/network/interfaces.d/* | grep -v '^#' |
		grep -cE '^\s*gateway |add default via' ;;
	wicked) cat "$2"/etc/sysconfig/network/ifroute-* "$2"/etc/sysconfig/network/routes 2>/dev/null | grep -c '^default ' ;;
	esac
}

live_ok=yes
[ "$(id -u)" = 0 ] && unshare --mount --net true 2>/dev/null || live_ok=no

for b in $BACKENDS; do
	fam=$(backend_family "$b")
	for conf in "$OSCONF_SRC"/tests/golden/cases/*.conf; do
		case=$(basename "$conf" .conf)
		before="$SCRATCH/$b-$case.before" after="$SCRATCH/$b-$case.after" out="$SCRATCH/$b-$case.out"
		mkroot "$fam" "$before"
		cp -a "$before" "$after"
		if [ "$case" = 04-renamed ]; then
			if [ $live_ok = no ]; then skip "$b $case: needs root and namespaces"; continue; fi
			cp "$conf" "$after/etc/case.conf"
			log=$(live_run "$after" ens5=00:16:3e:00:00:05 ens6=00:16:3e:00:00:06 -- \
				apply --conf /etc/case.conf --backend "$b" --keep 2>&1)
		else
			log=$("$OSCONF" apply --conf "$conf" --root "$after" --backend "$b" --keep --no-live 2>&1)
		fi
		rc=$?
		[ $rc = 0 ] || { fail "$b $case: apply exit $rc"; diag "$log"; continue; }
		changed_tree "$before" "$after" "$out"
		if [ -n "${GOLDEN_UPDATE:-}" ]; then
			rm -rf "$EXP/$b/$case"; mkdir -p "$EXP/$b"; cp -a "$out" "$EXP/$b/$case"
		fi
		if d=$(diff -ru "$EXP/$b/$case" "$out" 2>&1); then ok "$b $case"; else fail "$b $case"; diag "$d"; fi
		n=$(count_defaults "$b" "$after")
		[ "$n" = 1 ] && ok "$b $case: one default route" || fail "$b $case: $n default routes"
	done
done
done_testing
