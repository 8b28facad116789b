#!/bin/sh
# tests/net/wicked.t — the wicked backend on the SUSE fixture root (its DHCP ifcfg-eth0 and a
# default route in routes present), checked against the documented semantics of ifcfg(5),
# ifroute(5) and netconfig by tests/net/wickedcheck.py: wicked itself cannot run here.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
scratch
live=yes
have_netns || live=no

r="$SCRATCH/orig"
mkroot suse "$r"
if python3 "$OSCONF_SRC/tests/net/wickedcheck.py" "$CASES/02-vpc.conf" "$r" >/dev/null 2>&1; then
	fail "the checker rejects the image's DHCP configuration"
else
	ok "the checker rejects the image's DHCP configuration"
fi
for case in 01-classic 02-vpc 03-routes 04-renamed 10-onlink; do
	[ $case = 04-renamed ] && [ $live != yes ] && { skip "$case: needs root and namespaces"; continue; }
	apply_case suse $case "$SCRATCH/$case"
	[ $? = 0 ] || { fail "$case: apply"; diag "$log"; continue; }
	check "$case: ifcfg/ifroute/netconfig say what os.conf says (one default route)" \
		python3 "$OSCONF_SRC/tests/net/wickedcheck.py" "$conf" "$r" $map
	check "$case: resolv.conf, netconfig's symlink, is left alone" test -L "$r/etc/resolv.conf"
done
done_testing
