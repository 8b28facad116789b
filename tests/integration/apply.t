#!/bin/bash
# tests/integration/apply.t — the binary against scratch roots: lifecycle of os.conf, exit
# statuses, shadow handling, refusals, injections, plan changing nothing.
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
scratch
FIX="$FIXTURES/centos7"
# the classic sample's password, as typed and in os.conf (base64): neither may be printed
PW=$(case_password 01-classic) PW64=$(conf_value "$CASES/01-classic.conf" password)
shows_pw() { grep -qF -e "$PW" -e "$PW64" "$@"; }

# --- usage and --help
"$OSCONF" --help > "$SCRATCH/help" 2>&1; rc=$?
[ $rc = 0 ] && grep -q 'apply' "$SCRATCH/help" && ok "--help" || fail "--help (rc $rc)"
"$OSCONF" --version | grep -q '^osconf [0-9]' && ok "--version" || fail "--version"
"$OSCONF" apply --bogus >/dev/null 2>&1; [ $? = 2 ] && ok "unknown option: exit 2" || fail "unknown option exit"
"$OSCONF" frobnicate >/dev/null 2>&1; [ $? = 2 ] && ok "unknown command: exit 2" || fail "unknown command exit"
"$OSCONF" check >/dev/null 2>&1; [ $? = 2 ] && ok "check without FILE: exit 2" || fail "check usage"

# --- plan changes nothing
newroot "$SCRATCH/r"; cp "$CASES/01-classic.conf" "$SCRATCH/os.conf"
before=$(tree_state -i "$SCRATCH/r")
"$OSCONF" plan --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/plan" 2>&1; rc=$?
after=$(tree_state -i "$SCRATCH/r")
[ $rc = 0 ] && [ "$before" = "$after" ] && [ -e "$SCRATCH/os.conf" ] && ok "plan changes nothing" || fail "plan changed something (rc $rc)"
grep -q 'root password: will be set' "$SCRATCH/plan" && ! shows_pw "$SCRATCH/plan" \
	&& ok "plan announces the password, never shows it" || fail "plan password line"

# --- apply: os.conf removed on success, shadow handled, password never printed
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 0 ] && ok "apply classic: exit 0" || { fail "apply classic: exit $rc"; diag "$(cat "$SCRATCH/out")"; }
[ ! -e "$SCRATCH/os.conf" ] && ok "os.conf removed after success" || fail "os.conf still there"
shows_pw "$SCRATCH/out" && fail "password appears in the log" || ok "password not in the log"
compare "previous shadow kept as shadow-" "$FIX/etc/shadow" "$SCRATCH/r/etc/shadow-"
grep -v '^root:' "$FIX/etc/shadow" >"$SCRATCH/shadow.want"; grep -v '^root:' "$SCRATCH/r/etc/shadow" >"$SCRATCH/shadow.got"
compare "every other shadow line kept byte for byte" "$SCRATCH/shadow.want" "$SCRATCH/shadow.got"
IFS=: read -r _ hash day rest < <(grep '^root:' "$SCRATCH/r/etc/shadow")
[ "$day" = $(( $(date +%s) / 86400 )) ] && [ "$rest" = "0:99999:7:::" ] && ok "root's last-change day is today, aging fields kept" \
	|| fail "root line fields: $day $rest"
case "$hash" in '$6$'*) ok "SHA-512 from ENCRYPT_METHOD";; *) fail "hash method: $hash";; esac
[ "$(stat -c %a "$SCRATCH/r/etc/shadow")" = 640 ] && ok "shadow mode kept" || fail "shadow mode"

# --- yescrypt when login.defs asks for it
newroot "$SCRATCH/r"; sed -i 's/^ENCRYPT_METHOD.*/ENCRYPT_METHOD YESCRYPT/' "$SCRATCH/r/etc/login.defs"
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1
grep -q '^root:\$y\$' "$SCRATCH/r/etc/shadow" && ok "ENCRYPT_METHOD YESCRYPT honoured" || fail "yescrypt not used"
newroot "$SCRATCH/r"; sed -i 's/^ENCRYPT_METHOD.*/ENCRYPT_METHOD MD5/' "$SCRATCH/r/etc/login.defs"
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1
grep -q '^root:\$6\$' "$SCRATCH/r/etc/shadow" && grep -q 'MD5.*weak' "$SCRATCH/out" && ok "weak MD5 refused, SHA-512 used with a warning" || fail "MD5 handling"

