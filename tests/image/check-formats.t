#!/bin/bash
# tests/image/check-formats.t — `osconf image check` reads qcow2, VHD (fixed, dynamic) and VMDK
# made by qemu-img: virtual size from the header, partitions and files through the block map.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 qemu-img python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
make_image "$SCRATCH/pass.img" dos vfat "$SCRATCH/root" 2>/dev/null
cp -a "$SCRATCH/root" "$SCRATCH/pw"
printf 'root:$6$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstu:19700:0:99999:7:::\n' >"$SCRATCH/pw/etc/shadow"
make_image "$SCRATCH/pw.img" gpt ext4 "$SCRATCH/pw" 2>/dev/null
make_image "$SCRATCH/small.img" dos vfat "$SCRATCH/root" 4G 2>/dev/null

# format_is FORMAT DETAIL: the last JSON output names the container
format_is() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (d["format"], d["format_detail"]) == (sys.argv[2], sys.argv[3]), d["format_detail"]' \
		"$SCRATCH/out.json" "$1" "$2"
}

for f in "qcow2::qcow2:v3" "qcow2:-o compat=0.10:qcow2:v2" "qcow2:-c:qcow2:v3" \
	"vpc:-o subformat=fixed:vhd:fixed" "vpc:-o subformat=dynamic:vhd:dynamic" \
	"vmdk::vmdk:monolithicSparse" "vmdk:-o subformat=streamOptimized:vmdk:streamOptimized"; do
	IFS=: read -r fmt opts name detail <<<"$f"
	conv="$SCRATCH/img.$fmt.$detail"
	qemu-img convert -O "$fmt" $opts "$SCRATCH/pass.img" "$conv"
	run_check "$name $detail: passing image passes" "$conv" pass 0
	format_is "$name" "$detail" && ok "$name $detail: format named" || fail "$name $detail: format"
	qemu-img convert -O "$fmt" $opts "$SCRATCH/pw.img" "$conv"
	run_check "$name $detail: default password found through the block map" "$conv" fail 1 root-password
	qemu-img convert -O "$fmt" $opts "$SCRATCH/small.img" "$conv"
	run_check "$name $detail: 4 GiB virtual size from the header" "$conv" fail 1 virtual-size
	rm -f "$conv"
done

# logical partitions: libblkid follows the EBR chain, also through the qcow2 block map
truncate -s 6G "$SCRATCH/logical.img"
printf 'label: dos\nunit: sectors\nstart=2048, size=131072, type=c\nstart=133120, size=1048576, type=5\nstart=135168, size=131072, type=83\nstart=268288, size=131072, type=83\n' |
	sfdisk -q "$SCRATCH/logical.img"
mbr_boot_code "$SCRATCH/logical.img"
mkfs.vfat -F 32 -s 1 -n CUSTOMIMG --offset=2048 "$SCRATCH/logical.img" 65536 >/dev/null 2>&1
mkdir -p "$SCRATCH/c/aliyun_custom_image"
mcopy -s -i "$SCRATCH/logical.img@@$((2048 * 512))" "$SCRATCH/c/aliyun_custom_image" ::/
mkfs.ext4 -q -F -U $ROOT_UUID -E offset=$((268288 * 512)) -d "$SCRATCH/root" "$SCRATCH/logical.img" 65536k 2>/dev/null
qemu-img convert -O qcow2 "$SCRATCH/logical.img" "$SCRATCH/logical.qcow2"
for img in logical.img logical.qcow2; do
	run_check "$img: root on logical partition 6" "$SCRATCH/$img" pass 0
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["root"]["partition"] == 6 and [p["number"] for p in d["partitions"]] == [1, 2, 5, 6] and d["partitions"][1]["extended"], d["partitions"]' \
		"$SCRATCH/out.json" && ok "$img: partitions 1 2 5 6, root 6" || fail "$img: logical partitions"
done
rm -f "$SCRATCH"/logical.*

# a container whose contents are not read is said clearly: warnings, never a pass
if qemu-img convert -c -O qcow2 -o compression_type=zstd "$SCRATCH/pass.img" "$SCRATCH/zstd.qcow2" 2>/dev/null; then
	run_check "zstd-compressed qcow2: contents not inspected, warnings" "$SCRATCH/zstd.qcow2" pass 0 "" \
		format,partition-table,partition-1,partition-1-writable,custom-dir,root-fs,$ROOT_CHECKS
	grep -q 'contents not inspected' "$SCRATCH/out.json" && ok "format says contents not inspected" || fail "not inspected"
else
	skip "qemu-img without zstd"
	skip "qemu-img without zstd"
fi

# images that are not one standalone file fail
qemu-img convert -O vmdk -o subformat=monolithicFlat "$SCRATCH/pass.img" "$SCRATCH/flat.vmdk"
run_check "VMDK descriptor with a separate extent fails" "$SCRATCH/flat.vmdk" fail 1 format "*"
rm -f "$SCRATCH"/flat*.vmdk
qemu-img create -q -f qcow2 -b "$SCRATCH/pass.img" -F raw "$SCRATCH/overlay.qcow2"
run_check "qcow2 with a backing file fails" "$SCRATCH/overlay.qcow2" fail 1 format "*"
done_testing
