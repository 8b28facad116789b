#!/bin/bash
# tests/vm/boot-nolibc.t — the static binary where there is no C library at all: a root of busybox-static
# and `osconf install --root` only (no libc.so, no ld-linux, no shared object), booted under QEMU
# (TCG) with busybox init running the sysv start links; the install's init script applies
# partition 1's os.conf at boot; /etc/shadow is read back from the image to verify the password.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
VERIFY=$OSCONF_SRC/build/tests/shadow-verify
command -v debugfs >/dev/null 2>&1 || [ -x /sbin/debugfs ] || skip_all "needs debugfs (e2fsprogs) to read /etc/shadow back"
command -v readelf >/dev/null 2>&1 || skip_all "needs readelf (binutils) to prove the tree has no C library"
[ -x "$VERIFY" ] || skip_all "build/tests/shadow-verify not built (make check builds it)"
# elf_deps FILE: prints what FILE needs from a dynamic linker (interpreter, NEEDED), nothing if static
elf_deps() { readelf -lW "$1" | sed -n 's/.*Requesting program interpreter: \(.*\)]/interp \1/p'; readelf -dW "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/needed \1/p'; }
vm_prepare_host
BB=$(command -v busybox)
[ -z "$(elf_deps "$BB")" ] || skip_all "$BB is dynamically linked (Debian: apt-get install busybox-static)"

# The tree: busybox and its applet links, a root account, busybox init with an inittab whose
# sysinit script mounts the virtual file systems and runs runlevel 2's start links.
T=$SCRATCH/tree
mkdir -p "$T"/{bin,sbin,usr/bin,usr/sbin,usr/local/sbin,etc/init.d,dev,proc,sys,run,tmp,root,mnt}
cp "$BB" "$T/bin/busybox"
for a in $("$BB" --list-full); do [ -e "$T/$a" ] || [ -L "$T/$a" ] || ln -s /bin/busybox "$T/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/etc/passwd"
printf 'root:x:0:\n' >"$T/etc/group"
printf 'root:*:20000:0:99999:7:::\n' >"$T/etc/shadow" && chmod 640 "$T/etc/shadow"
printf 'LABEL=rootfs / ext4 rw 0 0\n' >"$T/etc/fstab"
echo vm-test >"$T/etc/hostname"
printf '::sysinit:/etc/init.d/rcS\n::once:/usr/local/sbin/vm-report\n' >"$T/etc/inittab"
cat >"$T/etc/init.d/rcS" <<'RCS'
#!/bin/sh
# rcS — the boot of a tree without a C library: virtual file systems, then runlevel 2's start links.
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t tmpfs -o mode=0755 tmpfs /run
hostname -F /etc/hostname; ip link set lo up
for s in /etc/rc2.d/S*; do [ -x "$s" ] && "$s" start; done
RCS
{
	vm_probe_common
	printf "pw='%s'\n" "$VM_PW"
	cat <<'RPT'
echo "VMR libc=$(ls -d /lib*/libc.so* /lib*/*/libc.so* /usr/lib*/libc.so* /usr/lib*/*/libc.so* /lib*/ld-* /usr/lib*/ld-* 2>/dev/null | wc -l)"
# the password, checked in the guest: busybox's own crypt of the os.conf password with root's salt and method
h=$(sed -n 's/^root:\([^:]*\):.*/\1/p' /etc/shadow); salt=$(echo "$h" | cut -d'$' -f3); m=$(echo "$h" | cut -d'$' -f2)
case $m in 6) m=sha512;; 5) m=sha256;; *) m=unknown;; esac
[ "$(mkpasswd -m $m -S "$salt" "$pw")" = "$h" ] && echo "VMR pw_guest=ok" || echo "VMR pw_guest=bad"
[ "$(mkpasswd -m $m -S "$salt" "${pw}x")" = "$h" ] && echo "VMR pw_guest_wrong=accepted" || echo "VMR pw_guest_wrong=refused"
dmesg | grep 'osconf\[' | sed 's/^\[[ 0-9.]*\] //; s/^/VMR kmsg /'
echo "VMR END"
sync; mount -o remount,ro /; poweroff -f
RPT
} >"$T/usr/local/sbin/vm-report"
chmod 755 "$T/etc/init.d/rcS" "$T/usr/local/sbin/vm-report"
check "install --root into the busybox tree (sysv layout)" "$OSCONF" install --root "$T" --init sysv --partition UUID=5EED-0001
check "install enabled the init script in runlevel 2" test -x "$T/etc/rc2.d/S09osconf"