# --- the same password already set: shadow untouched
ino=$(stat -c %i "$SCRATCH/r/etc/shadow")
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 0 ] && [ "$(stat -c %i "$SCRATCH/r/etc/shadow")" = "$ino" ] && ok "same password: shadow not rewritten" || fail "shadow rewritten for the same password"

# --- lock honoured: apply waits while another holder has /etc/.pwd.lock
newroot "$SCRATCH/r"; cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
python3 -c 'import fcntl,time,sys
f=open(sys.argv[1],"a"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2],"w").close(); time.sleep(1.5)' \
	"$SCRATCH/r/etc/.pwd.lock" "$SCRATCH/locked" &
lockpid=$!
for _ in $(seq 50); do [ -e "$SCRATCH/locked" ] && break; sleep 0.05; done
start=$(date +%s%N)
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1; rc=$?
waited=$(( ($(date +%s%N) - start) / 1000000 ))
wait $lockpid
[ $rc = 0 ] && [ $waited -ge 1000 ] && grep -q '^root:\$6\$' "$SCRATCH/r/etc/shadow" && ok "waited ${waited} ms for /etc/.pwd.lock" || fail "lock not honoured (rc $rc, ${waited} ms)"

# --- a failure while applying keeps os.conf; other sections still applied; exit 1
newroot "$SCRATCH/r"; rm -rf "$SCRATCH/r/etc/sysconfig/network-scripts"; echo "not a dir" > "$SCRATCH/r/etc/sysconfig/network-scripts"
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 1 ] && [ -e "$SCRATCH/os.conf" ] && grep -q 'iZ23r29djmjZ' "$SCRATCH/r/etc/hostname" && grep -q '^root:\$6' "$SCRATCH/r/etc/shadow" \
	&& ok "apply failure: exit 1, os.conf kept, other sections applied" || { fail "apply failure handling (rc $rc)"; diag "$(cat "$SCRATCH/out")"; }
grep -q '"network":"failed"' "$SCRATCH/r/run/osconf/status.json" && grep -q '"hostname":"applied"' "$SCRATCH/r/run/osconf/status.json" \
	&& ok "status record names the failed section" || fail "status record: $(cat "$SCRATCH/r/run/osconf/status.json")"

# --- invalid input: valid sections applied, exit 65, os.conf kept
newroot "$SCRATCH/r"; cp "$CASES/07-bad-dns.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 65 ] && [ -e "$SCRATCH/os.conf" ] && grep -q '^root:\$6' "$SCRATCH/r/etc/shadow" && grep -q 10.0.2.3 "$SCRATCH/r/etc/resolv.conf" \
	&& ok "bad DNS: password and network applied, DNS untouched, exit 65" || fail "bad DNS handling (rc $rc)"

# --- --keep
newroot "$SCRATCH/r"; cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --keep --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1
[ -e "$SCRATCH/os.conf" ] && ok "--keep leaves os.conf" || fail "--keep removed os.conf"

# --- no os.conf: one line, exit 0, nothing changed (but the run lock, /run/osconf/lock)
newroot "$SCRATCH/r"; mkdir -p "$SCRATCH/r/run/osconf"; before=$(tree_state -i -x './run/osconf*' "$SCRATCH/r")
"$OSCONF" apply --conf "$SCRATCH/absent.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 0 ] && [ "$(wc -l < "$SCRATCH/out")" = 1 ] && [ "$before" = "$(tree_state -i -x './run/osconf*' "$SCRATCH/r")" ] && ok "no os.conf: exit 0, nothing changed" || fail "absent os.conf (rc $rc)"

# --- refused inputs
ln -s "$CASES/02-vpc.conf" "$SCRATCH/link.conf"
"$OSCONF" apply --conf "$SCRATCH/link.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc != 0 ] && grep -q symlink "$SCRATCH/out" && ok "symlinked os.conf refused" || fail "symlink accepted (rc $rc)"
mkfifo "$SCRATCH/fifo.conf"
timeout 5 "$OSCONF" check "$SCRATCH/fifo.conf" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 65 ] && grep -q 'not a regular file' "$SCRATCH/out" && ok "FIFO refused without blocking" || fail "FIFO (rc $rc)"
head -c 70000 /dev/zero | tr '\0' '#' > "$SCRATCH/big.conf"
"$OSCONF" check "$SCRATCH/big.conf" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 65 ] && grep -q '64 KiB' "$SCRATCH/out" && ok "oversized os.conf refused" || fail "big file (rc $rc)"

