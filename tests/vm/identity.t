#!/bin/bash
# tests/vm/identity.t — one image, two instances: copies of a Debian 12 image with openssh-server (its
# host keys and machine-id baked in), booted with other MACs and os.conf files, get their own SSH
# host keys and machine-ids, and sshd takes the os.conf password; a settings change on one (same
# MACs, new password) makes nothing anew. Real boots under QEMU (TCG).
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/vmlib.sh"
. "$(dirname "$0")/systemd.sh"
vm_prepare "$VM_PKGS,openssh-server"
APPEND="net.ifnames=0" PARTITION_MOUNTED="" VM_PROBE_MAC='*'
# sshd and its keys make this guest slower than boot.t's; the new machine-id needs a clean shutdown
BOOT_TIMEOUT=$((BOOT_TIMEOUT * 2))
MAC_A=$VM_MAC MAC_B=00:8c:fa:5e:14:b7

VM_REPORT_EXTRA=$SCRATCH/report-extra
sed "s/@PASSWORDS@/$VM_PW N3w-pass.2/" >"$VM_REPORT_EXTRA" <<'EOF'
#!/bin/sh
echo "VMR hostkey=$(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub 2>&1 | awk '{print $2}')"
echo "VMR hostkeys=$(ls /etc/ssh | grep -c '^ssh_host_.*key$')"
echo "VMR sshd=$(systemctl is-active ssh.service)"
echo "VMR keygen=$(systemctl show -p ExecMainStatus --value osconf-ssh-keygen.service)/$(systemctl show -p ExecMainExitTimestampMonotonic --value osconf-ssh-keygen.service)"
echo "VMR sshd_start=$(systemctl show -p ExecMainStartTimestampMonotonic --value ssh.service)"
echo "VMR mid_etc=$(cat /etc/machine-id)"
echo "VMR mid_next=$(cat /var/lib/osconf/machine-id.next 2>/dev/null)"
echo "VMR mid_unit=$(systemctl is-active osconf-machine-id.service)"
grep -o '"identity":"[^"]*"' /var/lib/osconf/last-result.json | sed 's/^/VMR /'
# sshd takes a password (ssh's askpass, the only non-interactive way in OpenSSH)
for pw in @PASSWORDS@; do
	printf '#!/bin/sh\necho %s\n' "$pw" >/run/askpass && chmod 700 /run/askpass
	out=$(SSH_ASKPASS=/run/askpass SSH_ASKPASS_REQUIRE=force timeout 30 ssh -n -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no -o PreferredAuthentications=password \
		-o NumberOfPasswordPrompts=1 root@127.0.0.1 echo ssh-ok 2>/dev/null)
	[ "$out" = ssh-ok ] && echo "VMR ssh_password=$pw"
done
rm -f /run/askpass
EOF
export VM_REPORT_EXTRA

