# tests/image/lib.sh — build disk images for the `image check` tests without root, loop
# devices or mounts: truncate + sfdisk, mkfs.vfat --offset + mcopy, mkfs.ext4 -E offset -d.
# Source after tests/lib/tap.sh and scratch().
# SPDX-License-Identifier: Apache-2.0

P1_START=2048            # sectors: partition 1 at 1 MiB
P1_SECTORS=131072        # 64 MiB
P2_START=$((P1_START + P1_SECTORS))
P2_SECTORS=131072        # 64 MiB root file system; the rest of the disk stays unallocated
P1_UUID_EXT=5eed0001-0000-4000-8000-000000000001
ROOT_UUID=5eed0002-0000-4000-8000-000000000002
KVER=6.1.0-osconf            # the kernel version of make_root's /boot

need_tools() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/sbin:/usr/sbin command -v "$t" >/dev/null 2>&1 ||
			skip_all "needs $t (mk/deps.sh check installs it)"
	done
	PATH=$PATH:/sbin:/usr/sbin
}

# elf_fixture KIND OUT: a tiny program of the host's machine, built once per test: static
# (stands in for osconf and the image's init and shell), or dynamic (linked against libc).
elf_fixture() {
	local kind=$1 out=$2 f="$SCRATCH/fixture.$1"
	if [ ! -f "$f" ]; then
		printf 'int main(void) { return 0; }\n' >"$SCRATCH/fixture.c"
		${CC:-cc} -Os -s $([ "$kind" = static ] && echo -static) -o "$f" "$SCRATCH/fixture.c" ||
			skip_all "needs a C compiler that links statically (libc6-dev)"
	fi
	cp "$f" "$out"
}

# make_initramfs OUT COMPRESSOR MODULE...: a cpio newc initramfs holding empty files named as the
# kernel modules given (under usr/lib/modules/$KVER/kernel/drivers/), compressed by COMPRESSOR
# (cat, gzip, "xz --check=crc32", zstd, "lz4 -l" …); with EARLY=1 an uncompressed early-microcode
# archive comes first, as dracut and initramfs-tools make them.
make_initramfs() {
	local out=$1 comp=$2 d e
	shift 2
	command -v cpio >/dev/null || skip_all "needs cpio (mk/deps.sh check installs it)"
	d=$(mktemp -d "$SCRATCH/initramfs.XXXXXX")
	mkdir -p "$d/usr/lib/modules/$KVER/kernel/drivers"
	printf '#!/bin/sh\n' >"$d/init"
	for m in "$@"; do : >"$d/usr/lib/modules/$KVER/kernel/drivers/$m"; done
	: >"$out"
	if [ "${EARLY:-0}" = 1 ]; then
		e=$(mktemp -d "$SCRATCH/early.XXXXXX")
		mkdir -p "$e/kernel/x86/microcode" && printf 'ucode' >"$e/kernel/x86/microcode/GenuineIntel.bin"
		(cd "$e" && find . | cpio -o -H newc --quiet) >>"$out"
		rm -rf "$e"
	fi
	(cd "$d" && find . | cpio -o -H newc --quiet) | $comp >>"$out"
	rm -rf "$d"
}

