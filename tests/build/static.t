#!/bin/bash
# tests/build/static.t — the agent is one self-contained binary: no interpreter, no shared
# library, runs in an empty root; NSS-dependent calls fail the link; packagers' CFLAGS work.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
cd "$OSCONF_SRC" || exit 1

check "no ELF interpreter (PT_INTERP)" sh -c "! readelf -lW '$OSCONF' | grep -q INTERP"
check "no shared-library dependency (DT_NEEDED)" sh -c "! readelf -dW '$OSCONF' | grep -q NEEDED"
check "hardened: BIND_NOW and RELRO" sh -c "readelf -dW '$OSCONF' | grep -q 'FLAGS.*NOW' && readelf -lW '$OSCONF' | grep -q GNU_RELRO"
check "position independent (static-pie: ELF type DYN)" sh -c "readelf -hW '$OSCONF' | grep -q 'Type: *DYN'"

if [ "$(id -u)" = 0 ]; then
	mkdir -p $SCRATCH/empty && cp "$OSCONF" $SCRATCH/empty/osconf
	check "runs --version in an empty chroot" chroot $SCRATCH/empty /osconf --version
else
	skip "needs root for chroot"
fi

# The project's own link flags, as the Makefile computes them.
ldflags=$(make --no-print-directory -s --eval 'print-ldflags: ; @echo $(OSCONF_LDFLAGS)' print-ldflags)
printf '#include <pwd.h>\nint main(void) { return getpwnam("root") != 0; }\n' > $SCRATCH/nss.c
if ${CC:-cc} -fPIE $ldflags $SCRATCH/nss.c -o $SCRATCH/nss 2>$SCRATCH/nss.err; then
	fail "a static link that pulls in NSS (getpwnam) fails the build"
else
	check "a static link that pulls in NSS (getpwnam) fails the build" grep -q getpwnam $SCRATCH/nss.err
fi

# What every packager runs: their CFLAGS replace the default, the project's flags stay.
b=$SCRATCH/pkgbuild
if make --no-print-directory -s -j2 BUILD=$b CFLAGS="-O2 -g" $b/osconf >$SCRATCH/make.log 2>&1; then
	check "make CFLAGS=\"-O2 -g\" builds a static binary" sh -c "$b/osconf --version && ! readelf -lW $b/osconf | grep -q INTERP"
else
	fail "make CFLAGS=\"-O2 -g\" builds"; diag "$(tail -20 $SCRATCH/make.log)"
fi
done_testing