# --- injections never run: a canary file must not appear
canary="$SCRATCH/pwned"
for payload in "\$(touch $canary)" "\`touch $canary\`" "x;touch $canary" "x && touch $canary" "\"\$(touch $canary)\"" \
	"'x'; touch $canary" "x\$IFS\$(touch\$IFS$canary)" "\$'\\x41'" "x|touch $canary" "x >$canary" \
	"\"x
touch $canary\"" "x
touch $canary" "x\\
touch $canary" "'x
touch $canary'"; do
	newroot "$SCRATCH/r"; printf 'hostname=%s\npassword=%s\ndns_nameserver=%s\n' "$payload" "$payload" "$payload" > "$SCRATCH/os.conf"
	"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
	# a payload on its own line is a refused line of its own; the value before it may be valid
	case "$payload" in *$'\n'*) kept=true;; *) kept=$(grep -q 'localhost.localdomain' "$SCRATCH/r/etc/hostname" && echo true || echo false);; esac
	if [ $rc = 65 ] && [ ! -e "$canary" ] && $kept; then
		ok "injection refused: ${payload//$'\n'/\\n}"; else fail "injection: ${payload//$'\n'/\\n} (rc $rc)"; diag "$(cat "$SCRATCH/out")"; fi
done
printf 'hostname=a\n$(touch %s)\nhostname=b\n' "$canary" > "$SCRATCH/os.conf"
"$OSCONF" check "$SCRATCH/os.conf" >/dev/null 2>&1; [ $? = 65 ] && [ ! -e "$canary" ] && ok "command line refused" || fail "command line"

# --- DNS: resolved stub symlink gets a drop-in, the link stays
newroot "$SCRATCH/r"; ln -sf ../run/systemd/resolve/stub-resolv.conf "$SCRATCH/r/etc/resolv.conf"
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1
[ -L "$SCRATCH/r/etc/resolv.conf" ] && grep -qx 'DNS=7.7.7.7 8.8.8.8' "$SCRATCH/r/etc/systemd/resolved.conf.d/50-osconf.conf" \
	&& ok "systemd-resolved: drop-in written, symlink kept" || fail "resolved drop-in"

# --- DNS converges: a failed network section leaves no drop-in; a later run removes an old one
newroot "$SCRATCH/n" arch; dropin="$SCRATCH/n/etc/systemd/resolved.conf.d/50-osconf.conf"
mkdir -p "$SCRATCH/n/etc/systemd/network/05-osconf-eth0.network" # network fails: a directory in its way
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/n" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 1 ] && [ ! -e "$dropin" ] && [ -e "$SCRATCH/os.conf" ] && grep -q 'dns: the network section failed' "$SCRATCH/out" \
	&& ok "failed network section: DNS not applied elsewhere, no drop-in, os.conf kept" \
	|| { fail "failed network: drop-in or rc $rc"; diag "$(cat "$SCRATCH/out")"; }
rmdir "$SCRATCH/n/etc/systemd/network/05-osconf-eth0.network"
mkdir -p "${dropin%/*}"; printf '[Resolve]\nDNS=192.0.2.53\n' > "$dropin" # left by an older run
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/n" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 0 ] && [ ! -e "$dropin" ] && grep -q '^DNS=7.7.7.7' "$SCRATCH/n/etc/systemd/network/05-osconf-eth0.network" \
	&& ok "backend carries DNS: the old drop-in is removed" || { fail "drop-in not removed (rc $rc)"; diag "$(cat "$SCRATCH/out")"; }
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/n" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 0 ] && [ ! -e "$dropin" ] \
	&& ok "a second run converged" || fail "second run (rc $rc)"

