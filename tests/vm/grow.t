#!/bin/bash
# tests/vm/grow.t — the root grows to fill its disk: a 6 GiB image (MBR, then GPT) whose disk file is
# enlarged to 10 GiB before the boot; afterwards / fills it, a second boot changes nothing, a disk
# enlarged again grows again. Real boots under QEMU (TCG) with boot.t's kernel and image.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
. "$(dirname "$0")/systemd.sh"
vm_prepare
APPEND="net.ifnames=0" PARTITION_MOUNTED=""
# a loaded machine (make check runs the VM tests side by side) can double a boot's time
BOOT_TIMEOUT=$((BOOT_TIMEOUT * 2))

# what the guest reports besides boot.t's lines: the kernel's sizes, ext4's block count, the
# status record's grow object, what `osconf plan` says now
VM_REPORT_EXTRA=$SCRATCH/report-extra
cat >"$VM_REPORT_EXTRA" <<'EOF'
#!/bin/sh
echo "VMR part_sectors=$(cat /sys/class/block/vda2/size)"
echo "VMR disk_sectors=$(cat /sys/class/block/vda/size)"
echo "VMR fs_bytes=$(dumpe2fs -h /dev/vda2 2>/dev/null | awk -F: '/^Block count/{c=$2} /^Block size/{s=$2} END{printf "%.0f\n", c*s}')"
echo "VMR df_kb=$(df -k / | awk 'NR==2{print $2}')"
grep -o '"grow":{[^}]*}' /var/lib/osconf/last-result.json 2>&1 | sed 's/^/VMR growstatus /'
grep -o '"time":[0-9]*,"result":"[^"]*"' /var/lib/osconf/last-result.json 2>&1 | sed 's/^/VMR record=/'
osconf plan 2>&1 | grep '^grow' | sed 's/^/VMR plan /'
EOF
export VM_REPORT_EXTRA

# grown NAME DISK_MIB LAST_SECTOR_OFFSET: the partition ends LAST_SECTOR_OFFSET sectors before the
# disk's end (1 for MBR, 34 for GPT) and ext4 fills it to the last 4 KiB block
grown() {
	local n=$1 want=$(($2 * 2048 - 264192 - $3 + 1))
	local part=$(vm_val $n part_sectors) fs=$(vm_val $n fs_bytes)
	check "$n: the kernel sees the disk's $2 MiB" test "$(vm_val $n disk_sectors)" = $(($2 * 2048))
	check "$n: partition 2 fills the disk ($want sectors)" test "$part" = "$want"
	check "$n: ext4 fills partition 2 ($fs bytes)" test -n "$fs" -a "$((want * 512 - ${fs:-0}))" -ge 0 -a "$((want * 512 - ${fs:-0}))" -lt 4096
	diag "$n: df / $(vm_val $n df_kb) KiB"
}
# boot_bare NAME: a boot without os.conf (the first one removed it)
boot_bare() {
	if vm_run "$1" "$APPEND"; then ok "$1: booted and reported"; else fail "$1: booted and reported"; vm_show_log "$1"; return 1; fi
	check "$1: osconf exited 0" test "$(vm_val "$1" osconf_status)" = 0
}

for label in ${OSCONF_VM_GROW_LABELS:-dos gpt}; do  # (one of them: to debug)
	export VM_LABEL=$label
	IMG=$SCRATCH/disk-$label.img
	vm_systemd_build $label || continue
	truncate -s 10G "$IMG"
	# boot 1: os.conf is applied as ever, and the root grows first
	vm_systemd_check "$label-boot1" eth0 "$VM_HOSTNAME" "$VM_ADDR" "$VM_GW" "$VM_DNS" "$VM_PW"
	grown $label-boot1 10240 $([ $label = gpt ] && echo 34 || echo 1)
	check "$label-boot1: the journal says what grew" grep -q "^VMR journal osconf: grow: ext4 on vda2; $label partition 2 of vda: sectors 264192-" "$SCRATCH/$label-boot1.vmr"
	check "$label-boot1: status record: grown" grep -q '^VMR growstatus "grow":{"state":"grown","detail":"ext4 on vda2; ' "$SCRATCH/$label-boot1.vmr"
	check "$label-boot1: sfdisk finds the table sound" sfdisk -V "$IMG"
	if [ $label = gpt ]; then
		check "gpt: the backup header is at the disk's end" sh -c "sfdisk -d '$IMG' | grep -qx 'last-lba: $((10240 * 2048 - 34))'"
		rm -f "$IMG"
		continue # the second and third boots are the same code for either label
	fi
	# boot 2: nothing to grow, nothing written
	boot_bare $label-boot2 || continue
	grown $label-boot2 10240 1
	check "$label-boot2: the journal says nothing to grow" grep -q '^VMR journal osconf: grow: nothing to grow (partition 2 of vda ends at the end of the disk)' "$SCRATCH/$label-boot2.vmr"
	check "$label-boot2: no status record written (no os.conf, nothing grown)" test "$(vm_val $label-boot2 record)" = "$(vm_val $label-boot1 record)"
	check "$label-boot2: osconf plan: nothing to grow" grep -q '^VMR plan grow: nothing to grow' "$SCRATCH/$label-boot2.vmr"
	# boot 3: the disk enlarged again (12 GiB): grows again
	truncate -s 12G "$IMG"
	boot_bare $label-boot3 || continue
	grown $label-boot3 12288 1
	check "$label-boot3: status record: grown without an os.conf" grep -q '^VMR growstatus "grow":{"state":"grown"' "$SCRATCH/$label-boot3.vmr"
	check "$label-boot3: ... a record of its own" grep -q '^VMR record="time":[0-9]*,"result":"no-conf"' "$SCRATCH/$label-boot3.vmr"
	check "$label-boot3: sfdisk finds the table sound" sfdisk -V "$IMG"
	[ "$TAP_FAILED" = 0 ] || diag "$(cat "$SCRATCH/$label-boot3.vmr")"
	rm -f "$IMG"
done
diag "grow test took $(($(date +%s) - START)) s"
done_testing
