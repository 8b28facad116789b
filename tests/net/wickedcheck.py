#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tests/net/wickedcheck.py — read /etc/sysconfig/network the way wicked documents it (ifcfg(5),
ifroute(5), netconfig) and compare with os.conf. No wicked can run here (it is SUSE-only and
needs its D-Bus daemons), so this is the documented semantics, not wicked's own parser:
ifcfg-X is shell-style KEY='value' (sourced), ifroute-X/routes lines are
"DESTINATION GATEWAY NETMASK INTERFACE", "-" for none, "default" for 0.0.0.0/0.

usage: wickedcheck.py OS.CONF ROOT [ethN=IFNAME ...]"""
import ipaddress
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netassert import expect, parse  # noqa: E402


def sourced(path):
    out = subprocess.check_output(['sh', '-c', 'set -a; . "$1"; env -0', 'sh', path])
    return dict(kv.split('=', 1) for kv in out.decode().split('\0') if '=' in kv)


def route_lines(path):
    if not os.path.exists(path):
        return []
    return [shlex.split(l) for l in open(path) if l.strip() and not l.lstrip().startswith('#')]


def main():
    conf = parse(sys.argv[1])
    sysnet = os.path.join(sys.argv[2], 'etc/sysconfig/network')
    names = dict(a.split('=', 1) for a in sys.argv[3:])
    addrs, routes, dflt = expect(conf, names)
    bad = []
    defaults = []
    for dev, ip, plen in addrs:
        v = sourced(os.path.join(sysnet, 'ifcfg-' + dev))
        if (v.get('BOOTPROTO'), v.get('STARTMODE'), v.get('IPADDR')) != ('static', 'auto', '%s/%d' % (ip, plen)):
            bad.append('ifcfg-%s: %s' % (dev, {k: v.get(k) for k in ('BOOTPROTO', 'STARTMODE', 'IPADDR')}))
        net = ipaddress.IPv4Network('%s/%d' % (ip, plen), strict=False)
        reach = set()
        got = []
        for f in route_lines(os.path.join(sysnet, 'ifroute-' + dev)):
            if len(f) < 4 or f[3] not in (dev, '-'):
                bad.append('ifroute-%s: bad line %s' % (dev, f))
                continue
            dst, gw = f[0], f[1]
            if gw == '-':
                reach.add(dst.split('/')[0])
                continue
            if ipaddress.IPv4Address(gw) not in net and gw not in reach:
                bad.append('ifroute-%s: gateway %s unreachable (no host route before it)' % (dev, gw))
            if dst in ('default', '0.0.0.0/0', '0.0.0.0'):
                defaults.append((dev, gw))
            else:
                got.append((str(ipaddress.IPv4Network(dst)), gw, dev))
        want = [r for r in routes if r[2] == dev]
        if got != want:
            bad.append('ifroute-%s: routes %s, expected %s' % (dev, got, want))
    for f in route_lines(os.path.join(sysnet, 'routes')):
        if f and f[0] in ('default', '0.0.0.0/0', '0.0.0.0'):
            defaults.append((f[3] if len(f) > 3 else '-', f[1]))
    if defaults != ([dflt] if dflt else []):
        bad.append('default routes %s, expected %s' % (defaults, dflt))
    dns = conf.get('dns_nameserver', '').split()
    if dns:
        got = sourced(os.path.join(sysnet, 'config')).get('NETCONFIG_DNS_STATIC_SERVERS', '').split()
        if got != dns:
            bad.append('NETCONFIG_DNS_STATIC_SERVERS %s, expected %s' % (got, dns))
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