# --- hosts: our line replaced on a new hostname, user lines kept
newroot "$SCRATCH/r"; echo "192.0.2.7 myapp # user" >> "$SCRATCH/r/etc/hosts"
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"; "$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1
sed 's/iZ23r29djmjZ/renamed-host/' "$CASES/02-vpc.conf" > "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1
[ "$(grep -c '# osconf' "$SCRATCH/r/etc/hosts")" = 1 ] && grep -q 'renamed-host' "$SCRATCH/r/etc/hosts" && grep -q myapp "$SCRATCH/r/etc/hosts" \
	&& ok "/etc/hosts: one osconf line, user lines kept" || fail "hosts: $(cat "$SCRATCH/r/etc/hosts")"

# --- a symlink planted in the image cannot redirect a write outside the root
newroot "$SCRATCH/r"; mkdir -p "$SCRATCH/outside"; rm "$SCRATCH/r/etc/hostname"; ln -s "$SCRATCH/outside/hostname" "$SCRATCH/r/etc/hostname"
rm -rf "$SCRATCH/r/etc/sysconfig/network-scripts"; ln -s "$SCRATCH/outside" "$SCRATCH/r/etc/sysconfig/network-scripts"
cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1
[ -z "$(ls -A "$SCRATCH/outside")" ] && ok "symlinks in the image never lead outside the root" || fail "wrote outside: $(ls "$SCRATCH/outside")"
# --- the SELinux label of a replaced file is kept (the xattr is stored even without SELinux)
if [ "$(id -u)" = 0 ] && newroot "$SCRATCH/r" && setfattr_ok=$(python3 -c 'import os,sys
os.setxattr(sys.argv[1], "security.selinux", b"system_u:object_r:shadow_t:s0\0")' "$SCRATCH/r/etc/shadow" 2>&1 && echo yes); then
	cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"; "$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1
	label=$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "security.selinux").rstrip(b"\0").decode())' "$SCRATCH/r/etc/shadow" 2>&1)
	grep -q '^root:\$6' "$SCRATCH/r/etc/shadow" && [ "$label" = system_u:object_r:shadow_t:s0 ] && ok "SELinux label of /etc/shadow kept" || fail "label: $label"
else
	skip "setting security.selinux needs root and an xattr-capable file system"
fi

# --- os.conf rewritten while it is applied (new settings from the console): kept, exit 1
newroot "$SCRATCH/r"; cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"; rm -f "$SCRATCH/locked" "$SCRATCH/rewritten"
# the lock is held until the rewrite is done (at most 10 s), so the test does not hang on timing
python3 -c 'import fcntl,os,time,sys
f=open(sys.argv[1],"a"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2],"w").close()
end=time.time()+10
while not os.path.exists(sys.argv[3]) and time.time()<end: time.sleep(0.02)
time.sleep(0.1)' "$SCRATCH/r/etc/.pwd.lock" "$SCRATCH/locked" "$SCRATCH/rewritten" &
lockpid=$!
for _ in $(seq 50); do [ -e "$SCRATCH/locked" ] && break; sleep 0.05; done
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1 &
applypid=$!
# the hardest case: rewritten in place, same size, same inode, timestamps put back
# wait (at most 10 s) until apply has read os.conf and waits for the lock
for _ in $(seq 200); do ls -l /proc/$applypid/fd 2>/dev/null | grep -q '\.pwd\.lock' && break; sleep 0.05; done
python3 -c 'import os,sys
p=sys.argv[1]; st=os.stat(p); d=open(p,"rb").read().replace(b"iZ23r29djmjZ", b"iZ23r29djmjY")
f=open(p,"r+b"); f.write(d); f.close(); os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))' "$SCRATCH/os.conf"
: > "$SCRATCH/rewritten"
wait $applypid; rc=$?; wait $lockpid
[ $rc = 1 ] && grep -q iZ23r29djmjY "$SCRATCH/os.conf" && grep -q 'rewritten while it was applied' "$SCRATCH/out" \
	&& ok "os.conf rewritten during apply: kept for the next run" || { fail "rewrite during apply (rc $rc)"; diag "$(cat "$SCRATCH/out")"; }

# --- a refused line of no section: other settings applied, exit 65, os.conf kept
newroot "$SCRATCH/r"; printf 'hostname=web2\nexport password=%s\n' "$PW64" > "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 65 ] && [ -e "$SCRATCH/os.conf" ] && grep -q web2 "$SCRATCH/r/etc/hostname" && grep -q '"refused_lines":true' "$SCRATCH/r/run/osconf/status.json" \
	&& ok "refused line: exit 65, os.conf kept, hostname applied" || { fail "refused line (rc $rc)"; diag "$(cat "$SCRATCH/out")"; }

