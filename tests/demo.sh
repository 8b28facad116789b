#!/bin/bash
# tests/demo.sh — `make demo`: apply the documents' classic-network sample to a bundled
# CentOS-like root under build/demo/ and show what happened. Nothing on the host changes.
# SPDX-License-Identifier: Apache-2.0
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/demo
rm -rf "$B"; mkdir -p "$B"
cp -a tests/fixtures/centos7 "$B/root"
cp examples/classic.conf "$B/os.conf"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say "os.conf (the classic-network sample from the vendor's documentation)"
cat "$B/os.conf"
say "osconf check $B/os.conf"
build/osconf check "$B/os.conf" && echo "valid"
say "osconf plan --conf $B/os.conf --root $B/root   (changes nothing)"
build/osconf plan --conf "$B/os.conf" --root "$B/root"
say "osconf apply --conf $B/os.conf --root $B/root"
build/osconf apply --conf "$B/os.conf" --root "$B/root"
[ -e "$B/os.conf" ] && echo "os.conf is still there?!" || echo "(os.conf removed after success, as on a real instance)"
for f in etc/sysconfig/network-scripts/ifcfg-eth0 etc/sysconfig/network-scripts/route-eth0 \
	 etc/sysconfig/network-scripts/ifcfg-eth1 etc/sysconfig/network etc/hostname etc/hosts etc/resolv.conf; do
	say "$B/root/$f"; cat "$B/root/$f"
done
say "root's line in $B/root/etc/shadow (only this line changed; old file kept as shadow-)"
grep '^root:' "$B/root/etc/shadow"
say "does the new root password verify? (cXdlcjEyMzQK is base64 of 'qwer1234\\n')"
echo qwer1234 | build/tests/shadow-verify "$B/root" root
say "a second apply changes nothing"
cp examples/classic.conf "$B/os.conf"
build/osconf plan --conf "$B/os.conf" --root "$B/root"
build/osconf apply --conf "$B/os.conf" --root "$B/root" && echo "exit 0, no file rewritten"
say "status record: $B/root/run/osconf/status.json"
cat "$B/root/run/osconf/status.json"
