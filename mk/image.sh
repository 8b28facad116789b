#!/bin/bash
# mk/image.sh — `make image`: a reference Customized Linux image (Debian 12, GRUB, osconf) built from Debian packages.
# SPDX-License-Identifier: Apache-2.0
# usage: mk/image.sh OSCONF OUT [VARIANT [AGENT]]   (as root; VARIANT: uefi — the same system on a GPT
# disk booted by GRUB from the EFI system partition; arm64 — the uefi image for arm64, with AGENT
# (an arm64 osconf) installed; noagent, sshnoroot, novirtio — the broken copies tests/vm/try.t
# boots; default: the reference image). OSCONF (the host's) installs AGENT (default: itself) and
# checks the image. Exit status 3 with VM_CACHED_ONLY=1 when the debootstrap is not cached.
# The image: a sparse 6 GiB raw disk, DOS label; partition 1 FAT32 (128 MiB) with aliyun_custom_image/;
# partition 2 ext4, the root: debootstrap'ed Debian 12 with linux-image-cloud-amd64 and its initramfs,
# systemd-networkd, openssh-server allowing root to log in with a password (the cloud sets root's
# password through os.conf; host keys are made at first boot), osconf installed by `osconf install`.
# GRUB (i386-pc) boots it from the MBR: boot.img and a core.img written into the gap before
# partition 1, /boot/grub with GRUB's modules and a grub.cfg, all without mounting or loop devices.
# The debootstrap is cached in /var/tmp/osconf-vm-cache (tests/vm/vmlib.sh, under its lock); arm64's
# is finished inside a qemu-system-aarch64 guest (vm_second_stage), its GRUB modules come from
# grub-efi-arm64-bin's arm64 .deb unpacked into the cache (nothing of arm64 is installed here).
set -eu
osconf=$(realpath "$1") out=$2 variant=${3:-reference} agent=$(realpath "${4:-$1}")
here=$(cd "$(dirname "$0")/.." && pwd)
case $variant in reference|uefi|arm64|noagent|sshnoroot|novirtio) ;; *) echo "mk/image.sh: unknown variant $variant" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "mk/image.sh: debootstrap and chroot need root" >&2; exit 1; }
for t in debootstrap sfdisk mkfs.vfat mmd mcopy mkfs.ext4 grub-mkimage chroot; do
	command -v "$t" >/dev/null || { echo "mk/image.sh: missing $t (mk/deps.sh image)" >&2; exit 1; }
