#!/bin/bash
# tests/grow/plan-tree.t — `osconf plan --root` on a real image tree: a partitioned disk image on a loop
# device (root partition mounted read-only in a private mount namespace) shows the growth a boot
# would make (sizes) and the identity reset (host keys, machine-id, random seed) for an os.conf with
# other MACs than the recorded instance, and changes nothing on the image; a disk with nothing to
# grow and the same MACs says so; a sysvinit image's reset names osconf's host key script.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/fixtures.sh"
need_root
PATH=$PATH:/sbin:/usr/sbin
for t in losetup partx sfdisk mkfs.ext4 unshare python3; do
	command -v $t >/dev/null || skip_all "needs $t"
done
unshare --mount --propagation private true 2>/dev/null || skip_all "cannot unshare a mount namespace"
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
scratch
LOOPS=""
trap 'for l in $LOOPS; do losetup -d "$l" 2>/dev/null; done; rm -rf "$SCRATCH"' EXIT
MAC_IMAGE=00:16:3e:00:00:01   # the instance the image was made from
MAC=$FIXTURE_MAC0             # the new instance os.conf describes

# the image's root: Debian with systemd and osconf installed, sshd with osconf's keygen unit, the
# keys, machine-id and random seed of the instance it was made from
R=$SCRATCH/rootfs
mkroot debian "$R"
mkdir -p "$R/sbin" "$R/lib/systemd" "$R/usr/sbin" "$R/etc/ssh" "$R/var/lib/systemd" "$R/var/lib/osconf"
: >"$R/lib/systemd/systemd" && ln -s /lib/systemd/systemd "$R/sbin/init" && : >"$R/usr/sbin/sshd"
for k in ed25519 rsa; do printf 'key\n' >"$R/etc/ssh/ssh_host_${k}_key" && printf 'pub\n' >"$R/etc/ssh/ssh_host_${k}_key.pub"; done
printf '0123456789abcdef0123456789abcdef\n' >"$R/etc/machine-id"
printf 'seed' >"$R/var/lib/systemd/random-seed"
"$OSCONF" install --root "$R" >"$SCRATCH/install.log" 2>&1 || { fail "osconf install --root"; diag "$(cat "$SCRATCH/install.log")"; }
P1=$SCRATCH/p1 && mkdir -p "$P1/aliyun_custom_image"
sample 02-vpc eth0_mac_addr=$MAC >"$P1/aliyun_custom_image/os.conf"

# mkdisk IMG DISK_MIB ROOT_MIB [ROOTFS]: partition 1 ext4 (16 MiB at 1 MiB) with os.conf, partition
# 2 ext4 of ROOT_MIB from ROOTFS ($R), the rest of the disk unallocated
mkdisk() {
	local p2=$((17 * 2048))
	rm -f "$1" && truncate -s "$2M" "$1" &&
		printf 'label: dos\nunit: sectors\nstart=2048, size=32768, type=83\nstart=%s, size=%s, type=83\n' \
			$p2 $(($3 * 2048)) | sfdisk -q "$1" &&
		mkfs.ext4 -q -F -L cfg -E offset=$((2048 * 512)) -d "$P1" "$1" 16M &&
		mkfs.ext4 -q -F -L root -E offset=$((p2 * 512)) -d "${4:-$R}" "$1" "$3M"
}
# datasum IMG: sha256 of the image's content, each non-zero 4 KiB block with its offset (holes
# and zeros alike skipped: fast on a sparse file; the kernel may allocate zeros in a hole when the
# root is mounted, the content is the same)
datasum() {
	python3 - "$1" <<'PY'
import hashlib, os, sys
h, zero = hashlib.sha256(), bytes(4096)
fd = os.open(sys.argv[1], os.O_RDONLY)
end, off = os.fstat(fd).st_size, 0
while off < end:
    try:
        off = os.lseek(fd, off, os.SEEK_DATA) // 4096 * 4096
    except OSError:
        break
    stop = os.lseek(fd, off, os.SEEK_HOLE)
    while off < stop:
        b = os.pread(fd, 4096, off)
        if b != zero[:len(b)]:
            h.update(b"%d:" % off + b)
        off += 4096
print(h.hexdigest(), end)
PY
}
# plan IMG: attaches IMG (partitions through partx), mounts partition 2 read-only in a private
# mount namespace (a tmpfs over /run for osconf's own private mount of partition 1) and runs
# osconf plan --root on it; its output in $SCRATCH/plan.out, the exit status in $SCRATCH/plan.rc
plan() {
	local l
	l=$(losetup -f --show "$1") || return 1
	LOOPS="$LOOPS $l"
	partx -a "$l" 2>/dev/null
	[ -b "${l}p2" ] || { diag "partx made no ${l}p2"; return 1; }
	unshare --mount --propagation private sh -c '
		mount -t tmpfs tmpfs /run && mkdir /run/m && mount -o ro "$1" /run/m &&
		{ "$2" plan --root /run/m >"$3/plan.out" 2>&1; echo $? >"$3/plan.rc"; }' sh "${l}p2" "$OSCONF" "$SCRATCH"
	local rc=$?
	partx -d "$l" 2>/dev/null
	losetup -d "$l" && LOOPS=${LOOPS% $l}
	return $rc
}

