#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""tests/net/nmcheck.py — load every keyfile in a system-connections directory with libnm's own
keyfile reader (NM.keyfile_read, the code NetworkManager uses) and compare what it understood
with what os.conf asks for.

usage: nmcheck.py OS.CONF DIR [ethN=IFNAME ...]
For each NIC exactly one autoconnecting ethernet profile matches its MAC (the image's own
profiles for it must have autoconnect=false), and that profile has the address, the routes
(onlink for an off-subnet gateway), the default route only on the NIC owning it, and the DNS
servers in order there."""
import ipaddress
import os
import stat
import sys

import gi
gi.require_version('NM', '1.0')
from gi.repository import GLib, NM  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netassert import expect, parse  # noqa: E402


def load(path):
    kf = GLib.KeyFile()
    kf.load_from_file(path, GLib.KeyFileFlags.NONE)
    c = NM.keyfile_read(kf, os.path.dirname(os.path.abspath(path)), NM.KeyfileHandlerFlags.NONE, None, None)
    c.normalize()
    return c


def main():
    conf = parse(sys.argv[1])
    d = sys.argv[2]
    names = dict(a.split('=', 1) for a in sys.argv[3:])
    addrs, routes, dflt = expect(conf, names)
    macs = {names.get(k.split('_')[0], k.split('_')[0]): v.upper()
            for k, v in conf.items() if k.endswith('_mac_addr')}
    dns = conf.get('dns_nameserver', '').split()
    bad = []
    conns = []
    for f in sorted(os.listdir(d)):
        p = os.path.join(d, f)
        c = load(p)
        if not c.verify():
            bad.append('%s: NM rejects it' % f)
        conns.append((f, c, stat.S_IMODE(os.stat(p).st_mode)))
    for dev, ip, plen in addrs:
        active = [(f, c, m) for f, c, m in conns
                  if c.get_setting_wired() and (c.get_setting_wired().get_mac_address() or '').upper() == macs[dev]
                  and c.get_setting_connection().get_autoconnect()]
        if len(active) != 1:
            bad.append('%s: %d autoconnecting profiles for %s: %s' % (dev, len(active), macs[dev],
                                                                      [a[0] for a in active]))
            continue
        f, c, mode = active[0]
        s4 = c.get_setting_ip4_config()
        if mode != 0o600:
            bad.append('%s: mode %o' % (f, mode))
        if s4.get_method() != 'manual':
            bad.append('%s: method %s' % (f, s4.get_method()))
        got = [(s4.get_address(i).get_address(), s4.get_address(i).get_prefix()) for i in range(s4.get_num_addresses())]
        if got != [(ip, plen)]:
            bad.append('%s: addresses %s, expected %s/%d' % (f, got, ip, plen))
        net = ipaddress.IPv4Network('%s/%d' % (ip, plen), strict=False)
        rts = [s4.get_route(i) for i in range(s4.get_num_routes())]
        have = [('%s/%d' % (r.get_dest(), r.get_prefix()), r.get_next_hop(), r.get_attribute('onlink')) for r in rts]
        want = [(dst, gw, GLib.Variant('b', True) if ipaddress.IPv4Address(gw) not in net else None)
                for dst, gw, rdev in routes if rdev == dev]
        have_plain = [h for h in have if h[0] != '0.0.0.0/0']
        norm = [(a, b, bool(o)) for a, b, o in have_plain]
        if norm != [(a, b, bool(o)) for a, b, o in want]:
            bad.append('%s: routes %s, expected %s' % (f, norm, want))
        defaults = [h for h in have if h[0] == '0.0.0.0/0'] + ([s4.get_gateway()] if s4.get_gateway() else [])
        owner = dflt and dflt[0] == dev
        if owner:
            gw = dflt[1]
            onlink = ipaddress.IPv4Address(gw) not in net
            ok = (len(defaults) == 1 and (defaults[0] == gw if not onlink else
                                          (defaults[0][1] == gw and bool(defaults[0][2]))))
            if not ok or s4.get_never_default():
                bad.append('%s: default route %s never-default=%s, expected via %s' %
                           (f, defaults, s4.get_never_default(), gw))
            got_dns = [s4.get_dns(i) for i in range(s4.get_num_dns())]
            if got_dns != dns:
                bad.append('%s: dns %s, expected %s' % (f, got_dns, dns))
        elif defaults or not s4.get_never_default():
            bad.append('%s: a default route on a NIC not owning it: %s never-default=%s' %
                       (f, defaults, s4.get_never_default()))
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
