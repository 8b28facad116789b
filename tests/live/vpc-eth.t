#!/bin/bash
# VPC sample on eth0/eth1 that already carry an address, a DHCP-style default route and
# secondary addresses: exactly the configured address, one default route, others untouched.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
enter_ns "$@"

add_nic eth0 00:8c:fa:5e:14:23
add_nic eth1 00:8c:fa:5e:14:24
ip link set eth0 up
ip link set eth1 up
# what an image's DHCP client might have left: addresses and a default route with a metric
ip addr add 10.171.254.50/24 dev eth0
ip addr add 10.171.254.51/24 dev eth0          # a secondary of .50
ip addr add 172.31.0.5/16 dev eth0
ip addr add 42.120.74.105/24 dev eth1          # on a NIC os.conf does not name: untouched
ip route add default via 10.171.254.1 dev eth0 proto dhcp metric 100
ip route add default via 42.120.74.1 dev eth1 proto static metric 1024
ip route add 192.168.100.0/24 via 42.120.74.1 dev eth1 proto boot   # someone else's

sample 02-vpc | conf vpc

out=$(osconf_plan vpc 2>&1)
for line in "ip addr del 10.171.254.51/24 dev eth0" "ip addr del 10.171.254.50/24 dev eth0" \
	"ip addr del 172.31.0.5/16 dev eth0" "ip addr add 10.171.254.123/24 dev eth0" \
	"ip route replace default via 10.171.254.1 dev eth0 proto 111" \
	"ip route del default via 10.171.254.1 dev eth0 proto 16 metric 100" \
	"ip route del default via 42.120.74.1 dev eth1 proto 4 metric 1024"; do
	has_line "plan lists: $line" "$line" "$out"
done
if grep "dev eth1" <<<"$out" | grep -v "^ip route del default" | grep -q .; then
	fail "plan leaves eth1's address alone"; diag "$out"
else
	ok "plan leaves eth1's address alone"
fi

apply_exits "apply exits 0" 0 vpc
same "eth0 has exactly the configured address" "10.171.254.123/24" "$(addrs eth0)"
same "eth1's address (not in os.conf) untouched" "42.120.74.105/24" "$(addrs eth1)"
expected="10.171.254.0/24 dev eth0 proto kernel scope link
192.168.100.0/24 via 42.120.74.1 dev eth1 proto boot
42.120.74.0/24 dev eth1 proto kernel scope link
default via 10.171.254.1 dev eth0 proto 111"
same "one default route; others' routes kept" "$expected" "$(routes)"

out=$(osconf_plan vpc 2>&1)
lacks "second plan: nothing to do" '^ip ' "$out"
apply_exits "second apply exits 0" 0 vpc
lacks "second apply changes nothing live" ' ip ' "$out"

# The same address from a DHCP lease (finite lifetime) would expire: it is made permanent.
ip addr change 10.171.254.123/24 dev eth0 valid_lft 300 preferred_lft 300
out=$(osconf_plan vpc 2>&1)
has_line "plan: a leased address is replaced" "ip addr replace 10.171.254.123/24 dev eth0" "$out"
osconf_apply vpc >/dev/null 2>&1
lft=$(ip -j -4 addr show dev eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["addr_info"][0]["valid_life_time"])')
same "the address is permanent now" 4294967295 "$lft"
same "the default route survived" "default via 10.171.254.1 dev eth0 proto 111" "$(routes | grep ^default)"

# The kernel's message reaches the user: a route whose gateway is the NIC's own broadcast.
conf bad <<'EOF'
eth0_ip_addr=10.171.254.123
eth0_mac_addr=00:8c:fa:5e:14:23
eth0_netmask=255.255.255.0
eth0_route="0.0.0.0/0 10.171.254.1;198.18.0.0/15 10.171.254.255"
EOF
apply_exits "a route the kernel refuses: exit 1" 1 bad
if grep -q "eth0: ip route replace 198.18.0.0/15 via 10.171.254.255 dev eth0 proto 111: .*(kernel: " <<<"$out"; then
	ok "the error names the NIC, the operation and carries the kernel's message"
	diag "$(grep 'kernel:' <<<"$out")"
else
	fail "the error names the NIC, the operation and carries the kernel's message"; diag "$out"
fi
[ -e "$SCRATCH/os.conf" ] && ok "os.conf kept after a failure" || fail "os.conf kept after a failure"

# Our default route refused by the kernel: the other default routes are kept, never none.
ip route add default via 10.171.254.1 dev eth0 proto dhcp metric 100
conf baddefault <<'EOF'
eth0_ip_addr=10.171.254.123
eth0_mac_addr=00:8c:fa:5e:14:23
eth0_netmask=255.255.255.0
eth0_route="0.0.0.0/0 10.171.254.255"
EOF
apply_exits "a default route the kernel refuses: exit 1" 1 baddefault
if routes | grep -qxF "default via 10.171.254.1 dev eth0 proto dhcp metric 100"; then
	ok "the other default route is kept"
else
	fail "the other default route is kept"; diag "$(routes)"; diag "$out"
fi
done_testing
