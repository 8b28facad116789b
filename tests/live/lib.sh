# tests/live/lib.sh — network-namespace helpers for the live network tests (source after tap.sh).
# enter_ns re-runs the test inside fresh net+mount+uts namespaces where /etc and /var/lib are
# overlays and /run is a tmpfs, so `osconf apply --root /` changes nothing on the host.

enter_ns() {
	need_root
	command -v unshare >/dev/null || skip_all "unshare (util-linux) is not installed"
	command -v ip >/dev/null || skip_all "ip (iproute2) is not installed"
	command -v python3 >/dev/null || skip_all "python3 is not installed"
	if [ -z "${OSCONF_IN_NS:-}" ]; then
		OSCONF_IN_NS=1 exec unshare --net --mount --uts --propagation private -- "$0" "$@"
		skip_all "cannot create namespaces"
	fi
	scratch
	for d in etc var/lib; do
		mkdir -p "$SCRATCH/ovl/$d/upper" "$SCRATCH/ovl/$d/work"
		mount -t overlay overlay \
			-o "lowerdir=/$d,upperdir=$SCRATCH/ovl/$d/upper,workdir=$SCRATCH/ovl/$d/work" "/$d" ||
			skip_all "cannot overlay-mount /$d"
	done
	mount -t tmpfs tmpfs /run || skip_all "cannot mount a tmpfs on /run"
	ip link set lo up
}

# add_nic NAME MAC: a NIC for the namespace (one end of a veth pair, left down; its peer is up
# so that the NIC gets a carrier once osconf brings it up).
add_nic() {
	ip link add "$1" type veth peer name "peer-$1"
	ip link set "$1" address "$2"
	ip link set "peer-$1" up
}

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

# same NAME EXPECTED ACTUAL: ok when equal, else fail with both as diagnostics.
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1"
		diag "expected:"; diag "$2"; diag "actual:"; diag "$3"
	fi
}
