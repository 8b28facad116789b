#!/bin/bash
# tests/image/check-agent.t — the agent check proves the installed osconf can run in the tree:
# static or with its interpreter, libraries and symbol versions there, built for its machine.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools sfdisk mkfs.vfat mcopy mkfs.ext4 python3 readelf
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
CC=${CC:-cc}
S=$SCRATCH

# agent_is NAME DIR|IMAGE STATUS REGEX: the agent check's status, and its message matching REGEX
agent_is() {
	local name=$1 target=$2 want=$3 re=$4 got
	if [ -d "$target" ]; then
		"$OSCONF" image check --json --root "$target" >"$S/out.json" 2>"$S/err"
	else
		"$OSCONF" image check --json "$target" >"$S/out.json" 2>"$S/err"
	fi
	got=$(python3 -c 'import json,sys
c = [c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "agent"][0]
print(c["status"] + ": " + c["message"] + (" -> " + c["advice"] if c["advice"] else ""))' "$S/out.json" 2>&1)
	if [[ $got == "$want: "* ]] && echo "$got" | grep -Eq -- "$re"; then
		ok "$name"
	else
		fail "$name"
		diag "got: $got"
		diag "want: $want: /$re/"
	fi
}

case $(uname -m) in
x86_64) HOST=x86-64 OTHER=183 OTHER_NAME=aarch64 ;;
aarch64) HOST=aarch64 OTHER=62 OTHER_NAME=x86-64 ;;
*) HOST='[a-z0-9-]+' OTHER=22 OTHER_NAME='s390' ;;   # EM_S390, 64-bit little endian: not in the table
esac

# --- fixtures: a library of our own, a program needing it, a fake C library up to GLIBC_2.31
printf 'int agentfix(void) { return 0; }\n' >"$S/fix.c"
printf 'int agentfix(void);\nint main(void) { return agentfix(); }\n' >"$S/main.c"
printf 'int main(void) { return 0; }\n' >"$S/plain.c"
$CC -shared -fPIC -Wl,-soname,libagentfix.so.0 -o "$S/libagentfix.so.0" "$S/fix.c" &&
	$CC -o "$S/dynfix" "$S/main.c" "$S/libagentfix.so.0" && $CC -o "$S/dyn" "$S/plain.c" ||
	skip_all "cannot build the dynamic fixtures with $CC"
INTERP=$(readelf -l "$S/dyn" | sed -n 's/.*program interpreter: \(.*\)]/\1/p')
LIBC=$($CC -print-file-name=libc.so.6)
[ -n "$INTERP" ] && [ -f "$LIBC" ] || skip_all "no glibc interpreter / libc.so.6 on the host"
prev=""
: >"$S/glibc.map"
for n in 2.2.5 2.2.6 2.3 2.3.2 2.3.3 2.3.4 2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13 2.14 2.15 2.16 \
	2.17 2.18 2.22 2.23 2.24 2.25 2.26 2.27 2.28 2.29 2.30 2.31; do
	if [ -z "$prev" ]; then echo "GLIBC_$n { local: *; };"; else echo "GLIBC_$n { } $prev;"; fi >>"$S/glibc.map"
	prev=GLIBC_$n
done
: >"$S/empty.c"
$CC -shared -nostdlib -Wl,--version-script="$S/glibc.map" -Wl,-soname,libc.so.6 -o "$S/fake-libc.so.6" "$S/empty.c" ||
	skip_all "cannot build the fake libc.so.6"

other_elf() {   # a 64-bit little-endian ELF header of machine $OTHER
	python3 -c 'import struct,sys
h = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, int(sys.argv[1]), 1) + bytes(40)
open(sys.argv[2], "wb").write(h)' "$OTHER" "$1"
}
# make_agent_root DIR BINARY: make_root, with BINARY installed as osconf by `osconf install`
make_agent_root() {
	make_root "$1"
	"$OSCONF" install --root "$1" --init systemd --binary "$2" --partition LABEL=CUSTOMIMG >/dev/null 2>&1 ||
		fail "osconf install --binary $2 into $1"
}

# (a) dynamic, the tree has none of its libraries
make_agent_root "$S/nolibs" "$S/dynfix"
agent_is "dynamic osconf without its libraries fails, naming them" "$S/nolibs" fail \
	"needs .*libagentfix\.so\.0.*which the image lacks -> install the statically linked osconf"
grep -q "$INTERP" "$S/out.json" && ok "the missing interpreter is named" || fail "interpreter named"

