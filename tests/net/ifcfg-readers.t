#!/bin/sh
# tests/net/ifcfg-readers.t — a default gateway outside the NIC's subnet: route-X carries the
# "default via" line only when initscripts read the ifcfg files alone; with NetworkManager
# enabled (ifcfg-rh ≥ 1.22 reads that line as a second default route) GATEWAY= alone holds it.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
scratch
conf="$OSCONF_SRC/tests/golden/cases/10-onlink.conf"
gw=$(sed -n 's/^eth0_gateway=//p' "$conf")

for reader in initscripts nm; do
	r="$SCRATCH/$reader"
	mkroot centos7 "$r"
	# the CentOS 7 fixture has NetworkManager and network.service enabled, as CentOS 7 has
	[ $reader = initscripts ] && rm "$r/etc/systemd/system/multi-user.target.wants/NetworkManager.service"
	out=$("$OSCONF" apply --conf "$conf" --root "$r" --keep --no-live --backend ifcfg 2>&1) || { fail "$reader: apply"; diag "$out"; }
	d="$r/etc/sysconfig/network-scripts"
	check "$reader: GATEWAY=$gw in ifcfg-eth0" grep -qx "GATEWAY=$gw" "$d/ifcfg-eth0"
	check "$reader: host route to the off-subnet gateway first" sh -c "head -2 '$d/route-eth0' | grep -qx '$gw/32 dev eth0'"
	n=$(grep -c '^default ' "$d/route-eth0")
	if [ $reader = initscripts ]; then
		check "initscripts: one default route line in route-eth0, after the host route" \
			sh -c "[ $n = 1 ] && grep -A1 -x '$gw/32 dev eth0' '$d/route-eth0' | grep -qx 'default via $gw dev eth0'"
	else
		check "nm: no default route line in route-eth0 (GATEWAY= only: one default route)" test "$n" = 0
		check "nm: the plan says why" sh -c "'$OSCONF' plan --conf '$conf' --root '$r' --no-live --backend ifcfg 2>&1 | grep -q 'NetworkManager is enabled'"
	fi
done
done_testing
