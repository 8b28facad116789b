#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tests/net/netassert.py — compare the running netns (ip -j addr/route) with what an os.conf asks for.

usage: netassert.py OS.CONF [ethN=IFNAME ...]
The expectation is computed here from os.conf independently of osconf: each NIC's address,
each non-default route via its gateway on its NIC, exactly one default route (the public NIC's
0.0.0.0/0 route or gateway: eth1 on the classic network, eth0 in a VPC)."""
import ipaddress
import json
import subprocess
import sys


def parse(path):
    conf = {}
    for line in open(path):
        line = line.strip()
        if not line or line.startswith('#') or '=' not in line:
            continue
        k, v = line.split('=', 1)
        conf[k.strip()] = v.strip().strip('"')
    return conf


def expect(conf, names):
    nics = sorted({k.split('_')[0] for k in conf if k.startswith('eth') and '_' in k})
    classic = any(k.startswith('eth1_') for k in conf)
    pub = 'eth1' if classic else 'eth0'
    addrs, routes, defaults = [], [], {}
    for n in nics:
        dev = names.get(n, n)
        net = ipaddress.IPv4Network('0.0.0.0/' + conf[n + '_netmask'])
        addrs.append((dev, conf[n + '_ip_addr'], net.prefixlen))
        for r in filter(None, conf.get(n + '_route', '').split(';')):
            dst, gw = r.split()
            if dst == '0.0.0.0/0':
                defaults[n] = gw
            else:
                routes.append((str(ipaddress.IPv4Network(dst)), gw, dev))
    order = [pub] + [n for n in nics if n != pub]
    dflt = next(((names.get(n, n), defaults[n]) for n in order if n in defaults), None)
    if dflt is None and conf.get(pub + '_gateway'):
        dflt = (names.get(pub, pub), conf[pub + '_gateway'])
    return addrs, routes, dflt


def main():
    conf = parse(sys.argv[1])
    names = dict(a.split('=', 1) for a in sys.argv[2:])
    addrs, routes, dflt = expect(conf, names)
    links = json.loads(subprocess.check_output(['ip', '-j', '-4', 'addr']))
    table = json.loads(subprocess.check_output(['ip', '-j', '-4', 'route']))
    bad = []
    have = {(l['ifname'], a['local'], a['prefixlen']) for l in links for a in l.get('addr_info', [])}
    for a in addrs:
        if a not in have:
            bad.append('address %s %s/%d missing' % a)
    for dev, ip, plen in have:
        if dev != 'lo' and (dev, ip, plen) not in addrs:
            bad.append('unexpected address %s/%d on %s' % (ip, plen, dev))
    got = {(r['dst'] if '/' in r['dst'] or r['dst'] == 'default' else r['dst'] + '/32', r.get('gateway'), r.get('dev'))
           for r in table}
    for r in routes:
        if r not in got:
            bad.append('route %s via %s dev %s missing' % r)
    d = [r for r in table if r['dst'] == 'default']
    if len(d) != 1:
        bad.append('%d default routes: %s' % (len(d), d))
    elif dflt and (d[0].get('dev'), d[0].get('gateway')) != dflt:
        bad.append('default route via %s dev %s, expected via %s dev %s' %
                   (d[0].get('gateway'), d[0].get('dev'), dflt[1], dflt[0]))
    for b in bad:
        print(b)
    if bad:
        print(json.dumps(table))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
