# tests/locate/lib.sh — disk images with os.conf on partition 1, attached as loop devices (source it).
# Every loop device, mount and scratch directory made here is undone by the EXIT trap.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
need_root
for c in sfdisk partx losetup mkfs.ext4 blkid; do
	command -v $c >/dev/null || skip_all "$c missing (mk/deps.sh check installs it)"
done
[ -x "$OSCONF" ] || skip_all "$OSCONF not built"
[ -e /dev/loop-control ] || skip_all "no loop devices"
# One locate test at a time (make check runs test files in parallel): they attach loop devices
# whose UUIDs and labels would otherwise be found twice, and count what is left in /run/osconf.
mkdir -p "$OSCONF_SRC/build"
exec 7>"$OSCONF_SRC/build/.locate-tests.lock"
flock -w 600 7 || skip_all "another locate test held the lock for 10 minutes"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/osconf-locate.XXXXXX")
LOOPS="" MNTS=""
cleanup() {
	for m in $MNTS; do mounted "$m" && umount -c "$m"; done   # -c: another user's FUSE mount cannot be stat'ed
	for l in $LOOPS; do partx -d "$l" 2>/dev/null; losetup -d "$l"; done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

P1_START=2048 P1_SECTORS=98304   # 48 MiB at 1 MiB: enough clusters for FAT32 with -s 1
rnd() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
upper() { tr a-z A-Z; }

# mkimg IMG dos|gpt|none ext4|vfat CONFDIR: a 96 MiB sparse disk, partition 1 holding CONFDIR's
# contents (or the whole disk with "none"); sets UUID, LABEL and PARTUUID of that file system.
mkimg() {
	img=$1 table=$2 fs=$3 conf=$4
	rm -f "$img"
	truncate -s 96M "$img"
	off=$((P1_START * 512)) size=$((P1_SECTORS / 2))
	case $table in
	dos)
		id=$(rnd 4)
		printf 'label: dos\nlabel-id: 0x%s\nstart=%s, size=%s, type=%s\nstart=%s, type=83\n' "$id" \
			$P1_START $P1_SECTORS "$([ "$fs" = vfat ] && echo c || echo 83)" $((P1_START + P1_SECTORS)) |
			sfdisk -q "$img"
		PARTUUID=$id-01 ;;
	gpt)
		PARTUUID=$(cat /proc/sys/kernel/random/uuid)
		printf 'label: gpt\nstart=%s, size=%s, type=%s, uuid=%s, name=custom\nstart=%s, type=%s\n' \
			$P1_START $P1_SECTORS "$([ "$fs" = vfat ] && echo EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 ||
			echo 0FC63DAF-8483-4772-8E79-3D69D8477DE4)" "$PARTUUID" $((P1_START + P1_SECTORS)) \
			0FC63DAF-8483-4772-8E79-3D69D8477DE4 | sfdisk -q "$img"
		;;
	none)
		off=0 size=$((96 * 1024)) PARTUUID= ;;
	esac
	if [ "$fs" = vfat ]; then
		vid=$(rnd 4 | upper)
		LABEL=OSC$(rnd 3 | upper)
		UUID=$(echo "$vid" | cut -c1-4)-$(echo "$vid" | cut -c5-8)
		mkfs.vfat -F 32 -s 1 -n "$LABEL" -i "$vid" --offset=$((off / 512)) "$img" $size >/dev/null 2>&1
		mcopy -s -i "$img@@$off" "$conf/aliyun_custom_image" ::/
	else
		UUID=$(cat /proc/sys/kernel/random/uuid)
		LABEL=osc$(rnd 4)
		mkfs.ext4 -q -F -L "$LABEL" -U "$UUID" -E offset=$off -d "$conf" "$img" ${size}k
	fi
}

# attach IMG: a loop device with partition nodes (partx, not losetup -P: this kernel has no
# partition parsers); sets DISK and P1 (the disk itself when it has no partition table).
attach() {
	DISK=$(losetup -f --show "$1")
	LOOPS="$LOOPS $DISK"
	if sfdisk -d "$1" >/dev/null 2>&1; then
		partx -d "$DISK" 2>/dev/null   # stale nodes of an earlier user of this loop device
		partx -a "$DISK"
		P1=${DISK}p1
	else
		P1=$DISK
	fi
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b "$P1" ] && break; sleep 0.2; done
	[ -b "$P1" ] || { echo "Bail out! no $P1"; exit 1; }
}

# detach: undo attach for the last disk
detach() {
	partx -d "$DISK" 2>/dev/null
	losetup -d "$DISK"
	LOOPS=$(echo "$LOOPS" | sed "s# $DISK##")
}

# partition_root DIR TAG: a scratch target root (newroot: the CentOS 7 fixture) recording partition=TAG
partition_root() {
	newroot "$1"
	echo "partition=$2" >"$1/etc/osconf.conf"
}

# confdir DIR: aliyun_custom_image/os.conf (the VPC sample) under DIR
confdir() {
	mkdir -p "$1/aliyun_custom_image"
	cp "$CASES/02-vpc.conf" "$1/aliyun_custom_image/os.conf"
}

mounted() { grep -q " $1 " /proc/self/mountinfo; }
# our private mount points left behind (none may be)
leftovers() { ls -d /run/osconf/mnt.* 2>/dev/null | wc -l; }
