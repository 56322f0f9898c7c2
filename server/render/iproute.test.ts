/** render/iproute.ts: the iproute2, BusyBox and net-tools layout quirks, from data. */
import { describe, expect, it } from 'vitest';
import { ipAddr, ipLink, ipRoute, routeN, type IpLink } from './iproute.js';

const eth0: IpLink = {
  index: 2, name: 'eth0', flags: 'BROADCAST,MULTICAST,UP,LOWER_UP', mtu: 1450, qdisc: 'fq_codel', state: 'UP', qlen: 1000,
  link: { type: 'ether', address: 'fa:16:3e:00:00:01', brd: 'ff:ff:ff:ff:ff:ff' },
  addrs: [
    { family: 4, cidr: '10.0.0.5/24', brd: '10.0.0.255', scope: 'global', flags: 'dynamic', valid: '86400sec', preferred: '86400sec' },
    { family: 6, cidr: 'fe80::1/64', scope: 'link' },
  ],
};

describe('iproute layouts', () => {
  it('ip addr: IPv4 lines carry the label, IPv6 lines end with a blank; -4 drops link/ and other families', () => {
    expect(ipAddr([eth0])).toBe('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc fq_codel state UP group default qlen 1000\n'
      + '    link/ether fa:16:3e:00:00:01 brd ff:ff:ff:ff:ff:ff\n'
      + '    inet 10.0.0.5/24 brd 10.0.0.255 scope global dynamic eth0\n       valid_lft 86400sec preferred_lft 86400sec\n'
      + '    inet6 fe80::1/64 scope link \n       valid_lft forever preferred_lft forever\n');
    expect(ipAddr([eth0], 4)).toBe('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc fq_codel state UP group default qlen 1000\n'
      + '    inet 10.0.0.5/24 brd 10.0.0.255 scope global dynamic eth0\n       valid_lft 86400sec preferred_lft 86400sec\n');
    expect(ipAddr([{ ...eth0, addrs: [] }], 6)).toBe('');
  });

  it('ip link: iproute2 shows the link mode, BusyBox (no state) does not', () => {
    expect(ipLink([eth0])).toContain('state UP mode DEFAULT group default qlen 1000\n');
    expect(ipLink([{ ...eth0, state: undefined }])).toBe('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc fq_codel qlen 1000\n    link/ether fa:16:3e:00:00:01 brd ff:ff:ff:ff:ff:ff\n');
  });

  it('ip route: IPv4 lines end with a blank, IPv6 ones with pref; BusyBox doubles the blank after scope', () => {
    expect(ipRoute([{ dest: '10.0.0.0/24', dev: 'eth0', scope: 'link', src: '10.0.0.5' }], true)).toBe('10.0.0.0/24 dev eth0 scope link  src 10.0.0.5 \n');
    expect(ipRoute([{ dest: 'fe80::/64', dev: 'eth0', proto: 'kernel', metric: 256, pref: 'medium' }])).toBe('fe80::/64 dev eth0 proto kernel metric 256 pref medium\n');
  });

  it('route -n: netmasks, flags and metric', () => {
    const out = routeN([
      { dest: 'default', via: '10.0.0.1', dev: 'eth0' }, { dest: '10.0.0.0/8', dev: 'eth0', metric: 600 },
      { dest: '172.16.0.0/20', dev: 'eth0' }, { dest: '169.254.169.254/32', via: '10.0.0.1', dev: 'eth0' },
    ]).split('\n');
    expect(out[2]).toBe('0.0.0.0         10.0.0.1        0.0.0.0         UG    0      0        0 eth0');
    expect(out[3]).toBe('10.0.0.0        0.0.0.0         255.0.0.0       U     600    0        0 eth0');
    expect(out[4]).toContain(' 255.255.240.0 ');
    expect(out[5]).toBe('169.254.169.254 10.0.0.1        255.255.255.255 UGH   0      0        0 eth0');
  });
});
