#!/bin/bash
# A gateway outside the NIC's subnet gets an on-link host route instead of failing; a NIC
# without a MAC in os.conf is found by its ethN name.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
enter_ns "$@"

add_nic eth0 00:8c:fa:5e:14:23
conf outside <<'EOF'
eth0_ip_addr=10.0.0.2
eth0_netmask=255.255.255.0
eth0_gateway=10.0.1.1
eth0_route="0.0.0.0/0 10.0.1.1;10.8.0.0/16 10.0.1.1;10.9.0.0/16 10.0.0.1"
EOF

out=$(osconf_plan outside 2>&1)
has_line "plan adds an on-link host route to the gateway" "ip route replace 10.0.1.1 dev eth0 scope link proto 111" "$out"
host=$(grep -n "^ip route replace 10.0.1.1 dev" <<<"$out" | cut -d: -f1)
first=$(grep -n "^ip route replace .* via 10.0.1.1" <<<"$out" | head -1 | cut -d: -f1)
[ -n "$host" ] && [ -n "$first" ] && [ "$host" -lt "$first" ] && ok "the host route comes first" ||
	{ fail "the host route comes first"; diag "$out"; }
has "no MAC: matched by name (noted)" "matched by name" "$out"

apply_exits "apply exits 0" 0 outside
same "eth0 address" "10.0.0.2/24" "$(addrs eth0)"
expected="10.0.0.0/24 dev eth0 proto kernel scope link
10.0.1.1 dev eth0 proto 111 scope link
10.8.0.0/16 via 10.0.1.1 dev eth0 proto 111
10.9.0.0/16 via 10.0.0.1 dev eth0 proto 111
default via 10.0.1.1 dev eth0 proto 111"
same "routes via the outside gateway work" "$expected" "$(routes)"

# The gateway moves inside the subnet: the host route is stale and goes.
conf inside <<'EOF'
eth0_ip_addr=10.0.0.2
eth0_netmask=255.255.255.0
eth0_gateway=10.0.0.1
eth0_route="0.0.0.0/0 10.0.0.1"
EOF
apply_exits "re-apply exits 0" 0 inside
expected="10.0.0.0/24 dev eth0 proto kernel scope link
default via 10.0.0.1 dev eth0 proto 111"
same "no host route or old route left" "$expected" "$(routes)"
done_testing
