#!/bin/bash
# tests/image/check-boot.t — bootloader: GRUB (submenus, saved_entry), BLS entries with grubenv's
# kernelopts, extlinux, a separate /boot partition, UEFI-only images; and one image per reason it
# fails (no configuration, kernel or initramfs missing, root= by device name, no boot code).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 debugfs python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
variant() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/root" "$SCRATCH/$1"; }
msg() {   # msg TEXT: the bootloader result of the last run mentions TEXT
	python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["id"]=="bootloader"][0]; assert sys.argv[2] in json.dumps(c), c' \
		"$SCRATCH/out.json" "$1" && ok "says: $1" || fail "bootloader does not say: $1"
}

# GRUB: the saved entry inside a submenu ("1>1"), linux16/initrd16 with an early-microcode initrd
variant submenu
printf 'kernel\n' >"$SCRATCH/submenu/boot/vmlinuz-5.10.0-old"
make_initramfs "$SCRATCH/submenu/boot/intel-ucode.img" cat   # early microcode: no modules
mkdir -p "$SCRATCH/submenu/boot/grub"
cat >"$SCRATCH/submenu/boot/grub/grub.cfg" <<G
set default="\${saved_entry}"
function load_video {
  insmod all_video
}
menuentry 'Debian' --id gnulinux-simple {
	linux /boot/vmlinuz-nonexistent root=/dev/vda2
}
submenu 'Advanced options' {
	menuentry 'Debian, with Linux $KVER' {
		linux16 /boot/vmlinuz-$KVER root=UUID=$ROOT_UUID ro
		initrd16 /boot/intel-ucode.img /boot/initrd.img-$KVER
	}
	menuentry 'Debian, with Linux 5.10.0-old' --id old {
		linux16 /boot/vmlinuz-5.10.0-old root=LABEL=rootfs ro
		initrd16 /boot/intel-ucode.img /boot/initrd.img-$KVER
	}
}
G
printf '# GRUB Environment Block\nsaved_entry=1>old\n' >"$SCRATCH/submenu/boot/grub/grubenv"
head -c 1024 /dev/zero | tr '\0' '#' >>"$SCRATCH/submenu/boot/grub/grubenv"
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/submenu" 2>/dev/null
run_check "GRUB saved_entry into a submenu" "$SCRATCH/b.img" pass 0
msg "boots /boot/vmlinuz-5.10.0-old with root=LABEL=rootfs by LABEL"

# BLS (RHEL 8+): grub.cfg calls blscfg, the entries name $kernelopts from grubenv
variant bls
rm -rf "$SCRATCH/bls/boot/grub"
mkdir -p "$SCRATCH/bls/boot/grub2" "$SCRATCH/bls/boot/loader/entries"
printf 'set default="${saved_entry}"\ninsmod blscfg\nblscfg\n' >"$SCRATCH/bls/boot/grub2/grub.cfg"
printf 'saved_entry=\nkernelopts=root=UUID=%s ro crashkernel=auto\n' "$ROOT_UUID" >"$SCRATCH/bls/boot/grub2/grubenv"
for v in 4.18.0-80 4.18.0-513; do
	printf 'title Rocky (%s)\nversion %s\nlinux /boot/vmlinuz-%s\ninitrd /boot/initramfs-%s.img\noptions $kernelopts\n' \
		$v $v $v $v >"$SCRATCH/bls/boot/loader/entries/abc-$v.conf"
done
printf 'k\n' >"$SCRATCH/bls/boot/vmlinuz-4.18.0-513"
make_initramfs "$SCRATCH/bls/boot/initramfs-4.18.0-513.img" gzip virtio_blk.ko.xz virtio_pci.ko.xz
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/bls" 2>/dev/null
run_check "BLS: the newest entry, root from kernelopts" "$SCRATCH/b.img" pass 0
msg "the newest BLS entry (abc-4.18.0-513)"
msg "GRUB with BLS entries boots /boot/vmlinuz-4.18.0-513 with root=UUID="
# saved_entry names the older one, whose kernel is missing
printf 'saved_entry=abc-4.18.0-80\nkernelopts=root=UUID=%s ro\n' "$ROOT_UUID" >"$SCRATCH/bls/boot/grub2/grubenv"
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/bls" 2>/dev/null
run_check "BLS saved_entry whose kernel is missing" "$SCRATCH/b.img" fail 1 bootloader
msg "/boot/vmlinuz-4.18.0-80, which is not in the image"

# RHEL 8 under UEFI: grub.cfg and grubenv in the ESP's EFI/redhat/, BLS entries in /boot
rm -rf "$SCRATCH/bls/boot/grub2"
mkdir -p "$SCRATCH/esp/EFI/redhat" "$SCRATCH/esp/EFI/BOOT"
printf 'set default="${saved_entry}"\nblscfg\n' >"$SCRATCH/esp/EFI/redhat/grub.cfg"
printf 'saved_entry=abc-4.18.0-513\nkernelopts=root=UUID=%s ro\n' "$ROOT_UUID" >"$SCRATCH/esp/EFI/redhat/grubenv"
printf 'MZ\n' >"$SCRATCH/esp/EFI/BOOT/BOOTX64.EFI"
make_image "$SCRATCH/b.img" gpt vfat "$SCRATCH/bls" 2>/dev/null
dd if=/dev/zero of="$SCRATCH/b.img" bs=440 count=1 conv=notrunc status=none
mcopy -s -i "$SCRATCH/b.img@@$((P1_START * 512))" "$SCRATCH/esp/EFI" ::/
run_check "RHEL 8 UEFI: grub.cfg in the ESP, BLS entries in /boot" "$SCRATCH/b.img" pass 0
msg "/EFI/redhat/grub.cfg: GRUB with BLS entries, default \\\"Rocky (4.18.0-513)\\\" (saved_entry=abc-4.18.0-513)"