# --- DNS when resolv.conf is another program's symlink and no backend file carries it: a failure, said so
newroot "$SCRATCH/r"; ln -sf ../run/NetworkManager/resolv.conf "$SCRATCH/r/etc/resolv.conf"; printf 'dns_nameserver=8.8.8.8\n' > "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 1 ] && [ -e "$SCRATCH/os.conf" ] && grep -q 'another program' "$SCRATCH/out" && [ -L "$SCRATCH/r/etc/resolv.conf" ] \
	&& ok "DNS behind a foreign symlink without network: failed, explained, os.conf kept" || { fail "foreign resolv.conf (rc $rc)"; diag "$(cat "$SCRATCH/out")"; }

# --- a section whose planning fails leaves nothing half-done
newroot "$SCRATCH/r"; mkdir "$SCRATCH/r/etc/sysconfig/network-scripts/route-eth0"; cp "$CASES/01-classic.conf" "$SCRATCH/os.conf"
"$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" --backend ifcfg > "$SCRATCH/out" 2>&1; rc=$?
[ $rc = 1 ] && grep -q BOOTPROTO=dhcp "$SCRATCH/r/etc/sysconfig/network-scripts/ifcfg-eth0" && grep -q iZ23r29djmjZ "$SCRATCH/r/etc/hostname" \
	&& ok "network planning failed: no network file changed, other sections applied" || { fail "partial network (rc $rc)"; diag "$(cat "$SCRATCH/out")"; }

# --- a plain directory of the running system without --conf must not take the host's os.conf
newroot "$SCRATCH/r"; "$OSCONF" apply --root "$SCRATCH/r" > "$SCRATCH/out" 2>&1; rc=$?
[ $rc != 0 ] && grep -q 'give --conf' "$SCRATCH/out" && ok "--root DIR on the host's file system needs --conf" || { fail "--root without --conf (rc $rc)"; diag "$(cat "$SCRATCH/out")"; }

# --- show: human and JSON, never the password
"$OSCONF" show "$CASES/01-classic.conf" > "$SCRATCH/show" 2>&1
grep -q '^password: set' "$SCRATCH/show" && grep -q 'default route: via 42.120.74.1 dev eth1' "$SCRATCH/show" \
	&& ok "show: classic sample" || { fail "show"; diag "$(cat "$SCRATCH/show")"; }
"$OSCONF" show --json "$CASES/01-classic.conf" > "$SCRATCH/show.json"
check "show --json: structure" python3 -c 'import json,sys
m=json.load(open(sys.argv[1]))
assert m["password_set"] is True and m["network_type"]=="classic", m
assert [n["name"] for n in m["nics"]]==["eth0","eth1"] and m["nics"][1]["default_via"]=="42.120.74.1", m
assert [r["to"] for r in m["nics"][0]["routes"]]==["10.0.0.0/8","172.16.0.0/12"], m
assert m["dns"]==["7.7.7.7","8.8.8.8"] and m["invalid_sections"]==[], m' "$SCRATCH/show.json"
shows_pw "$SCRATCH/show" "$SCRATCH/show.json" && fail "show prints the password" || ok "show never prints the password"
"$OSCONF" show --json "$CASES/09-bad-values.conf" > "$SCRATCH/show.json" 2>/dev/null; rc=$?
check "show --json of invalid input lists problems (exit $rc)" python3 -c 'import json,sys
m=json.load(open(sys.argv[1])); assert len(m["invalid_sections"])==4 and len(m["problems"])>=7, m' "$SCRATCH/show.json"

# --- directories osconf creates are world-readable whatever the umask
newroot "$SCRATCH/r"; cp "$CASES/02-vpc.conf" "$SCRATCH/os.conf"; rm -rf "$SCRATCH/r/etc/sysconfig/network-scripts"
(umask 077; "$OSCONF" apply --conf "$SCRATCH/os.conf" --root "$SCRATCH/r" >/dev/null 2>&1)
[ "$(stat -c %a "$SCRATCH/r/etc/sysconfig/network-scripts")" = 755 ] && ok "created directories are 0755 under umask 077" || fail "dir mode $(stat -c %a "$SCRATCH/r/etc/sysconfig/network-scripts")"
done_testing
