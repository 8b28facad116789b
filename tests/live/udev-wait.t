#!/bin/bash
# At boot udev may still be renaming os.conf's NIC: osconf waits (bounded) until udev has recorded
# it (/run/udev/data/n<ifindex>) and then writes the persistent files under the final name.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
enter_ns "$@"

add_nic eth0 00:8c:fa:5e:14:23          # the kernel's first name; udev will call it ens5
sample 02-vpc -hostname -password -eth0_gateway -dns_nameserver | conf vpc   # its eth0 only
mkdir -p /run/udev/data && : > /run/udev/control   # "udev is running"
# "udev" renames the NIC after 1 s and then records it as udev does: a temporary file renamed
# (osconf wakes on the rename; a block device's record before it must not end the wait)
( sleep 0.5; : > /run/udev/data/b8:0
  sleep 0.5; ip link set eth0 down; ip link set eth0 name ens5
  n=n$(cat /sys/class/net/ens5/ifindex 2>/dev/null || ip -o link show ens5 | cut -d: -f1)
  : > "/run/udev/data/.#$n.tmp" && mv "/run/udev/data/.#$n.tmp" "/run/udev/data/$n" ) &
udev=$!
start=$(date +%s%N)
out=$(osconf_apply vpc --backend ifcfg 2>&1); rc=$?
waited=$(( ($(date +%s%N) - start) / 1000000 ))
wait $udev
same "apply exits 0" 0 "$rc"; [ "$rc" = 0 ] || diag "$out"
[ $waited -ge 900 ] && ok "waited for udev (${waited} ms)" || fail "did not wait for udev (${waited} ms)"
[ -e /etc/sysconfig/network-scripts/ifcfg-ens5 ] && [ ! -e /etc/sysconfig/network-scripts/ifcfg-eth0 ] \
	&& ok "persistent file names the final interface (ens5)" || { fail "ifcfg names"; diag "$(ls /etc/sysconfig/network-scripts 2>&1)"; }
same "ens5 has the address" "10.171.254.123/24" "$(addrs ens5)"
done_testing
