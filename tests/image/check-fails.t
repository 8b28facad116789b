#!/bin/bash
# tests/image/check-fails.t — one image per rule `osconf image check` enforces, each failing
# for exactly its reason (asserted on the --json output), exit status 1.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 debugfs python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
# variant NAME: a copy of the passing root tree to break
variant() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/root" "$SCRATCH/$1"; }

make_image "$SCRATCH/small.img" dos vfat "$SCRATCH/root" 4G 2>/dev/null
run_check "4 GiB disk" "$SCRATCH/small.img" fail 1 virtual-size

make_image "$SCRATCH/p1none.img" dos none "$SCRATCH/root" 2>/dev/null
run_check "partition 1 without a file system" "$SCRATCH/p1none.img" fail 1 partition-1

make_image "$SCRATCH/p1absent.img" dos absent "$SCRATCH/root" 2>/dev/null
run_check "no partition 1" "$SCRATCH/p1absent.img" fail 1 partition-1

if command -v mkfs.xfs >/dev/null; then
	(P1_SECTORS=614400; P2_START=$((P1_START + P1_SECTORS))
	 make_image "$SCRATCH/xfs.img" dos xfs "$SCRATCH/root" 2>/dev/null)
	run_check "XFS partition 1" "$SCRATCH/xfs.img" fail 1 partition-1
	grep -q 'partition 1 is xfs' "$SCRATCH/out.json" && ok "says xfs" || fail "says xfs"
	rm -f "$SCRATCH/xfs.img"
else
	skip "mkfs.xfs missing (xfsprogs)"
	skip "mkfs.xfs missing (xfsprogs)"
fi

make_image "$SCRATCH/fat16.img" dos fat16 "$SCRATCH/root" 2>/dev/null
run_check "FAT16 partition 1" "$SCRATCH/fat16.img" fail 1 partition-1

make_image "$SCRATCH/p1ro.img" gpt ext4-ro "$SCRATCH/root" 2>/dev/null
run_check "ext4 partition 1 with the read-only feature" "$SCRATCH/p1ro.img" fail 1 partition-1-writable

make_image "$SCRATCH/nodir.img" dos vfat "$SCRATCH/root" 6G 0 2>/dev/null
run_check "no aliyun_custom_image/ on partition 1" "$SCRATCH/nodir.img" fail 1 custom-dir

make_image "$SCRATCH/nodir-ext.img" gpt ext4 "$SCRATCH/root" 6G 0 2>/dev/null
run_check "no aliyun_custom_image/ on ext4 partition 1" "$SCRATCH/nodir-ext.img" fail 1 custom-dir

variant pw
printf 'root:$6$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstu:19700:0:99999:7:::\n' >"$SCRATCH/pw/etc/shadow"
make_image "$SCRATCH/pw.img" dos vfat "$SCRATCH/pw" 2>/dev/null
run_check "usable default root password" "$SCRATCH/pw.img" fail 1 root-password

variant nopw
printf 'root::19700:0:99999:7:::\n' >"$SCRATCH/nopw/etc/shadow"
make_image "$SCRATCH/nopw.img" dos vfat "$SCRATCH/nopw" 2>/dev/null
run_check "empty root password" "$SCRATCH/nopw.img" fail 1 root-password

variant rootkey
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBakedBakedBaked admin@build\n' >"$SCRATCH/rootkey/root/.ssh/authorized_keys"
make_image "$SCRATCH/rootkey.img" dos vfat "$SCRATCH/rootkey" 2>/dev/null
run_check "authorized_keys for root" "$SCRATCH/rootkey.img" fail 1 ssh-authorized-keys

variant userkey
printf '# build key\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQBaked user@build\n' >"$SCRATCH/userkey/home/alice/.ssh/authorized_keys"
make_image "$SCRATCH/userkey.img" gpt ext4 "$SCRATCH/userkey" 2>/dev/null
run_check "authorized_keys for a user in /home" "$SCRATCH/userkey.img" fail 1 ssh-authorized-keys

