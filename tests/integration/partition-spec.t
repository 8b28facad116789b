#!/bin/bash
# tests/integration/partition-spec.t — one reader of /etc/osconf.conf: the same partition= gets
# the same verdict from `locate`, `plan`, `install --partition` and `image check`.
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
done_testing
