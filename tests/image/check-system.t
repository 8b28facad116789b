#!/bin/bash
# tests/image/check-system.t — the checks of root settings (shadow-attributes, selinux, guest-agent,
# firewall, lib-links, space): one image per reason, failing or warning for exactly it, on each
# view type (ext root, FAT partition 1, --root tree). As a normal user: no root needed.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 debugfs python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
variant() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/root" "$SCRATCH/$1"; }
ROOT_OFF=$((P2_START * 512))

# set_flags IMAGE PATH BITS: OR inode flags into a file of the ext root, offline
set_flags() {
	local cur
	cur=$(debugfs -R "stat $2" "$1?offset=$ROOT_OFF" 2>/dev/null | sed -n 's/.*Flags: \(0x[0-9a-f]*\).*/\1/p')
	debugfs -w -R "set_inode_field $2 flags $(printf '0x%x' $((cur | $3)))" "$1?offset=$ROOT_OFF" >/dev/null 2>&1
}

make_image "$SCRATCH/imm.img" dos vfat "$SCRATCH/root" 2>/dev/null
set_flags "$SCRATCH/imm.img" /etc/shadow 0x10
run_check "immutable /etc/shadow (ext inode flag)" "$SCRATCH/imm.img" fail 1 shadow-attributes
grep -q '/etc/shadow: immutable' "$SCRATCH/out.json" && ok "names the file and the attribute" || fail "immutable detail"
make_image "$SCRATCH/app.img" gpt ext4 "$SCRATCH/root" 2>/dev/null
set_flags "$SCRATCH/app.img" /etc/passwd 0x20
run_check "append-only /etc/passwd" "$SCRATCH/app.img" fail 1 shadow-attributes
grep -q '/etc/passwd: append-only' "$SCRATCH/out.json" && ok "says append-only" || fail "append-only detail"

variant selinux
mkdir -p "$SCRATCH/selinux/etc/selinux"
printf '# comment\nSELINUX=Enforcing\nSELINUXTYPE=targeted\n' >"$SCRATCH/selinux/etc/selinux/config"
make_image "$SCRATCH/selinux.img" dos vfat "$SCRATCH/selinux" 2>/dev/null
run_check "SELinux enforcing: warning" "$SCRATCH/selinux.img" pass 0 "" selinux
sed -i 's/ ro quiet/ ro quiet enforcing=0/' "$SCRATCH/selinux/boot/grub/grub.cfg"
make_image "$SCRATCH/selinux.img" dos vfat "$SCRATCH/selinux" 2>/dev/null
run_check "SELinux enforcing, but enforcing=0 on the kernel command line" "$SCRATCH/selinux.img" pass 0
grep -q 'turns it off (enforcing=0)' "$SCRATCH/out.json" && ok "says the command line turns it off" || fail "enforcing=0 message"
sed -i 's/=Enforcing/=permissive/' "$SCRATCH/selinux/etc/selinux/config"
make_image "$SCRATCH/selinux.img" dos vfat "$SCRATCH/selinux" 2>/dev/null
run_check "SELinux permissive passes" "$SCRATCH/selinux.img" pass 0

variant qga
mkdir -p "$SCRATCH/qga/etc/systemd/system/multi-user.target.wants"
printf '[Service]\nExecStart=/usr/bin/qemu-ga\n' >"$SCRATCH/qga/usr/lib/systemd/system/qemu-guest-agent.service"
ln -s /usr/lib/systemd/system/qemu-guest-agent.service "$SCRATCH/qga/etc/systemd/system/multi-user.target.wants/"
make_image "$SCRATCH/qga.img" dos vfat "$SCRATCH/qga" 2>/dev/null
run_check "qemu-guest-agent enabled: warning" "$SCRATCH/qga.img" pass 0 "" guest-agent

variant fw
mkdir -p "$SCRATCH/fw/etc/systemd/system/multi-user.target.wants"
printf '[Service]\nExecStart=/usr/sbin/firewalld\n' >"$SCRATCH/fw/usr/lib/systemd/system/firewalld.service"
ln -s /usr/lib/systemd/system/firewalld.service "$SCRATCH/fw/etc/systemd/system/multi-user.target.wants/"
make_image "$SCRATCH/fw.img" dos vfat "$SCRATCH/fw" 2>/dev/null
run_check "firewalld enabled: warning" "$SCRATCH/fw.img" pass 0 "" firewall
grep -q 'firewalld (systemd' "$SCRATCH/out.json" && ok "names firewalld and its link" || fail "firewalld detail"