# extlinux, relative paths, initrd= in APPEND
variant ext
rm -rf "$SCRATCH/ext/boot/grub"
mkdir -p "$SCRATCH/ext/boot/extlinux"
printf 'DEFAULT lts\nLABEL other\n  LINUX /nope\nLABEL lts\n  KERNEL ../vmlinuz-%s\n  APPEND root=PARTUUID=5eed0001-02 initrd=../initrd.img-%s,../x modules=ext4\n' \
	$KVER $KVER >"$SCRATCH/ext/boot/extlinux/extlinux.conf"
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/ext" 2>/dev/null
run_check "extlinux DEFAULT, relative KERNEL, initrd= in APPEND" "$SCRATCH/b.img" pass 0
msg "root=PARTUUID=5eed0001-02 is partition 2"

# /boot a partition of its own (here the ext4 partition 1, which fstab mounts on /boot)
variant sepboot
rm -rf "$SCRATCH/sepboot/boot"/*
printf 'UUID=%s / ext4 defaults 0 1\nUUID=%s /boot ext4 defaults 0 2\n' "$ROOT_UUID" "$P1_UUID_EXT" >"$SCRATCH/sepboot/etc/fstab"
printf 'partition=UUID=%s\n' "$P1_UUID_EXT" >"$SCRATCH/sepboot/etc/osconf.conf"
make_image "$SCRATCH/b.img" gpt ext4 "$SCRATCH/sepboot" 2>/dev/null
P1="$SCRATCH/b.img?offset=$((P1_START * 512))"
sed 's|/boot/|/|g' "$SCRATCH/root/boot/grub/grub.cfg" >"$SCRATCH/grub.cfg"
debugfs -w -R "mkdir grub" "$P1" >/dev/null 2>&1
for f in "$SCRATCH/grub.cfg:grub/grub.cfg" "$SCRATCH/root/boot/vmlinuz-$KVER:vmlinuz-$KVER" \
	"$SCRATCH/root/boot/initrd.img-$KVER:initrd.img-$KVER"; do
	debugfs -w -R "write ${f%%:*} ${f#*:}" "$P1" >/dev/null 2>&1
done
run_check "/boot on a partition of its own" "$SCRATCH/b.img" pass 0
msg "/grub/grub.cfg: GRUB"

# UEFI only: no MBR boot code, an ESP loader on partition 1
make_image "$SCRATCH/b.img" gpt vfat "$SCRATCH/root" 2>/dev/null
dd if=/dev/zero of="$SCRATCH/b.img" bs=440 count=1 conv=notrunc status=none
run_check "no boot code and no EFI loader" "$SCRATCH/b.img" fail 1 bootloader
msg "no boot code in the MBR and no EFI system partition"
mkdir -p "$SCRATCH/efi/EFI/BOOT" && printf 'MZ\n' >"$SCRATCH/efi/EFI/BOOT/BOOTX64.EFI"
mcopy -s -i "$SCRATCH/b.img@@$((P1_START * 512))" "$SCRATCH/efi/EFI" ::/
run_check "UEFI: EFI/BOOT/BOOTX64.EFI on partition 1" "$SCRATCH/b.img" pass 0
msg "boot mode UEFI"

# one failing image per reason
variant nocfg
rm -rf "$SCRATCH/nocfg/boot/grub"
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/nocfg" 2>/dev/null
run_check "no boot loader configuration" "$SCRATCH/b.img" fail 1 bootloader
variant nokernel
rm "$SCRATCH/nokernel/boot/vmlinuz-$KVER"
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/nokernel" 2>/dev/null
run_check "default kernel missing" "$SCRATCH/b.img" fail 1 bootloader
variant noinitrd
rm "$SCRATCH/noinitrd/boot/initrd.img-$KVER"
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/noinitrd" 2>/dev/null
run_check "default initramfs missing" "$SCRATCH/b.img" fail 1 bootloader
for dev in /dev/vda2 /dev/sda2 /dev/xvda2 /dev/nvme0n1p2; do
	variant devroot
	sed -i "s|root=UUID=$ROOT_UUID|root=$dev|" "$SCRATCH/devroot/boot/grub/grub.cfg"
	make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/devroot" 2>/dev/null
	run_check "root=$dev" "$SCRATCH/b.img" fail 1 bootloader
done
variant lvm
sed -i "s|root=UUID=$ROOT_UUID|root=/dev/mapper/centos-root rd.lvm.lv=centos/root|" "$SCRATCH/lvm/boot/grub/grub.cfg"
make_image "$SCRATCH/b.img" dos vfat "$SCRATCH/lvm" 2>/dev/null
run_check "root= an LVM name" "$SCRATCH/b.img" pass 0
msg "by LVM"
rm -f "$SCRATCH/b.img"
done_testing