# the tree really has no C library: no shared object of any name, and each of its ELF files
# (busybox, osconf) static — no program interpreter, nothing NEEDED
shared=$(find "$T" \( -name '*.so' -o -name '*.so.*' -o -name 'ld-*' -o -name 'libc*' \) -print)
check "no libc.so, ld-linux or other shared object in the tree" test -z "$shared"
elves="" deps=""
while IFS= read -r -d '' f; do
	[ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
	elves="$elves ${f#"$T"}"
	d=$(elf_deps "$f"); [ -z "$d" ] || deps="$deps${f#"$T"}: $d\n"
done < <(find "$T" -type f -print0)
check "the tree's ELF files are busybox and osconf" test "$elves" = " /bin/busybox /usr/sbin/osconf" -o "$elves" = " /usr/sbin/osconf /bin/busybox"
if [ -z "$deps" ]; then ok "each ELF file is static (no interpreter, no NEEDED)"; else fail "each ELF file is static"; diag "$(printf "$deps")"; fi

IMG=$SCRATCH/disk.img
mkdir -p "$SCRATCH/p1/aliyun_custom_image" && vm_sample_conf >"$SCRATCH/p1/aliyun_custom_image/os.conf"
if ! vm_mkimg "$IMG" "$SCRATCH/p1" "$T" >"$SCRATCH/mkimg.log" 2>&1; then
	fail "image built"; diag "$(cat "$SCRATCH/mkimg.log")"; done_testing; exit
fi
ok "image built"

n=nolibc
if vm_run $n "net.ifnames=0"; then ok "$n: booted (busybox init) and reported"; else fail "$n: booted (busybox init) and reported"; vm_show_log $n; fi
check "$n: no C library in the running system" test "$(vm_val $n libc)" = 0
vm_check_settings $n eth0 "$VM_HOSTNAME" "$VM_ADDR" "$VM_GW" "$VM_DNS"
check "$n: osconf logged to the kernel log (--syslog), no password" sh -c "grep -q '^VMR kmsg .*set the root password' '$SCRATCH/$n.vmr' && ! grep -q '$VM_PW' '$SCRATCH/$n.vmr'"
check "$n: root password verifies in the guest (busybox mkpasswd with root's salt)" test "$(vm_val $n pw_guest)" = ok
check "$n: ... and another password does not, in the guest" test "$(vm_val $n pw_guest_wrong)" = refused
# the password, from the image after power-off: root's hash in the ext4 partition's /etc/shadow
mkdir -p "$SCRATCH/after/etc"
debugfs -R 'cat /etc/shadow' "$IMG?offset=$VM_P2_OFFSET" >"$SCRATCH/after/etc/shadow" 2>"$SCRATCH/debugfs.log"
check "$n: /etc/shadow read back from the image" grep -q '^root:\$' "$SCRATCH/after/etc/shadow"
check "$n: root password $VM_PW verifies against it (crypt(3) on the host)" verify_password "$SCRATCH/after" "$VM_PW"
check "$n: ... and another password does not" sh -c "! echo '${VM_PW}5' | '$VERIFY' '$SCRATCH/after' root"
vm_check_p1 $n
if [ "$TAP_FAILED" != 0 ]; then diag "$(cat "$SCRATCH/$n.vmr")"; else diag "$(sed -n 's/^VMR kmsg //p' "$SCRATCH/$n.vmr")"; fi
diag "libc-less boot test took $(($(date +%s) - START)) s"
done_testing
