#!/bin/bash
# At boot udev may still be renaming os.conf's NIC: osconf waits (bounded) until udev has recorded
# it (/run/udev/data/n<ifindex>) and then writes the persistent files under the final name. It
# sleeps on inotify and wakes at udev's record: not at its once-a-second look, nor at another
# device's record (or the temporary udev writes first), also when udev's database directory
# appears only with its first record.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
enter_ns "$@"

add_nic eth0 00:8c:fa:5e:14:23          # the kernel's first name; udev will call it ens5
sample 02-vpc -hostname -password -eth0_gateway -dns_nameserver | conf vpc   # its eth0 only
: > /run/udev/control 2>/dev/null || { mkdir -p /run/udev && : > /run/udev/control; }   # "udev is running"

# fake_udev MKDIR: after 0.4 s (making the database directory first when MKDIR is 1) a block
# device's record; at 1.3 s the rename eth0 → ens5 and its record, written as udev does: a
# temporary file renamed. The wait ends at 1.3 s, not at 2 s (a look once a second).
fake_udev() {
	sleep 0.4; [ "$1" = 0 ] || mkdir -p /run/udev/data
	: > /run/udev/data/b8:0
	sleep 0.9; ip link set eth0 down; ip link set eth0 name ens5
	n=n$(cat /sys/class/net/ens5/ifindex 2>/dev/null || ip -o link show ens5 | cut -d: -f1)
	: > "/run/udev/data/$n.tmp" && mv "/run/udev/data/$n.tmp" "/run/udev/data/$n"
}

for mk in 0 1; do
	what=$([ $mk = 0 ] && echo "database there" || echo "database made by udev's first record")
	rm -rf /run/udev/data; [ $mk = 1 ] || mkdir -p /run/udev/data
	ip link show ens5 >/dev/null 2>&1 && { ip link set ens5 down; ip link set ens5 name eth0; }
	fake_udev $mk & udev=$!
	start=$(date +%s%N)
	# under strace when there: the wait is inotify's, not a sleep and a look every 50 ms
	if command -v strace >/dev/null; then
		cp "$SCRATCH/vpc.conf" "$SCRATCH/os.conf"
		out=$(strace -f -qq -e trace=inotify_add_watch,nanosleep,clock_nanosleep -o "$SCRATCH/st" \
			"$OSCONF" apply --conf "$SCRATCH/os.conf" --root / --backend ifcfg 2>&1); rc=$?
	else
		out=$(osconf_apply vpc --backend ifcfg 2>&1); rc=$?
	fi
	waited=$(( ($(date +%s%N) - start) / 1000000 ))
	wait $udev
	same "$what: apply exits 0" 0 "$rc"; [ "$rc" = 0 ] || diag "$out"
	[ $waited -ge 1200 ] && ok "$what: waited for udev's record (${waited} ms)" || fail "$what: did not wait for udev (${waited} ms)"
	[ $waited -lt 1850 ] && ok "$what: woke at the record, not at a look once a second (${waited} ms)" ||
		fail "$what: woke ${waited} ms after the start, later than the record at 1.3 s"
	[ -e /etc/sysconfig/network-scripts/ifcfg-ens5 ] && [ ! -e /etc/sysconfig/network-scripts/ifcfg-eth0 ] \
		&& ok "$what: persistent file names the final interface (ens5)" || { fail "$what: ifcfg names"; diag "$(ls /etc/sysconfig/network-scripts 2>&1)"; }
	same "$what: ens5 has the address" "10.171.254.123/24" "$(addrs ens5)"
	if command -v strace >/dev/null; then
		check "$what: watched udev's database on inotify" grep -q 'inotify_add_watch(.*"/run/udev/data", .*) = [0-9]' "$SCRATCH/st"
		check "$what: never slept to look again" sh -c "! grep -q 'nanosleep' '$SCRATCH/st'"
	else
		skip "strace not installed: inotify not checked"; skip "-"
	fi
done
done_testing
