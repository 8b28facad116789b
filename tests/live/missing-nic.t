#!/bin/bash
# A NIC of os.conf that does not exist: a clear error naming it and its MAC, the other NIC is
# still configured, the network section fails and os.conf is kept.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
enter_ns "$@"

add_nic ens5 00:8c:fa:5e:14:23       # eth0; eth1 (…:24) is missing
# the classic sample without password and DNS, with one more route on eth0
sample 01-classic -password -dns_nameserver \
	'eth0_route="10.0.0.0/8 10.171.254.1;172.16.0.0/12 10.171.254.1;100.64.0.0/10 10.171.254.1"' | conf classic

out=$(osconf_plan classic 2>&1)
has_line "plan shows the missing NIC" "# eth1: no network interface has MAC 00:8c:fa:5e:14:24 (not configured)" "$out"

apply_exits "apply exits 1" 1 classic
if grep -q "eth1: no network interface with MAC 00:8c:fa:5e:14:24 for 42.120.74.105/24" <<<"$out"; then
	ok "the error names the NIC and its MAC"
	diag "$(grep 'no network interface' <<<"$out")"
else
	fail "the error names the NIC and its MAC"; diag "$out"
fi
[ -e "$SCRATCH/os.conf" ] && ok "os.conf kept for the next boot" || fail "os.conf kept for the next boot"
same "the other NIC is configured" "10.171.254.123/24" "$(addrs ens5)"
expected="10.0.0.0/8 via 10.171.254.1 dev ens5 proto 111
10.171.254.0/24 dev ens5 proto kernel scope link
100.64.0.0/10 via 10.171.254.1 dev ens5 proto 111
172.16.0.0/12 via 10.171.254.1 dev ens5 proto 111"
same "its routes are set; no default route (its NIC is missing)" "$expected" "$(routes)"
same "the other sections still applied" "iZ23r29djmjZ" "$(hostname)"
if grep -q '"network": *"failed"' /run/osconf/status.json 2>/dev/null; then
	ok "status record: network failed"
else
	fail "status record: network failed"; diag "$(cat /run/osconf/status.json 2>&1)"
fi

# The NIC appears (hot-plugged): the next apply completes.
add_nic ens6 00:8c:fa:5e:14:24
apply_exits "once the NIC exists, apply exits 0" 0 classic
same "ens6 configured" "42.120.74.105/24" "$(addrs ens6)"
same "default route via eth1's gateway" "default via 42.120.74.1 dev ens6 proto 111" "$(routes | grep ^default)"
done_testing
