#!/bin/bash
# tests/image/check-pass.t — `osconf image check` passes good images: MBR+FAT32 and GPT+ext4,
# systemd / sysvinit / OpenRC enablement, a password forced to change, a tree with --root,
# another os.conf agent (a warning), and the usage errors. As a normal user: no root needed.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 debugfs python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
make_image "$SCRATCH/pass.img" dos vfat "$SCRATCH/root" 2>/dev/null
run_check "MBR + FAT32 partition 1 passes" "$SCRATCH/pass.img" pass 0

python3 - "$SCRATCH/out.json" <<'PY' && ok "JSON names the partitions, the root and how it was found" || fail "JSON facts"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "raw" and d["virtual_size"] == 6 << 30, d
assert d["partition_table"] == "dos"
p1, p2 = d["partitions"]
assert (p1["number"], p1["fstype"], p1["fsversion"], p1["label"]) == (1, "vfat", "FAT32", "CUSTOMIMG"), p1
assert (p2["number"], p2["fstype"], p2["uuid"]) == (2, "ext4", "5eed0002-0000-4000-8000-000000000002"), p2
assert d["root"]["partition"] == 2 and "os-release" in d["root"]["how"], d["root"]
assert d["summary"] == {"pass": 21, "warn": 0, "fail": 0, "skip": 0}, d["summary"]
PY

out=$("$OSCONF" image check "$SCRATCH/pass.img" 2>&1) && echo "$out" | grep -q '^Result: PASS' &&
	echo "$out" | grep -q '^PASS  root-fs .*partition 2' && ok "human output" || { fail "human output"; diag "$out"; }

# GPT with ext4 partition 1 and sysvinit instead of systemd
cp -a "$SCRATCH/root" "$SCRATCH/sysv"
rm -rf "$SCRATCH/sysv/etc/systemd" "$SCRATCH/sysv/usr/lib/systemd"
mkdir -p "$SCRATCH/sysv/etc/init.d" "$SCRATCH/sysv/etc/rc2.d"
printf '#!/bin/sh\nexec /usr/sbin/osconf apply\n' >"$SCRATCH/sysv/etc/init.d/osconf"
ln -s ../init.d/osconf "$SCRATCH/sysv/etc/rc2.d/S01osconf"
# sshd's init script makes missing host keys (RHEL 6, Alpine, Gentoo do)
printf '#!/bin/sh\n[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A\nexec /usr/sbin/sshd\n' >"$SCRATCH/sysv/etc/init.d/sshd"
ln -s ../init.d/sshd "$SCRATCH/sysv/etc/rc2.d/S55sshd"
printf 'id:2:initdefault:\n' >"$SCRATCH/sysv/etc/inittab"
printf 'partition=UUID=%s\n' "$P1_UUID_EXT" >"$SCRATCH/sysv/etc/osconf.conf"
make_image "$SCRATCH/sysv.img" gpt ext4 "$SCRATCH/sysv" 2>/dev/null
run_check "GPT + ext4 partition 1, sysvinit rc link" "$SCRATCH/sysv.img" pass 0

# OpenRC
cp -a "$SCRATCH/sysv" "$SCRATCH/openrc"
rm -rf "$SCRATCH/openrc/etc/rc2.d" "$SCRATCH/openrc/etc/inittab"
mkdir -p "$SCRATCH/openrc/etc/runlevels/boot" "$SCRATCH/openrc/sbin"
printf 'openrc stand-in\n' >"$SCRATCH/openrc/sbin/openrc"
ln -s /etc/init.d/osconf "$SCRATCH/openrc/etc/runlevels/boot/osconf"
mkdir -p "$SCRATCH/openrc/etc/runlevels/default"
ln -s /etc/init.d/sshd "$SCRATCH/openrc/etc/runlevels/default/sshd"
make_image "$SCRATCH/openrc.img" gpt ext4 "$SCRATCH/openrc" 2>/dev/null
run_check "OpenRC runlevel link" "$SCRATCH/openrc.img" pass 0

# a default password that must be changed at first login is allowed
cp -a "$SCRATCH/root" "$SCRATCH/expired"
printf 'root:$6$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstu:0:0:99999:7:::\n' \
	>"$SCRATCH/expired/etc/shadow"
make_image "$SCRATCH/expired.img" dos vfat "$SCRATCH/expired" 2>/dev/null
run_check "password expired (must change at first login)" "$SCRATCH/expired.img" pass 0