variant hostkey
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nbaked\n-----END OPENSSH PRIVATE KEY-----\n' >"$SCRATCH/hostkey/etc/ssh/ssh_host_ed25519_key"
make_image "$SCRATCH/hostkey.img" dos vfat "$SCRATCH/hostkey" 2>/dev/null
run_check "private SSH host key" "$SCRATCH/hostkey.img" fail 1 ssh-host-keys

variant noagent
rm -rf "$SCRATCH/noagent/usr/sbin/osconf" "$SCRATCH/noagent/etc/systemd/system/sysinit.target.wants" \
	"$SCRATCH/noagent/usr/lib/systemd/system/osconf.service" "$SCRATCH/noagent/etc/osconf.conf"
make_image "$SCRATCH/noagent.img" dos vfat "$SCRATCH/noagent" 2>/dev/null
run_check "no agent" "$SCRATCH/noagent.img" fail 1 agent

variant notenabled
rm -rf "$SCRATCH/notenabled/etc/systemd/system/sysinit.target.wants"
make_image "$SCRATCH/notenabled.img" dos vfat "$SCRATCH/notenabled" 2>/dev/null
run_check "osconf installed but not enabled" "$SCRATCH/notenabled.img" fail 1 agent

variant nobinary
rm -f "$SCRATCH/nobinary/usr/sbin/osconf"
make_image "$SCRATCH/nobinary.img" dos vfat "$SCRATCH/nobinary" 2>/dev/null
run_check "osconf enabled but its binary missing" "$SCRATCH/nobinary.img" fail 1 agent

variant wrongpart
printf 'partition=UUID=0000-0000\n' >"$SCRATCH/wrongpart/etc/osconf.conf"
make_image "$SCRATCH/wrongpart.img" dos vfat "$SCRATCH/wrongpart" 2>/dev/null
run_check "/etc/osconf.conf records another partition" "$SCRATCH/wrongpart.img" fail 1 agent

# settings osconf would warn about at every boot (and take the default for): a warning, by name
variant badsetting
printf 'lock_wait=soon\ngrow=maybe\n' >>"$SCRATCH/badsetting/etc/osconf.conf"
make_image "$SCRATCH/badsetting.img" dos vfat "$SCRATCH/badsetting" 2>/dev/null
run_check "/etc/osconf.conf with an invalid lock_wait= and grow=" "$SCRATCH/badsetting.img" pass 0 "" agent
check "the warning names the line of lock_wait= and of grow=" python3 -c 'import json, sys
c = [c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "agent"][0]
t = json.dumps(c)
assert "/etc/osconf.conf:" in c["message"] and "lock_wait" in t and "grow=" in t, c' "$SCRATCH/out.json"

variant devname
printf '/dev/vda2 / ext4 defaults 0 1\n/dev/vda1 /boot/efi vfat umask=077 0 2\n' >"$SCRATCH/devname/etc/fstab"
make_image "$SCRATCH/devname.img" dos vfat "$SCRATCH/devname" 2>/dev/null
run_check "fstab by device name" "$SCRATCH/devname.img" fail 1 fstab
grep -q '/etc/fstab:1: /dev/vda2 /' "$SCRATCH/out.json" && ok "fstab finding names the line" || fail "fstab line"

# no partition table: the whole disk is one file system
truncate -s 6G "$SCRATCH/whole.img"
mkfs.ext4 -q -F -d "$SCRATCH/root" "$SCRATCH/whole.img" 64M 2>/dev/null
run_check "no partition table" "$SCRATCH/whole.img" fail 1 partition-table

# not a disk image at all
head -c 8M "$SCRATCH/small.img" | gzip -1 >"$SCRATCH/pass.img.gz"
run_check "a gzip archive is not guessed at" "$SCRATCH/pass.img.gz" fail 1 format
grep -q 'gzip' "$SCRATCH/out.json" && ok "format finding says gzip" || fail "format says gzip"
done_testing
