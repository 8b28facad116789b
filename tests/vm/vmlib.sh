# tests/vm/vmlib.sh — cached pieces for real-boot tests: Debian rootfs, kernel, initramfs, disk image.
# Source it; every function is bounded by timeout and shares one cache directory (flock'd):
#   $OSCONF_VM_CACHE (default /var/tmp/osconf-vm-cache).
# SPDX-License-Identifier: Apache-2.0
: "${OSCONF_VM_CACHE:=/var/tmp/osconf-vm-cache}"
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac
# The default suite (Debian 12); vm_rootfs/vm_prepare take another (bullseye, trixie) as a parameter.
VM_SUITE=bookworm
VM_MIRROR=${OSCONF_VM_MIRROR:-http://deb.debian.org/debian}
# The guest: systemd as PID 1 with udev and networkd (the networkd backend is detected from it);
# the sysvinit guest: sysvinit-core with ifupdown's networking script.
VM_PKGS="systemd,systemd-sysv,udev,iproute2,kmod"
VM_PKGS_SYSV="sysvinit-core,ifupdown,iproute2,kmod"
VM_MODULES_BASE="virtio_pci virtio_blk virtio_net ext4 vfat nls_cp437 nls_ascii nls_iso8859-1 nls_utf8"
# a test may add modules (VM_MODULES="$VM_MODULES_BASE xfs" before vm_prepare): its own cached initramfs
VM_MODULES=${VM_MODULES:-$VM_MODULES_BASE}
# The guests' Debian architecture: amd64, or arm64 (VM_ARCH=arm64 before vm_rootfs/vm_kernel: its
# rootfs is debootstrapped --foreign and finished inside a qemu-system-aarch64 guest, its kernel and
# busybox come from arm64 .debs).
VM_ARCH=${VM_ARCH:-amd64}

vm_log() { echo "# vm: $*" >&2; }

# vm_have_tools: every host tool the boot test needs is present (else prints the missing ones).
vm_have_tools() {
	_miss=""
	for t in qemu-system-x86_64 debootstrap sfdisk mkfs.vfat mkfs.ext4 mcopy mdir mdel cpio gzip \
		 depmod modprobe busybox apt-get dpkg-deb flock; do
		command -v "$t" >/dev/null 2>&1 || [ -x "/sbin/$t" ] || [ -x "/usr/sbin/$t" ] || _miss="$_miss $t"
	done
	[ -z "$_miss" ] || { echo "$_miss"; return 1; }
}

# vm_lock: serialise cache building between concurrent test runs (fd 9 held until the shell exits).
vm_lock() {
	mkdir -p "$OSCONF_VM_CACHE"
	exec 9>"$OSCONF_VM_CACHE/.lock"
	flock -w 900 9
}

# vm_rootfs [PKGS [SUITE]]: prints the path of a cached debootstrap rootfs (built once per suite
# and package list; default $VM_PKGS, systemd, and $VM_SUITE). vm_rootfs_path: where it is,
# without building it. vm_debootstrap_log SUITE: where the log of its last debootstrap is.
# VM_CACHED_ONLY=1: status 3 (and nothing built) when the rootfs is not cached yet.
vm_rootfs_path() {
	_key=$(printf '%s %s %s%s' "${2:-$VM_SUITE}" minbase "${1:-$VM_PKGS}" "${VM_ARCH#amd64}" | sha256sum | cut -c1-12)
	echo "$OSCONF_VM_CACHE/rootfs-$_key"
}
vm_debootstrap_log() { echo "$OSCONF_VM_CACHE/debootstrap-${1:-$VM_SUITE}$([ "$VM_ARCH" = amd64 ] || echo "-$VM_ARCH").log"; }
vm_rootfs() {
	_pkgs=${1:-$VM_PKGS} _suite=${2:-$VM_SUITE}
	_dir=$(vm_rootfs_path "$_pkgs" "$_suite") _dlog=$(vm_debootstrap_log "$_suite")
	if [ ! -e "$_dir/.complete" ] && [ -n "${VM_CACHED_ONLY:-}" ]; then
		vm_log "no cached rootfs $_dir (VM_CACHED_ONLY is set)"; return 3
	fi
	if [ ! -e "$_dir/.complete" ]; then
		vm_log "debootstrap $_suite ($_pkgs) into $_dir"
		rm -rf "$_dir" "$_dir.tmp"
		_foreign=; [ "$VM_ARCH" = amd64 ] || _foreign="--arch=$VM_ARCH --foreign"
		timeout 900 debootstrap $_foreign --variant=minbase --include="$_pkgs" "$_suite" "$_dir.tmp" \
			"$VM_MIRROR" >"$_dlog" 2>&1 || {
			vm_log "debootstrap failed, see $_dlog"; rm -rf "$_dir.tmp"; return 1; }
		[ -z "$_foreign" ] || vm_second_stage "$_dir.tmp" || { rm -rf "$_dir.tmp"; return 1; }
		rm -rf "$_dir.tmp/var/cache/apt/archives/"*.deb "$_dir.tmp/var/lib/apt/lists/"*_Packages
		mv "$_dir.tmp" "$_dir" && touch "$_dir/.complete"
	fi
	echo "$_dir"
}

# vm_second_stage DIR: debootstrap's second stage of the --foreign arm64 rootfs DIR, run inside a
# qemu-system-aarch64 guest (the host runs no arm64 program and gets no binfmt_misc entry): DIR
# becomes an ext4 disk, the guest (vm_initrd, then init=/osconf-second-stage) runs the second
# stage and writes the finished tree as a tar archive onto its second disk, which replaces DIR.
vm_second_stage() {
	local d=$1 disk=$1.ext4 tar=$1.tar log=$OSCONF_VM_CACHE/second-stage-$VM_ARCH.log t0 rc
	t0=$(date +%s)
	vm_kernel && vm_initrd || return 1
	cat >"$d/osconf-second-stage" <<'STAGE'
#!/bin/sh
# osconf-second-stage — PID 1 of the guest that finishes a --foreign debootstrap (tests/vm/vmlib.sh)
mount -t sysfs sysfs /sys   # (/proc is still the first stage's link: debootstrap makes and mounts it)
/debootstrap/debootstrap --second-stage
echo "SECOND-STAGE RC=$?"
rm -f /osconf-second-stage
umount /sys
tar --numeric-owner --xattrs --one-file-system --exclude='./proc/*' --exclude='./dev/*' -cf /dev/vdb -C / . &&
	echo "SECOND-STAGE TAR OK"
sync
mount -t proc proc /proc; echo o >/proc/sysrq-trigger   # debootstrap unmounted its /proc
STAGE
	chmod 755 "$d/osconf-second-stage"
	rm -f "$disk" "$tar" && truncate -s 4G "$disk" && truncate -s 3G "$tar" &&
		mkfs.ext4 -q -F -d "$d" "$disk" || return 1
	vm_log "debootstrap --second-stage in a qemu-system-aarch64 guest (log: $log)"
	timeout 5400 qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -accel tcg -m 2048 -smp 2 -nographic -no-reboot \
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" -append "console=ttyAMA0 panic=-1 root=/dev/vda init=/osconf-second-stage" \
		-drive file="$disk",format=raw,if=none,id=d0,cache=unsafe -device virtio-blk-pci,drive=d0 \
		-drive file="$tar",format=raw,if=none,id=d1,cache=unsafe -device virtio-blk-pci,drive=d1 \
		-nic none >"$log" 2>&1 </dev/null
	rc=1
	if grep -q '^SECOND-STAGE RC=0' "$log" && grep -q '^SECOND-STAGE TAR OK' "$log"; then
		rm -rf "$d" && mkdir "$d" && tar -xpf "$tar" --numeric-owner --xattrs -C "$d" && rc=0
	fi
	rm -f "$disk" "$tar"
	[ $rc = 0 ] && vm_log "second stage done in $(($(date +%s) - t0)) s" || vm_log "the second stage failed, see $log"
	return $rc
}

# vm_rootfs_openrc: the sysvinit rootfs with sysv-rc replaced by Debian's OpenRC (built once from
# it with dpkg in a chroot); prints its path.
vm_rootfs_openrc() {
	_base=$(vm_rootfs "$VM_PKGS_SYSV") || return 1
	_dir="$_base-openrc"
	if [ ! -e "$_dir/.complete" ]; then
		vm_log "OpenRC instead of sysv-rc in $_dir"
		rm -rf "$_dir" "$_dir.tmp" && cp -a "$_base" "$_dir.tmp" && rm -f "$_dir.tmp/.complete" || return 1
		mkdir -p "$_dir.tmp/tmp/openrc-debs"
		(cd "$_dir.tmp/tmp/openrc-debs" &&
			timeout 300 apt-get download -q -o APT::Sandbox::User=root openrc librc1 libeinfo1 >/dev/null) || return 1
		chroot "$_dir.tmp" sh -c 'dpkg --force-depends -P sysv-rc && dpkg -i /tmp/openrc-debs/*.deb' \
			>"$OSCONF_VM_CACHE/openrc.log" 2>&1 || { vm_log "see $OSCONF_VM_CACHE/openrc.log"; return 1; }
		rm -rf "$_dir.tmp/tmp/openrc-debs"
		mv "$_dir.tmp" "$_dir" && touch "$_dir/.complete"
	fi
	echo "$_dir"
}

# vm_rootfs_plus PKGS: the systemd rootfs with PKGS (space-separated) added by apt-get in a chroot
# (a private mount namespace with /proc and /dev; the host's resolv.conf for the mirror), built
# once; prints its path. For what debootstrap --include cannot order (python3 packages).
vm_rootfs_plus() {
	_base=$(vm_rootfs) || return 1
	_dir="$_base-plus-$(printf '%s' "$1" | sha256sum | cut -c1-8)"
	if [ ! -e "$_dir/.complete" ]; then
		vm_log "apt-get install $1 into $_dir"
		rm -rf "$_dir" "$_dir.tmp" && cp -a "$_base" "$_dir.tmp" && rm -f "$_dir.tmp/.complete" || return 1
		cp "$_dir.tmp/etc/resolv.conf" "$_dir.tmp/etc/resolv.conf.vm" 2>/dev/null || : >"$_dir.tmp/etc/resolv.conf.vm"
		cp -L /etc/resolv.conf "$_dir.tmp/etc/resolv.conf"
		timeout 900 unshare -m --propagation private sh -c 'mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" &&
			chroot "$1" apt-get update -q && DEBIAN_FRONTEND=noninteractive chroot "$1" apt-get install -q -y --no-install-recommends $2' \
			sh "$_dir.tmp" "$1" >"$OSCONF_VM_CACHE/plus.log" 2>&1 || { vm_log "see $OSCONF_VM_CACHE/plus.log"; return 1; }
		mv "$_dir.tmp/etc/resolv.conf.vm" "$_dir.tmp/etc/resolv.conf"
		rm -rf "$_dir.tmp/var/cache/apt/archives/"*.deb "$_dir.tmp/var/lib/apt/lists/"*_Packages
		mv "$_dir.tmp" "$_dir" && touch "$_dir/.complete"
	fi
	echo "$_dir"
}

# vm_kernel: extracts Debian's cloud kernel of $VM_ARCH; sets VM_KROOT (extracted tree), VM_KVER and
# VM_BUSYBOX (the host's busybox; for arm64, busybox-static's, extracted into the same tree).
vm_kernel() {
	_meta=linux-image-cloud-$VM_ARCH:$VM_ARCH _extra=; [ "$VM_ARCH" = amd64 ] || _extra=busybox-static:$VM_ARCH
	_pkg=$(apt-cache depends "$_meta" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
	if [ -z "$_pkg" ] && [ "$(id -u)" = 0 ]; then  # a fresh machine may have no package lists yet
		timeout 300 apt-get update -q >/dev/null 2>&1
		_pkg=$(apt-cache depends "$_meta" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
	fi
	[ -n "$_pkg" ] || { vm_log "no $_meta in apt (apt-get update?)"; return 1; }
	_pkg=${_pkg%:"$VM_ARCH"}
	VM_KVER=${_pkg#linux-image-}
	VM_KROOT="$OSCONF_VM_CACHE/kernel-$VM_KVER"
	if [ ! -e "$VM_KROOT/.complete" ]; then
		vm_log "apt-get download $_pkg $_extra"
		rm -rf "$VM_KROOT" && mkdir -p "$VM_KROOT/deb"
		(cd "$VM_KROOT/deb" && timeout 600 apt-get download -q -o APT::Sandbox::User=root "$_pkg:$VM_ARCH" $_extra >/dev/null) || return 1
		for _deb in "$VM_KROOT"/deb/*.deb; do dpkg-deb -x "$_deb" "$VM_KROOT" || return 1; done
		rm -rf "$VM_KROOT/deb"
		depmod -b "$VM_KROOT" "$VM_KVER" || return 1
		touch "$VM_KROOT/.complete"
	fi
	VM_KERNEL="$VM_KROOT/boot/vmlinuz-$VM_KVER"
	VM_BUSYBOX=$(command -v busybox); [ "$VM_ARCH" = amd64 ] || VM_BUSYBOX=$VM_KROOT/bin/busybox
}

# vm_initrd_modules DIR MODULE...: the kernel modules (with what they depend on) copied into the
# initramfs tree DIR, listed in load order in DIR/etc/modules (for its init's insmod loop).
vm_initrd_modules() {
	_im=$1; shift
	mkdir -p "$_im/etc" && : >"$_im/etc/modules"
	for m in "$@"; do
		modprobe -d "$VM_KROOT" -S "$VM_KVER" --show-depends "$m" | while read -r kw path _; do
			[ "$kw" = insmod ] || continue
			rel=${path#"$VM_KROOT"}
			mkdir -p "$_im$(dirname "$rel")"
			cp -n "$path" "$_im$rel"
			grep -qxF "$rel" "$_im/etc/modules" || echo "$rel" >>"$_im/etc/modules"
		done
	done
}

# vm_initrd: a busybox-static initramfs that loads the virtio, ext4 and vfat modules (they stay
# loaded for the real system, which has no /lib/modules) and switch_roots to root= and its init=
# (default /sbin/init). Sets VM_INITRD.
vm_initrd() {
	VM_INITRD="$OSCONF_VM_CACHE/initrd-$VM_KVER.cpio.gz"
	[ "$VM_MODULES" = "$VM_MODULES_BASE" ] ||
		VM_INITRD="$OSCONF_VM_CACHE/initrd-$VM_KVER-$(echo "$VM_MODULES" | sha256sum | cut -c1-8).cpio.gz"
	[ -s "$VM_INITRD" ] && return 0
	_st=$(mktemp -d "${TMPDIR:-/tmp}/osconf-initrd.XXXXXX")
	mkdir -p "$_st/bin" "$_st/dev" "$_st/proc" "$_st/sys" "$_st/newroot" "$_st/etc"
	cp "$VM_BUSYBOX" "$_st/bin/busybox"
	vm_initrd_modules "$_st" $VM_MODULES
	cat >"$_st/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
for ko in $(cat /etc/modules); do insmod "$ko" 2>/dev/null; done
for i in $(seq 100); do [ -b /dev/vda ] && break; sleep 0.1; done
root=; init=/sbin/init
for w in $(cat /proc/cmdline); do case $w in root=*) root=${w#root=};; init=*) init=${w#init=};; esac; done
case $root in LABEL=*|UUID=*) root=$(findfs "$root");; esac
mount -o rw "$root" /newroot || { echo "VM-INITRD: cannot mount '$root'"; poweroff -f; }
umount /proc /sys; mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot "$init"
INIT
	chmod +x "$_st/init"
	(cd "$_st" && find . | cpio -o -H newc --quiet | gzip -1) >"$VM_INITRD.tmp" && mv "$VM_INITRD.tmp" "$VM_INITRD"
	rm -rf "$_st"
}

# vm_mkimg OUT CONFDIR ROOTDIR: a sparse 6 GiB raw disk (dos label, gpt with VM_LABEL=gpt; the documents want > 5 GiB) — partition 1 FAT32 (label CUSTOMIMG,
# UUID 5EED-0001) holding CONFDIR's contents, partition 2 ext4 (label rootfs) made from ROOTDIR.
# Built without mounts or loop devices. Sets VM_P1_OFFSET (bytes) for mtools: -i "$OUT@@$VM_P1_OFFSET",
# and VM_P2_OFFSET for e2fsprogs: debugfs "$OUT?offset=$VM_P2_OFFSET".
vm_mkimg() {
	_out=$1 _conf=$2 _root=$3
	_p1s=2048 _p1n=$((128 * 2048)) _size_mb=${VM_DISK_MB:-6144}
	_p2s=$((_p1s + _p1n))
	rm -f "$_out" && truncate -s ${_size_mb}M "$_out"
	if [ "${VM_LABEL:-dos}" = gpt ]; then  # partition 1 "Microsoft basic data", GPT's backup in the last 33 sectors
		_p2n=$(( _size_mb * 2048 - _p2s - 2048 ))  # sfdisk ends partitions on a MiB
		printf 'label: gpt\nunit: sectors\nstart=%s, size=%s, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\nstart=%s, size=%s, type=linux\n' \
			$_p1s $_p1n $_p2s $_p2n | sfdisk -q "$_out" || return 1
	else
		printf 'label: dos\nlabel-id: 0x5eed0001\nunit: sectors\nstart=%s, size=%s, type=c\nstart=%s, type=83\n' \
			$_p1s $_p1n $_p2s | sfdisk -q "$_out" || return 1
		_p2n=$(( _size_mb * 2048 - _p2s ))
	fi
	mkfs.vfat -F 32 -s 1 -n CUSTOMIMG -i 5EED0001 --offset=$_p1s "$_out" $((_p1n / 2)) >/dev/null 2>&1 || return 1
	VM_P1_OFFSET=$((_p1s * 512))
	if [ -n "$(ls -A "$_conf")" ]; then
		mcopy -s -i "$_out@@$VM_P1_OFFSET" "$_conf"/* ::/ || return 1
	fi
	VM_P2_OFFSET=$((_p2s * 512))
	[ "${VM_ROOT_FS:-ext4}" = xfs ] && { vm_mkimg_xfs "$_out" "$_root" $_p2n; return; }
	mkfs.ext4 -q -F -L rootfs -U 5eed0002-0000-4000-8000-000000000002 -E offset=$VM_P2_OFFSET \
		-d "$_root" "$_out" $((_p2n / 2))k || return 1
}

# vm_mkimg_xfs OUT ROOTDIR SECTORS: partition 2 as XFS (VM_ROOT_FS=xfs), made in a file of its own,
# filled through a loop device mounted in a private mount namespace (both gone afterwards), and
# copied into OUT at VM_P2_OFFSET.
vm_mkimg_xfs() {
	local x=$1.xfs l m rc
	rm -f "$x" && truncate -s $(($3 * 512)) "$x" && mkfs.xfs -q -f -L rootfs "$x" || return 1
	l=$(losetup -f --show "$x") || return 1
	m=$(mktemp -d "${TMPDIR:-/tmp}/osconf-xfs.XXXXXX")
	unshare -m --propagation private sh -c 'mount -t xfs "$1" "$2" && cp -a "$3"/. "$2"/ && umount "$2"' sh "$l" "$m" "$2"
	rc=$?
	losetup -d "$l"; rmdir "$m"
	[ $rc = 0 ] && dd if="$x" of="$1" bs=1M seek=$((VM_P2_OFFSET / 1048576)) conv=sparse,notrunc status=none
	rc=$?
	rm -f "$x"
	return $rc
}

# vm_boot LOG DISK "APPEND" [TIMEOUT]: boots under TCG with one virtio NIC ($VM_MAC), serial on stdout.
VM_MAC=00:8c:fa:5e:14:23
vm_boot() {
	timeout "${4:-240}" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -nographic -no-reboot \
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" -append "console=ttyS0 panic=-1 root=LABEL=rootfs $3" \
		-drive file="$2",format=raw,if=virtio,cache=unsafe \
		-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,mac=$VM_MAC \
		>"$1" 2>&1 </dev/null
}

# The documents' VPC sample (tests/golden/cases/02-vpc.conf), with the MAC QEMU gives the NIC,
# and what a guest that applied it must show (its netmask is 255.255.255.0: /24).
VM_SAMPLE=$CASES/02-vpc.conf
vm_sample_conf() { sample 02-vpc eth0_mac_addr="$VM_MAC"; }
VM_HOSTNAME=$(conf_value "$VM_SAMPLE" hostname) VM_ADDR=$(conf_value "$VM_SAMPLE" eth0_ip_addr)/24
VM_GW=$(conf_value "$VM_SAMPLE" eth0_gateway) VM_DNS=$(conf_value "$VM_SAMPLE" dns_nameserver)
VM_PW=$(case_password 02-vpc)
# vm_probe_common: the start of a guest probe script (sh): the NIC found by $VM_MAC (a pattern:
# VM_PROBE_MAC, e.g. '*' for any, for an image booted with several MACs), host name,
# addresses, routes, nameservers and which test password root's hash verifies (crypt(3) in the
# guest, through perl: the sample's, or boot.t's second one; VM_PROBE_PASSWORDS: only those), each
# as a "VMR key=value" or "VMR key value" line on the console.
vm_probe_common() {
	sed "s/@PASSWORDS@/${VM_PROBE_PASSWORDS:-$VM_PW N3w-pass.2}/; s/@MAC@/${VM_PROBE_MAC:-$VM_MAC}/" <<'EOF'
#!/bin/sh
# vm-report — boot-test probe: print the configured state on the serial console, then power off.
nic=$(for n in /sys/class/net/*; do [ "${n##*/}" = lo ] || case "$(cat $n/address)" in @MAC@) echo ${n##*/} ;; esac; done)
i=0; while [ $i -lt 30 ] && ! ip -4 -o addr show dev "$nic" | grep -q inet; do sleep 0.5; i=$((i+1)); done
echo "VMR nic=$nic"
echo "VMR hostname=$(hostname)"
echo "VMR etc_hostname=$(cat /etc/hostname)"
ip -4 -o addr show dev "$nic" | awk '{print "VMR addr " $4}'
ip -4 route show | sed 's/^/VMR route /'
grep '^nameserver' /etc/resolv.conf | sed 's/^/VMR resolv /'
for pw in @PASSWORDS@; do
	perl -e '$h = (getpwnam("root"))[1]; exit(crypt($ARGV[0], $h) eq $h ? 0 : 1)' "$pw" && echo "VMR password=$pw"
done
EOF
}

# vm_run NAME APPEND: boots $IMG, keeps the serial log in $SCRATCH/NAME.log and its VMR lines in
# $SCRATCH/NAME.vmr; fails when the report did not end with "VMR END".
vm_run() {
	_t0=$(date +%s)
	vm_boot "$SCRATCH/$1.log" "$IMG" "quiet $2" "${BOOT_TIMEOUT:-150}"
	_rc=$?
	tr -d '\r' <"$SCRATCH/$1.log" | sed -n 's/^.*\(VMR .*\)$/\1/p' >"$SCRATCH/$1.vmr"
	diag "$1: qemu exit $_rc after $(($(date +%s) - _t0)) s"
	[ -z "${OSCONF_VM_KEEP:-}" ] || { mkdir -p "$OSCONF_VM_KEEP" && cp "$SCRATCH/$1.log" "$OSCONF_VM_KEEP/"; }
	grep -qx 'VMR END' "$SCRATCH/$1.vmr"
}
vm_val() { sed -n "s/^VMR $2=//p" "$SCRATCH/$1.vmr" | head -1; }
vm_has() { grep -qxF "VMR $2" "$SCRATCH/$1.vmr"; }
# vm_show_log NAME: the end of the serial log as diagnostics (OSCONF_VM_KEEP=DIR keeps every log).
vm_show_log() { diag "$(tr -d '\r' <"$SCRATCH/$1.log" | grep -v '^\s*$' | tail -40)"; }
# vm_p1_ls: partition 1's aliyun_custom_image/ listing, read from the image file (fails when absent)
vm_p1_ls() { mdir -i "$IMG@@$VM_P1_OFFSET" ::/aliyun_custom_image 2>&1; }
# vm_check_settings NAME NIC HOSTNAME ADDR GW "DNS…": the report shows the settings os.conf asked for
# (the sample's: eth0 "$VM_HOSTNAME" "$VM_ADDR" "$VM_GW" "$VM_DNS").
vm_check_settings() {
	local n=$1 nic=$2 want_dns
	check "$n: hostname $3 (live)" test "$(vm_val "$n" hostname)" = "$3"
	check "$n: /etc/hostname $3" test "$(vm_val "$n" etc_hostname)" = "$3"
	check "$n: $nic has $4" vm_has "$n" "addr $4"
	check "$n: default route via $5 on $nic" grep -qE "^VMR route default via $5 dev $nic( |\$)" "$SCRATCH/$n.vmr"
	check "$n: exactly one default route" test "$(grep -c '^VMR route default' "$SCRATCH/$n.vmr")" = 1
	want_dns=$(for d in $6; do echo "VMR resolv nameserver $d"; done)
	check "$n: resolv.conf nameservers $6" test "$(grep '^VMR resolv' "$SCRATCH/$n.vmr")" = "$want_dns"
}
# vm_check_p1 NAME: after power-off, from the image file: os.conf gone, the directory kept
vm_check_p1() {
	if _ls=$(vm_p1_ls) && ! echo "$_ls" | grep -qiE '^os +conf|os\.conf'; then ok "$1: os.conf removed from partition 1, aliyun_custom_image/ kept"
	else fail "$1: os.conf removed from partition 1, aliyun_custom_image/ kept"; diag "mdir: $_ls"; fi
}

# vm_prepare_host: for a boot test (after tap.sh): skip_all with the reason when it cannot run here,
# else a scratch directory, START, BOOT_TIMEOUT, and the cached kernel and initramfs.
vm_prepare_host() {
	need_root
	if ! _miss=$(vm_have_tools); then
		skip_all "real-boot test needs:$_miss (Debian: apt-get install qemu-system-x86 debootstrap fdisk dosfstools mtools e2fsprogs busybox-static cpio kmod)"
	fi
	[ -x "$OSCONF" ] || skip_all "build/osconf not built"
	[ -z "${OSCONF_SKIP_VM:-}" ] || skip_all "OSCONF_SKIP_VM is set"
	scratch
	START=$(date +%s)
	BOOT_TIMEOUT=${OSCONF_VM_BOOT_TIMEOUT:-150}
	vm_lock || skip_all "cannot lock $OSCONF_VM_CACHE"
	vm_kernel || skip_all "cannot download/extract linux-image-cloud-amd64 (apt-get update?)"
	vm_initrd || skip_all "cannot build the initramfs"
	exec 9>&-
}
# vm_suite_rootfs [PKGS [SUITE]]: sets ROOTFS to the cached rootfs (built under the cache lock);
# fails with the reason in VM_WHY.
vm_suite_rootfs() {
	vm_lock || { VM_WHY="cannot lock $OSCONF_VM_CACHE"; return 1; }
	ROOTFS=$(vm_rootfs "$@")
	_rc=$?
	exec 9>&-
	VM_WHY="debootstrap of Debian ${2:-$VM_SUITE} failed (network?); see $(vm_debootstrap_log "${2:-}")"
	return $_rc
}
# vm_prepare [PKGS [SUITE]]: vm_prepare_host, then the cached ROOTFS (else skip_all).
vm_prepare() {
	vm_prepare_host
	vm_suite_rootfs "$@" || skip_all "$VM_WHY"
	diag "cache ready after $(($(date +%s) - START)) s (rootfs $ROOTFS, kernel $VM_KVER)"
}
