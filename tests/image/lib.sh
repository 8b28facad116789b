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
# (the root file system: ROOT_FS=ext4, the default, btrfs or xfs)
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
	case ${ROOT_FS:-ext4} in
	ext4)
		mkfs.ext4 -q -F -L rootfs -U $ROOT_UUID -E offset=$((P2_START * 512)) -d "$root" \
			"$out" $((P2_SECTORS / 2))k
		;;
	btrfs)   # no offset option either: made aside, copied in
		truncate -s $((P2_SECTORS * 512)) "$cdir.root"
		mkfs.btrfs -q -f -L rootfs -U $ROOT_UUID -b $((P2_SECTORS * 512)) --rootdir "$root" "$cdir.root" >/dev/null
		dd if="$cdir.root" of="$out" bs=1M seek=$((P2_START / 2048)) conv=notrunc,sparse status=none
		rm -f "$cdir.root"
		;;
	xfs)
		make_xfs "$root" "$cdir.root" $((P2_SECTORS * 512)) -L rootfs -m uuid=$ROOT_UUID
		dd if="$cdir.root" of="$out" bs=1M seek=$((P2_START / 2048)) conv=notrunc,sparse status=none
		rm -f "$cdir.root"
		;;
	esac
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

# make_xfs DIR OUT SIZE [MKFS_OPTIONS...]: an XFS file system of SIZE holding the tree DIR
# (directories, files, symlinks with their modes; owned by root), populated without mounting
# through a mkfs.xfs prototype file (mkfs.xfs(8) "-p"). mkfs.xfs refuses less than 300 MiB
# unless told it is a test file system (its TEST_DIR/TEST_DEV/QA_CHECK_FS escape).
make_xfs() {
	local dir=$1 out=$2 size=$3
	shift 3
	python3 - "$dir" >"$out.proto" <<'PY'
import os, stat, sys
def walk(path, depth):
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        st = os.lstat(p)
        perm = "%03o" % (st.st_mode & 0o777)
        ind = " " * depth
        if stat.S_ISLNK(st.st_mode):
            print("%s%s l--%s 0 0 %s" % (ind, name, perm, os.readlink(p)))
        elif stat.S_ISDIR(st.st_mode):
            print("%s%s d--%s 0 0" % (ind, name, perm))
            walk(p, depth + 1)
            print("%s$" % ind)
        elif stat.S_ISREG(st.st_mode):
            print("%s%s ---%s 0 0 %s" % (ind, name, perm, os.path.abspath(p)))
print("/dev/null\n0 0\nd--755 0 0")
walk(sys.argv[1], 1)
print("$")
PY
	rm -f "$out"
	truncate -s "$size" "$out"
	TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f "$@" -p "$out.proto" "$out" >/dev/null
	rm -f "$out.proto"
}