# make_root DIR: a root tree that passes every check (systemd, osconf enabled, root locked).
# osconf, systemd and /bin/sh are one static program of the host's machine.
make_root() {
	local d=$1
	mkdir -p "$d"/etc/ssh "$d"/etc/systemd/system/sysinit.target.wants "$d"/usr/lib/systemd/system \
		"$d"/usr/sbin "$d"/bin "$d"/root/.ssh "$d"/home/alice/.ssh
	printf 'ID=debian\nVERSION_ID=12\n' >"$d"/etc/os-release
	printf 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n' >"$d"/etc/passwd
	printf 'root:!:19700:0:99999:7:::\nalice:!:19700:0:99999:7:::\n' >"$d"/etc/shadow
	printf '# <file system> <dir> <type> <options> <dump> <pass>\nUUID=%s / ext4 defaults 0 1\nLABEL=CUSTOMIMG /boot/efi vfat umask=077 0 2\n' \
		"$ROOT_UUID" >"$d"/etc/fstab
	elf_fixture static "$d"/usr/sbin/osconf
	elf_fixture static "$d"/usr/lib/systemd/systemd
	elf_fixture static "$d"/bin/sh
	printf '[Unit]\nDescription=osconf\n[Service]\nType=oneshot\nExecStart=/usr/sbin/osconf apply\n' \
		>"$d"/usr/lib/systemd/system/osconf.service
	ln -s /usr/lib/systemd/system/osconf.service "$d"/etc/systemd/system/sysinit.target.wants/osconf.service
	printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake host\n' >"$d"/etc/ssh/ssh_host_ed25519_key.pub
	# sshd enabled, root may log in with a password (set in an included file), host keys made at boot
	mkdir -p "$d"/etc/ssh/sshd_config.d "$d"/etc/systemd/system/multi-user.target.wants
	elf_fixture static "$d"/usr/sbin/sshd
	printf 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n' >"$d"/etc/ssh/sshd_config
	printf 'PermitRootLogin yes\n' >"$d"/etc/ssh/sshd_config.d/50-root.conf
	printf '[Service]\nExecStart=/usr/sbin/sshd -D\n' >"$d"/usr/lib/systemd/system/sshd.service
	printf '[Service]\nExecStart=/usr/bin/ssh-keygen -A\n' >"$d"/usr/lib/systemd/system/sshd-keygen@.service
	ln -s /usr/lib/systemd/system/sshd.service "$d"/etc/systemd/system/multi-user.target.wants/sshd.service
	: >"$d"/home/alice/.ssh/authorized_keys     # empty: no key, allowed
	printf 'partition=LABEL=CUSTOMIMG\n' >"$d"/etc/osconf.conf
	# GRUB's default entry: a kernel and initramfs in /boot, the root by UUID
	mkdir -p "$d"/boot/grub
	printf 'kernel stand-in\n' >"$d"/boot/vmlinuz-$KVER
	# the virtio disk drivers in the initramfs, the NIC's a module on the root, NVMe built in
	make_initramfs "$d"/boot/initrd.img-$KVER gzip virtio_blk.ko.xz virtio_pci.ko.xz
	printf 'CONFIG_VIRTIO_BLK=m\nCONFIG_VIRTIO_PCI=m\nCONFIG_VIRTIO_NET=m\nCONFIG_BLK_DEV_NVME=y\n' >"$d"/boot/config-$KVER
	mkdir -p "$d"/lib/modules/$KVER
	printf 'kernel/drivers/net/virtio_net.ko.xz: kernel/drivers/net/net_failover.ko.xz\nkernel/drivers/block/virtio_blk.ko.xz:\n' \
		>"$d"/lib/modules/$KVER/modules.dep
	printf 'kernel/drivers/nvme/host/nvme.ko\n' >"$d"/lib/modules/$KVER/modules.builtin
	cat >"$d"/boot/grub/grub.cfg <<GRUB
if [ "\${next_entry}" ] ; then
   set default="\${next_entry}"
else
   set default="0"
fi
menuentry 'Debian GNU/Linux' --class debian \$menuentry_id_option 'gnulinux-simple-$ROOT_UUID' {
	linux	/boot/vmlinuz-$KVER root=UUID=$ROOT_UUID ro quiet
	initrd	/boot/initrd.img-$KVER
}
GRUB
}

# mbr_boot_code IMAGE: boot code in the MBR (GRUB's boot.img starts with a jump), as grub-install leaves it
mbr_boot_code() { printf '\353\143\220' | dd of="$1" conv=notrunc status=none; }

# make_image OUT LABEL(dos|gpt) P1(vfat|ext4|ext4-ro|xfs|fat16|none|absent) ROOTDIR [SIZE] [CUSTOM(1|0)]
# (xfs needs P1_SECTORS of at least 300 MiB, P2_START after it)
make_image() {
	local out=$1 label=$2 p1=$3 root=$4 size=${5:-6G} custom=${6:-1}
	local t1 t2=83 hdr x1="" x2=""
	rm -f "$out"
	truncate -s "$size" "$out"
	if [ "$label" = dos ]; then
		t1=$(case $p1 in vfat) echo c ;; fat16) echo 6 ;; *) echo 83 ;; esac)
		hdr="label: dos
label-id: 0x5eed0001"
	else
		t1=$(case $p1 in vfat|fat16) echo EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 ;; *) echo 0FC63DAF-8483-4772-8E79-3D69D8477DE4 ;; esac)
		t2=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
		x1=", uuid=5EED0000-0000-4000-8000-0000000000A1, name=custom"
		x2=", uuid=5EED0000-0000-4000-8000-0000000000A2, name=root"
		hdr="label: gpt
