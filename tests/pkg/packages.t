#!/bin/bash
# tests/pkg/packages.t — `make install DESTDIR= PREFIX=`, `make deb` and `make rpm`: what they contain.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
cd "$OSCONF_SRC" || exit 1
V=$(sed -n 's/^VERSION *:= *//p' Makefile)

D=$SCRATCH/destdir
check "make install DESTDIR PREFIX=/usr/local" make --no-print-directory -s install DESTDIR=$D PREFIX=/usr/local
for f in usr/local/sbin/osconf usr/local/lib/systemd/system/osconf.service usr/local/share/man/man8/osconf.8 usr/local/share/man/man5/os.conf.5; do
	check "installs /$f" test -s $D/$f
done
check "unit runs the installed binary" grep -qx 'ExecStart=/usr/local/sbin/osconf apply' $D/usr/local/lib/systemd/system/osconf.service
check "make uninstall" sh -c "make --no-print-directory -s uninstall DESTDIR=$D PREFIX=/usr/local && test -z \"\$(find $D -type f)\""
if command -v man >/dev/null 2>&1; then
	w=$(man -l --warnings man/osconf.8 2>&1 >/dev/null; man -l --warnings man/os.conf.5 2>&1 >/dev/null)
	if [ -z "$w" ]; then ok "man pages render without warnings"; else fail "man pages render without warnings"; diag "$w"; fi
else
	skip "man not installed"
fi

if command -v dpkg-deb >/dev/null 2>&1; then
	deb=$(make --no-print-directory -s deb 2>$SCRATCH/deb.err | tail -1)
	if [ -f "$deb" ]; then ok "make deb: $deb"; else fail "make deb"; diag "$(cat $SCRATCH/deb.err)"; fi
	list=$(dpkg-deb -c "$deb" 2>/dev/null | awk '{print $1, $6}')
	for f in "-rwxr-xr-x ./usr/sbin/osconf" "-rw-r--r-- ./usr/lib/systemd/system/osconf.service" \
		 "-rwxr-xr-x ./etc/init.d/osconf" "-rwxr-xr-x ./etc/init.d/osconf-ssh-keygen" "-rw-r--r-- ./usr/share/man/man8/osconf.8.gz" \
		 "-rw-r--r-- ./usr/share/man/man5/os.conf.5.gz"; do
		check "deb contains ${f#* }" grep -qxF -- "$f" <<<"$list"
	done
	check "deb files owned by root" sh -c "! dpkg-deb -c '$deb' | awk '{print \$2}' | grep -v '^root/root$'"
	check "deb version $V-1" test "$(dpkg-deb -f "$deb" Version)" = "$V-1"
	check "deb Maintainer from DEBFULLNAME/DEBEMAIL, no made-up address" sh -c "dpkg-deb -f '$deb' Maintainer | grep -v 'example.invalid' | grep -q '<.*@.*>'"
	check "deb has no shared-library Depends (static binary)" test -z "$(dpkg-deb -f "$deb" Depends)"
	check "deb ships the Apache-2.0 copyright file" sh -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/share/doc/osconf/copyright | grep -q '^License: Apache-2.0'"
	check "deb's osconf is statically linked" sh -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/sbin/osconf > $SCRATCH/deb-osconf && ! readelf -lW $SCRATCH/deb-osconf | grep -q INTERP"
	mkdir -p $SCRATCH/debctl && dpkg-deb -e "$deb" $SCRATCH/debctl
	check "deb postinst enables osconf.service and the identity units" grep -q 'for unit in osconf.service:sysinit osconf-machine-id.service:sysinit osconf-ssh-keygen.service:multi-user; do' $SCRATCH/debctl/postinst
	check "deb postinst never starts it" sh -c "! grep -qE 'systemctl (start|restart)|invoke-rc.d' $SCRATCH/debctl/postinst"
	check "deb init scripts are conffiles" sh -c "grep -qx /etc/init.d/osconf $SCRATCH/debctl/conffiles && grep -qx /etc/init.d/osconf-ssh-keygen $SCRATCH/debctl/conffiles"
	check "deb keygen script is dist's" sh -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./etc/init.d/osconf-ssh-keygen | cmp - dist/sysv/osconf-ssh-keygen"
	check "deb unit is dist's" sh -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/lib/systemd/system/osconf.service | cmp - dist/systemd/osconf.service"
	# installed for real into the cached Debian 12 systemd rootfs of the boot test (when there)
	. "$OSCONF_SRC/tests/vm/vmlib.sh"
	R=$(vm_rootfs_path)
	if [ "$(id -u)" = 0 ] && [ -e "$R/.complete" ]; then
		T=$SCRATCH/debroot && cp -a "$R" $T && cp "$deb" $T/tmp/osconf.deb
		check "dpkg -i in a Debian 12 root" chroot $T dpkg -i /tmp/osconf.deb
		check "postinst enabled osconf.service in sysinit.target.wants" test -L $T/etc/systemd/system/sysinit.target.wants/osconf.service
		check "... osconf-machine-id.service in sysinit.target.wants" test -L $T/etc/systemd/system/sysinit.target.wants/osconf-machine-id.service
		check "... osconf-ssh-keygen.service in multi-user.target.wants" test -L $T/etc/systemd/system/multi-user.target.wants/osconf-ssh-keygen.service
		check "postinst put the LSB scripts in rcS.d (update-rc.d)" sh -c "ls $T/etc/rcS.d | grep -q '^S[0-9][0-9]osconf$' && ls $T/etc/rcS.d | grep -q '^S[0-9][0-9]osconf-ssh-keygen$'"
		check "installed binary runs" chroot $T /usr/sbin/osconf --version
		check "dpkg -P removes the links" sh -c "chroot $T dpkg -P osconf >/dev/null 2>&1 && test ! -L $T/etc/systemd/system/sysinit.target.wants/osconf.service && test ! -L $T/etc/systemd/system/multi-user.target.wants/osconf-ssh-keygen.service && ! ls $T/etc/rcS.d | grep -q osconf"
	else
		skip "no cached Debian rootfs (tests/vm/boot.t builds it) or not root"; skip "-"; skip "-"; skip "-"; skip "-"; skip "-"; skip "-"
	fi
