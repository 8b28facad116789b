#!/bin/bash
# tests/locate/vm-vfat.t — osconf's own vfat mount, where the host kernel has no vfat: a busybox
# initramfs under QEMU (TCG) with two disks. vda (dos): partition 1 FAT32, partition 2 ext4 holding
# the target root, no /etc/osconf.conf → "partition 1 of the disk holding /". vdb (gpt): partition 1
# FAT32 found by LABEL= from the initramfs root's /etc/osconf.conf. Both mounted privately by osconf
# (vfat, umask=077), applied, os.conf removed (checked on the images afterwards), nothing left mounted.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/lib.sh"
VMLIB=$OSCONF_SRC/tests/vm/vmlib.sh
[ -f "$VMLIB" ] || skip_all "needs tests/vm/vmlib.sh (kernel cache of the boot tests)"
. "$VMLIB"
for c in qemu-system-x86_64 busybox cpio gzip modprobe mkfs.vfat mcopy mdir ldd; do
	command -v $c >/dev/null || skip_all "$c missing (mk/deps.sh check installs it)"
done
[ -n "${OSCONF_SKIP_VM:-}" ] && skip_all "OSCONF_SKIP_VM is set"
vm_lock || skip_all "cannot lock $OSCONF_VM_CACHE"
vm_kernel || skip_all "cannot download/extract linux-image-cloud-amd64 (apt-get update?)"
exec 9>&-

C=$SCRATCH/conf I=$SCRATCH/initrd
confdir "$C"
# vda: dos, FAT32 partition 1, ext4 partition 2 = the target root (CentOS 7 fixture)
mkimg "$SCRATCH/a.img" dos vfat "$C"
newroot "$SCRATCH/rootA"
mkfs.ext4 -q -F -E offset=$(((P1_START + P1_SECTORS) * 512)) -d "$SCRATCH/rootA" "$SCRATCH/a.img" 40960k
# vdb: gpt, FAT32 partition 1, recorded by label in the initramfs's /scratch/etc/osconf.conf
mkimg "$SCRATCH/b.img" gpt vfat "$C"
LABEL_B=$LABEL

mkdir -p "$I/bin" "$I/dev" "$I/proc" "$I/sys" "$I/run" "$I/newroot" "$I/etc" "$I/scratch"
cp "$(command -v busybox)" "$I/bin/busybox"
cp "$OSCONF" "$I/bin/osconf"
for l in $(ldd "$OSCONF" | grep -o '/[^ ]*'); do mkdir -p "$I$(dirname "$l")"; cp -L "$l" "$I$l"; done
vm_initrd_modules "$I" virtio_pci virtio_blk vfat nls_cp437 nls_ascii nls_utf8 ext4
newroot "$I/scratch"
echo "partition=LABEL=$LABEL_B" >"$I/scratch/etc/osconf.conf"
cat >"$I/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
for ko in $(cat /etc/modules); do insmod "$ko" 2>/dev/null; done
for i in $(seq 100); do [ -b /dev/vda2 ] && [ -b /dev/vdb1 ] && break; sleep 0.1; done
mount -t ext4 /dev/vda2 /newroot
for r in /newroot /scratch; do
	osconf locate --root $r >/run/out 2>&1; echo "VMT $r locate_rc=$?"; sed "s|^|VMT $r |" /run/out
	osconf apply --root $r --no-live >/run/out 2>&1; echo "VMT $r apply_rc=$?"; sed "s|^|VMT $r |" /run/out
	echo "VMT $r hostname=$(cat $r/etc/hostname)"
done
umount /newroot
echo "VMT leftovers=$(ls /run/osconf | wc -l) mounts=$(grep -c ' /dev/vd' /proc/self/mountinfo)"
echo "VMT END"
poweroff -f
INIT
chmod +x "$I/init"
(cd "$I" && find . | cpio -o -H newc --quiet | gzip -1) >"$SCRATCH/initrd.gz"

LOG=$SCRATCH/vm.log
timeout 180 qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic -no-reboot \
	-kernel "$VM_KERNEL" -initrd "$SCRATCH/initrd.gz" -append "console=ttyS0 panic=-1 quiet" \
	-drive file="$SCRATCH/a.img",format=raw,if=virtio,cache=unsafe \
	-drive file="$SCRATCH/b.img",format=raw,if=virtio,cache=unsafe >"$LOG" 2>&1 </dev/null
grep -q "VMT END" "$LOG" && ok "the guest ran to the end" || { fail "the guest ran to the end"; diag "$(tail -40 "$LOG")"; }
vmt() { grep -a "^VMT $1" "$LOG" | tr -d '\r'; }
expect() { if vmt "$2" | grep -Eq -- "$3"; then ok "$1"; else fail "$1"; diag "$(vmt "$2")"; fi; }

expect "vda: partition 1 of the disk holding the root" "/newroot" "found by: +partition 1 of vda, the disk holding /"
expect "vda: vfat, mounted privately by osconf" "/newroot" "fs: +vfat"
expect "vda: ... with umask=077" "/newroot" "mounted it privately on /run/osconf/mnt\.[^ ]+ \(nosuid,nodev,noexec,umask=077"
expect "vda: apply exit 0" "/newroot apply_rc" "apply_rc=0"
expect "vda: settings applied" "/newroot hostname" "hostname=iZ23r29djmjZ"
expect "vdb: found by LABEL" "/scratch" "found by: +LABEL=$LABEL_B from /etc/osconf.conf"
expect "vdb: apply exit 0" "/scratch apply_rc" "apply_rc=0"
expect "vdb: os.conf removed" "/scratch" "removed /run/osconf/mnt\..*/aliyun_custom_image/os.conf"
expect "nothing left mounted or in /run/osconf" "leftovers" "leftovers=0 mounts=0"
for d in a b; do
	out=$(mdir -i "$SCRATCH/$d.img@@$((P1_START * 512))" ::/aliyun_custom_image 2>&1)
	if echo "$out" | grep -q "Directory for ::/aliyun_custom_image" && ! echo "$out" | grep -q 'os\.conf'; then
		ok "$d.img: os.conf gone from partition 1, directory kept"
	else
		fail "$d.img: os.conf gone from partition 1, directory kept"; diag "$out"
	fi
done
done_testing
