#!/bin/sh
# tests/net/networkd.t — the real systemd-networkd reads what the networkd backend wrote: it runs in
# a network+mount namespace (veth links with the os.conf MACs, read-only sysfs so it does not wait
# for udev, no D-Bus) on the Arch and Debian-cloud fixture roots, whose DHCP .network files are
# left in place, and the addresses and routes it sets are checked with ip -j.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
[ -x /lib/systemd/systemd-networkd ] || skip_all "systemd-networkd is not installed"
need_netns
scratch

for fam in arch debian-cloud; do
	for case in 01-classic 02-vpc 03-routes 04-renamed 10-onlink; do
		apply_case $fam $case "$SCRATCH/$fam-$case"
		[ $? = 0 ] || { fail "$fam $case: apply"; diag "$log"; continue; }
		echo "$log" | grep -q "wrote /etc/systemd/network/05-osconf-" || { fail "$fam $case: backend networkd chosen"; diag "$log"; }
		dns=$(conf_value "$conf" dns_nameserver)
		if out=$(networkd_run "$r" "$conf" $map 2>&1); then
			ok "$fam $case: systemd-networkd configures it (addresses, routes, one default route)"
			echo "$out" | grep -q "05-osconf-" && ! echo "$out" | grep "Configuring with" | grep -qv 05-osconf- &&
				ok "$fam $case: our .network files win over the image's DHCP one" ||
				{ fail "$fam $case: our .network files win over the image's DHCP one"; diag "$out"; }
			[ "$(echo "$out" | sed -n 's/^link DNS=//p')" = "$dns" ] && ok "$fam $case: per-link DNS in order: $dns" ||
				{ fail "$fam $case: per-link DNS in order: $dns"; diag "$out"; }
		else
			fail "$fam $case: systemd-networkd configures it"; diag "$out"
		fi
	done
done
done_testing