# the real build: static passes, dynamic fails on its first library (the tree has none)
make_agent_root "$S/real" "$OSCONF"
first=$(readelf -d "$OSCONF" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | head -1)
if [ -n "$first" ]; then
	agent_is "build/osconf (dynamic) in a tree without its libraries fails" "$S/real" fail "needs .*${first//./\\.}"
else
	agent_is "build/osconf (static) passes" "$S/real" pass "static, $HOST"
fi

# dynamic with everything there: libc in the multiarch dir, our library through ld.so.conf
cp -a "$S/nolibs" "$S/alllibs"
triplet=$($CC -print-multiarch)
mkdir -p "$S/alllibs/$(dirname "$INTERP")" "$S/alllibs/lib/${triplet:-.}" "$S/alllibs/opt/fix/lib" "$S/alllibs/etc/ld.so.conf.d"
cp -L "$INTERP" "$S/alllibs/$INTERP"
cp -L "$LIBC" "$S/alllibs/lib/${triplet:-.}/libc.so.6"
cp "$S/libagentfix.so.0" "$S/alllibs/opt/fix/lib/"
printf 'include /etc/ld.so.conf.d/*.conf\n' >"$S/alllibs/etc/ld.so.conf"
printf '# ours\n/opt/fix/lib\n' >"$S/alllibs/etc/ld.so.conf.d/fix.conf"
agent_is "dynamic osconf with its interpreter, libraries and versions passes" "$S/alllibs" pass "dynamic, $HOST"
grep -q 'libagentfix.so.0: /opt/fix/lib/libagentfix.so.0' "$S/out.json" && ok "found through /etc/ld.so.conf" ||
	fail "ld.so.conf include"
rm "$S/alllibs/etc/ld.so.conf"
agent_is "without the ld.so.conf entry, the library is missing" "$S/alllibs" fail "needs libagentfix\.so\.0, which"

# (b) a C library older than the one osconf was linked against
if readelf -V "$S/dyn" | grep -Eq 'GLIBC_2\.(3[2-9]|[4-9][0-9])'; then
	make_agent_root "$S/oldlibc" "$S/dyn"
	mkdir -p "$S/oldlibc/$(dirname "$INTERP")" "$S/oldlibc/usr/lib"
	cp -L "$INTERP" "$S/oldlibc/$INTERP"
	cp "$S/fake-libc.so.6" "$S/oldlibc/usr/lib/libc.so.6"
	agent_is "a C library older than osconf needs fails" "$S/oldlibc" fail \
		"osconf needs GLIBC_2\.(3[2-9]|[4-9][0-9]); the image's C library \(libc\.so\.6\) provides up to GLIBC_2\.31"
	# a libc of another machine is skipped, as the dynamic linker does
	mkdir -p "$S/oldlibc/lib"
	other_elf "$S/oldlibc/lib/libc.so.6"
	agent_is "a library of another machine first in the path is skipped" "$S/oldlibc" fail "provides up to GLIBC_2\.31"
else
	skip "the host's glibc is older than 2.32: no version to miss"
	skip "-"
fi

# (c) static: the image's init a symlink to a busybox-like static program
make_root "$S/static"
rm -rf "$S/static/usr/lib/systemd/systemd" "$S/static/bin/sh"
mkdir -p "$S/static/sbin"
elf_fixture static "$S/static/bin/busybox"
ln -s ../bin/busybox "$S/static/sbin/init"
agent_is "static osconf, init a symlink to busybox, passes" "$S/static" pass "static, $HOST"
make_image "$S/static.img" gpt vfat "$S/static" 2>/dev/null
agent_is "the same inside an image (ext4 root, symlinks followed in the image)" "$S/static.img" pass "static, $HOST"

# (d) another machine: osconf for it, or an image of it
cp -a "$S/static" "$S/foreign"
other_elf "$S/foreign/usr/sbin/osconf"
agent_is "osconf built for another machine fails" "$S/foreign" fail "osconf is built for $OTHER_NAME, the image is $HOST"
cp -a "$S/static" "$S/foreignimg"
other_elf "$S/foreignimg/bin/busybox"
agent_is "an image of another machine fails" "$S/foreignimg" fail "osconf is built for $HOST, the image is $OTHER_NAME \(/sbin/init\)"

# not a program at all, and an image whose machine cannot be told
cp -a "$S/static" "$S/script"
printf '#!/bin/sh\nexit 0\n' >"$S/script/usr/sbin/osconf"
agent_is "a script as /usr/sbin/osconf fails" "$S/script" fail "is not an ELF program that can run \(not an ELF file\)"
cp -a "$S/static" "$S/noinit"
rm -f "$S/noinit/sbin/init"
agent_is "no ELF init or shell: the machine is unknown, a warning" "$S/noinit" warn "the image's machine is unknown"

done_testing
