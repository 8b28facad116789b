#!/bin/bash
# tests/image/check-import.t — the import hints after the checks (text) and in --json: architecture
# from the root's ELF programs, boot mode, format, the virtual size rounded up to GiB, NVMe
# support, and the exact `aliyun ecs ImportImage` arguments (only those the image tells).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
variant() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/root" "$SCRATCH/$1"; }
CLI='aliyun ecs ImportImage --RegionId REGION --ImageName NAME --OSType linux --Platform "Customized Linux"'
# import JSON_FILE KEY=VALUE...: the import object has these values (VALUE None for null)
import() {
	local f=$1
	shift
	python3 - "$f" "$@" <<'PY' && ok "import: $*" || fail "import: $*"
import json, sys
imp = json.load(open(sys.argv[1]))["import"]
assert set(imp) == {"platform", "os_type", "architecture", "machine", "boot_mode", "format",
                    "disk_image_size_gib", "nvme_support", "notes", "cli"}, imp
assert imp["platform"] == "Customized Linux" and imp["os_type"] == "linux", imp
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    want = None if v == "None" else int(v) if v.isdigit() else v
    got = imp[k] if k != "note" else " ".join(imp["notes"])
    assert (want in got) if k in ("cli", "note") else got == want, (k, got, want)
PY
}

make_image "$SCRATCH/i.img" dos vfat "$SCRATCH/root" 6145M 2>/dev/null
run_check "raw image" "$SCRATCH/i.img" pass 0
import "$SCRATCH/out.json" architecture=x86_64 machine=x86-64 boot_mode=BIOS format=RAW disk_image_size_gib=7 \
	nvme_support=supported \
	"cli=$CLI --Architecture x86_64 --BootMode BIOS --Features.NvmeSupport supported --DiskDeviceMapping.1.OSSBucket BUCKET --DiskDeviceMapping.1.OSSObject OBJECT --DiskDeviceMapping.1.Format RAW --DiskDeviceMapping.1.DiskImageSize 7"
out=$("$OSCONF" image check "$SCRATCH/i.img")
grep -q '^Import (the console' <<<"$out" && grep -qF "  $CLI --Architecture x86_64" <<<"$out" &&
	[ "$(tail -1 <<<"$out" | cut -c1-7)" = "Result:" ] && ok "text: the hints after the checks, the result last" ||
	{ fail "text hints"; diag "$out"; }
if command -v qemu-img >/dev/null; then
	qemu-img convert -O qcow2 "$SCRATCH/i.img" "$SCRATCH/i.qcow2"
	run_check "qcow2" "$SCRATCH/i.qcow2" pass 0
	import "$SCRATCH/out.json" format=QCOW2 disk_image_size_gib=7
	rm -f "$SCRATCH/i.qcow2"
else
	skip "no qemu-img"
	skip "no qemu-img"
fi

# NVMe neither built in nor in the initramfs
variant nonvme
sed -i 's/CONFIG_BLK_DEV_NVME=y/CONFIG_BLK_DEV_NVME=m/' "$SCRATCH/nonvme/boot/config-$KVER"
: >"$SCRATCH/nonvme/lib/modules/$KVER/modules.builtin"
make_image "$SCRATCH/i.img" dos vfat "$SCRATCH/nonvme" 2>/dev/null
run_check "no NVMe driver before the root" "$SCRATCH/i.img" pass 0
import "$SCRATCH/out.json" nvme_support=unsupported "cli=--Features.NvmeSupport unsupported"

# BIOS and UEFI both: BIOS, with a note
make_image "$SCRATCH/i.img" gpt vfat "$SCRATCH/root" 2>/dev/null
mkdir -p "$SCRATCH/efi/EFI/BOOT" && printf 'MZ\n' >"$SCRATCH/efi/EFI/BOOT/BOOTX64.EFI"
mcopy -s -i "$SCRATCH/i.img@@$((P1_START * 512))" "$SCRATCH/efi/EFI" ::/
run_check "BIOS and UEFI" "$SCRATCH/i.img" pass 0
import "$SCRATCH/out.json" boot_mode=BIOS "note=BootMode UEFI works too"

# arm64: the root's programs are aarch64; an EFI loader, no MBR boot code
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	variant arm
	printf 'int main(void) { return 0; }\n' >"$SCRATCH/a.c"
	aarch64-linux-gnu-gcc -static -Os -s -o "$SCRATCH/a.out" "$SCRATCH/a.c"
	for f in usr/sbin/osconf usr/lib/systemd/systemd bin/sh usr/sbin/sshd; do cp "$SCRATCH/a.out" "$SCRATCH/arm/$f"; done
	make_image "$SCRATCH/i.img" gpt vfat "$SCRATCH/arm" 2>/dev/null
	dd if=/dev/zero of="$SCRATCH/i.img" bs=440 count=1 conv=notrunc status=none
	mv "$SCRATCH/efi/EFI/BOOT/BOOTX64.EFI" "$SCRATCH/efi/EFI/BOOT/BOOTAA64.EFI"
	mcopy -s -i "$SCRATCH/i.img@@$((P1_START * 512))" "$SCRATCH/efi/EFI" ::/
	run_check "arm64, UEFI" "$SCRATCH/i.img" pass 0
	import "$SCRATCH/out.json" architecture=arm64 machine=aarch64 boot_mode=UEFI "cli=--Architecture arm64 --BootMode UEFI"
else
	skip "no aarch64-linux-gnu-gcc"
	skip "no aarch64-linux-gnu-gcc"
fi
rm -f "$SCRATCH/i.img"

# a tree: no format, size or boot mode to tell, so none is printed
mkdir -p "$SCRATCH/root/boot/efi/aliyun_custom_image"
"$OSCONF" image check --root "$SCRATCH/root" --json >"$SCRATCH/tree.json"
import "$SCRATCH/tree.json" architecture=x86_64 boot_mode=None format=None disk_image_size_gib=None nvme_support=supported
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["import"]["cli"]; assert "Format" not in c and "BootMode" not in c and "DiskImageSize" not in c, c' \
	"$SCRATCH/tree.json" && ok "tree: the CLI has only what was found" || fail "tree CLI"
done_testing
