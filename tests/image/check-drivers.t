#!/bin/bash
# tests/image/check-drivers.t — drivers: virtio_blk/virtio_pci in the default kernel's initramfs
# (cpio raw, gzip, xz, zstd, lz4 legacy and frame, an early-microcode archive first) or built in
# (config-VERSION, modules.builtin); one image per failure (virtio_blk only on the root, no
# initramfs, virtio_pci missing) and the warnings (no virtio_net, an initramfs not read).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 python3 cpio gzip xz zstd lz4 bzip2
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
mkdir -p "$SCRATCH/root/boot/efi/aliyun_custom_image"
variant() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/root" "$SCRATCH/$1"; }
IRD=boot/initrd.img-$KVER
says() {
	python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["id"]=="drivers"][0]; assert sys.argv[2] in json.dumps(c), c' \
		"$SCRATCH/out.json" "$1" && ok "says: $1" || fail "drivers does not say: $1"
}

# every compression the kernel's initramfs readers are used with
for comp in cat gzip "xz --check=crc32" zstd "lz4 -l" lz4; do
	variant c
	make_initramfs "$SCRATCH/c/$IRD" "$comp" virtio_blk.ko virtio_pci.ko.zst
	check_tree c pass 0
	says "virtio_blk (the virtio disk): in the initramfs"
done
variant early
EARLY=1 make_initramfs "$SCRATCH/early/$IRD" zstd virtio_pci.ko.xz virtio_blk.ko.xz
check_tree early pass 0
says "initramfs: cpio+zstd"
# two compressed archives in one file (as some build tools append one)
variant twice
make_initramfs "$SCRATCH/twice/$IRD" gzip other.ko
make_initramfs "$SCRATCH/twice.2" xz virtio_blk.ko virtio_pci.ko
cat "$SCRATCH/twice.2" >>"$SCRATCH/twice/$IRD"
check_tree twice pass 0
says "initramfs: gzip+xz"

# built in: =y in config-VERSION, or listed in modules.builtin
variant cfg
make_initramfs "$SCRATCH/cfg/$IRD" gzip
sed -i 's/CONFIG_VIRTIO_BLK=m/CONFIG_VIRTIO_BLK=y/; s/CONFIG_VIRTIO_PCI=m/CONFIG_VIRTIO_PCI=y/' "$SCRATCH/cfg/boot/config-$KVER"
check_tree cfg pass 0
says "virtio_blk (the virtio disk): built in"
variant builtin
rm "$SCRATCH/builtin/boot/config-$KVER" "$SCRATCH/builtin/$IRD"
sed -i "s|initrd\t/boot/initrd.img-$KVER||" "$SCRATCH/builtin/boot/grub/grub.cfg"
printf 'kernel/drivers/block/virtio_blk.ko\nkernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/net/virtio_net.ko\n' \
	>"$SCRATCH/builtin/lib/modules/$KVER/modules.builtin"
check_tree builtin pass 0
says "no NVMe before the root"

# failures: each in an image
variant rootonly
make_initramfs "$SCRATCH/rootonly/$IRD" zstd virtio_pci.ko
make_image "$SCRATCH/d.img" dos vfat "$SCRATCH/rootonly" 2>/dev/null
run_check "virtio_blk only a module on the root" "$SCRATCH/d.img" fail 1 drivers
says "has virtio_blk neither built in nor in its initramfs"
variant nopci
make_initramfs "$SCRATCH/nopci/$IRD" gzip virtio_blk.ko
make_image "$SCRATCH/d.img" dos vfat "$SCRATCH/nopci" 2>/dev/null
run_check "virtio_pci missing before the root" "$SCRATCH/d.img" fail 1 drivers
variant noinitrd
rm "$SCRATCH/noinitrd/$IRD"
sed -i "s|initrd\t/boot/initrd.img-$KVER||" "$SCRATCH/noinitrd/boot/grub/grub.cfg"
make_image "$SCRATCH/d.img" gpt ext4 "$SCRATCH/noinitrd" 2>/dev/null
run_check "no initramfs, virtio_blk a module" "$SCRATCH/d.img" fail 1 drivers
rm -f "$SCRATCH/d.img"

# warnings
variant nonet
printf 'kernel/drivers/block/virtio_blk.ko.xz:\n' >"$SCRATCH/nonet/lib/modules/$KVER/modules.dep"
check_tree nonet pass 0 "" drivers
says "has no virtio_net"
variant bz
make_initramfs "$SCRATCH/bz/$IRD" bzip2 virtio_blk.ko virtio_pci.ko
check_tree bz pass 0 "" drivers
says "bzip2-compressed initramfs not read"
variant junk
head -c 4096 /dev/urandom | tr -d '\000' >"$SCRATCH/junk/$IRD"
check_tree junk pass 0 "" drivers
variant trunc
make_initramfs "$SCRATCH/trunc.ird" gzip virtio_blk.ko virtio_pci.ko
head -c 200 "$SCRATCH/trunc.ird" >"$SCRATCH/trunc/$IRD"
check_tree trunc pass 0 "" drivers
says "initramfs not fully read"
done_testing