label-id: 5EED0000-0000-4000-8000-000000000001"
	fi
	local p1line="start=$P1_START, size=$P1_SECTORS, type=$t1$x1"
	[ "$p1" = absent ] && p1line=""
	{
		echo "$hdr"
		echo "unit: sectors"
		[ -n "$p1line" ] && echo "$p1line"
		echo "start=$P2_START, size=$P2_SECTORS, type=$t2$x2"
	} | if [ "$p1" = absent ]; then
		# keep the root as partition 2 with slot 1 empty
		sed "s/^start=$P2_START/2: start=$P2_START/" | sfdisk -q "$out"
	else
		sfdisk -q "$out"
	fi
	mbr_boot_code "$out"
	local cdir
	cdir=$(mktemp -d "$SCRATCH/custom.XXXXXX")
	[ "$custom" = 1 ] && mkdir "$cdir/aliyun_custom_image"
	case $p1 in
	vfat|fat16)
		local fat=32 s=1
		[ "$p1" = fat16 ] && fat=16 && s=4
		mkfs.vfat -F $fat -s $s -n CUSTOMIMG -i 5EED0001 --offset=$P1_START "$out" $((P1_SECTORS / 2)) >/dev/null
		[ "$custom" = 1 ] && mcopy -s -i "$out@@$((P1_START * 512))" "$cdir/aliyun_custom_image" ::/
		;;
	xfs)   # mkfs.xfs has no offset option (and needs 300 MiB): make it aside, copy it in
		truncate -s $((P1_SECTORS * 512)) "$cdir.xfs"
		mkfs.xfs -q -f "$cdir.xfs"
		dd if="$cdir.xfs" of="$out" bs=1M seek=$((P1_START / 2048)) conv=notrunc,sparse status=none
		rm -f "$cdir.xfs"
		;;
	ext4|ext4-ro)
		mkfs.ext4 -q -F -L CUSTOMIMG -U $P1_UUID_EXT -E offset=$((P1_START * 512)) -d "$cdir" \
			"$out" $((P1_SECTORS / 2))k
		[ "$p1" = ext4-ro ] && debugfs -w -R "feature read-only" "$out?offset=$((P1_START * 512))" >/dev/null 2>&1
		;;
	esac
	mkfs.ext4 -q -F -L rootfs -U $ROOT_UUID -E offset=$((P2_START * 512)) -d "$root" \
		"$out" $((P2_SECTORS / 2))k
}

# The checks that read the root file system, in table order (each a warning when it cannot be read).
ROOT_CHECKS=agent,root-password,ssh-authorized-keys,ssh-host-keys,fstab,bootloader,drivers,ssh-login,shadow-attributes,selinux,guest-agent,firewall,lib-links,space

# json_expect FILE RESULT [FAILING_ID] [WARN_IDS]: the JSON has the documented structure, the
# overall result, exactly the one failing check named (none when empty), and exactly the
# warnings listed (comma-separated; none when empty; "*" = any).
json_expect() {
	python3 - "$@" <<'PY'
import json, sys
path, result = sys.argv[1], sys.argv[2]
want_fail = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
want_warn = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
d = json.load(open(path))
for k in ("target", "mode", "format", "virtual_size", "partition_table", "partitions", "root", "checks", "summary", "result"):
    assert k in d, "missing key %s" % k
ids = [c["id"] for c in d["checks"]]
assert ids == ["format", "virtual-size", "partition-table", "partition-1", "partition-1-writable",
               "custom-dir", "root-fs", "agent", "root-password", "ssh-authorized-keys",
               "ssh-host-keys", "fstab", "bootloader", "drivers", "ssh-login", "shadow-attributes", "selinux", "guest-agent", "firewall",
               "lib-links", "space"], ids
for c in d["checks"]:
    assert set(c) == {"id", "title", "status", "message", "advice", "details"}, c
    assert c["status"] in ("pass", "warn", "fail", "skip"), c
    if c["status"] in ("fail", "warn"):
        assert c["advice"], "no advice for %s" % c["id"]
fails = [c["id"] for c in d["checks"] if c["status"] == "fail"]
warns = [c["id"] for c in d["checks"] if c["status"] == "warn"]
assert d["result"] == result, "result %s, want %s" % (d["result"], result)
assert fails == ([want_fail] if want_fail else []), "failing %s, want %s" % (fails, want_fail)
if want_warn != "*":
    assert warns == (want_warn.split(",") if want_warn else []), "warning %s, want %s" % (warns, want_warn)
assert d["summary"]["fail"] == len(fails)
PY
}

# run_check NAME IMAGE RESULT EXIT [FAIL_ID] [WARN_ID]: run `image check --json`, assert.
run_check() {
	local name=$1 img=$2 result=$3 rc_want=$4 fail_id=${5:-} warn_id=${6:-}
	local rc=0 out
	"$OSCONF" image check --json "$img" >"$SCRATCH/out.json" 2>"$SCRATCH/err" || rc=$?
	if [ "$rc" != "$rc_want" ]; then
		fail "$name: exit $rc, want $rc_want"
		diag "$(cat "$SCRATCH/out.json" "$SCRATCH/err")"
		return
	fi
	if out=$(json_expect "$SCRATCH/out.json" "$result" "$fail_id" "$warn_id" 2>&1); then
		ok "$name"
	else
		fail "$name"
		diag "$out"
		diag "$("$OSCONF" image check "$img" 2>&1)"
	fi
}
