#!/bin/bash
# Classic network, NICs named ens5/ens6 (found by MAC): plan, apply, re-apply unchanged, re-apply changed.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
enter_ns "$@"

add_nic ens5 00:8c:fa:5e:14:23
add_nic ens6 00:8c:fa:5e:14:24
# the classic sample, with one more route on eth0
sample 01-classic 'eth0_route="10.0.0.0/8 10.171.254.1;172.16.0.0/12 10.171.254.1;100.64.0.0/10 10.171.254.1"' | conf classic

out=$(osconf_plan classic --no-live 2>&1)
lacks "--no-live: no live change planned" '^ip ' "$out"
mkdir -p "$SCRATCH/img/etc"
cp "$SCRATCH/classic.conf" "$SCRATCH/img.conf"
out=$("$OSCONF" plan --conf "$SCRATCH/img.conf" --root "$SCRATCH/img" 2>&1)
lacks "another --root: no live change planned" '^ip ' "$out"

out=$(osconf_plan classic 2>&1)
for line in "ip link set dev ens5 up" "ip addr add 10.171.254.123/24 dev ens5" \
	"ip route replace 100.64.0.0/10 via 10.171.254.1 dev ens5 proto 111" \
	"ip link set dev ens6 up" "ip addr add 42.120.74.105/24 dev ens6" \
	"ip route replace default via 42.120.74.1 dev ens6 proto 111"; do
	has_line "plan lists: $line" "$line" "$out"
done
same "plan changes nothing" "" "$(addrs ens5)"

apply_exits "apply exits 0" 0 classic
same "ens5 has exactly the eth0 address" "10.171.254.123/24" "$(addrs ens5)"
same "ens6 has exactly the eth1 address" "42.120.74.105/24" "$(addrs ens6)"
expected="10.0.0.0/8 via 10.171.254.1 dev ens5 proto 111
10.171.254.0/24 dev ens5 proto kernel scope link
100.64.0.0/10 via 10.171.254.1 dev ens5 proto 111
172.16.0.0/12 via 10.171.254.1 dev ens5 proto 111
42.120.74.0/24 dev ens6 proto kernel scope link
default via 42.120.74.1 dev ens6 proto 111"
same "routes: every route, one default via eth1's gateway" "$expected" "$(routes)"
same "links are up" "2" "$(ip -br link show up | grep -c '^ens[56]')"

out=$(osconf_plan classic 2>&1)
lacks "plan after apply has no live change" '^ip ' "$out"

# Someone else's state: an address on a NIC os.conf does not name, a route of another protocol.
add_nic eth9 02:00:00:00:00:09
ip link set eth9 up
ip addr add 192.168.9.9/24 dev eth9
ip route add 198.51.100.0/24 via 192.168.9.1 dev eth9 proto static

# Changed os.conf: new eth0 address and routes, eth1 gone (a VPC now): nothing of the old is left.
conf changed <<'EOF'
eth0_ip_addr=10.171.254.200
eth0_mac_addr=00:8c:fa:5e:14:23
eth0_netmask=255.255.255.0
eth0_gateway=10.171.254.1
eth0_route="0.0.0.0/0 10.171.254.1;10.0.0.0/8 10.171.254.254;192.0.2.0/24 10.171.254.1;203.0.113.0/24 10.171.254.1"
EOF
apply_exits "re-apply exits 0" 0 changed
same "ens5: the old address is gone" "10.171.254.200/24" "$(addrs ens5)"
same "ens6 keeps its address (not in os.conf any more)" "42.120.74.105/24" "$(addrs ens6)"
same "eth9 untouched" "192.168.9.9/24" "$(addrs eth9)"
expected="10.0.0.0/8 via 10.171.254.254 dev ens5 proto 111
10.171.254.0/24 dev ens5 proto kernel scope link
192.0.2.0/24 via 10.171.254.1 dev ens5 proto 111
192.168.9.0/24 dev eth9 proto kernel scope link
198.51.100.0/24 via 192.168.9.1 dev eth9 proto static
203.0.113.0/24 via 10.171.254.1 dev ens5 proto 111
42.120.74.0/24 dev ens6 proto kernel scope link
default via 10.171.254.1 dev ens5 proto 111"
same "routes converge: old ones gone, others' kept, one default" "$expected" "$(routes)"

out=$(osconf_plan changed 2>&1)
lacks "converged: nothing left to do" '^ip ' "$out"

# Back to the classic sample: the VPC routes go again.
apply_exits "apply the classic sample again exits 0" 0 classic
same "ens5 back to the classic address" "10.171.254.123/24" "$(addrs ens5)"
same "one default route, via eth1's gateway" "default via 42.120.74.1 dev ens6 proto 111" "$(routes | grep ^default)"
same "no route of the VPC conf left" "" "$(routes | grep -E '192\.0\.2|203\.0\.113|10\.171\.254\.254')"
done_testing