done
# the cached rootfs: vmlib.sh's debootstrap cache with the packages of a bootable cloud system
# (vmlib's sample settings need the test helpers; the builder does not use them)
VM_ARCH=amd64 console=ttyS0,115200n8; [ "$variant" = arm64 ] && VM_ARCH=arm64 console=ttyAMA0
CASES=; conf_value() { :; }; case_password() { :; }
. "$here/tests/vm/vmlib.sh"
pkgs="systemd,systemd-sysv,udev,iproute2,kmod,linux-image-cloud-$VM_ARCH,openssh-server,ca-certificates"
vm_lock
# GRUB's modules for arm64-efi: grub-efi-arm64-bin's .deb, unpacked once into the cache
grub_arm64() {
	local v d
	v=$(apt-cache policy grub-efi-arm64-bin:arm64 2>/dev/null | awk '/Candidate:/ { print $2 }')
	[ -n "$v" ] && [ "$v" != "(none)" ] || { echo "mk/image.sh: no grub-efi-arm64-bin:arm64 in apt's lists (mk/deps.sh arm64)" >&2; return 1; }
	d=$OSCONF_VM_CACHE/grub-efi-arm64-bin-$(echo "$v" | tr ':~' '__')
	if [ ! -e "$d/.complete" ]; then
		rm -rf "$d" && mkdir -p "$d/deb" &&
			(cd "$d/deb" && timeout 300 apt-get download -q -o APT::Sandbox::User=root "grub-efi-arm64-bin:arm64=$v" >/dev/null) &&
			dpkg-deb -x "$d"/deb/*.deb "$d" && rm -rf "$d/deb" && touch "$d/.complete" || return 1
	fi
	echo "$d/usr/lib/grub/arm64-efi"
}
case $variant in
uefi) grubdir=/usr/lib/grub/x86_64-efi grubpkg=grub-efi-amd64-bin grubmod=part_gpt part=gpt2 ;;
arm64) grubdir=$(grub_arm64) grubpkg=grub-efi-arm64-bin:arm64 grubmod=part_gpt part=gpt2 ;;
*) grubdir=/usr/lib/grub/i386-pc grubpkg=grub-pc-bin grubmod=part_msdos part=msdos2 ;;
esac
[ -e "$grubdir/moddep.lst" ] || { echo "mk/image.sh: no $grubdir (apt-get install $grubpkg)" >&2; exit 1; }
rootfs=$(vm_rootfs "$pkgs") || exit $?   # 3: not cached, with VM_CACHED_ONLY=1 (tests/vm/try-arm64.t)
exec 9>&-

work=$(mktemp -d "${TMPDIR:-/tmp}/osconf-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
cp -a "$rootfs" "$root" && rm -f "$root/.complete"
kver=$(cd "$root/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -1)
[ -n "$kver" ] && [ -e "$root/boot/initrd.img-$kver" ] || { echo "mk/image.sh: no kernel/initramfs in $rootfs/boot" >&2; exit 1; }

uuid=$(cat /proc/sys/kernel/random/uuid)
printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$uuid" >"$root/etc/fstab"
echo osconf-debian12 >"$root/etc/hostname"
# networkd brings the NIC up with what osconf wrote (osconf detects the backend from it)
ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/"
mkdir -p "$root/etc/systemd/system/sockets.target.wants"
ln -sf /lib/systemd/system/systemd-networkd.socket "$root/etc/systemd/system/sockets.target.wants/"
# sshd: root logs in with the password the cloud sets; every instance makes its own host keys
mkdir -p "$root/etc/ssh/sshd_config.d" "$root/etc/systemd/system/ssh.service.d"
if [ "$variant" = sshnoroot ]; then permit=prohibit-password; else permit=yes; fi
printf '# osconf reference image: the root password comes from os.conf\nPermitRootLogin %s\nPasswordAuthentication yes\nHostKey /etc/ssh/ssh_host_ed25519_key\n' \
	"$permit" >"$root/etc/ssh/sshd_config.d/50-osconf-image.conf"
# one Ed25519 host key made at the first boot (RSA keys take a minute to make under TCG)
rm -f "$root"/etc/ssh/ssh_host_*
cat >"$root/etc/systemd/system/ssh.service.d/host-keys.conf" <<'EOF'
[Service]
ExecStartPre=
ExecStartPre=/bin/sh -c 'test -s /etc/ssh/ssh_host_ed25519_key || ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key'
ExecStartPre=/usr/sbin/sshd -t
EOF
# osconf-ssh-keygen.service (osconf install) makes the keys a new instance lacks before sshd
# starts: here only the one key sshd_config names
mkdir -p "$root/etc/systemd/system/osconf-ssh-keygen.service.d"
cat >"$root/etc/systemd/system/osconf-ssh-keygen.service.d/ed25519.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=/bin/sh -c 'test -s /etc/ssh/ssh_host_ed25519_key || ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key'
EOF
if [ "$variant" != noagent ]; then
	"$osconf" install --root "$root" --binary "$agent" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }
fi
if [ "$variant" = novirtio ]; then
	# an initramfs that cannot find its root disk: virtio_blk left out
	printf '#!/bin/sh\n# broken test image: no virtio_blk\n[ "$1" = prereqs ] && exit 0\nfind "$DESTDIR" -name "virtio_blk.ko*" -delete\n' \
		>"$root/etc/initramfs-tools/hooks/zz-no-virtio-blk"
	chmod 755 "$root/etc/initramfs-tools/hooks/zz-no-virtio-blk"
	chroot "$root" update-initramfs -u -k "$kver" >"$work/initramfs.log" 2>&1 || { cat "$work/initramfs.log" >&2; exit 1; }
fi
# (arm64's programs do not run here: its initramfs is judged by image check's drivers check only)
if [ "$variant" != novirtio ] && [ "$VM_ARCH" = amd64 ] && ! chroot "$root" lsinitramfs "/boot/initrd.img-$kver" | grep -q '/virtio_blk\.ko'; then
	echo "mk/image.sh: the initramfs of $kver has no virtio_blk" >&2; exit 1
fi

# GRUB: modules and grub.cfg in /boot/grub of the root file system (partition 2)
# (arm64: GRUB writes to the firmware's console, which is the serial port without a display)
mkdir -p "$root/boot/grub/${grubdir##*/}"
cp "$grubdir"/*.mod "$grubdir"/*.lst "$root/boot/grub/${grubdir##*/}/"
serial='serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console'
[ "$VM_ARCH" = amd64 ] || serial=
cat >"$root/boot/grub/grub.cfg" <<EOF
# grub.cfg of the osconf reference image (written by mk/image.sh)
$serial
set timeout=1
menuentry 'Debian GNU/Linux 12 (osconf reference image)' {
	insmod $grubmod
	insmod ext2
	search --no-floppy --fs-uuid --set=root $uuid
	linux /boot/vmlinuz-$kver root=UUID=$uuid ro console=tty0 console=$console net.ifnames=0
	initrd /boot/initrd.img-$kver
}
EOF

