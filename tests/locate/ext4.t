#!/bin/bash
# tests/locate/ext4.t — os.conf on an ext4 partition 1 (dos, gpt, no table): locate by UUID,
# LABEL and PARTUUID, mount privately, apply with a scratch --root and no --conf, remove, unmount.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/lib.sh"

before=$(leftovers)
R=$SCRATCH/root C=$SCRATCH/conf M=$SCRATCH/m
confdir "$C"
mkdir -p "$M"

for table in dos gpt none; do
	mkimg "$SCRATCH/disk.img" $table ext4 "$C"
	attach "$SCRATCH/disk.img"
	partition_root "$R" "UUID=$UUID"
	check_out "$table: locate by UUID finds $P1" "device: +$P1 " "$OSCONF" locate --root "$R"
	check_out "$table: ... says how" "found by: +UUID=$UUID from /etc/osconf.conf" "$OSCONF" locate --root "$R"
	check_out "$table: ... mounts it privately, ext4, os.conf present" \
		"mount: +/run/osconf/mnt\..* \(mounted privately.*os.conf: .*/aliyun_custom_image/os.conf \(present\)" \
		bash -c "'$OSCONF' locate --root '$R' | tr '\n' ' '"
	check_out "$table: ... fs ext4" "fs: +ext4" "$OSCONF" locate --root "$R"
	partition_root "$R" "LABEL=$LABEL"
	check_out "$table: locate by LABEL" "found by: +LABEL=$LABEL from" "$OSCONF" locate --root "$R"
	if [ -n "$PARTUUID" ]; then
		partition_root "$R" "PARTUUID=$PARTUUID"
		check_out "$table: locate by PARTUUID" "device: +$P1 " "$OSCONF" locate --root "$R"
	fi
	if [ $table != none ]; then
		# the root on partition 2 of the same disk (as at boot): partition 1 probed alone
		mkfs.ext4 -q -F "${DISK}p2" && partition_root "$R" "UUID=$UUID"
		check_out "$table: root on the same disk: partition 1 found there without probing other devices" \
			"${P1#/dev/} has UUID=$UUID: found on the disk holding / without probing other devices" \
			unshare --mount --propagation private bash -c "mount '${DISK}p2' '$M' && cp -a '$R/.' '$M/' && '$OSCONF' -v locate --root '$M'"
		partition_root "$R" "LABEL=$LABEL"
		check_out "$table: ... by LABEL too" "${P1#/dev/} has LABEL=$LABEL: found on the disk holding /" \
			unshare --mount --propagation private bash -c "mount '${DISK}p2' '$M' && cp -a '$R/.' '$M/' && '$OSCONF' -v locate --root '$M'"
		partition_root "$R" "PARTUUID=$PARTUUID"
		check_out "$table: ... by PARTUUID too" "${P1#/dev/} has PARTUUID=$PARTUUID: found on the disk holding /" \
			unshare --mount --propagation private bash -c "mount '${DISK}p2' '$M' && cp -a '$R/.' '$M/' && '$OSCONF' -v locate --root '$M'"
	fi
	if mounted "$P1"; then fail "$table: locate left $P1 mounted"; else ok "$table: locate left nothing mounted"; fi

	check_out "$table: apply with no --conf" "removed .*aliyun_custom_image/os.conf" \
		"$OSCONF" apply --root "$R" --no-live
	check "$table: the settings reached the root" grep -qx iZ23r29djmjZ "$R/etc/hostname"
	if mounted "$P1"; then fail "$table: $P1 still mounted after apply"; else ok "$table: unmounted after apply"; fi
	mount -o ro "$P1" "$M"
	MNTS="$M"
	if [ -d "$M/aliyun_custom_image" ] && [ ! -e "$M/aliyun_custom_image/os.conf" ]; then
		ok "$table: os.conf removed from the partition, directory kept"
	else
		fail "$table: os.conf removed from the partition, directory kept"; diag "$(ls -la "$M" "$M/aliyun_custom_image")"
	fi
	umount "$M"
	MNTS=""
	check_out "$table: a second apply has nothing to do" "no os.conf" "$OSCONF" apply --root "$R" --no-live
	check_out "$table: ... found so by reading $P1 without mounting it" \
		"$P1 read \(ext4\) without mounting it: no aliyun_custom_image/os.conf there" "$OSCONF" -v locate --root "$R"
	# a removal an earlier run left half done is not "absent": it is mounted, put back, applied
	mount "$P1" "$M" && cp "$C/aliyun_custom_image/os.conf" "$M/aliyun_custom_image/.os.conf.osconf-applied" && umount "$M"
	check_out "$table: os.conf left under its removal name: mounted, put back and applied" \
		"removed .*aliyun_custom_image/os.conf" "$OSCONF" apply --root "$R" --no-live

	# Already mounted (as /boot would be): that mount is used and left mounted.
	mount "$P1" "$M"
	MNTS="$M"
	cp "$C/aliyun_custom_image/os.conf" "$M/aliyun_custom_image/os.conf"
	check_out "$table: an existing mount is used" "mount: +$M \(already mounted\)" "$OSCONF" locate --root "$R"
	check "$table: apply through the existing mount" "$OSCONF" apply --root "$R" --no-live
	if [ -e "$M/aliyun_custom_image/os.conf" ]; then fail "$table: os.conf removed via the mount"; else ok "$table: os.conf removed via the mount"; fi
	if mountpoint -q "$M"; then ok "$table: the existing mount stays"; else fail "$table: the existing mount stays"; fi
	umount "$M"
	MNTS=""
	if [ $table = dos ]; then
		# Mounted read-only (what UFS always is on Linux): apply, then say os.conf stays, exit 1.
		mount "$P1" "$M" && cp "$C/aliyun_custom_image/os.conf" "$M/aliyun_custom_image/" && umount "$M"
		mount -o ro "$P1" "$M"
		MNTS="$M"
		check_out "read-only: os.conf cannot be removed, said clearly, exit 1" \
			"cannot remove $M/aliyun_custom_image/os.conf: ext4 on $P1 is mounted read-only; it stays" \
			bash -c "'$OSCONF' apply --root '$R' --no-live; [ \$? = 1 ]"
		check "read-only: os.conf still there" test -f "$M/aliyun_custom_image/os.conf"
		umount "$M"
		MNTS=""
	fi
	detach
done

# A recorded partition that does not exist: fall back to the root disk, and say so.
partition_root "$R" "UUID=00000000-dead-beef-0000-000000000000"
check_out "unknown UUID: falls back, says so" "no block device has UUID=00000000-dead-beef.*falling back" \
	"$OSCONF" locate --root "$R"
echo "partition=FOO=bar" >"$R/etc/osconf.conf"
check_out "a bad tag is refused with file:line" "/etc/osconf.conf:1: partition= needs UUID=.*LABEL=" bash -c "! '$OSCONF' locate --root '$R'"

[ "$(leftovers)" = "$before" ] && ok "no mount point left in /run/osconf" || fail "mount points left in /run/osconf"
done_testing
