#!/bin/sh
# tests/net/ifupdown.t — ifupdown reads what the ifupdown backend wrote: ifquery parses it, and
# ifup configures veth links carrying the os.conf MACs in a network namespace (ip -j checked),
# with the Debian image's own "iface eth0 inet dhcp" present and neutralised. Then the boot order:
# `osconf apply` configures the NICs live first, and `ifup -a` on what it wrote must still succeed
# (exit 0, NICs recorded in ifupdown's state) and leave exactly the os.conf addresses and routes.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
command -v ifup >/dev/null || skip_all "ifupdown is not installed"
need_netns
scratch

for case in 01-classic 02-vpc 03-routes 04-renamed 10-onlink; do
	apply_case debian $case "$SCRATCH/$case" --backend ifupdown
	[ $? = 0 ] || { fail "$case: apply"; diag "$log"; continue; }
	ours="$r/etc/network/interfaces.d/osconf"
	nics=$(case_links "$conf" $map | sed 's/=[^ ]*//g')
	# (ifupdown always lists lo)
	check "$case: ifquery -i parses it and lists $nics" sh -c \
		"[ \"\$(ifquery -i '$ours' --list | tr '\n' ' ')\" = 'lo $nics' ]"
	for n in $nics; do
		check "$case: ifquery -i reads $n" sh -c "ifquery -i '$ours' $n | grep -q '^address: '"
	done
	# the whole composition, as ifup reads it at boot: interfaces + its source line + ours
	out=$(in_netns "$(case_links "$conf" $map)" sh -c '
		mount --bind "$1/etc/network" /etc/network
		mkdir -p /run/network && mount -t tmpfs tmpfs /run/network
		ifquery --list | tr "\n" " "; echo
		ifup -a 2>&1 || echo "ifup failed"
		python3 "$2" "$3" $4 || echo "netassert failed"
	' sh "$r" "$OSCONF_SRC/tests/net/netassert.py" "$conf" "$map" 2>&1)
	if echo "$out" | grep -q failed; then fail "$case: ifup -a configures it"; diag "$out"
	else ok "$case: ifup -a configures it (addresses, routes, one default route)"; fi
	# the image's DHCP stanza for eth0 is no longer active
	if [ $case != 04-renamed ]; then
		check "$case: image's eth0 dhcp stanza commented out" grep -q '^#osconf# iface eth0 inet dhcp' \
			"$r/etc/network/interfaces"
	fi
done

# After the live apply (as at boot: osconf, then networking.service's ifup -a). The after-hook
# runs in live_run's namespaces: the live result, ifup's exit status and state, the result again.
after='
	r=$1 st=$(mktemp -d) f=/etc/network/interfaces.d/osconf
	a="python3 $OSCONF_SRC/tests/net/netassert.py $r/etc/case.conf $OSCONF_MAP"
	mount --bind "$r/etc/network" /etc/network
	$a >/dev/null && echo "live: ok" || echo "live: wrong"
	ifup -a -i $f --state-dir "$st" 2>&1 && echo "ifup: 0" || echo "ifup: $?"
	echo "state: $(ifquery -i $f --state-dir "$st" --state | tr "\n" " ")"
	ifquery -i $f --list | grep -v "^lo$" | while read -r n; do
		ifquery -i $f $n | grep -q "^address: " || echo "ifquery: no address for $n"
	done
	$a && echo "after: ok"
	ifdown -a -i $f --state-dir "$st" 2>&1 && echo "ifdown: 0" || echo "ifdown: $?"
	ip -4 -o addr | grep -v " lo " || echo "ifdown: no address left"
	ifup -a -i $f --state-dir "$st" 2>&1 && echo "fresh ifup: 0" || echo "fresh ifup: $?"
	$a && echo "fresh: ok"
	rm -rf "$st"
'
for case in 01-classic 02-vpc 03-routes 04-renamed 10-onlink; do
	conf="$CASES/$case.conf" r="$SCRATCH/live-$case" map=""
	[ $case = 04-renamed ] && map="eth0=ens5 eth1=ens6"
	mkroot debian "$r"
	cp "$conf" "$r/etc/case.conf"
	links=$(case_links "$conf" $map)
	nics=$(echo "$links" | sed 's/=[^ ]*//g; s/ *$//')
	out=$(OSCONF_MAP="$map" OSCONF_LIVE_AFTER="$after" live_run "$r" $links -- \
		apply --conf /etc/case.conf --backend ifupdown --keep 2>&1)
	rc=$?
	lines() { echo "$out" | grep -q "^$1\$"; }
	if [ $rc = 0 ] && lines "live: ok"; then ok "$case live: osconf configured the NICs live first"
	else fail "$case live: osconf configured the NICs live first"; diag "$out"; continue; fi
	if lines "ifup: 0"; then ok "$case live: ifup -a then exits 0"
	else fail "$case live: ifup -a then exits 0"; diag "$out"; fi
	st=$(echo "$out" | sed -n 's/^state: //p')
	miss=$(for n in $nics; do echo " $st" | grep -q " $n=$n " || echo $n; done)
	if [ -n "$st" ] && [ -z "$miss" ]; then ok "$case live: ifupdown's state records $nics"
	else fail "$case live: ifupdown's state records $nics"; diag "$out"; fi
	if ! echo "$out" | grep -q "^ifquery: "; then ok "$case live: ifquery still shows each address"
	else fail "$case live: ifquery still shows each address"; diag "$out"; fi
	if lines "after: ok"; then ok "$case live: exactly the os.conf addresses and routes, one default route"
	else fail "$case live: exactly the os.conf addresses and routes, one default route"; diag "$out"; fi
	if lines "ifdown: 0" && lines "ifdown: no address left"; then ok "$case live: ifdown -a takes them down"
	else fail "$case live: ifdown -a takes them down"; diag "$out"; fi
	if lines "fresh ifup: 0" && lines "fresh: ok"; then ok "$case live: ifup -a again on unconfigured NICs"
	else fail "$case live: ifup -a again on unconfigured NICs"; diag "$out"; fi
done
done_testing
