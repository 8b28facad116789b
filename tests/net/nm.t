#!/bin/sh
# tests/net/nm.t — NetworkManager's own keyfile reader (libnm through python3-gi) loads what the nm
# backend wrote in the RHEL 9 fixture root, whose "Wired connection 1" DHCP profile for eth0 is
# present; tests/net/nmcheck.py compares what NM understood with os.conf.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
PY=/usr/bin/python3
$PY -c 'import gi; gi.require_version("NM", "1.0"); from gi.repository import NM' 2>/dev/null ||
	skip_all "python3-gi and gir1.2-nm-1.0 are not installed"
scratch
live=yes
have_netns || live=no

# Without the neutralising edit, the image's profile would compete with ours: the checker must see it.
r="$SCRATCH/before"
mkroot rhel9 "$r"
mkroot rhel9 "$SCRATCH/orig"
"$OSCONF" apply --conf "$CASES/02-vpc.conf" --root "$r" --keep --no-live >/dev/null 2>&1
cp "$SCRATCH/orig/etc/NetworkManager/system-connections/Wired connection 1.nmconnection" "$r/etc/NetworkManager/system-connections/"
if out=$($PY "$OSCONF_SRC/tests/net/nmcheck.py" "$CASES/02-vpc.conf" "$r/etc/NetworkManager/system-connections" 2>&1); then
	fail "the checker sees the image's autoconnecting DHCP profile next to ours"
else
	ok "the checker sees the image's autoconnecting DHCP profile next to ours"; diag "$out"
fi

for case in 01-classic 02-vpc 03-routes 04-renamed 10-onlink; do
	[ $case = 04-renamed ] && [ $live != yes ] && { skip "$case: needs root and namespaces"; continue; }
	apply_case rhel9 $case "$SCRATCH/$case"
	[ $? = 0 ] || { fail "$case: apply"; diag "$log"; continue; }
	check "$case: libnm reads the keyfiles as os.conf says (one autoconnecting profile per MAC)" \
		$PY "$OSCONF_SRC/tests/net/nmcheck.py" "$conf" "$r/etc/NetworkManager/system-connections" $map
	check "$case: the image's profile is kept" test -f "$r/etc/NetworkManager/system-connections/Wired connection 1.nmconnection"
	same "$case: resolv.conf (a plain file) has the name servers in order" "$(conf_value "$conf" dns_nameserver)" \
		"$(sed -n 's/^nameserver //p' "$r/etc/resolv.conf" | tr '\n' ' ' | sed 's/ $//')"
done
done_testing