# the disk: partition 1 FAT32 with aliyun_custom_image/ (uefi: the EFI system partition, GPT), partition 2
# ext4 (bootable) from the tree
rm -f "$out" && truncate -s 6G "$out"
p1s=2048 p1n=$((128 * 2048)) p2s=$((2048 + 128 * 2048))
p2n=$((6 * 1024 * 2048 - p2s))
if [ "$variant" = uefi ] || [ "$variant" = arm64 ]; then
	p2n=$((p2n - 2048))   # the backup GPT at the end
	printf 'label: gpt\nunit: sectors\nstart=%s, size=%s, type=U\nstart=%s, size=%s, type=L\n' $p1s $p1n $p2s $p2n | sfdisk -q "$out"
else
	printf 'label: dos\nunit: sectors\nstart=%s, size=%s, type=c\nstart=%s, type=83, bootable\n' $p1s $p1n $p2s | sfdisk -q "$out"
fi
mkfs.vfat -F 32 -s 1 -n CUSTOMIMG --offset=$p1s "$out" $((p1n / 2)) >/dev/null 2>&1
mmd -i "$out@@$((p1s * 512))" ::/aliyun_custom_image
mkfs.ext4 -q -F -L rootfs -U "$uuid" -E offset=$((p2s * 512)) -d "$root" "$out" $((p2n / 2))k

if [ "$variant" = uefi ] || [ "$variant" = arm64 ]; then
	# GRUB as the ESP's default loader, EFI/BOOT/BOOTX64.EFI (BOOTAA64.EFI), reading /boot/grub of partition 2
	if [ "$variant" = arm64 ]; then efi=BOOTAA64.EFI fmt=arm64-efi; else efi=BOOTX64.EFI fmt=x86_64-efi; fi
	grub-mkimage -O $fmt -d "$grubdir" -o "$work/$efi" -p "(hd0,$part)/boot/grub" part_gpt ext2
	mmd -i "$out@@$((p1s * 512))" ::/EFI ::/EFI/BOOT
	mcopy -i "$out@@$((p1s * 512))" "$work/$efi" ::/EFI/BOOT/$efi
else
# GRUB in the MBR: boot.img's code (the partition table kept) loads core.img from sector 1;
# core.img's first sector (diskboot) loads the rest, its block list patched with the length
grub-mkimage -O i386-pc -o "$work/core.img" -p "(hd0,$part)/boot/grub" biosdisk part_msdos ext2
sectors=$(( ($(stat -c %s "$work/core.img") + 511) / 512 ))
[ "$sectors" -lt $p1s ] || { echo "mk/image.sh: core.img ($sectors sectors) does not fit before partition 1" >&2; exit 1; }
cp $grubdir/boot.img "$work/boot.img"
printf '\x90\x90' | dd of="$work/boot.img" bs=1 seek=$((0x66)) conv=notrunc status=none   # no floppy check
dd if="$work/boot.img" of="$out" bs=440 count=1 conv=notrunc status=none
printf "\\x$(printf %02x $(( (sectors - 1) & 255 )))\\x$(printf %02x $(( (sectors - 1) >> 8 )))" |
	dd of="$work/core.img" bs=1 seek=$((0x1fc)) conv=notrunc status=none
dd if="$work/core.img" of="$out" bs=512 seek=1 conv=notrunc status=none
fi

# every image passes image check but the broken ones, each failing for its own reason only
case $variant in noagent) want=agent ;; novirtio) want=drivers ;; *) want= ;; esac
fails=$("$osconf" image check --json "$out" 2>"$work/check.err" |
	/usr/bin/python3 -c 'import json,sys; print(",".join(c["id"] for c in json.load(sys.stdin)["checks"] if c["status"] == "fail"))') &&
	[ "$fails" = "$want" ] || {
	"$osconf" image check "$out" >&2; echo "mk/image.sh: $out fails osconf image check (${fails:-?}; expected: ${want:-none})" >&2; exit 1; }
echo "mk/image.sh: $out ($variant; Debian 12 $VM_ARCH, kernel $kver, GRUB ${grubdir##*/}, root UUID $uuid)"
