#!/bin/bash
# tests/faults/recover.t — a run killed while it removed os.conf (between the rename to its
# private name and the unlink or put-back) leaves .os.conf.osconf-applied: the next run puts it
# back and applies it, or drops it when a newer os.conf is there; `plan` changes nothing.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
R=$SCRATCH/r D=$SCRATCH/p1
priv=.os.conf.osconf-applied

# only the private copy is left (the kill came before the put-back)
newroot "$R"; mkdir -p "$D"; sample 02-vpc hostname=from-private > "$D/$priv"
before=$(tree_state "$D")
"$OSCONF" plan --conf "$D/os.conf" --root "$R" >/dev/null 2>&1
same "plan leaves the private copy alone" "$before" "$(tree_state "$D")"
out=$("$OSCONF" apply --conf "$D/os.conf" --root "$R" --no-live 2>&1); rc=$?
check "apply puts it back and applies it: exit 0" test $rc = 0
check "... its host name is set" grep -qx from-private "$R/etc/hostname"
check "... and both names are gone afterwards" sh -c "[ ! -e '$D/os.conf' ] && [ ! -e '$D/$priv' ]"
[ $rc = 0 ] || diag "$out"

# a newer os.conf came meanwhile: it wins, the private copy is dropped
newroot "$R"; sample 02-vpc hostname=from-private > "$D/$priv"; sample 02-vpc hostname=newer > "$D/os.conf"
out=$("$OSCONF" apply --conf "$D/os.conf" --root "$R" --no-live 2>&1); rc=$?
check "with a newer os.conf: exit 0" test $rc = 0
check "... the newer one is applied" grep -qx newer "$R/etc/hostname"
check "... and the private copy dropped" test ! -e "$D/$priv"

# a private name that is not a regular file is refused, nothing applied
newroot "$R"; mkdir -p "$D/$priv"; sample 02-vpc > "$D/os.conf"
out=$("$OSCONF" apply --conf "$D/os.conf" --root "$R" --no-live 2>&1); rc=$?
check "a directory at the private name: exit 1" test $rc = 1
has "... and the message names it" "$priv" "$out"
check "... os.conf kept" test -e "$D/os.conf"
rmdir "$D/$priv"
done_testing
