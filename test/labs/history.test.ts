import { describe, expect, it } from 'vitest';
import { invocations, matches, parsePattern } from '../../server/labs/history.js';

describe('history invocations', () => {
  it('splits lines into commands, unwraps sudo, assignments and namespaces', () => {
    const inv = invocations(['sudo ip netns exec qrouter-1 iptables-save | grep SNAT', 'X=$(openstack floating ip create pub -f value -c id) && echo $X', 'ip -n qrouter-2 route']);
    expect(inv.map((i) => [i.argv.join(' '), i.netns, i.line])).toEqual([
      ['iptables-save', 'qrouter-1', 0],
      ['grep SNAT', null, 0],
      ['openstack floating ip create pub -f value -c id', null, 1],
      ['echo $X', null, 1],
      ['ip route', 'qrouter-2', 2],
    ]);
  });
  it('matches patterns across dialects, with options and ip abbreviations', () => {
    const [a, b, c, d] = invocations(['neutron floatingip-associate F P', 'openstack port list --network n --long', 'ip a', 'openstack --os-cloud x network create --external pub']);
    expect(matches(parsePattern('openstack floating ip set --port'), a!)).toBe(true);
    expect(matches(parsePattern('openstack floating ip create'), a!)).toBe(false);
    expect(matches(parsePattern('openstack port list --long'), b!)).toBe(true);
    expect(matches(parsePattern('openstack port list --fixed-ip'), b!)).toBe(false);
    expect(matches(parsePattern('ip addr show'), c!)).toBe(false);
    expect(matches(parsePattern('ip address'), c!)).toBe(true);
    expect(matches(parsePattern('neutron net-create'), d!)).toBe(true);
  });
});
