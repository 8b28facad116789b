#!/bin/bash
# tests/install/watch.t — `osconf watch`: applies os.conf when it appears, debounced, and keeps the directory.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
R=$SCRATCH/root D=$SCRATCH/p1/aliyun_custom_image
newroot $R
mkdir -p $D
conf() { printf 'hostname=%s\neth0_ip_addr=10.0.0.5\neth0_mac_addr=00:8c:fa:5e:14:23\neth0_netmask=255.255.255.0\neth0_gateway=10.0.0.1\n' "$1"; }

timeout 30 "$OSCONF" watch --dir $D --root $R --no-live --debounce 300 --once > $SCRATCH/log 2>&1 &
pid=$!
sleep 0.5
# written in two steps with a pause shorter than the debounce: applied once, complete
conf watched-1 | head -2 > $D/os.conf; sleep 0.1; conf watched-1 > $D/os.conf
wait $pid; rc=$?
check "watch applied and exited (--once)" test $rc = 0
check "hostname from os.conf" test "$(cat $R/etc/hostname)" = watched-1
check "os.conf removed, directory kept" sh -c "test ! -e $D/os.conf && test -d $D"
check "one apply for two writes" test "$(grep -c 'changed, applying' $SCRATCH/log)" = 1

# already there at start: applied at once
conf watched-2 > $D/os.conf
check "os.conf present at start is applied" timeout 30 "$OSCONF" watch --dir $D --root $R --no-live --debounce 0 --once
check "hostname updated" test "$(cat $R/etc/hostname)" = watched-2

# directory missing at start (partition not yet populated): waited for
rm -rf $D
timeout 30 "$OSCONF" watch --dir $D --root $R --no-live --debounce 100 --once > $SCRATCH/log 2>&1 &
pid=$!
sleep 0.3; mkdir -p $D; conf watched-3 > $D/os.tmp; mv $D/os.tmp $D/os.conf
wait $pid; rc=$?
check "directory created later, file renamed into it" sh -c "test $rc = 0 && test \"\$(cat $R/etc/hostname)\" = watched-3"
"$OSCONF" watch --debounce x >/dev/null 2>&1; check "bad --debounce is a usage error" test $? = 2
done_testing