# the image: the rootfs's keys and machine-id are baked in, as in an image made from an instance
IMG=$SCRATCH/image.img
vm_systemd_image "$IMG" || { fail "image built"; diag "$(cat "$SCRATCH/install.log" "$SCRATCH/mkimg.log")"; done_testing; exit; }
mkdir -p "$SCRATCH/rootfs/etc/ssh/sshd_config.d"
ok "image built with osconf install --root"
check "install added osconf-ssh-keygen.service" test -L "$SCRATCH/rootfs/etc/systemd/system/multi-user.target.wants/osconf-ssh-keygen.service"
check "install added osconf-machine-id.service" test -L "$SCRATCH/rootfs/etc/systemd/system/sysinit.target.wants/osconf-machine-id.service"
IMAGE_KEY=$(ssh-keygen -lf "$SCRATCH/rootfs/etc/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
IMAGE_MID=$(cat "$SCRATCH/rootfs/etc/machine-id")
check "image check fails the baked-in host keys" sh -c "'$OSCONF' image check '$IMG' 2>&1 | grep -q 'private SSH host keys baked into the image'"
# root logs in with a password over SSH, as on the vendor's images
printf 'PermitRootLogin yes\n' >"$SCRATCH/rootfs/etc/ssh/sshd_config.d/vm-test.conf"
vm_mkimg "$IMG" "$SCRATCH/p1" "$SCRATCH/rootfs" >"$SCRATCH/mkimg.log" 2>&1 || fail "image rebuilt"
# an image without keys: osconf's unit makes them (image check: pass, with the note)
(cd "$SCRATCH/rootfs/etc/ssh" && mkdir -p ../../keys-aside && mv ssh_host_* ../../keys-aside/)
vm_mkimg "$SCRATCH/nokeys.img" "$SCRATCH/p1" "$SCRATCH/rootfs" >/dev/null 2>&1
check "image check: no host keys, osconf-ssh-keygen.service makes them: pass with a note" sh -c \
	"'$OSCONF' image check '$SCRATCH/nokeys.img' 2>&1 | grep -q 'no private SSH host keys in /etc/ssh; osconf-ssh-keygen.service (installed by osconf) makes them'"
rm -f "$SCRATCH/rootfs/etc/systemd/system/multi-user.target.wants/osconf-ssh-keygen.service"
vm_mkimg "$SCRATCH/nokeys.img" "$SCRATCH/p1" "$SCRATCH/rootfs" >/dev/null 2>&1
check "image check: no host keys and nothing makes them (Debian): warns" sh -c \
	"'$OSCONF' image check '$SCRATCH/nokeys.img' 2>&1 | grep -q 'nothing makes them at boot: sshd will not start'"
rm -f "$SCRATCH/nokeys.img"

# boot NAME IMG MAC: one instance's boot with its MAC, the common checks
boot() {
	local n=$1
	IMG=$2 VM_MAC=$3
	if vm_run "$n" "$APPEND"; then ok "$n: booted and reported"; else fail "$n: booted and reported"; vm_show_log "$n"; return 1; fi
	check "$n: osconf exited 0" test "$(vm_val $n osconf_status)" = 0
	check "$n: sshd running" test "$(vm_val $n sshd)" = active
	check "$n: host keys there (4 kinds: $(vm_val $n hostkeys))" test "$(vm_val $n hostkeys)" -ge 3
	local kg=$(vm_val $n keygen) ss=$(vm_val $n sshd_start)
	check "$n: osconf-ssh-keygen ran before sshd started (${kg#*/} < $ss us)" test "${kg%/*}" = 0 -a "${kg#*/}" -gt 0 -a "${kg#*/}" -lt "${ss:-0}"
}
cp --sparse=always "$IMG" "$SCRATCH/a.img" && cp --sparse=always "$IMG" "$SCRATCH/b.img" && rm -f "$IMG"
VM_MAC=$MAC_B vm_sample_conf >"$SCRATCH/os.conf.b" && mcopy -o -i "$SCRATCH/b.img@@$VM_P1_OFFSET" "$SCRATCH/os.conf.b" ::/aliyun_custom_image/os.conf

boot a1 "$SCRATCH/a.img" $MAC_A
boot b1 "$SCRATCH/b.img" $MAC_B
for n in a1 b1; do
	check "$n: a new instance (status record)" vm_has $n '"identity":"new"'
	check "$n: host key not the image's" test -n "$(vm_val $n hostkey)" -a "$(vm_val $n hostkey)" != "$IMAGE_KEY"
	check "$n: sshd takes the os.conf password" vm_has $n "ssh_password=$VM_PW"
	check "$n: this boot keeps one machine-id (the image's)" test "$(vm_val $n mid_etc)" = "$IMAGE_MID"
	check "$n: a new machine-id waits for the next boot" test -n "$(vm_val $n mid_next)" -a "$(vm_val $n mid_next)" != "$IMAGE_MID"
	check "$n: osconf-machine-id.service active (installs it at shutdown)" test "$(vm_val $n mid_unit)" = active
	check "$n: the saved random seed removed" grep -q '^VMR journal osconf: removed /var/lib/systemd/random-seed' "$SCRATCH/$n.vmr"
done
check "a and b: different host keys" test "$(vm_val a1 hostkey)" != "$(vm_val b1 hostkey)"
check "a and b: different new machine-ids" test "$(vm_val a1 mid_next)" != "$(vm_val b1 mid_next)"

# a settings change on a: same MAC, new password
sample 02-vpc password="$(printf 'N3w-pass.2\n' | base64)" eth0_mac_addr="$MAC_A" >"$SCRATCH/os.conf.a2"
mcopy -o -i "$SCRATCH/a.img@@$VM_P1_OFFSET" "$SCRATCH/os.conf.a2" ::/aliyun_custom_image/os.conf
boot a2 "$SCRATCH/a.img" $MAC_A
check "a2: the same instance (status record)" vm_has a2 '"identity":"same"'
check "a2: host key kept" test "$(vm_val a2 hostkey)" = "$(vm_val a1 hostkey)"
check "a2: the machine-id a1 prepared is the one now" test "$(vm_val a2 mid_etc)" = "$(vm_val a1 mid_next)"
check "a2: nothing new prepared" test -z "$(vm_val a2 mid_next)"
check "a2: sshd takes the new password" vm_has a2 "ssh_password=N3w-pass.2"
check "a2: nothing removed" sh -c "! grep -q '^VMR journal osconf: removed /etc/ssh\|^VMR journal osconf: removed /var/lib/systemd' '$SCRATCH/a2.vmr'"
[ "$TAP_FAILED" = 0 ] || for n in a1 b1 a2; do diag "$(cat "$SCRATCH/$n.vmr" 2>/dev/null)"; done
rm -f "$SCRATCH/a.img" "$SCRATCH/b.img"
diag "identity test took $(($(date +%s) - START)) s"
done_testing
