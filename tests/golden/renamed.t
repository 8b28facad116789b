#!/bin/sh
# tests/golden/renamed.t — 04-renamed as on a real boot: osconf runs as the live system (chroot on
# the fixture root) in a network namespace whose NICs carry the case's MACs as ens5/ens6, so every
# backend names its files and stanzas ens5/ens6. The files apply changes in the backend's fixture
# root equal tests/golden/expected/BACKEND/04-renamed/live/ (OSCONF_GOLDEN_UPDATE=1 rewrites);
# run.t covers every case with --root, where the names stay ethN.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
scratch
BACKENDS=$(awk '!/^#/ && NF { print $1 }' "$OSCONF_SRC/tests/golden/backends")
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
		grep -cE '^\s*gateway |(add|replace) default via' ;;
	ifcfg) cat "$2"/etc/sysconfig/network-scripts/ifcfg-* "$2"/etc/sysconfig/network | grep -c '^GATEWAY=' ;;
	wicked) cat "$2"/etc/sysconfig/network/ifroute-* "$2"/etc/sysconfig/network/routes 2>/dev/null | grep -c '^default ' ;;
	esac
}

need_netns

for b in $BACKENDS; do
	fam=$(backend_family "$b")
	for conf in "$CASES"/04-renamed.conf; do
		case=$(basename "$conf" .conf)
		before="$SCRATCH/$b-$case.before" after="$SCRATCH/$b-$case.after" out="$SCRATCH/$b-$case.out"
		newroot "$before" "$fam"
		cp -a "$before" "$after"
		cp "$conf" "$after/etc/case.conf"
		log=$(live_run "$after" ens5=00:16:3e:00:00:05 ens6=00:16:3e:00:00:06 -- \
			apply --conf /etc/case.conf --backend "$b" --keep 2>&1)
		rc=$?
		[ $rc = 0 ] || { fail "$b $case: apply exit $rc"; diag "$log"; continue; }
		changed_tree "$before" "$after" "$out"
		compare -u "$b $case (ens5/ens6)" "$EXP/$b/$case/live" "$out"
		{ find "$out"; find "$out" -type f -exec cat {} +; } 2>/dev/null | grep -q ens5 && ! grep -rqw 'eth0' "$out/etc/sysconfig" "$out/etc/systemd" "$out/etc/netplan" \
			"$out/etc/NetworkManager" "$out/etc/network" 2>/dev/null && ok "$b $case: files name ens5/ens6, not ethN" ||
			fail "$b $case: files name ens5/ens6, not ethN"
		n=$(count_defaults "$b" "$after")
		[ "$n" = 1 ] && ok "$b $case: one default route" || fail "$b $case: $n default routes"
	done
done
done_testing
