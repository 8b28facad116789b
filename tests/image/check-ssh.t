#!/bin/bash
# tests/image/check-ssh.t — ssh-login: sshd missing or not enabled, root password login refused by the
# effective sshd_config (Includes, first value wins, Match blocks), host keys absent with and without
# a way to make them at boot; one image and unpacked trees, each warning or failing for exactly it.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"

make_root "$SCRATCH/root"
mkdir -p "$SCRATCH/root/boot/efi/aliyun_custom_image"
variant() { rm -rf "$SCRATCH/$1"; cp -a "$SCRATCH/root" "$SCRATCH/$1"; }
detail() {   # detail TEXT: the ssh-login result of the last run mentions TEXT
	python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["id"]=="ssh-login"][0]; assert sys.argv[2] in json.dumps(c), c' \
		"$SCRATCH/out.json" "$1" && ok "says: $1" || fail "ssh-login does not say: $1"
}

check_tree root pass 0
detail "PermitRootLogin yes (/etc/ssh/sshd_config.d/50-root.conf:1)"
detail "made at boot by sshd-keygen@.service"

variant nosshd
rm "$SCRATCH/nosshd/usr/sbin/sshd"
check_tree nosshd pass 0 "" ssh-login
variant off
rm "$SCRATCH/off/etc/systemd/system/multi-user.target.wants/sshd.service"
check_tree off pass 0 "" ssh-login
detail "installed but not enabled"
variant socket   # Debian's socket activation counts
rm "$SCRATCH/socket/etc/systemd/system/multi-user.target.wants/sshd.service"
mkdir -p "$SCRATCH/socket/etc/systemd/system/sockets.target.wants"
printf '[Socket]\nListenStream=22\n' >"$SCRATCH/socket/usr/lib/systemd/system/ssh.socket"
ln -s /usr/lib/systemd/system/ssh.socket "$SCRATCH/socket/etc/systemd/system/sockets.target.wants/"
check_tree socket pass 0

# the first value wins: an included file read earlier decides
variant prohibit
printf 'PermitRootLogin prohibit-password\n' >"$SCRATCH/prohibit/etc/ssh/sshd_config.d/10-cloud.conf"
check_tree prohibit pass 0 "" ssh-login
detail "os.conf's password works only on the console"
detail "10-cloud.conf:1"
# relative Include (under /etc/ssh), quoted value and Key=value form
variant relative
printf 'Include "sshd_config.d/*.conf"\nPasswordAuthentication=no\n' >"$SCRATCH/relative/etc/ssh/sshd_config"
check_tree relative pass 0 "" ssh-login
detail "PasswordAuthentication is no"
# a Match block's settings are not global
variant match
printf 'PasswordAuthentication yes\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\n' >"$SCRATCH/match/etc/ssh/sshd_config"
check_tree match pass 0 "" ssh-login
detail "PermitRootLogin is not set"
# ... but a Match in an included file ends with that file
variant matchinc
printf 'Match User alice\n PasswordAuthentication no\n' >"$SCRATCH/matchinc/etc/ssh/sshd_config.d/00-alice.conf"
check_tree matchinc pass 0
variant noconf
rm -r "$SCRATCH/noconf/etc/ssh/sshd_config" "$SCRATCH/noconf/etc/ssh/sshd_config.d"
check_tree noconf pass 0 "" ssh-login

