#!/bin/sh
# tests/net/nm-daemon.t — the NetworkManager daemon itself applies what the nm backend wrote: it
# runs in a network + mount namespace (veth links with the os.conf MACs, a private D-Bus system
# bus, keyfile plugin on the fixture root's /etc/NetworkManager, whose "Wired connection 1" DHCP
# profile for eth0 is present), and addresses, routes, the one default route, the active profiles
# and the DNS order are checked.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
command -v NetworkManager >/dev/null && command -v dbus-daemon >/dev/null || skip_all "network-manager or dbus is not installed"
need_netns
scratch

for case in 01-classic 03-routes 04-renamed 10-onlink; do
	apply_case rhel9 $case "$SCRATCH/$case"
	[ $? = 0 ] || { fail "$case: apply"; diag "$log"; continue; }
	if out=$(nm_run "$r" "$conf" $map 2>&1); then
		ok "$case: NetworkManager configures it (addresses, routes, one default route)"
	else
		fail "$case: NetworkManager configures it"; diag "$out"; continue
	fi
	for nm in $(case_links "$conf" $map); do
		n=${nm%%=*}
		echo "$out" | grep -qx "active osconf-$n:$n" && ok "$case: osconf-$n is the active profile on $n" ||
			{ fail "$case: osconf-$n is the active profile on $n"; diag "$out"; }
	done
	echo "$out" | grep -q "^active Wired connection 1:" && { fail "$case: the image's Wired connection 1 stays down"; diag "$out"; } ||
		ok "$case: the image's Wired connection 1 stays down"
	dns=$(conf_value "$conf" dns_nameserver)
	[ "$(echo "$out" | sed -n 's/^dns //p')" = "$dns" ] && ok "$case: DNS in order: $dns" ||
		{ fail "$case: DNS in order: $dns"; diag "$out"; }
done
done_testing
