#!/bin/bash
# tests/locate/vfat.t — os.conf on a FAT32 partition 1 (dos, gpt). This kernel has no vfat
# driver, so the partition is mounted with fusefat (naming the device with fsname=, as root):
# locate must find and use that mount through mountinfo, apply must remove os.conf through it.
# Where the kernel has vfat, osconf's own private mount (umask=077) is checked instead.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/lib.sh"
for c in mkfs.vfat mcopy mdir fusefat; do
	command -v $c >/dev/null || skip_all "$c missing (mk/deps.sh check installs it)"
done
[ -e /dev/fuse ] || skip_all "no /dev/fuse"

before=$(leftovers)
R=$SCRATCH/root C=$SCRATCH/conf M=$SCRATCH/m
confdir "$C"
mkdir -p "$M"
kernel_vfat=$(grep -qw vfat /proc/filesystems && echo yes || echo no)

for table in dos gpt; do
	mkimg "$SCRATCH/disk.img" $table vfat "$C"
	attach "$SCRATCH/disk.img"
	partition_root "$R" "UUID=$UUID"
	check_out "$table: locate by UUID finds $P1 (vfat)" "device: +$P1 .*fs: +vfat" \
		bash -c "'$OSCONF' locate --root '$R' | tr '\n' ' '"
	partition_root "$R" "LABEL=$LABEL"
	check_out "$table: locate by LABEL" "found by: +LABEL=$LABEL from" bash -c "'$OSCONF' locate --root '$R'; true"
	if [ $kernel_vfat = no ]; then
		check_out "$table: not mounted, no vfat driver: a clear error" \
			"cannot mount $P1 \(vfat\) on /run/osconf/mnt\..*no driver" bash -c "! '$OSCONF' apply --root '$R' --no-live"
		check "$table: ... and os.conf kept" bash -c "mdir -i '$SCRATCH/disk.img@@$((P1_START * 512))' ::/aliyun_custom_image | grep -q 'os\.conf'"
	else
		check_out "$table: mounted privately by osconf" "mount: +/run/osconf/mnt" "$OSCONF" locate --root "$R"
	fi

	# In the foreground (our child): after umount, wait for it to finish writing the FAT.
	fusefat -f -o rw+,fsname="$P1" "$P1" "$M" >/dev/null 2>&1 &
	FPID=$!
	MNTS="$M"
	for _ in $(seq 50); do mounted "$M" && break; sleep 0.1; done
	mounted "$M" || { echo "Bail out! fusefat did not mount $P1"; exit 1; }
	check_out "$table: the fusefat mount is found through mountinfo" \
		"fs: +vfat.*mount: +$M \(already mounted\).*os.conf: +$M/aliyun_custom_image/os.conf \(present\).*FUSE mount by root" \
		bash -c "'$OSCONF' locate --root '$R' | tr '\n' ' '"
	check_out "$table: apply with no --conf through it" "removed $M/aliyun_custom_image/os.conf" \
		"$OSCONF" apply --root "$R" --no-live
	check "$table: the settings reached the root" grep -qx iZ23r29djmjZ "$R/etc/hostname"
	if [ -d "$M/aliyun_custom_image" ] && [ ! -e "$M/aliyun_custom_image/os.conf" ]; then
		ok "$table: os.conf removed, directory kept"
	else
		fail "$table: os.conf removed, directory kept"
	fi
	umount "$M"
	MNTS=""
	wait $FPID
	out=$(mdir -i "$SCRATCH/disk.img@@$((P1_START * 512))" ::/aliyun_custom_image 2>&1)
	if echo "$out" | grep -q 'os\.conf'; then fail "$table: os.conf gone from the FAT image"; diag "$out"; else ok "$table: os.conf gone from the FAT image"; fi
	detach
done

# A user's FUSE mount naming the device is not trusted (anyone can claim a source).
mkimg "$SCRATCH/disk.img" dos vfat "$C"
attach "$SCRATCH/disk.img"
partition_root "$R" "UUID=$UUID"
chmod 0666 "$P1"
chmod 0755 "$SCRATCH"
U=$SCRATCH/user
mkdir -p "$U"
chown 65534 "$U"
UPID=""
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups fusefat -f -o rw+,fsname="$P1" "$P1" "$U" >/dev/null 2>&1 &
	UPID=$!
	MNTS="$U"
	for _ in $(seq 50); do mounted "$U" && break; sleep 0.1; done
fi
if [ -n "$UPID" ] && mounted "$U"; then
	check_out "a FUSE mount by another user is ignored" "$P1 is not mounted; it holds vfat" \
		bash -c "'$OSCONF' locate --root '$R'; true"
	umount -c "$U"
	MNTS=""
	wait $UPID
else
	skip "a user cannot mount FUSE here"
fi
detach

[ "$(leftovers)" = "$before" ] && ok "no mount point left in /run/osconf" || fail "mount points left in /run/osconf"
done_testing
