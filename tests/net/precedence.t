#!/bin/sh
# tests/net/precedence.t — a second image configuration for the same NIC under another file name
# is disabled (ONBOOT=no / autoconnect=false) while unrelated files stay byte for byte.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
scratch
conf="$CASES/01-classic.conf"
mac1=$(conf_value "$conf" eth1_mac_addr)

for b in ifcfg nm; do
	r="$SCRATCH/$b"
	[ $b = ifcfg ] && mkroot centos7 "$r" || mkroot rhel9 "$r"
	d="$r/etc/sysconfig/network-scripts"
	mkdir -p "$d"
	printf 'NAME="System eth1"\nDEVICE=eth1\nHWADDR=%s\nBOOTPROTO=dhcp\nONBOOT=yes\n' "$(echo $mac1 | tr a-f A-F)" > "$d/ifcfg-System_eth1"
	printf 'DEVICE=eth7\nBOOTPROTO=dhcp\nONBOOT=yes\n' > "$d/ifcfg-eth7"
	cp "$d/ifcfg-eth7" "$SCRATCH/eth7.orig"
	out=$("$OSCONF" apply --conf "$conf" --root "$r" --keep --no-live --backend $b 2>&1) || { fail "$b: apply"; diag "$out"; }
	check "$b: ifcfg-System_eth1 (same HWADDR) gets ONBOOT=no" grep -qx 'ONBOOT=no' "$d/ifcfg-System_eth1"
	check "$b: ifcfg-System_eth1 keeps its other lines" grep -qx 'BOOTPROTO=dhcp' "$d/ifcfg-System_eth1"
	check "$b: ifcfg-eth7 (another NIC) is untouched" cmp -s "$SCRATCH/eth7.orig" "$d/ifcfg-eth7"
	out=$("$OSCONF" plan --conf "$conf" --root "$r" --no-live --backend $b 2>&1)
	echo "$out" | grep -q '^---' && { fail "$b: a second plan changes nothing"; diag "$out"; } || ok "$b: a second plan changes nothing"
done
done_testing
