#!/bin/sh
# tests/net/netplan.t — netplan reads what the netplan backend wrote: `netplan generate --root-dir`
# accepts the Ubuntu fixture root (cloud-init's 50-cloud-init.yaml DHCP default present), its
# networkd output is checked, and the real systemd-networkd then runs it in a namespace
# (netplan matches by PermanentMACAddress=, which a veth lacks: that one key is rewritten to MACAddress=).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
command -v netplan >/dev/null || skip_all "netplan.io is not installed"
scratch
live=yes
[ -x /lib/systemd/systemd-networkd ] && have_netns || live=no

for case in 01-classic 02-vpc 03-routes 04-renamed 10-onlink; do
	[ $case = 04-renamed ] && [ $live != yes ] && { skip "$case: needs root and namespaces"; continue; }
	apply_case ubuntu $case "$SCRATCH/$case" --backend netplan
	[ $? = 0 ] || { fail "$case: apply"; diag "$log"; continue; }
	[ "$(stat -c %a "$r/etc/netplan/90-osconf.yaml")" = 600 ] && ok "$case: 90-osconf.yaml is mode 0600" ||
		fail "$case: 90-osconf.yaml is mode 0600"
	if out=$(netplan generate --root-dir "$r" 2>&1) && ! echo "$out" | grep -qi 'error\|warn'; then
		ok "$case: netplan generate accepts it"
	else
		fail "$case: netplan generate accepts it"; diag "$out"; continue
	fi
	gen="$r/run/systemd/network"
	nics=$(case_links "$conf" $map)
	for nm in $nics; do
		n=${nm%%=*} mac=${nm#*=}
		f=$(grep -lE "^(Permanent)?MACAddress=$mac" "$gen"/10-netplan-*.network)
		if [ "$(echo "$f" | wc -w)" = 1 ] && ! grep -q '^DHCP=' "$f" && grep -q '^Address=' "$f"; then
			ok "$case: one static .network for $n ($mac): $(basename "$f")"
		else
			fail "$case: one static .network for $n ($mac)"; diag "$f"; diag "$(cat $f)"
		fi
	done
	check "$case: cloud-init's other NIC (storage0) is still configured" test -f "$gen/10-netplan-storage0.network"
	if [ $case != 04-renamed ]; then
		check "$case: cloud-init's DHCP for eth0 is gone" sh -c "! grep -l 'DHCP=ipv4' $gen/*.network | grep -v storage0"
	fi
	n=$(cat "$gen"/*.network | awk '/^\[/ { if (r && !d) c++; r = ($0 == "[Route]"); d = 0; next }
		/^Destination=/ && $0 != "Destination=0.0.0.0/0" { d = 1 } END { if (r && !d) c++; print c + 0 }')
	[ "$n" = 1 ] && ok "$case: one default route in netplan's output" || fail "$case: $n default routes"
	if [ $case = 10-onlink ]; then
		check "$case: off-subnet gateway is on-link" grep -q '^GatewayOnLink=true' "$gen/10-netplan-eth0.network"
	fi
	if [ $live = yes ]; then
		dns=$(conf_value "$conf" dns_nameserver)
		# netplan matches by PermanentMACAddress=; a veth has none (its MAC is set, not
		# permanent), so for this run only the copy networkd reads matches the current MAC.
		sed -i 's/^PermanentMACAddress=/MACAddress=/' "$gen"/*.network
		if out=$(networkd_run "$r" "$conf" $map 2>&1) && [ "$(echo "$out" | sed -n 's/^link DNS=//p')" = "$dns" ]; then
			ok "$case: systemd-networkd applies netplan's output (addresses, routes, one default, DNS $dns)"
		else
			fail "$case: systemd-networkd applies netplan's output"; diag "$out"
		fi
	else
		skip "$case: systemd-networkd run needs root and namespaces"
	fi
done
done_testing
