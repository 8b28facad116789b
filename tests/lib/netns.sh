# tests/lib/netns.sh — network namespaces with veth links named by MAC (sourced by helpers.sh;
# POSIX sh, no variable of the test needed, so the scripts that run inside a namespace source it too).
# Every namespace is also a mount and a UTS namespace: a test never changes the host's host name.
# SPDX-License-Identifier: Apache-2.0
: "${NETNS_LIB:=${OSCONF_SRC:-.}/tests/lib/netns.sh}"

# netns_unshare CMD...: CMD in fresh network, mount (private propagation) and UTS namespaces.
netns_unshare() { unshare --net --mount --uts --propagation private -- "$@"; }
# have_netns: true when this test may make namespaces (root, unshare works)
have_netns() { [ "$(id -u)" = 0 ] && netns_unshare true 2>/dev/null; }
# need_netns: skip_all unless have_netns
need_netns() { need_root; have_netns || skip_all "cannot create network namespaces"; }

# add_nic NAME MAC: (inside a namespace) a NIC NAME with address MAC, left down, as udev would
# name it by its MAC; one end of a veth pair whose peer (osconfpeerN) is up, so that NAME has a
# carrier once osconf brings it up.
add_nic() {
	NETNS_PEERS=$((${NETNS_PEERS:-0} + 1))
	ip link add "$1" address "$2" type veth peer name "osconfpeer$NETNS_PEERS"
	ip link set "osconfpeer$NETNS_PEERS" up
}
# netns_links "NAME=MAC ...": add_nic for each
netns_links() {
	for _nm in $1; do add_nic "${_nm%%=*}" "${_nm#*=}"; done
}

# enter_ns ARGS: re-runs the test ($0 ARGS) inside netns_unshare, where /etc and /var/lib are
# overlays and /run is a tmpfs, so `osconf apply --root /` changes nothing on the host; lo is
# up, $SCRATCH is made (tap.sh's scratch). Add the NICs with add_nic.
enter_ns() {
	need_root
	command -v unshare >/dev/null || skip_all "unshare (util-linux) is not installed"
	command -v ip >/dev/null || skip_all "ip (iproute2) is not installed"
	command -v python3 >/dev/null || skip_all "python3 is not installed"
	if [ -z "${OSCONF_IN_NS:-}" ]; then
		have_netns || skip_all "cannot create namespaces"
		OSCONF_IN_NS=1; export OSCONF_IN_NS
		netns_unshare "$0" "$@"; exit $?
	fi
	scratch
	for _d in etc var/lib; do
		mkdir -p "$SCRATCH/ovl/$_d/upper" "$SCRATCH/ovl/$_d/work"
		mount -t overlay overlay \
			-o "lowerdir=/$_d,upperdir=$SCRATCH/ovl/$_d/upper,workdir=$SCRATCH/ovl/$_d/work" "/$_d" ||
			skip_all "cannot overlay-mount /$_d"
	done
	mount -t tmpfs tmpfs /run || skip_all "cannot mount a tmpfs on /run"
	ip link set lo up
}

# in_netns "NAME=MAC ..." CMD...: run CMD in netns_unshare holding those NICs (netns_links) and a
# read-only sysfs of that namespace (so systemd-networkd does not wait for udev, which does not
# run here).
in_netns() {
	_nl=$1; shift
	netns_unshare sh -eu -c '
		. "$1"; links=$2; shift 2
		ip link set lo up
		netns_links "$links"
		mount -t sysfs -o ro sysfs /sys
		exec "$@"
	' in_netns "$NETNS_LIB" "$_nl" "$@"
}

# live_run ROOT NAME=MAC... -- OSCONF-ARGS: run osconf as the running system on ROOT's /etc, in
# netns_unshare holding those NICs (netns_links), so NICs are named by MAC as on a real boot
# (e.g. ens5 instead of eth0). ROOT's /etc receives the files.
# With $OSCONF_LIVE_AFTER set, that shell command then runs (outside the chroot, $1 = ROOT) in
# the same namespaces, e.g. to let the distro's tools act on what osconf configured live.
live_run() {
	_lr=$(cd "$1" && pwd); shift
	_ll=""
	while [ "$1" != "--" ]; do _ll="$_ll $1"; shift; done; shift
	_lc=$(mktemp -d "${TMPDIR:-/tmp}/osconf-live.XXXXXX")
	netns_unshare sh -eu -c '
		. "$1"; root=$2 links=$3 osconf=$4 c=$5; shift 5
		mount -t tmpfs tmpfs "$c"
		mkdir "$c/usr" "$c/etc" "$c/sys" "$c/proc" "$c/dev" "$c/tmp"
		mount --bind /usr "$c/usr"; mount --bind "$root/etc" "$c/etc"
		mount -t proc proc "$c/proc"; mount --rbind /dev "$c/dev"
		for l in bin lib lib64 sbin; do ln -s usr/$l "$c/$l"; done
		: > "$c/osconf"; mount --bind "$osconf" "$c/osconf"
		ip link set lo up
		netns_links "$links"
		mount -t sysfs sysfs "$c/sys"
		chroot "$c" /osconf "$@"
		[ -z "${OSCONF_LIVE_AFTER:-}" ] || sh -c "$OSCONF_LIVE_AFTER" after "$root"
	' live_run "$NETNS_LIB" "$_lr" "$_ll" "$OSCONF" "$_lc" "$@"
	_rc=$?
	rmdir "$_lc"
	return $_rc
}
