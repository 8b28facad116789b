#!/bin/sh
# tests/net/ifupdown.t — ifupdown reads what the ifupdown backend wrote: ifquery parses it, and
# ifup configures veth links carrying the os.conf MACs in a network namespace (ip -j checked),
# with the Debian image's own "iface eth0 inet dhcp" present and neutralised.
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
need_root
command -v ifup >/dev/null || skip_all "ifupdown is not installed"
unshare --net true 2>/dev/null || skip_all "cannot create network namespaces"
scratch
CASES="$OSCONF_SRC/tests/golden/cases"

for case in 01-classic 02-vpc 03-routes 04-renamed 10-onlink; do
	conf="$CASES/$case.conf" r="$SCRATCH/$case" map=""
	mkroot debian "$r"
	if [ $case = 04-renamed ]; then
		map="eth0=ens5 eth1=ens6"
		cp "$conf" "$r/etc/case.conf"
		log=$(live_run "$r" $(case_links "$conf" $map) -- apply --conf /etc/case.conf --backend ifupdown --keep 2>&1)
	else
		log=$("$OSCONF" apply --conf "$conf" --root "$r" --keep --no-live 2>&1)
	fi
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
done_testing
