#!/bin/bash
# tests/install/install.t — `osconf install/uninstall --root` on systemd, sysv (Debian, RHEL) and OpenRC trees.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
S=$OSCONF_SRC/dist

# systemd tree (Debian-like: /sbin/init -> systemd)
T=$SCRATCH/systemd
mkdir -p $T/sbin $T/lib/systemd $T/etc && ln -s /lib/systemd/systemd $T/sbin/init
printf 'backend=networkd\n' > $T/etc/osconf.conf
check "install into a systemd tree" "$OSCONF" install --root $T --partition UUID=5EED-0001
check "binary copied byte for byte, 0755" sh -c "cmp '$OSCONF' $T/usr/sbin/osconf && [ \$(stat -c %a $T/usr/sbin/osconf) = 755 ]"
check "unit is dist/systemd/osconf.service" cmp $S/systemd/osconf.service $T/usr/lib/systemd/system/osconf.service
check "enabled in sysinit.target.wants" test "$(readlink $T/etc/systemd/system/sysinit.target.wants/osconf.service)" = /usr/lib/systemd/system/osconf.service
check "partition recorded, other settings kept" sh -c "grep -qx 'partition=UUID=5EED-0001' $T/etc/osconf.conf && grep -qx 'backend=networkd' $T/etc/osconf.conf"
check "no .path unit without a mounted partition 1" test ! -e $T/usr/lib/systemd/system/osconf.path
out=$("$OSCONF" install --root $T 2>&1)
if ! echo "$out" | grep -v '^osconf: \(unchanged\|init system\|note\)' | grep -q .; then ok "second install changes nothing"; else fail "second install changes nothing"; diag "$out"; fi
check "partition kept when not given again" grep -qx 'partition=UUID=5EED-0001' $T/etc/osconf.conf
check "uninstall" "$OSCONF" uninstall --root $T
left=$(cd $T && find . ! -type d | sort)
if [ "$left" = "./etc/osconf.conf
./sbin/init" ] && ! grep -q partition= $T/etc/osconf.conf; then ok "uninstall removes everything it added"; else fail "uninstall removes everything it added"; diag "$left"; fi

# partition 1 mounted at /boot (fstab): aliyun_custom_image/ created, .path unit watching it
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	T=$SCRATCH/mounted
	mkdir -p $T/sbin $T/usr/lib/systemd $T/etc $T/boot && ln -s ../lib/systemd/systemd $T/sbin/init
	printf '# fstab\nLABEL=rootfs / ext4 defaults 0 1\nUUID=5eed-0001  /boot  vfat  defaults,umask=077  0 2\n' > $T/etc/fstab
	check "install with partition 1 mounted at /boot" unshare -m sh -c "mount -t tmpfs p1 $T/boot && '$OSCONF' install --root $T --partition UUID=5EED-0001 && test -d $T/boot/aliyun_custom_image"
	check ".path unit watches /boot/aliyun_custom_image/os.conf" grep -qx 'PathChanged=/boot/aliyun_custom_image/os.conf' $T/usr/lib/systemd/system/osconf.path
	check ".path unit enabled" test "$(readlink $T/etc/systemd/system/paths.target.wants/osconf.path)" = /usr/lib/systemd/system/osconf.path
	check "uninstall removes the .path unit" sh -c "'$OSCONF' uninstall --root $T && test ! -e $T/usr/lib/systemd/system/osconf.path && test ! -L $T/etc/systemd/system/paths.target.wants/osconf.path"
else
	skip "partition mount test needs root and unshare -m"; skip "-"; skip "-"; skip "-"
fi

# sysv, Debian layout: rcS.d, before networking
T=$SCRATCH/debsysv
mkdir -p $T/sbin $T/etc/init.d $T/etc/rcS.d $T/etc/rc2.d && : > $T/sbin/init
ln -s ../init.d/networking $T/etc/rcS.d/S07networking
cat > $T/etc/init.d/.depend.boot <<'DEP'
TARGETS = mountkernfs.sh hostname.sh udev mountdevsubfs.sh checkroot.sh mountall.sh mountall-bootclean.sh networking mountnfs.sh
INTERACTIVE = udev checkroot.sh
udev: mountkernfs.sh
mountall.sh: checkroot.sh
networking: mountkernfs.sh urandom
mountnfs.sh: networking
DEP
cp $T/etc/init.d/.depend.boot $SCRATCH/depend.orig
# OpenSSH's server as Debian has it: its init script makes no host keys (the package's postinst does)
mkdir -p $T/etc/ssh $T/usr/sbin && : > $T/usr/sbin/sshd && printf '#!/bin/sh\nexec /usr/sbin/sshd\n' > $T/etc/init.d/ssh
check "image check before install: no host keys and nothing makes them (warning)" sh -c "'$OSCONF' image check --root $T 2>&1 | grep -q '^WARN  ssh-host-keys .*nothing makes them at boot'"
check "install into a Debian sysvinit tree" "$OSCONF" install --root $T
check "insserv .depend.boot: osconf a target, after local fs, before networking" sh -c "grep -qx 'TARGETS = .* mountnfs.sh osconf osconf-ssh-keygen' $T/etc/init.d/.depend.boot && grep -qx 'osconf: mountall.sh mountall-bootclean.sh udev' $T/etc/init.d/.depend.boot && grep -qx 'networking: mountkernfs.sh urandom osconf' $T/etc/init.d/.depend.boot"
check "insserv .depend.boot: osconf-ssh-keygen after osconf" grep -qx 'osconf-ssh-keygen: osconf mountall.sh mountall-bootclean.sh udev' $T/etc/init.d/.depend.boot
# what install adds to the tree (no sshd way to make host keys here: osconf-ssh-keygen too)
got=$(cd $T && find . -path ./run -prune -o ! -type d -printf '%p %l\n' | sort)
want="./etc/init.d/.depend.boot 
./etc/init.d/osconf 
./etc/init.d/osconf-ssh-keygen 
./etc/init.d/ssh 
./etc/rcS.d/S06osconf ../init.d/osconf
./etc/rcS.d/S06osconf-ssh-keygen ../init.d/osconf-ssh-keygen
./etc/rcS.d/S07networking ../init.d/networking
./sbin/init 
./usr/sbin/osconf 
./usr/sbin/sshd "
if [ "$got" = "$want" ]; then ok "the Debian sysvinit tree after install"; else fail "the Debian sysvinit tree after install"; diag "$got"; fi
cp $T/etc/init.d/.depend.boot $SCRATCH/depend.installed
out=$("$OSCONF" install --root $T 2>&1)
if ! echo "$out" | grep -v '^osconf: \(unchanged\|init system\|note\)' | grep -q .; then ok "second install changes nothing (sysv)"; else fail "second install changes nothing (sysv)"; diag "$out"; fi
check "second install leaves .depend.boot as it was" cmp $SCRATCH/depend.installed $T/etc/init.d/.depend.boot
check "init script is dist/sysv/osconf, 0755" sh -c "cmp $S/sysv/osconf $T/etc/init.d/osconf && [ \$(stat -c %a $T/etc/init.d/osconf) = 755 ]"
check "host key script is dist/sysv/osconf-ssh-keygen, 0755" sh -c "cmp $S/sysv/osconf-ssh-keygen $T/etc/init.d/osconf-ssh-keygen && [ \$(stat -c %a $T/etc/init.d/osconf-ssh-keygen) = 755 ]"
check "S-link just before networking" test "$(readlink $T/etc/rcS.d/S06osconf)" = ../init.d/osconf
check "image check: ssh-host-keys passes, osconf's script makes the keys" sh -c "'$OSCONF' image check --root $T 2>&1 | grep -q '^PASS  ssh-host-keys .*/etc/init.d/osconf-ssh-keygen (installed by osconf) makes them'"
check "uninstall (sysv)" sh -c "'$OSCONF' uninstall --root $T && test ! -e $T/etc/init.d/osconf && test ! -e $T/etc/init.d/osconf-ssh-keygen && test -z \"\$(find $T/etc/rcS.d -name '*osconf*')\""
check "uninstall restores .depend.boot" cmp $SCRATCH/depend.orig $T/etc/init.d/.depend.boot

# sysv and OpenRC with partition 1 mounted permanently: `osconf watch` as a service
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	T=$SCRATCH/debsysv-boot
	mkdir -p $T/sbin $T/etc/init.d $T/etc/rcS.d $T/boot && : > $T/sbin/init
	printf 'LABEL=CUSTOMIMG /boot vfat defaults 0 2\n' > $T/etc/fstab
	check "install (sysv, /boot mounted)" unshare -m sh -c "mount -t tmpfs p1 $T/boot && '$OSCONF' install --root $T --partition LABEL=CUSTOMIMG"
	check "osconf-watch script" cmp $S/sysv/osconf-watch $T/etc/init.d/osconf-watch
	check "osconf-watch started in 2-5, stopped in 0 1 6" sh -c "for n in 2 3 4 5; do [ \"\$(readlink $T/etc/rc\$n.d/S90osconf-watch)\" = ../init.d/osconf-watch ] || exit 1; done; for n in 0 1 6; do [ -L $T/etc/rc\$n.d/K10osconf-watch ] || exit 1; done"
	check "uninstall removes osconf-watch" sh -c "'$OSCONF' uninstall --root $T && test ! -e $T/etc/init.d/osconf-watch && test -z \"\$(find $T/etc -name '*osconf*')\""
	T=$SCRATCH/openrc-boot
	mkdir -p $T/sbin $T/etc/init.d $T/boot && : > $T/sbin/openrc-run
	printf 'UUID=5EED-0001 /boot vfat defaults 0 2\n' > $T/etc/fstab
	check "install (openrc, /boot mounted)" "$OSCONF" install --root $T --partition UUID=5EED-0001
	check "osconf-watch in the default runlevel, supervised" sh -c "[ \"\$(readlink $T/etc/runlevels/default/osconf-watch)\" = /etc/init.d/osconf-watch ] && grep -qx 'supervisor=supervise-daemon' $T/etc/init.d/osconf-watch"
	check "uninstall removes it (openrc)" sh -c "'$OSCONF' uninstall --root $T && test -z \"\$(find $T/etc -name '*osconf*')\""
else
	for i in 1 2 3 4 5 6 7; do skip "needs root and unshare -m"; done
fi

# sysv, RHEL layout: /etc/rc.d/rcN.d, init.d a symlink, S10network
T=$SCRATCH/rhelsysv
mkdir -p $T/sbin $T/etc/rc.d/init.d && : > $T/sbin/init && ln -s rc.d/init.d $T/etc/init.d
for n in 0 1 2 3 4 5 6; do mkdir $T/etc/rc.d/rc$n.d; ln -s rc.d/rc$n.d $T/etc/rc$n.d; done
for n in 2 3 4 5; do ln -s ../init.d/network $T/etc/rc.d/rc$n.d/S10network; done
check "install --init sysv into a RHEL tree" "$OSCONF" install --root $T --init sysv --partition LABEL=CUSTOMIMG
check "script in /etc/rc.d/init.d" test -x $T/etc/rc.d/init.d/osconf
check "S09osconf in runlevels 2-5" sh -c "for n in 2 3 4 5; do [ \"\$(readlink $T/etc/rc.d/rc\$n.d/S09osconf)\" = ../init.d/osconf ] || exit 1; done"
check "S09osconf-ssh-keygen in runlevels 2-5 (after S09osconf)" sh -c "for n in 2 3 4 5; do [ \"\$(readlink $T/etc/rc.d/rc\$n.d/S09osconf-ssh-keygen)\" = ../init.d/osconf-ssh-keygen ] || exit 1; done"
# the network script renumbered (S10 → S01): one link, below it (S00), the old S09 removed
for n in 2 3 4 5; do mv $T/etc/rc.d/rc$n.d/S10network $T/etc/rc.d/rc$n.d/S01network; done
check "reinstall after renumbering: S00osconf only" sh -c "'$OSCONF' install --root $T --init sysv >/dev/null &&
	test -L $T/etc/rc.d/rc3.d/S00osconf && test \$(find $T/etc/rc.d -name 'S*osconf' | wc -l) = 4 &&
	test -L $T/etc/rc.d/rc3.d/S00osconf-ssh-keygen && test \$(find $T/etc/rc.d -name 'S*osconf-ssh-keygen' | wc -l) = 4"
check "uninstall (RHEL sysv)" sh -c "'$OSCONF' uninstall --root $T && test -z \"\$(find $T/etc/rc.d -name '*osconf*')\" && test ! -e $T/etc/rc.d/init.d/osconf && test ! -e $T/etc/rc.d/init.d/osconf-ssh-keygen"

# OpenRC (Alpine)
T=$SCRATCH/openrc
mkdir -p $T/sbin $T/etc/init.d $T/etc/runlevels/boot && : > $T/sbin/openrc-run && ln -s /bin/busybox $T/sbin/init
check "install into an OpenRC tree" "$OSCONF" install --root $T --partition PARTUUID=5eed0001-01
check "openrc-run script" sh -c "cmp $S/openrc/osconf $T/etc/init.d/osconf && head -1 $T/etc/init.d/osconf | grep -qx '#!/sbin/openrc-run'"
check "in the boot runlevel" test "$(readlink $T/etc/runlevels/boot/osconf)" = /etc/init.d/osconf
check "osconf-ssh-keygen (openrc-run) in the boot runlevel" sh -c "cmp $S/openrc/osconf-ssh-keygen $T/etc/init.d/osconf-ssh-keygen && test \"\$(readlink $T/etc/runlevels/boot/osconf-ssh-keygen)\" = /etc/init.d/osconf-ssh-keygen"
check "no osconf-watch without a permanent mount of partition 1" sh -c "test -f $T/etc/init.d/osconf && test ! -e $T/etc/init.d/osconf-watch"
check "uninstall (openrc)" sh -c "'$OSCONF' uninstall --root $T && test ! -L $T/etc/runlevels/boot/osconf && test ! -e $T/etc/osconf.conf && test -z \"\$(find $T/etc -name '*osconf*')\""
# Alpine's sshd script makes its own host keys: no osconf-ssh-keygen, and an earlier one goes
"$OSCONF" install --root $T >/dev/null 2>&1
printf '#!/sbin/openrc-run\nstart_pre() {\n\tssh-keygen -A\n}\n' >$T/etc/init.d/sshd
out=$("$OSCONF" install --root $T 2>&1)
check "Alpine's sshd makes the keys: osconf-ssh-keygen removed, and said why" sh -c "test ! -e $T/etc/init.d/osconf-ssh-keygen && test ! -L $T/etc/runlevels/boot/osconf-ssh-keygen && test -L $T/etc/runlevels/boot/osconf &&
	printf '%s\n' '$out' | grep -q 'note: no /etc/init.d/osconf-ssh-keygen: /etc/init.d/sshd runs ssh-keygen'"
"$OSCONF" uninstall --root $T >/dev/null 2>&1

# Debian's OpenRC: networking starts in sysinit, so osconf goes there (OpenRC orders within a runlevel)
T=$SCRATCH/debopenrc
mkdir -p $T/sbin $T/etc/init.d $T/etc/runlevels/sysinit $T/etc/runlevels/boot && : > $T/sbin/openrc-run && : > $T/sbin/init
ln -s /etc/init.d/networking $T/etc/runlevels/sysinit/networking
check "install into a Debian OpenRC tree: sysinit runlevel" sh -c "'$OSCONF' install --root $T >/dev/null 2>&1 && test \"\$(readlink $T/etc/runlevels/sysinit/osconf)\" = /etc/init.d/osconf && test ! -e $T/etc/runlevels/boot/osconf"
check "... osconf-ssh-keygen there too" test "$(readlink $T/etc/runlevels/sysinit/osconf-ssh-keygen)" = /etc/init.d/osconf-ssh-keygen
check "uninstall (Debian OpenRC)" sh -c "'$OSCONF' uninstall --root $T >/dev/null 2>&1 && test ! -L $T/etc/runlevels/sysinit/osconf && test -z \"\$(find $T/etc -name '*osconf*')\""

# a symlink in the image cannot send a write outside it
T=$SCRATCH/escape
mkdir -p $T/sbin $T/etc $SCRATCH/outside && ln -s /lib/systemd/systemd $T/sbin/init && ln -s $SCRATCH/outside $T/usr
"$OSCONF" install --root $T --init systemd >/dev/null 2>&1
check "nothing written through an absolute symlink" test -z "$(ls -A $SCRATCH/outside)"

# usage errors
"$OSCONF" install --root $SCRATCH --partition /dev/sda1 >/dev/null 2>&1; check "bad --partition is a usage error" test $? = 2
"$OSCONF" install --root $SCRATCH --init upstart >/dev/null 2>&1; check "bad --init is a usage error" test $? = 2
"$OSCONF" install --root $SCRATCH/nonexistent >/dev/null 2>&1; check "missing root fails" test $? = 1
mkdir -p $SCRATCH/empty; "$OSCONF" install --root $SCRATCH/empty >/dev/null 2>&1; check "no init system recognised fails" test $? = 1

# the shipped files themselves
check "sysv script is valid sh" sh -n $S/sysv/osconf
check "openrc script is valid sh" sh -n $S/openrc/osconf
check "watch scripts are valid sh" sh -c "sh -n $S/sysv/osconf-watch && sh -n $S/openrc/osconf-watch"
check "LSB header runs before \$network" grep -q '^# X-Start-Before:.*\$network' $S/sysv/osconf
check "host key scripts are valid sh" sh -c "sh -n $S/sysv/osconf-ssh-keygen && sh -n $S/openrc/osconf-ssh-keygen"
check "host key scripts start before sshd, after osconf" sh -c "grep -qx '# X-Start-Before:    ssh sshd' $S/sysv/osconf-ssh-keygen && grep -qx '# Should-Start:      osconf' $S/sysv/osconf-ssh-keygen &&
	grep -qx '	before sshd ssh' $S/openrc/osconf-ssh-keygen && grep -q '^	after .* osconf$' $S/openrc/osconf-ssh-keygen"
check "unit orders before network-pre.target" sh -c "grep -qx 'Before=network-pre.target sysinit.target shutdown.target' $S/systemd/osconf.service && grep -qx 'DefaultDependencies=no' $S/systemd/osconf.service"
if command -v systemd-analyze >/dev/null 2>&1; then
	T=$SCRATCH/verify; mkdir -p $T/usr/sbin && cp "$OSCONF" $T/usr/sbin/osconf
	out=$(systemd-analyze verify --root=$T $S/systemd/osconf.service 2>&1 | grep -v -e 'sysinit.target' -e 'Failed to' -e 'not found')
	if [ -z "$out" ]; then ok "systemd-analyze verify"; else fail "systemd-analyze verify"; diag "$out"; fi
else
	skip "systemd-analyze not installed"
fi
done_testing