# host keys: absent with nothing to make them (Debian without cloud-init or osconf's keygen unit)
# warns in ssh-host-keys and ssh-login, in an image too
variant nokeygen
rm "$SCRATCH/nokeygen/usr/lib/systemd/system/sshd-keygen@.service"
check_tree nokeygen pass 0 "" ssh-host-keys,ssh-login
detail "nothing in the tree makes them at boot"
make_image "$SCRATCH/nokeygen.img" dos vfat "$SCRATCH/nokeygen" 2>/dev/null
run_check "image without host keys or a way to make them" "$SCRATCH/nokeygen.img" pass 0 "" ssh-host-keys,ssh-login
rm -f "$SCRATCH/nokeygen.img"
# ... passes with cloud-init enabled, with osconf's keygen unit enabled, or with the keys there
# (a HostKey elsewhere)
variant cloudinit
rm "$SCRATCH/cloudinit/usr/lib/systemd/system/sshd-keygen@.service"
mkdir -p "$SCRATCH/cloudinit/etc/systemd/system/cloud-init.target.wants"
printf '[Service]\nExecStart=/usr/bin/cloud-init init\n' >"$SCRATCH/cloudinit/usr/lib/systemd/system/cloud-init.service"
ln -s /usr/lib/systemd/system/cloud-init.service "$SCRATCH/cloudinit/etc/systemd/system/cloud-init.target.wants/"
check_tree cloudinit pass 0
detail "cloud-init"
variant osconfkeygen
rm "$SCRATCH/osconfkeygen/usr/lib/systemd/system/sshd-keygen@.service"
mkdir -p "$SCRATCH/osconfkeygen/etc/systemd/system/multi-user.target.wants"
printf '[Service]\nExecStart=/usr/bin/ssh-keygen -A\n' >"$SCRATCH/osconfkeygen/usr/lib/systemd/system/osconf-ssh-keygen.service"
ln -s /usr/lib/systemd/system/osconf-ssh-keygen.service "$SCRATCH/osconfkeygen/etc/systemd/system/multi-user.target.wants/"
check_tree osconfkeygen pass 0
detail "osconf-ssh-keygen.service (installed by osconf)"
# sysvinit (Debian's rcS.d, ssh in rc2.d) and OpenRC without a distro way to make host keys:
# `osconf install --root` adds /etc/init.d/osconf-ssh-keygen: both pass, saying so, as a tree
# and as an image; without that script (or not enabled) both warn
for init in sysv openrc; do
	variant $init-keygen
	d=$SCRATCH/$init-keygen
	rm -rf "$d/etc/systemd" "$d/usr/lib/systemd"
	mkdir -p "$d/etc/init.d"
	printf '#!/bin/sh\nexec /usr/sbin/sshd\n' >"$d/etc/init.d/ssh"  # Debian's: makes no keys
	if [ $init = sysv ]; then
		mkdir -p "$d/etc/rcS.d" "$d/etc/rc2.d" && ln -s ../init.d/ssh "$d/etc/rc2.d/S01ssh"
		cp "$d/usr/sbin/sshd" "$d/sbin-init" && mkdir -p "$d/sbin" && mv "$d/sbin-init" "$d/sbin/init"
	else
		mkdir -p "$d/etc/runlevels/default" "$d/sbin" && ln -s /etc/init.d/ssh "$d/etc/runlevels/default/ssh"
		printf 'openrc stand-in\n' >"$d/sbin/openrc-run"
	fi
	"$OSCONF" install --root "$d" --init $init >"$SCRATCH/install.log" 2>&1 || { fail "$init: install"; diag "$(cat "$SCRATCH/install.log")"; }
	check_tree $init-keygen pass 0
	detail "/etc/init.d/osconf-ssh-keygen (installed by osconf"
	make_image "$SCRATCH/$init-keygen.img" dos vfat "$d" 2>/dev/null
	run_check "$init image without host keys, osconf-ssh-keygen makes them" "$SCRATCH/$init-keygen.img" pass 0
	python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["id"]=="ssh-host-keys"][0]; assert c["status"] == "pass" and "/etc/init.d/osconf-ssh-keygen (installed by osconf" in c["message"], c' \
		"$SCRATCH/out.json" && ok "$init image: ssh-host-keys passes with the note" || fail "$init image: ssh-host-keys note"
	rm -f "$SCRATCH/$init-keygen.img"
	find "$d/etc" -name '*osconf-ssh-keygen' ! -path '*/init.d/*' -delete  # the links gone: not enabled
	check_tree $init-keygen pass 0 "" ssh-host-keys,ssh-login
	detail "nothing in the tree makes them at boot"
done
variant hostkey
rm "$SCRATCH/hostkey/usr/lib/systemd/system/sshd-keygen@.service"
mkdir -p "$SCRATCH/hostkey/var/lib/ssh"
printf 'HostKey /var/lib/ssh/host_key\n' >>"$SCRATCH/hostkey/etc/ssh/sshd_config"
printf 'key\n' >"$SCRATCH/hostkey/var/lib/ssh/host_key"
# (ssh-host-keys looks in /etc/ssh only: there it finds none and nothing that makes them)
check_tree hostkey pass 0 "" ssh-host-keys
done_testing
