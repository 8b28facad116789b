# tests/live/lib.sh — os.conf and kernel state for the live network tests (source after tap.sh,
# whose enter_ns and add_nic, tests/lib/netns.sh, make the namespace and its NICs).
# SPDX-License-Identifier: Apache-2.0

# conf NAME: write $SCRATCH/os.conf from stdin (kept as $SCRATCH/NAME.conf for re-use).
conf() { cat >"$SCRATCH/$1.conf"; }

# osconf_apply NAME [ARGS]: apply a fresh copy of NAME.conf to the running (namespaced) system.
osconf_apply() {
	_c=$1; shift
	cp "$SCRATCH/$_c.conf" "$SCRATCH/os.conf"
	"$OSCONF" apply --conf "$SCRATCH/os.conf" --root / "$@"
}
osconf_plan() {
	_c=$1; shift
	cp "$SCRATCH/$_c.conf" "$SCRATCH/os.conf"
	"$OSCONF" plan --conf "$SCRATCH/os.conf" --root / "$@"
}

# addrs DEV: the IPv4 addresses on DEV as ADDR/PREFIX lines, sorted (read with `ip -j addr`).
addrs() {
	ip -j -4 addr show dev "$1" | python3 -c '
import json, sys
out = [a["local"] + "/" + str(a["prefixlen"]) for l in json.load(sys.stdin) for a in l.get("addr_info", [])]
print("\n".join(sorted(out)))'
}

# routes: the main table as "DST [via GW] dev DEV proto P [scope S] [metric M]" lines, sorted.
routes() {
	ip -j -4 route show table main | python3 -c '
import json, sys
out = []
for r in json.load(sys.stdin):
    s = r["dst"]
    if "gateway" in r: s += " via " + r["gateway"]
    s += " dev " + r.get("dev", "?") + " proto " + str(r.get("protocol", "boot"))
    if r.get("scope", "global") != "global": s += " scope " + r["scope"]
    if "metric" in r: s += " metric " + str(r["metric"])
    out.append(s)
print("\n".join(sorted(out)))'
}

# apply_exits NAME STATUS CONF [ARGS]: osconf_apply CONF, its exit status compared with STATUS
# (same; osconf's output as diagnostics when they differ); sets out and rc.
apply_exits() {
	_an=$1 _aw=$2; shift 2
	out=$(osconf_apply "$@" 2>&1); rc=$?
	same "$_an" "$_aw" "$rc" || diag "$out"
}