else
	skip "dpkg-deb not installed"
fi

if command -v rpmbuild >/dev/null 2>&1; then
	rpmf=$(make --no-print-directory -s rpm 2>$SCRATCH/rpm.err | tail -1)
	if [ -f "$rpmf" ]; then ok "make rpm: $rpmf"; else fail "make rpm"; diag "$(cat $SCRATCH/rpm.err)"; fi
	list=$(rpm -qlp "$rpmf" 2>/dev/null)
	for f in /usr/sbin/osconf /usr/lib/systemd/system/osconf.service /usr/lib/systemd/system-preset/80-osconf.preset \
		 /usr/share/man/man8/osconf.8.gz /usr/share/man/man5/os.conf.5.gz; do
		check "rpm contains $f" grep -qxF "$f" <<<"$list"
	done
	check "rpm version $V" test "$(rpm -qp --qf '%{VERSION}' "$rpmf" 2>/dev/null)" = "$V"
	check "rpm %post enables by preset" sh -c "rpm -qp --scripts '$rpmf' 2>/dev/null | grep -q 'systemctl --no-reload preset osconf.service'"
	check "rpm preset says enable" sh -c "rpm2cpio '$rpmf' | (cd $SCRATCH && cpio -idm --quiet ./usr/lib/systemd/system-preset/80-osconf.preset) && grep -qx 'enable osconf.service' $SCRATCH/usr/lib/systemd/system-preset/80-osconf.preset"
	check "rpm requires no shared library or glibc version" sh -c "! rpm -qpR '$rpmf' 2>/dev/null | grep -E '\\.so|GLIBC'"
	check "rpm licence Apache-2.0" test "$(rpm -qp --qf '%{LICENSE}' "$rpmf" 2>/dev/null)" = Apache-2.0
	R=$(vm_rootfs_path 2>/dev/null)
	if [ "$(id -u)" = 0 ] && [ -n "$R" ] && [ -e "$R/.complete" ]; then
		T=$SCRATCH/rpmroot && cp -a "$R" $T && rpm --root $T --initdb 2>/dev/null
		check "rpm -i into a root with systemd" sh -c "rpm --root $T -i --nodeps '$rpmf' 2>/dev/null"
		check "%post enabled osconf.service through the preset" test -L $T/etc/systemd/system/sysinit.target.wants/osconf.service
		check "rpm -e disables and removes it" sh -c "rpm --root $T -e osconf 2>/dev/null && test ! -L $T/etc/systemd/system/sysinit.target.wants/osconf.service && test ! -e $T/usr/sbin/osconf"
	else
		skip "no cached Debian rootfs (tests/vm/boot.t builds it) or not root"; skip "-"; skip "-"
	fi
else
	skip "rpmbuild not installed (Debian package rpm)"
fi
done_testing
