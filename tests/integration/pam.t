#!/bin/bash
# tests/integration/pam.t — the root password set by osconf works through real PAM (pamtester),
# and the host name is set live; both inside private mount/UTS/net namespaces with an overlay
# over /etc, so the host is never touched.
# SPDX-License-Identifier: Apache-2.0
set -u
. "$(dirname "$0")/../lib/tap.sh"
need_root
command -v pamtester >/dev/null || skip_all "pamtester not installed (apt-get install pamtester)"
have_netns || skip_all "cannot create namespaces"
scratch
mkdir -p "$SCRATCH/upper" "$SCRATCH/work"
cp "$CASES/01-classic.conf" "$SCRATCH/os.conf"
sed -n '/^hostname=/p;/^password=/p' "$CASES/03-routes.conf" > "$SCRATCH/names.conf"
host_before=$(hostname)
shadow_before=$(sha256sum /etc/shadow)

netns_unshare bash -c '
	set -u
	mount -t overlay overlay -o lowerdir=/etc,upperdir="$1/upper",workdir="$1/work" /etc || exit 99
	"$2" apply --no-live --conf "$1/os.conf" > "$1/apply.log" 2>&1; echo "apply=$?"
	printf "%s\n" "$3" | pamtester login root authenticate > "$1/pam-good.log" 2>&1; echo "good=$?"
	echo wrong-password | pamtester login root authenticate > "$1/pam-bad.log" 2>&1; echo "bad=$?"
	echo "hostname_no_live=$(hostname)"
	"$2" apply --conf "$1/names.conf" > "$1/apply2.log" 2>&1; echo "apply2=$?"
	echo "hostname_live=$(hostname)"
	printf "%s\n" "$4" | pamtester login root authenticate > /dev/null 2>&1; echo "good2=$?"
' _ "$SCRATCH" "$OSCONF" "$(case_password 01-classic)" "$(case_password 03-routes)" > "$SCRATCH/result" 2>&1
r() { sed -n "s/^$1=//p" "$SCRATCH/result"; }
[ "$(r apply)" = 0 ] && ok "apply --root / in a private /etc" || { fail "apply: $(r apply)"; diag "$(cat "$SCRATCH/result" "$SCRATCH/apply.log")"; }
[ "$(r good)" = 0 ] && ok "pamtester: the os.conf password authenticates root" || { fail "pamtester good: $(r good)"; diag "$(cat "$SCRATCH/pam-good.log")"; }
[ "$(r bad)" != 0 ] && [ -n "$(r bad)" ] && ok "pamtester: a wrong password is rejected" || fail "pamtester bad: $(r bad)"
[ "$(r hostname_no_live)" = "$host_before" ] && ok "--no-live does not call sethostname" || fail "hostname changed with --no-live"
[ "$(r apply2)" = 0 ] && [ "$(r hostname_live)" = web-01.example.internal ] && ok "live: sethostname(2) in the UTS namespace" \
	|| { fail "live hostname: $(r apply2) $(r hostname_live)"; diag "$(cat "$SCRATCH/apply2.log")"; }
[ "$(r good2)" = 0 ] && ok "pamtester: the changed password authenticates" || fail "changed password: $(r good2)"
[ "$(hostname)" = "$host_before" ] && [ "$(sha256sum /etc/shadow)" = "$shadow_before" ] && ok "host untouched" || fail "host changed!"
done_testing
