/**
 * `ip route get` for IPv6 (ip-commands.ts routeGet), on a table laid out as a guest's after a
 * router advertisement. The expected lines are what iproute2 6.1 and BusyBox 1.35 printed for the
 * same table in a network namespace on the development machine.
 */
import { describe, expect, it } from 'vitest';
import type { IpLink, IpRoute } from '../../render/iproute.js';
import { routeGet } from './ip-commands.js';

const v6: IpRoute[] = [
  { dest: '2001:db8:1::/64', dev: 'd0', proto: 'kernel', metric: 256, pref: 'medium' },
  { dest: 'fe80::/64', dev: 'd0', proto: 'kernel', metric: 256, pref: 'medium' },
  { dest: 'default', via: 'fe80::1', dev: 'd0', proto: 'ra', metric: 1024, expires: '1799sec', hoplimit: 64, pref: 'medium' },
];
const link = (name: string, addrs: IpLink['addrs']): IpLink => ({
  index: 1,
  name,
  flags: 'UP',
  mtu: 1500,
  qdisc: 'noqueue',
  qlen: 1000,
  link: { type: 'ether', address: '00:00:00:00:00:00', brd: 'ff:ff:ff:ff:ff:ff' },
  addrs,
});
const links = [
  link('lo', [{ family: 6, cidr: '::1/128', scope: 'host' }]),
  link('d0', [
    { family: 6, cidr: '2001:db8:1::5/64', scope: 'global' },
    { family: 6, cidr: 'fe80::2483:4fff:feba:3022/64', scope: 'link' },
  ]),
];
const get = (words: string, uid: number | null = 0, want?: 4 | 6) => routeGet({ v4: [], v6 }, links, words.split(' '), uid, want);

describe('ip -6 route get', () => {
  it("prints the route iproute2 prints: from ::, the protocol, the device's global source, metric, hop limit, preference", () => {
    expect(get('2001:db8:9::1').stdout).toBe('2001:db8:9::1 from :: via fe80::1 dev d0 proto ra src 2001:db8:1::5 metric 1024 hoplimit 64 pref medium\n');
    expect(get('2001:db8:1::7', 1000, 6).stdout).toBe('2001:db8:1::7 from :: dev d0 proto kernel src 2001:db8:1::5 metric 256 pref medium\n');
    // A link-local destination: the link-local source.
    expect(get('fe80::99').stdout).toBe('fe80::99 from :: dev d0 proto kernel src fe80::2483:4fff:feba:3022 metric 256 pref medium\n');
    expect(get('2001:db8:1::5').stdout).toBe('local 2001:db8:1::5 from :: dev lo table local proto kernel src 2001:db8:1::5 metric 0 pref medium\n');
    expect(get('::1').stdout).toBe('local ::1 from :: dev lo table local proto kernel src ::1 metric 0 pref medium\n');
  });

  it('reads the destination after from/iif and their values, and writes it in its short form', () => {
    expect(get('from 2001:db8:1::77 2001:0db8:0009:0000::0001').stdout).toBe(
      '2001:db8:9::1 from 2001:db8:1::77 via fe80::1 dev d0 proto ra src 2001:db8:1::5 metric 1024 hoplimit 64 pref medium\n',
    );
  });

  it("BusyBox's layout on CirrOS", () => {
    expect(get('2001:db8:9::1', null).stdout).toBe('2001:db8:9::1 from :: via fe80::1 dev d0  src 2001:db8:1::5  metric 1024 \n');
    expect(get('::1', null).stdout).toBe('local ::1 from :: dev lo table local  src ::1  metric 0 \n');
    expect(get('10.0.0.1', null, 6)).toMatchObject({ stderr: 'ip: need at least destination address\n', exitCode: 1 });
  });

  it("each tool's words for a prefix length, another family's address, and no route", () => {
    expect(get('2001:db8:9::1/64').stderr).toBe('Warning: /64 as prefix is invalid, only /128 (or none) is supported.\n');
    expect(get('10.0.0.1', 0, 6)).toMatchObject({ stderr: 'Error: inet6 prefix is expected rather than "10.0.0.1".\n', exitCode: 1 });
    expect(get('nothere', 0, 6)).toMatchObject({ stderr: 'Error: inet6 prefix is expected rather than "nothere".\n', exitCode: 1 });
    expect(get('2001:db8::1', 0, 4)).toMatchObject({ stderr: 'Error: inet prefix is expected rather than "2001:db8::1".\n', exitCode: 1 });
    const none = routeGet({ v4: [], v6: v6.filter((r) => r.dest !== 'default') }, links, ['2001:db8:9::1'], 0);
    expect(none).toMatchObject({ stdout: '', stderr: 'RTNETLINK answers: Network is unreachable\n', exitCode: 2 });
    const bb = routeGet({ v4: [], v6: v6.filter((r) => r.dest !== 'default') }, links, ['2001:db8:9::1'], null);
    expect(bb).toMatchObject({ stderr: 'ip: RTNETLINK answers: Network is unreachable\n', exitCode: 2 });
  });

  it('hostile: a line of nothing but keywords and values finds no destination, quickly', () => {
    const words = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? 'from' : '2001:db8::1'));
    expect(routeGet({ v4: [], v6 }, links, words, 0)).toMatchObject({ stderr: 'need at least a destination address\n', exitCode: 1 });
    expect(routeGet({ v4: [], v6 }, links, ['to', 'to', 'fibmatch', '::1/999999999999'], 0).stderr).toBe('Warning: /999999999999 as prefix is invalid, only /128 (or none) is supported.\n');
  });
});