# planned NAME DISK_MIB ROOT_MIB [ROOTFS]: $IMG built and planned: the plan in $out, the image's
# checksum before it in $before
planned() {
	mkdisk "$IMG" $2 $3 ${4:-} || { fail "$1: the disk image"; return 1; }
	before=$(datasum "$IMG")
	check "$1: osconf plan --root on the mounted image" plan "$IMG"
	out=$(cat "$SCRATCH/plan.out")
}
unchanged() { check "$1: nothing on the image changed (sha256 of all its data)" test "$(datasum "$IMG")" = "$before"; }

# 1. 2 GiB disk, 1 GiB root, other MACs recorded than os.conf's: growth and a reset
printf '# NIC MACs of the instance osconf configured last\n%s\n' $MAC_IMAGE >"$R/var/lib/osconf/instance"
IMG=$SCRATCH/disk.img
planned systemd 2048 1024
check "exit 0" test "$(cat "$SCRATCH/plan.rc")" = 0
has "grow: partition 2 extended to the disk's end (sectors)" "^grow: at the image's boot: ext4 on loop[0-9]*p2; dos partition 2 of loop[0-9]*: sectors 34816-2131967 -> 34816-4194303 (to the end of the disk)" "$out"
has "grow: the file system grown (sizes)" "^grow: .*ext4 grown online 1.0 GiB -> 2.0 GiB" "$out"
has "identity: a new instance" "identity: a new instance (other NIC MACs than the last one configured)" "$out"
has "identity: the host keys removed" "remove /etc/ssh/ssh_host_ed25519_key$" "$out"
has "identity: ... every one of them" "remove /etc/ssh/ssh_host_rsa_key.pub$" "$out"
has "identity: a new machine-id, from the next boot on (systemd)" "^+++ b/var/lib/osconf/machine-id.next$" "$out"
has "identity: the random seed removed" "remove /var/lib/systemd/random-seed$" "$out"
has "identity: the new instance recorded" "^+++ b/var/lib/osconf/instance$" "$out"
unchanged systemd

# 2. the disk filled by the root, the same MACs recorded: nothing to grow, nothing made anew
printf '# NIC MACs of the instance osconf configured last\n%s\n' $MAC >"$R/var/lib/osconf/instance"
planned "full disk" 1041 1024
has "grow: nothing to grow" "^grow: .*nothing to grow (partition 2 of loop[0-9]* ends at the end of the disk)" "$out"
has "identity: the same instance" "identity: the instance configured last (same NIC MACs): nothing made anew" "$out"
lacks "no host key removed" "remove /etc/ssh/" "$out"
unchanged "full disk"

# 3. Debian with sysvinit: osconf's /etc/init.d/osconf-ssh-keygen makes the keys, the machine-id
# is written at once
R2=$SCRATCH/rootfs-sysv
mkroot debian "$R2"
mkdir -p "$R2/sbin" "$R2/usr/sbin" "$R2/etc/ssh" "$R2/etc/init.d" "$R2/etc/rcS.d" "$R2/var/lib/urandom" "$R2/var/lib/osconf"
: >"$R2/sbin/init" && : >"$R2/usr/sbin/sshd" && printf '#!/bin/sh\nexec /usr/sbin/sshd\n' >"$R2/etc/init.d/ssh"
printf 'key\n' >"$R2/etc/ssh/ssh_host_ed25519_key" && printf 'pub\n' >"$R2/etc/ssh/ssh_host_ed25519_key.pub"
printf '0123456789abcdef0123456789abcdef\n' >"$R2/etc/machine-id" && printf 'seed' >"$R2/var/lib/urandom/random-seed"
printf '# NIC MACs of the instance osconf configured last\n%s\n' $MAC_IMAGE >"$R2/var/lib/osconf/instance"
"$OSCONF" install --root "$R2" --init sysv >"$SCRATCH/install.log" 2>&1 || { fail "osconf install --root --init sysv"; diag "$(cat "$SCRATCH/install.log")"; }
planned sysv 1024 512 "$R2"
has "sysv: grow: the file system grown (sizes)" "^grow: at the image's boot: ext4 on .*ext4 grown online 0.5 GiB -> 1.0 GiB" "$out"
has "sysv: the host keys removed, osconf's script makes new ones" "identity: SSH host keys removed; /etc/init.d/osconf-ssh-keygen (installed by osconf) makes new ones before sshd starts" "$out"
has "sysv: ... every one of them" "remove /etc/ssh/ssh_host_ed25519_key.pub$" "$out"
has "sysv: a new machine-id at once" "^+++ b/etc/machine-id$" "$out"
has "sysv: the random seed removed" "remove /var/lib/urandom/random-seed$" "$out"
unchanged sysv
check "no loop device left" sh -c "! losetup -j '$IMG' | grep -q ."
done_testing
