#!/bin/bash
# tests/integration/partition-spec.t — one reader of /etc/osconf.conf: the same partition= gets
# the same verdict from `locate`, `plan`, `install --partition` and `image check`; a directory of
# the running system that records no partition is refused by `locate` as by `plan`.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
NEEDS='partition= needs UUID='
lacks() { ! grep -q -- "$1" <<<"$2"; }

T=$SCRATCH/tree
mkdir -p $T/etc/systemd/system $T/usr/sbin $T/boot/aliyun_custom_image
"$OSCONF" install --root $T --init systemd --partition UUID=5EED-0001 >/dev/null 2>&1 ||
	{ fail "install into a scratch systemd tree"; done_testing; exit; }

# spec | valid?  (quotes as a shell file would have them)
while IFS='|' read -r spec valid; do
	printf 'partition=%s\n' "$spec" > $T/etc/osconf.conf
	loc=$("$OSCONF" locate --root $T 2>&1)
	plan=$("$OSCONF" plan --root $T 2>&1)
	img=$("$OSCONF" image check --root $T 2>&1)
	value=$(eval "printf %s $spec")
	rm -rf $SCRATCH/inst && mkdir -p $SCRATCH/inst/etc
	inst=$("$OSCONF" install --root $SCRATCH/inst --init systemd --partition "$value" 2>&1); irc=$?
	if [ "$valid" = yes ]; then
		check "partition=$spec: locate accepts it" lacks "$NEEDS" "$loc"
		check "partition=$spec: plan accepts it" lacks "$NEEDS" "$plan"
		check "partition=$spec: image check accepts it" lacks "$NEEDS" "$img"
		check "partition=$spec: install --partition accepts it" test $irc -eq 0 -a "$(grep partition= $SCRATCH/inst/etc/osconf.conf)" = "partition=$value"
	else
		check "partition=$spec: locate refuses it with file:line" grep -q "^osconf: error: /etc/osconf.conf:1: $NEEDS" <<<"$loc"
		check "partition=$spec: plan refuses it alike" grep -q "^osconf: error: /etc/osconf.conf:1: $NEEDS" <<<"$plan"
		check "partition=$spec: image check fails agent alike" grep -q "^FAIL  agent .*/etc/osconf.conf:1: $NEEDS" <<<"$img"
		check "partition=$spec: install --partition refuses it" test $irc -eq 2
	fi
done <<'EOF2'
UUID=5EED-0001|yes
"LABEL=CUSTOMIMG"|yes
PARTUUID=0c0ffee0-01|yes
PARTLABEL=esp|yes
""|no
UUID=|no
FOO=bar|no
'LABEL=a b'|no
EOF2
# --root DIR on the host's own file system, no partition recorded: locate refuses as plan does
# (else "partition 1 of the disk holding DIR" would report the host's own disk)
GUARD='is a directory of the running system and records no partition: give --conf FILE'
H=$SCRATCH/hostdir
for conf in absent 'no partition= line'; do
	rm -rf $H && mkdir -p $H/etc
	[ "$conf" = absent ] || printf '# nothing recorded\nbackend=ifcfg\n' > $H/etc/osconf.conf
	loc=$("$OSCONF" locate --root $H 2>&1); lrc=$?
	plan=$("$OSCONF" plan --root $H 2>&1); prc=$?
	check "osconf.conf $conf: locate --root exits non-zero" test $lrc -ne 0
	check "osconf.conf $conf: locate says to give --conf" grep -qx "osconf: error: --root $H $GUARD" <<<"$loc"
	check "osconf.conf $conf: locate reports no device" lacks "device:" "$loc"
	check "osconf.conf $conf: plan alike (same exit, same message)" test $prc -eq $lrc -a "$plan" = "$loc"
done
done_testing