# ufw: the unit is enabled on every Ubuntu; only ENABLED=yes in ufw.conf filters
variant ufw
mkdir -p "$SCRATCH/ufw/etc/systemd/system/multi-user.target.wants" "$SCRATCH/ufw/etc/ufw"
printf '[Service]\nExecStart=/lib/ufw/ufw-init start\n' >"$SCRATCH/ufw/usr/lib/systemd/system/ufw.service"
ln -s /usr/lib/systemd/system/ufw.service "$SCRATCH/ufw/etc/systemd/system/multi-user.target.wants/"
printf 'ENABLED=no\nLOGLEVEL=low\n' >"$SCRATCH/ufw/etc/ufw/ufw.conf"
make_image "$SCRATCH/ufw.img" dos vfat "$SCRATCH/ufw" 2>/dev/null
run_check "ufw unit enabled, ufw.conf ENABLED=no: passes" "$SCRATCH/ufw.img" pass 0
printf 'ENABLED=yes\n' >"$SCRATCH/ufw/etc/ufw/ufw.conf"
make_image "$SCRATCH/ufw.img" dos vfat "$SCRATCH/ufw" 2>/dev/null
run_check "ufw ENABLED=yes: warning" "$SCRATCH/ufw.img" pass 0 "" firewall

variant liblink
mkdir -p "$SCRATCH/liblink/usr/lib"
mv "$SCRATCH/liblink/lib/modules" "$SCRATCH/liblink/usr/lib/" && rmdir "$SCRATCH/liblink/lib"
ln -s /usr/lib "$SCRATCH/liblink/lib"
ln -s usr/lib "$SCRATCH/liblink/lib64"
make_image "$SCRATCH/liblink.img" dos vfat "$SCRATCH/liblink" 2>/dev/null
run_check "/lib an absolute symlink" "$SCRATCH/liblink.img" fail 1 lib-links
python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["id"]=="lib-links"][0]; assert c["details"] == ["/lib -> /usr/lib"], c' \
	"$SCRATCH/out.json" && ok "only the absolute link is named" || fail "lib-links details"

# space: blocks of the ext root, inodes of the ext root, blocks of FAT partition 1
variant full
head -c 50M /dev/urandom >"$SCRATCH/full/var.big"   # zeros would be stored sparse
make_image "$SCRATCH/full.img" dos vfat "$SCRATCH/full" 2>/dev/null
run_check "root more than 90% full: warning" "$SCRATCH/full.img" pass 0 "" space
rm -rf "$SCRATCH/full"
variant inodes
mkdir "$SCRATCH/inodes/many"
(cd "$SCRATCH/inodes/many" && seq 1 15500 | xargs touch)
make_image "$SCRATCH/inodes.img" dos vfat "$SCRATCH/inodes" 2>/dev/null
run_check "root inodes more than 90% used: warning" "$SCRATCH/inodes.img" pass 0 "" space
grep -q 'root file system: [0-9]*% of blocks, 9[0-9]% of inodes used' "$SCRATCH/out.json" && ok "says inodes" ||
	{ fail "inodes detail"; diag "$(grep -o 'root file system[^"]*' "$SCRATCH/out.json")"; }
rm -rf "$SCRATCH/inodes"
make_image "$SCRATCH/p1full.img" dos vfat "$SCRATCH/root" 2>/dev/null
head -c 60M /dev/zero >"$SCRATCH/big"
mcopy -i "$SCRATCH/p1full.img@@$((P1_START * 512))" "$SCRATCH/big" ::/big
run_check "FAT partition 1 more than 90% full: warning" "$SCRATCH/p1full.img" pass 0 "" space
grep -q 'partition 1: 9[0-9]% of blocks used' "$SCRATCH/out.json" && ok "names partition 1" || fail "p1 detail"
rm -f "$SCRATCH"/*.img "$SCRATCH/big"

# the tree view: usage of the directory's file system is read; attributes where chattr works here
rc=0; "$OSCONF" image check --root "$SCRATCH/root" --json >"$SCRATCH/tree.json" || rc=$?
python3 -c 'import json,sys; s={c["id"]:c for c in json.load(open(sys.argv[1]))["checks"]}; assert s["space"]["details"][0].startswith("root file system: "), s["space"]; assert s["shadow-attributes"]["status"] == "pass"' \
	"$SCRATCH/tree.json" && ok "--root: space and attributes read" || { fail "--root space"; diag "$(cat "$SCRATCH/tree.json")"; }
if chattr +i "$SCRATCH/root/etc/shadow" 2>/dev/null; then
	rc=0; "$OSCONF" image check --root "$SCRATCH/root" --json >"$SCRATCH/tree.json" || rc=$?
	chattr -i "$SCRATCH/root/etc/shadow"
	python3 -c 'import json,sys; s={c["id"]:c for c in json.load(open(sys.argv[1]))["checks"]}; assert s["shadow-attributes"]["status"] == "fail", s' \
		"$SCRATCH/tree.json" && [ $rc = 1 ] && ok "--root: immutable shadow fails" || fail "--root immutable (exit $rc)"
else
	skip "chattr +i does not work here (needs root and a file system with inode flags)"
fi
done_testing
