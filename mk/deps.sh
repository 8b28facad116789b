#!/bin/sh
# mk/deps.sh — install the Debian packages a make target needs (as root), or print the command.
# usage: mk/deps.sh build|check|fuzz|bench|bench-boot|pkg|image|arm64
# arm64 (also part of check): the cross compiler, qemu-aarch64 and the arm64 libraries. The -dev
# packages that are co-installable with their amd64 twins come from apt (:arm64); the others
# (installing them would remove or upgrade amd64 packages) are unpacked from their arm64 .debs
# into $ARM64_SYSROOT (build-arm64/sysroot), static archives and headers only.
# SPDX-License-Identifier: Apache-2.0
set -eu
build="gcc make pkg-config libc6-dev libblkid-dev libcrypt-dev libext2fs-dev comerr-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev"
check="$build libcmocka-dev perl python3 iproute2 util-linux pamtester fdisk dosfstools mtools e2fsprogs xfsprogs lvm2 btrfs-progs
       ifupdown netplan.io network-manager python3-gi gir1.2-nm-1.0 dbus-daemon systemd qemu-system-x86 qemu-utils
       debootstrap busybox-static cpio kmod fusefat rpm dpkg-dev fakeroot valgrind man-db python3-seccomp
       grub-pc-bin grub-efi-amd64-bin ovmf openssh-client qemu-system-arm qemu-efi-aarch64"
fuzz="$build clang libclang-rt-14-dev"
bench="$build valgrind hyperfine iproute2 util-linux time strace python3 passwd fdisk dosfstools mtools e2fsprogs xfsprogs lvm2 qemu-utils"
bench_boot="$build python3 perl fdisk dosfstools mtools e2fsprogs qemu-system-x86 debootstrap busybox-static cpio kmod"
pkg="$build dpkg-dev fakeroot rpm"
# make image (mk/image.sh) and `image try` (qemu, qemu-img, OVMF for UEFI images, ssh as the judge;
# qemu-system-aarch64 and AAVMF for arm64 images)
image="$build debootstrap fdisk dosfstools mtools e2fsprogs grub-pc-bin grub-efi-amd64-bin qemu-system-x86 qemu-utils ovmf openssh-client python3
       qemu-system-arm qemu-efi-aarch64"
cross="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libcrypt-dev:arm64 libcmocka-dev:arm64"
arm64_sysroot="libblkid-dev uuid-dev libext2fs-dev comerr-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev"
arm64="$build file $cross"
check="$check file $cross"
eval "want=\$$(echo "$1" | tr - _)"
sysroot=${ARM64_SYSROOT:-build-arm64/sysroot}
root=false; [ "$(id -u)" = 0 ] && root=true

# the arm64 packages need the architecture in dpkg and in apt's lists
case $1 in check|arm64)
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		if $root; then
			echo "mk/deps.sh: adding the arm64 architecture" >&2
			dpkg --add-architecture arm64 && apt-get update -q >&2
		else
			echo "mk/deps.sh: arm64 is not a dpkg architecture here; run as root:" >&2
			echo "  dpkg --add-architecture arm64 && apt-get update" >&2
			[ "$1" = check ] && exit 0   # the arm64 test skips with a reason
			exit 1
		fi
	fi ;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in *" installed") ;; *) missing="$missing $p" ;; esac
done
if [ -n "$missing" ]; then
	if $root; then
		echo "mk/deps.sh: installing:$missing" >&2
		export DEBIAN_FRONTEND=noninteractive
		if ! apt-get install -y -q --no-install-recommends $missing >&2; then
			apt-get update -q >&2
			apt-get install -y -q --no-install-recommends $missing >&2
		fi
	else
		echo "mk/deps.sh: missing Debian packages; run as root:" >&2
		echo "  apt-get install -y$missing" >&2
		[ "$1" = check ] && exit 0   # tests that need them skip with a reason
		exit 1
	fi
fi

# the sysroot: redone when the candidate versions change (its stamp lists PACKAGE=VERSION);
# apt-cache takes seconds, so it is asked only when apt's lists are newer than the stamp
case $1 in check|arm64) ;; *) exit 0 ;; esac
stamp=$sysroot/.complete
if [ -e "$stamp" ] && [ -z "$(find /var/lib/apt/lists -maxdepth 1 -newer "$stamp" -name '*arm64_Packages*' 2>/dev/null)" ] &&
	[ "$(sed 's/=[^ ]*//g' "$stamp")" = "$(for p in $arm64_sysroot; do printf ' %s' "$p"; done)" ]; then
	exit 0
fi
want=$(apt-cache policy $(for p in $arm64_sysroot; do echo "$p:arm64"; done) 2>/dev/null |
	awk '/^[^ ]/ { p = $1; sub(/:arm64:$/, "", p) } /^ *Candidate: / && $2 != "(none)" { printf " %s=%s", p, $2 }')
for p in $arm64_sysroot; do
	case "$want " in *" $p="*) ;; *) echo "mk/deps.sh: no arm64 package $p in apt's lists (apt-get update?)" >&2; exit 1 ;; esac
done
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then touch "$stamp"; exit 0; fi
echo "mk/deps.sh: unpacking into $sysroot:$want" >&2
rm -rf "$sysroot" && mkdir -p "$sysroot/debs"
# apt-get download is fine without root; as root, keep apt from dropping to _apt for the download
(cd "$sysroot/debs" && apt-get download -q -o APT::Sandbox::User=root \
	$(for p in $want; do echo "${p%%=*}:arm64=${p#*=}"; done) >&2)
for d in "$sysroot"/debs/*.deb; do dpkg-deb -x "$d" "$sysroot"; done
rm -rf "$sysroot/debs" "$sysroot/usr/share" "$sysroot/usr/bin"
# static archives only (the .so links point at runtime packages that are not unpacked), and .pc
# files whose prefix is the sysroot, so pkg-config hands the compiler -I/-L inside it
lib="$sysroot/usr/lib/aarch64-linux-gnu"
find "$lib" -name '*.so' -delete
abs=$(cd "$sysroot" && pwd)
sed -i "s|=/usr\$|=$abs/usr|; s|=/usr/|=$abs/usr/|; s| -\([IL]\)/usr/| -\1$abs/usr/|g" "$lib"/pkgconfig/*.pc
echo "$want" > "$stamp"