# another agent instead of osconf: a warning, not a failure
cp -a "$SCRATCH/root" "$SCRATCH/other"
rm -rf "$SCRATCH/other/usr/sbin/osconf" "$SCRATCH/other/etc/systemd/system/sysinit.target.wants" \
	"$SCRATCH/other/usr/lib/systemd/system/osconf.service" "$SCRATCH/other/etc/osconf.conf"
mkdir -p "$SCRATCH/other/etc/init.d"
printf '#!/bin/bash\nos_conf_dir=${first_partition_dir}/aliyun_custom_image\n' >"$SCRATCH/other/etc/init.d/aliyun-custom-os"
make_image "$SCRATCH/other.img" dos vfat "$SCRATCH/other" 2>/dev/null
run_check "another os.conf agent is a warning" "$SCRATCH/other.img" pass 0 "" agent

# two systems with /etc/os-release: the root is the one the fstab "/" entry names
make_image "$SCRATCH/two.img" gpt ext4 "$SCRATCH/root" 2>/dev/null
debugfs -w -R "mkdir etc" "$SCRATCH/two.img?offset=$((P1_START * 512))" >/dev/null 2>&1
debugfs -w -R "write $SCRATCH/root/etc/os-release etc/os-release" "$SCRATCH/two.img?offset=$((P1_START * 512))" >/dev/null 2>&1
run_check "two systems: root chosen by fstab" "$SCRATCH/two.img" pass 0
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["root"]; assert r["partition"] == 2 and "fstab" in r["how"], r' \
	"$SCRATCH/out.json" && ok "root named by fstab, and said so" || fail "root by fstab"

# a root file system that cannot be read (here: none at all on the GPT root partition) is a
# warning on every check that needed it, never a pass
make_image "$SCRATCH/noroot.img" gpt ext4 "$SCRATCH/root" 2>/dev/null
dd if=/dev/zero of="$SCRATCH/noroot.img" bs=1M seek=$((P2_START / 2048)) count=2 conv=notrunc status=none
run_check "unreadable root: warnings" "$SCRATCH/noroot.img" pass 0 "" \
	"root-fs,$ROOT_CHECKS"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["root"]; assert r["partition"] == 2 and "typed as a root" in r["how"], r' \
	"$SCRATCH/out.json" && ok "root found by GPT type, and said so" || fail "root by type"

# an fstab "/" entry that names no partition of the image: a warning on root-fs
cp -a "$SCRATCH/root" "$SCRATCH/stale"
sed -i 's/^UUID=[^ ]* \//UUID=0badc0de-0000-4000-8000-000000000000 \//' "$SCRATCH/stale/etc/fstab"
make_image "$SCRATCH/stale.img" dos vfat "$SCRATCH/stale" 2>/dev/null
run_check "fstab / names no partition: warning" "$SCRATCH/stale.img" pass 0 "" root-fs

# an unpacked tree
mkdir -p "$SCRATCH/root/boot/efi/aliyun_custom_image"
rc=0; "$OSCONF" image check --root "$SCRATCH/root" --json >"$SCRATCH/tree.json" || rc=$?
python3 - "$SCRATCH/tree.json" <<'PY' && [ $rc = 0 ] && ok "--root DIR" || { fail "--root DIR (exit $rc)"; diag "$(cat "$SCRATCH/tree.json")"; }
import json, sys
d = json.load(open(sys.argv[1]))
st = {c["id"]: c["status"] for c in d["checks"]}
assert d["mode"] == "directory" and d["result"] == "pass", d
for k in ("format", "virtual-size", "partition-table", "partition-1", "partition-1-writable"):
    assert st[k] == "skip", (k, st[k])
for k in ("custom-dir", "root-fs", "agent", "root-password", "ssh-authorized-keys", "ssh-host-keys", "fstab",
          "bootloader", "drivers", "ssh-login", "shadow-attributes", "selinux", "guest-agent", "firewall", "lib-links", "space"):
    assert st[k] == "pass", (k, st[k])
PY

# usage
for args in "" "check" "check a b" "check --bogus x" "check x --root y" "nope x" "check --root"; do
	rc=0; "$OSCONF" image $args >/dev/null 2>&1 || rc=$?
	[ $rc = 2 ] && ok "usage error: image $args" || fail "image $args: exit $rc, want 2"
done
done_testing
