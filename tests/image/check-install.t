#!/bin/bash
# tests/image/check-install.t — `osconf install --root` and `image check --root` agree on each init
# system: the init system detected, and the enable link install writes is the one check finds.
# SPDX-License-Identifier: Apache-2.0
. "$(dirname "$0")/../lib/tap.sh"
scratch
. "$(dirname "$0")/lib.sh"
need_tools python3
[ -x "$OSCONF" ] || skip_all "build/osconf not built"
S=$SCRATCH

# base DIR: make_root without its hand-made osconf unit, systemd or init (each case adds its own)
base() {
	make_root "$1"
	rm -rf "$1/usr/lib/systemd" "$1/etc/systemd" "$1/usr/sbin/osconf"
}

# agree NAME DIR INIT TITLE LINK: install (init detected) names INIT and enables LINK; the
# check passes the agent, enabled by TITLE through LINK, and root-fs reports TITLE too.
agree() {
	local name=$1 d=$2 init=$3 title=$4 link=$5 log got
	elf_fixture static "$S/agent"
	if ! log=$("$OSCONF" install --root "$d" --binary "$S/agent" --partition LABEL=CUSTOMIMG 2>&1); then
		fail "$name: install"
		diag "$log"
		return
	fi
	echo "$log" | grep -q "^osconf: init system: $init (" && echo "$log" | grep -q "^osconf: enabled $link -> " &&
		ok "$name: install detects $init and enables $link" ||
		{ fail "$name: install detects $init and enables $link"; diag "$log"; }
	"$OSCONF" image check --json --root "$d" >"$S/out.json" 2>"$S/err"
	got=$(python3 -c 'import json,sys
d = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}
a, r = d["agent"], d["root-fs"]
print(a["status"], "|", "; ".join(a["details"]), "|", "; ".join(r["details"]))' "$S/out.json" 2>&1)
	if [[ $got == "pass |"* ]] && [[ $got == *"enabled by $title: $link"* ]] && [[ $got == *"init system: $title ("* ]]; then
		ok "$name: image check finds it enabled by $title at $link"
	else
		fail "$name: image check finds it enabled by $title at $link"
		diag "got: $got"
	fi
	"$OSCONF" uninstall --root "$d" >/dev/null 2>&1
	"$OSCONF" image check --json --root "$d" >"$S/out.json" 2>"$S/err"
	got=$(python3 -c 'import json,sys
print([c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "agent"][0]["status"])' "$S/out.json")
	[ "$got" = fail ] && ok "$name: after uninstall the agent check fails" ||
		{ fail "$name: after uninstall the agent check fails"; diag "$got"; }
}

# systemd: /sbin/init a link to it
base "$S/systemd"
mkdir -p "$S/systemd/lib/systemd" "$S/systemd/sbin"
elf_fixture static "$S/systemd/lib/systemd/systemd"
ln -s /lib/systemd/systemd "$S/systemd/sbin/init"
agree systemd "$S/systemd" systemd systemd /etc/systemd/system/sysinit.target.wants/osconf.service

# systemd without any /sbin/init (merged /usr, image built without the compat link)
base "$S/systemd-noinit"
mkdir -p "$S/systemd-noinit/usr/lib/systemd"
elf_fixture static "$S/systemd-noinit/usr/lib/systemd/systemd"
agree "systemd, no /sbin/init" "$S/systemd-noinit" systemd systemd /etc/systemd/system/sysinit.target.wants/osconf.service

# sysvinit, Debian: rcS.d, just before networking
base "$S/debsysv"
mkdir -p "$S/debsysv/sbin" "$S/debsysv/etc/init.d" "$S/debsysv/etc/rcS.d"
elf_fixture static "$S/debsysv/sbin/init"
printf 'id:2:initdefault:\n' >"$S/debsysv/etc/inittab"
ln -s ../init.d/networking "$S/debsysv/etc/rcS.d/S07networking"
agree "sysvinit (Debian)" "$S/debsysv" sysv sysvinit /etc/rcS.d/S06osconf

# sysvinit, RHEL: /etc/rc.d/rcN.d, init.d a link into it
base "$S/rhelsysv"
mkdir -p "$S/rhelsysv/sbin" "$S/rhelsysv/etc/rc.d/init.d"
elf_fixture static "$S/rhelsysv/sbin/init"
ln -s rc.d/init.d "$S/rhelsysv/etc/init.d"
for n in 0 1 2 3 4 5 6; do mkdir "$S/rhelsysv/etc/rc.d/rc$n.d"; done
agree "sysvinit (RHEL)" "$S/rhelsysv" sysv sysvinit /etc/rc.d/rc2.d/S09osconf

# OpenRC (Alpine): the boot runlevel
base "$S/openrc"
mkdir -p "$S/openrc/sbin" "$S/openrc/etc/init.d" "$S/openrc/etc/runlevels/boot" "$S/openrc/etc/runlevels/sysinit"
elf_fixture static "$S/openrc/sbin/init"
: >"$S/openrc/sbin/openrc-run"
ln -s /etc/init.d/networking "$S/openrc/etc/runlevels/boot/networking"
agree "OpenRC (Alpine)" "$S/openrc" openrc openrc /etc/runlevels/boot/osconf

# OpenRC (Debian): networking in sysinit, so osconf too
base "$S/debopenrc"
mkdir -p "$S/debopenrc/sbin" "$S/debopenrc/etc/init.d" "$S/debopenrc/etc/runlevels/sysinit"
elf_fixture static "$S/debopenrc/sbin/init"
: >"$S/debopenrc/sbin/openrc"
ln -s /etc/init.d/networking "$S/debopenrc/etc/runlevels/sysinit/networking"
agree "OpenRC (Debian)" "$S/debopenrc" openrc openrc /etc/runlevels/sysinit/osconf

# inside an image: the ext4 root's /sbin/init link read the same way
tools=yes
for t in sfdisk mkfs.vfat mcopy mkfs.ext4; do PATH=$PATH:/sbin:/usr/sbin command -v $t >/dev/null 2>&1 || tools=no; done
if [ $tools = yes ]; then
	PATH=$PATH:/sbin:/usr/sbin
	"$OSCONF" install --root "$S/systemd" --binary "$S/agent" --partition LABEL=CUSTOMIMG >/dev/null 2>&1
	make_image "$S/systemd.img" gpt vfat "$S/systemd" 2>/dev/null
	"$OSCONF" image check --json "$S/systemd.img" >"$S/out.json" 2>"$S/err"
	got=$(python3 -c 'import json,sys
d = {c["id"]: c for c in json.load(open(sys.argv[1]))["checks"]}
print(d["agent"]["status"], "|", "; ".join(d["agent"]["details"] + d["root-fs"]["details"]))' "$S/out.json" 2>&1)
	[[ $got == "pass |"*"init system: systemd (/sbin/init -> /lib/systemd/systemd)"* ]] &&
		ok "in an image: systemd told by the /sbin/init link, osconf enabled" ||
		{ fail "in an image: systemd told by the /sbin/init link, osconf enabled"; diag "got: $got"; }
else
	skip "needs sfdisk, mkfs.vfat, mcopy and mkfs.ext4"
fi

done_testing
