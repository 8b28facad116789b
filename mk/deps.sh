#!/bin/sh
# mk/deps.sh — install the Debian packages a make target needs (as root), or print the command.
# usage: mk/deps.sh build|check|fuzz|bench|pkg
set -eu
build="gcc make pkg-config libc6-dev libblkid-dev libcrypt-dev libext2fs-dev comerr-dev zlib1g-dev"
check="$build libcmocka-dev perl python3 iproute2 util-linux pamtester fdisk dosfstools mtools e2fsprogs xfsprogs
       ifupdown netplan.io network-manager python3-gi gir1.2-nm-1.0 dbus-daemon systemd qemu-system-x86 qemu-utils
       debootstrap busybox-static cpio kmod fusefat rpm dpkg-dev fakeroot valgrind man-db"
fuzz="$build clang libclang-rt-14-dev"
bench="$build valgrind hyperfine iproute2 util-linux time strace python3 fdisk dosfstools mtools e2fsprogs"
pkg="$build dpkg-dev fakeroot rpm"
eval "want=\$$1"
missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
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