# LVM as root on loop devices over parts of an image, confined: only those devices are scanned
# and lvm2 keeps its configuration, backups and locks under $SCRATCH/lvm (not /etc/lvm).
# lvm_attach IMG OFFSET SIZE [OFFSET SIZE] sets LVM_LOOP (and LVM_LOOP2, the second physical
# volume); lvm_detach (also from the caller's EXIT trap).
lvm_attach() {
	LVM_LOOP=$(losetup -f --show -o "$2" --sizelimit "$3" "$1") || return 1
	LVM_LOOP2=
	if [ $# -ge 5 ]; then LVM_LOOP2=$(losetup -f --show -o "$4" --sizelimit "$5" "$1") || return 1; fi
	local accept="\"a|^$LVM_LOOP\$|\",${LVM_LOOP2:+ \"a|^$LVM_LOOP2\$|\",} \"r|.*|\""
	mkdir -p "$SCRATCH/lvm/lock"
	cat >"$SCRATCH/lvm/lvm.conf" <<CONF
devices { filter = [ $accept ] global_filter = [ $accept ]
	  use_devicesfile = 0 obtain_device_list_from_udev = 0 }
backup { backup = 0 archive = 0 }
global { locking_dir = "$SCRATCH/lvm/lock" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
CONF
}
lvm_detach() {
	[ -n "${LVM_LOOP:-}" ] && losetup -d "$LVM_LOOP"
	[ -n "${LVM_LOOP2:-}" ] && losetup -d "$LVM_LOOP2"
	LVM_LOOP= LVM_LOOP2=
}
lvm_run() { LVM_SYSTEM_DIR=$SCRATCH/lvm LVM_SUPPRESS_FD_WARNINGS=1 "$@"; }

# lvm_volumes VG TEXT: the VG's metadata backup with TEXT (logical_volumes sections) added, restored
# with vgcfgrestore (lvcreate needs device-mapper), pv0 on LVM_LOOP, pv1 on LVM_LOOP2. Prints
# the first PV's pe_start in bytes.
# LVM_PV_OPTS and LVM_VG_OPTS go to pvcreate and vgcreate.
lvm_volumes() {
	local vg=$1 text=$2
	lvm_run pvcreate -q -f ${LVM_PV_OPTS:-} "$LVM_LOOP" ${LVM_LOOP2:-} >/dev/null &&
		lvm_run vgcreate -q ${LVM_VG_OPTS:-} "$vg" "$LVM_LOOP" ${LVM_LOOP2:-} >/dev/null &&
		lvm_run vgcfgbackup -q -f "$SCRATCH/lvm/$vg.vg" "$vg" >/dev/null || return 1
	python3 - "$SCRATCH/lvm/$vg.vg" "$text" <<'PY' || return 1
import sys
path, text = sys.argv[1], sys.argv[2]
s = open(path).read()
i = s.rindex("}")          # the end of the VG section
open(path, "w").write(s[:i] + "\tlogical_volumes {\n" + text + "\n\t}\n" + s[i:])
PY
	# --force: thin volumes are restored only with it (their pool is not checked)
	lvm_run vgcfgrestore -q --force -f "$SCRATCH/lvm/$vg.vg" "$vg" >/dev/null 2>"$SCRATCH/lvm/restore.err" ||
		{ cat "$SCRATCH/lvm/restore.err" >&2; return 1; }
	lvm_run pvs --noheadings --units b --nosuffix -o pe_start "$LVM_LOOP" | tr -d ' '
}

# lvm_linear NAME PV START COUNT [NAME PV START COUNT …]: logical_volumes text of one-segment linear volumes.
lvm_linear() {
	local n=0
	while [ $# -ge 4 ]; do
		n=$((n + 1))
		printf '\t\t%s {\n\t\t\tid = "5eed%02d-0000-0000-0000-0000-0000-00lv%02d"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n\t\t\tflags = []\n\t\t\tsegment_count = 1\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = %s\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\t\t\t\tstripes = [\n\t\t\t\t\t"%s", %s\n\t\t\t\t]\n\t\t\t}\n\t\t}\n' \
			"$1" "$n" "$n" "$4" "$2" "$3"
		shift 4
	done
}

XFS_UUID=5eed0003-0000-4000-8000-000000000003

# make_centos_root DIR: make_root's passing tree as CentOS 7 lays it out: os-release a link to
# ../usr/lib/os-release, /bin and /sbin links into /usr, the root mounted from XFS by UUID.
make_centos_root() {
	local d=$1
	make_root "$d"
	mkdir -p "$d"/usr/lib "$d"/usr/bin
	printf 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n' \
		>"$d"/usr/lib/os-release
	ln -sf ../usr/lib/os-release "$d"/etc/os-release
	mv "$d"/bin/sh "$d"/usr/bin/sh && rmdir "$d"/bin && ln -s usr/bin "$d"/bin
	printf 'UUID=%s /                       xfs     defaults        0 0\nLABEL=CUSTOMIMG /boot/efi vfat umask=077 0 2\n/dev/mapper/centos-swap swap                    swap    defaults        0 0\n' \
		"$XFS_UUID" >"$d"/etc/fstab
}

# make_lvm_image OUT ROOTDIR [MKFS_XFS_OPTIONS…]: a CentOS-7-style disk of 6 GiB: MBR, FAT32
# partition 1 with aliyun_custom_image/, partition 2 an LVM physical volume of volume group
# centos with linear volumes root (2 GiB of XFS holding ROOTDIR) and swap. LVM_TEXT, when set,
# replaces the logical volumes (root's data still goes to the PV's first extent); XFS_HOOK, when
# set, is run on the XFS image file before it is copied in. Needs root
# (a loop device); the caller's EXIT trap runs lvm_detach.
make_lvm_image() {
	local out=$1 root=$2
	shift 2
	rm -f "$out"
	truncate -s 6G "$out"
	printf 'label: dos\nlabel-id: 0x5eed0001\nunit: sectors\nstart=%s, size=%s, type=c\nstart=%s, type=8e\n' \
		$P1_START $P1_SECTORS $P2_START | sfdisk -q "$out"
	mkfs.vfat -F 32 -s 1 -n CUSTOMIMG -i 5EED0001 --offset=$P1_START "$out" $((P1_SECTORS / 2)) >/dev/null
	mkdir -p "$SCRATCH/custom/aliyun_custom_image"
	mcopy -s -i "$out@@$((P1_START * 512))" "$SCRATCH/custom/aliyun_custom_image" ::/
	local p2=$((P2_START * 512)) pe
	lvm_attach "$out" $p2 $(((6 << 30) - p2)) || return 1
	pe=$(lvm_volumes centos "${LVM_TEXT:-$(lvm_linear root pv0 0 512 swap pv0 512 64)}") || return 1
	lvm_detach
	make_xfs "$root" "$SCRATCH/root.xfs" 2G -m uuid=$XFS_UUID "$@" || return 1
	if [ -n "${XFS_HOOK:-}" ]; then "$XFS_HOOK" "$SCRATCH/root.xfs" || return 1; fi
	dd if="$SCRATCH/root.xfs" of="$out" bs=1M seek=$(((p2 + pe) >> 20)) conv=notrunc,sparse status=none
	rm -f "$SCRATCH/root.xfs"
	mbr_boot_code "$out"
}

# check_tree NAME RESULT EXIT [FAIL_ID] [WARN_ID]: `image check --json --root` on the tree
# $SCRATCH/NAME exits EXIT with RESULT, failing exactly FAIL_ID and warning WARN_ID (json_expect);
# its JSON stays in $SCRATCH/out.json for the test's own checks
check_tree() {
	local rc=0 out
	"$OSCONF" image check --json --root "$SCRATCH/$1" >"$SCRATCH/out.json" 2>"$SCRATCH/err" || rc=$?
	if [ "$rc" = "$3" ] && out=$(json_expect "$SCRATCH/out.json" "$2" "${4:-}" "${5:-}" 2>&1); then
		ok "$1: $2${4:+, fails $4}${5:+, warns $5}"
	else
		fail "$1: exit $rc"
		diag "$out"
		diag "$("$OSCONF" image check --root "$SCRATCH/$1" 2>&1)"
	fi
}
