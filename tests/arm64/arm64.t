#!/bin/bash
# tests/arm64/arm64.t — the arm64 build (`make ARCH=arm64` → build-arm64/) under qemu-aarch64: one
# static aarch64 binary, the cmocka unit tests, the golden suite (tests/golden/run.t with $OSCONF a
# wrapper that runs the arm64 binary), and the arm64 .deb/.rpm. `make check` builds build-arm64/
# when the cross toolchain is there; run alone, this script builds what is missing.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
cd "$OSCONF_SRC" || exit 1
B=$OSCONF_SRC/build-arm64
V=$(sed -n 's/^VERSION *:= *//p' Makefile)
command -v aarch64-linux-gnu-gcc >/dev/null || skip_all "no cross compiler (mk/deps.sh arm64 installs gcc-aarch64-linux-gnu)"
command -v qemu-aarch64 >/dev/null || skip_all "no qemu-aarch64 (mk/deps.sh arm64 installs qemu-user)"
[ -e "$B/sysroot/.complete" ] || skip_all "no arm64 sysroot (mk/deps.sh arm64 unpacks it)"

units=$(for t in tests/unit/test_*.c; do t=${t##*/}; echo "build-arm64/tests/${t%.c}"; done)
if ! make --no-print-directory -s ARCH=arm64 build-arm64/osconf $units >"$SCRATCH/make.log" 2>&1; then
	fail "make ARCH=arm64 builds"; diag "$(tail -20 "$SCRATCH/make.log")"; done_testing; exit
fi
ok "make ARCH=arm64 builds build-arm64/osconf and the unit tests"

# one static aarch64 binary, like the native one (tests/build/static.t)
check "file: ARM aarch64, statically linked" sh -c "file -b '$B/osconf' | grep -E 'ARM aarch64.*(statically|static-pie) linked'"
check "no ELF interpreter, no shared-library dependency" sh -c "! readelf -lW '$B/osconf' | grep -q INTERP && ! readelf -dW '$B/osconf' | grep -q NEEDED"
check "hardened: BIND_NOW and RELRO" sh -c "readelf -dW '$B/osconf' | grep -q 'FLAGS.*NOW' && readelf -lW '$B/osconf' | grep -q GNU_RELRO"
check "qemu-aarch64 osconf --version" sh -c "qemu-aarch64 '$B/osconf' --version | grep -qx 'osconf $V'"

# unit tests: cmocka is a shared library only, so these load libc6:arm64 and libcmocka0:arm64
if [ -e /lib/ld-linux-aarch64.so.1 ]; then
	for t in $units; do
		if out=$(CMOCKA_MESSAGE_OUTPUT=TAP timeout 300 qemu-aarch64 "$t" 2>&1); then
			ok "unit ${t##*/} under qemu-aarch64 ($(grep -c '^ok' <<<"$out") tests)"
		else
			fail "unit ${t##*/} under qemu-aarch64"; diag "$(grep -A8 '^not ok' <<<"$out" | head -40)"
		fi
	done
else
	skip "no /lib/ld-linux-aarch64.so.1 (libc6:arm64, installed with libcmocka-dev:arm64)"
fi

# golden suite: the same script, the arm64 binary behind $OSCONF
if [ -x "$OSCONF_SRC/build/tests/shadow-verify" ]; then
	printf '#!/bin/sh\nexec qemu-aarch64 %s "$@"\n' "$B/osconf" > "$SCRATCH/osconf" && chmod +x "$SCRATCH/osconf"
	if OSCONF=$SCRATCH/osconf OSCONF_GOLDEN_UPDATE= tests/golden/run.t >"$SCRATCH/golden.out" 2>&1; then
		ok "golden suite under qemu-aarch64 ($(grep -c '^ok' "$SCRATCH/golden.out") tests)"
	else
		fail "golden suite under qemu-aarch64"; diag "$(grep -A8 '^not ok' "$SCRATCH/golden.out" | head -60)"
	fi
else
	skip "golden suite: no build/tests/shadow-verify (make check builds it)"
fi

# packages: arm64 .deb, aarch64 .rpm, each with the arm64 binary
for kind in deb rpm; do
	case $kind in deb) tool=dpkg-deb want=arm64 ;; rpm) tool=rpmbuild want=aarch64 ;; esac
	command -v $tool >/dev/null || { skip "$tool not installed"; continue; }
	f=$(make --no-print-directory -s $kind ARCH=arm64 2>"$SCRATCH/$kind.err" | tail -1)
	[ -f "$f" ] || { fail "make $kind ARCH=arm64"; diag "$(cat "$SCRATCH/$kind.err")"; continue; }
	case $kind in
	deb) a=$(dpkg-deb -f "$f" Architecture); dpkg-deb --fsys-tarfile "$f" | tar -xO ./usr/sbin/osconf ;;
	rpm) a=$(rpm -qp --qf '%{ARCH}' "$f" 2>/dev/null); rpm2cpio "$f" | cpio -i --quiet --to-stdout ./usr/sbin/osconf ;;
	esac > "$SCRATCH/$kind-osconf"
	check "make $kind ARCH=arm64: $f, architecture $want" test "$a" = $want
	check "the $kind's /usr/sbin/osconf is build-arm64/osconf" cmp "$SCRATCH/$kind-osconf" "$B/osconf"
done
done_testing
