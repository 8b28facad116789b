#!/bin/sh
# mk/pkg.sh — build the .deb (dpkg-deb) or the .rpm (rpmbuild) from a `make install` staging tree.
# usage: mk/pkg.sh deb|rpm VERSION [ARCH BUILD]   (from the top of the source tree after `make`;
# ARCH is a Debian architecture name, default the host's; BUILD the build directory, default build)
# SPDX-License-Identifier: Apache-2.0
set -eu
kind=$1 version=$2 arch=${3:-$(dpkg --print-architecture)} build=${4:-build}
top=$PWD/$build/pkg/$kind stage=$PWD/$build/pkg/$kind/root
rm -rf "$top" && mkdir -p "$stage"
make --no-print-directory install ARCH="$arch" DESTDIR="$stage" PREFIX=/usr >/dev/null
gzip -9n "$stage/usr/share/man/man8/osconf.8" "$stage/usr/share/man/man5/os.conf.5"

# Who builds the package, as Debian's tools take it (DEBFULLNAME/DEBEMAIL, else EMAIL), else the
# builder's own account on this host: the package names whoever made it, never a made-up address.
maintainer="${DEBFULLNAME:-osconf package builder} <${DEBEMAIL:-${EMAIL:-$(id -un)@$(hostname -f 2>/dev/null || hostname)}}>"

case $kind in
deb)
	# sysvinit Debian: the LSB scripts too (systemd prefers the native units of the same names);
	# nothing else makes SSH host keys there, so osconf-ssh-keygen comes with them
	install -D -m 0755 dist/sysv/osconf "$stage/etc/init.d/osconf"
	install -D -m 0755 dist/sysv/osconf-ssh-keygen "$stage/etc/init.d/osconf-ssh-keygen"
	mkdir -p "$stage/DEBIAN"
	cat >"$stage/DEBIAN/control" <<CTRL
Package: osconf
Version: $version-1
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk "$stage" | cut -f1)
Section: admin
Priority: optional
Description: configure an Alibaba Cloud Customized Linux instance from os.conf
 osconf finds aliyun_custom_image/os.conf on the image's first partition, applies it
 (root password, hostname, NICs, routes, default gateway, DNS) before the network
 starts, and removes it. The file is parsed, never executed. The package enables
 osconf.service (and the sysvinit scripts) at boot; nothing runs at install time.
CTRL
	printf '/etc/init.d/osconf\n/etc/init.d/osconf-ssh-keygen\n' >"$stage/DEBIAN/conffiles"
	install -m 0755 dist/deb/postinst dist/deb/postrm "$stage/DEBIAN/"
	install -D -m 0644 dist/deb/copyright "$stage/usr/share/doc/osconf/copyright"
	# The binary is static: no shared-library Depends (any C library, or none, will do).
	dpkg-deb --root-owner-group -Zxz --build "$stage" "$build/osconf_${version}-1_${arch}.deb" >/dev/null
	echo "$build/osconf_${version}-1_${arch}.deb"
	;;
rpm)
	install -D -m 0644 dist/rpm/osconf.preset "$stage/usr/lib/systemd/system-preset/80-osconf.preset"
	install -D -m 0644 LICENSE "$stage/usr/share/licenses/osconf/LICENSE"
	case $arch in amd64) arch=x86_64 ;; arm64) arch=aarch64 ;; esac   # RPM's names
	rpmbuild -bb --nodeps --quiet --target "$arch" \
		--define "_topdir $top/rpmbuild" --define "_rpmdir $PWD/$build" \
		--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
		--define "osconf_version $version" --define "osconf_packager $maintainer" --define "osconf_stage $stage" \
		dist/rpm/osconf.spec >"$top/rpmbuild.log" 2>&1 || { cat "$top/rpmbuild.log" >&2; exit 1; }
	echo "$build/osconf-${version}-1.${arch}.rpm"
	;;
*)
	echo "usage: mk/pkg.sh deb|rpm VERSION [ARCH BUILD]" >&2
	exit 2
	;;
esac
