#!/bin/sh
# tests/net/edits.t — the edits that take an image default out of the way touch only what
# configures our NIC, in the less common shapes of each format, and a second run changes nothing.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$OSCONF_SRC/tests/lib/fixtures.sh"
scratch
conf="$CASES/02-vpc.conf"
run() { "$OSCONF" apply --conf "$conf" --root "$1" --keep --no-live --backend "$2" >/dev/null 2>&1; }
again() { # ROOT BACKEND: a second plan has no diff
	out=$("$OSCONF" plan --conf "$conf" --root "$1" --no-live --backend "$2" 2>&1)
	echo "$out" | grep -q '^---' && { fail "$2: second run changes nothing"; diag "$out"; } || ok "$2: second run changes nothing"
}

# netplan: a file configuring only our NIC (uppercase quoted MAC, comments inside) keeps a valid
# document without ethernets:; a flow-style file for another NIC is untouched.
r="$SCRATCH/netplan"; mkroot ubuntu "$r"
cat > "$r/etc/netplan/00-installer-config.yaml" <<'YAML'
# written by the installer
network:
  ethernets:
    # the first NIC
    "enp0s3":
      match:
        macaddress: "00:8C:FA:5E:14:23"
      dhcp4: yes
  version: 2
YAML
printf 'network: {version: 2, ethernets: {other0: {dhcp4: true}}}\n' > "$r/etc/netplan/60-other.yaml"
chmod 600 "$r"/etc/netplan/*.yaml
cp "$r/etc/netplan/60-other.yaml" "$SCRATCH/60-other.orig"
run "$r" netplan
check "netplan: our NIC's entry removed, ethernets: with it" sh -c "! grep -q 'enp0s3\|ethernets' '$r/etc/netplan/00-installer-config.yaml'"
check "netplan: the rest of that file stays" grep -q '# written by the installer' "$r/etc/netplan/00-installer-config.yaml"
check "netplan: another NIC's file untouched" cmp -s "$SCRATCH/60-other.orig" "$r/etc/netplan/60-other.yaml"
if command -v netplan >/dev/null; then
	check "netplan: netplan generate accepts the edited files" netplan generate --root-dir "$r"
fi
again "$r" netplan

# ifupdown: our NIC on a shared auto line, options after a blank line, an inet6 stanza
r="$SCRATCH/ifupdown"; mkroot debian "$r"
cat > "$r/etc/network/interfaces" <<'IF'
source /etc/network/interfaces.d/*
auto lo eth0 eth9
iface lo inet loopback

iface eth0 inet dhcp
    hostname web

    metric 10
iface eth0 inet6 auto
iface eth9 inet dhcp
IF
run "$r" ifupdown
check "ifupdown: eth0 dropped from the shared auto line" grep -qx 'auto lo eth9' "$r/etc/network/interfaces"
check "ifupdown: the whole dhcp stanza commented out" sh -c "grep -qx '#osconf# iface eth0 inet dhcp' '$r/etc/network/interfaces' &&
	grep -qx '#osconf#     metric 10' '$r/etc/network/interfaces'"
check "ifupdown: inet6 and eth9 stanzas kept" sh -c "grep -qx 'iface eth0 inet6 auto' '$r/etc/network/interfaces' &&
	grep -qx 'iface eth9 inet dhcp' '$r/etc/network/interfaces'"
check "ifupdown: no second source line" test "$(grep -c '^source' "$r/etc/network/interfaces")" = 1
command -v ifquery >/dev/null && check "ifupdown: ifquery reads the result" sh -c \
	"unshare --mount sh -c 'mount --bind $r/etc/network /etc/network && ifquery --list' | tr '\n' ' ' | grep -qx 'lo eth0 eth9 '"
again "$r" ifupdown

# nm: old-style [802-3-ethernet] group, a profile already off, and another NIC's profile
r="$SCRATCH/nm"; mkroot rhel9 "$r"
d="$r/etc/NetworkManager/system-connections"
printf '[connection]\nid=old\ntype=802-3-ethernet\n\n[802-3-ethernet]\nmac-address=00:8C:FA:5E:14:23\n\n[ipv4]\nmethod=auto\n' > "$d/old.nmconnection"
printf '[connection]\nid=off\ntype=ethernet\nautoconnect=false\ninterface-name=eth0\n' > "$d/off.nmconnection"
printf '[connection]\nid=other\ntype=ethernet\n[ethernet]\nmac-address=00:16:3e:99:99:99\n' > "$d/other.nmconnection"
cp "$d/off.nmconnection" "$d/other.nmconnection" "$SCRATCH/"
run "$r" nm
check "nm: the [802-3-ethernet] profile stops autoconnecting" sh -c "sed -n '/^\[connection\]/,/^\[/p' '$d/old.nmconnection' | grep -qx 'autoconnect=false'"
check "nm: a profile already off is untouched" cmp -s "$SCRATCH/off.nmconnection" "$d/off.nmconnection"
check "nm: another NIC's profile is untouched" cmp -s "$SCRATCH/other.nmconnection" "$d/other.nmconnection"
again "$r" nm
done_testing
