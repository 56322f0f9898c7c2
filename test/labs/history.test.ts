import { describe, expect, it } from 'vitest';
import { invocations, matches, matchesAny, parsePattern } from '../../server/labs/history.js';

const lines = (...l: string[]) => l.map((line) => ({ line }));

describe('history invocations', () => {
  it('splits lines into commands, unwraps sudo, assignments and namespaces', () => {
    const inv = invocations(lines('sudo ip netns exec qrouter-1 iptables-save | grep SNAT', 'X=$(openstack floating ip create pub -f value -c id) && echo $X', 'ip -n qrouter-2 route', 'sudo -E -u root A=1 ip netns exec qrouter-3 ip a; sudo -- sudo -nu neutron ip r', 'sudo -x ip a'));
    expect(inv.map((i) => [i.argv.join(' '), i.netns, i.line, i.ran])).toEqual([
      ['iptables-save', 'qrouter-1', 0, false],
      ['grep SNAT', null, 0, false],
      ['openstack floating ip create pub -f value -c id', null, 1, false],
      ['echo $X', null, 1, false],
      ['ip route', 'qrouter-2', 2, false],
      ['ip a', 'qrouter-3', 3, false],
      ['ip r', null, 3, false],
    ]);
  });
  it('takes what ran when an entry has it, unwrapped the same way, and falls back to the line without it', () => {
    const inv = invocations([
      { line: 'false && openstack network list', ran: [['false']] },
      { line: 'sudo ip netns exec $R iptables-save', ran: [['sudo', 'ip', 'netns', 'exec', 'qrouter-9', 'iptables-save']] },
      { line: 'ip -n $R a', ran: [['ip', '-n', 'qrouter-9', 'a']] },
      { line: 'X=1', ran: [] },
      { line: 'true || openstack router list' },
    ]);
    expect(inv.map((i) => [i.argv.join(' '), i.netns, i.line, i.ran])).toEqual([
      ['false', null, 0, true],
      ['iptables-save', 'qrouter-9', 1, true],
      ['ip a', 'qrouter-9', 2, true],
      ['true', null, 4, false],
      ['openstack router list', null, 4, false],
    ]);
  });
  it('matches patterns across dialects, with options and ip abbreviations', () => {
    const [a, b, c, d] = invocations(lines('neutron floatingip-associate F P', 'openstack port list --network n --long', 'ip a', 'openstack --os-cloud x network create --external pub'));
    expect(matches(parsePattern('openstack floating ip set --port'), a!)).toBe(true);
    expect(matches(parsePattern('openstack floating ip create'), a!)).toBe(false);
    expect(matches(parsePattern('openstack port list --long'), b!)).toBe(true);
    expect(matches(parsePattern('openstack port list --fixed-ip'), b!)).toBe(false);
    expect(matches(parsePattern('ip addr show'), c!)).toBe(false);
    expect(matches(parsePattern('ip address'), c!)).toBe(true);
    expect(matches(parsePattern('neutron net-create'), d!)).toBe(true);
  });
  it('option values, absent options, and names carried across dialects', () => {
    const [all, mine, other, eq, nshow, nshow2, ndel] = invocations(
      lines(
        'openstack subnet list',
        'openstack subnet list --network ext-net1',
        'openstack subnet list --network=ext-v6only1',
        'openstack subnet list --network=ext-net1',
        'neutron net-show ext-net1',
        'neutron net-show ext-v6only1',
        'neutron subnet-delete othersubnet',
      ),
    );
    const filtered = parsePattern('openstack subnet list --network=ext-net1');
    const unfiltered = parsePattern('openstack subnet list !--network');
    expect([all, mine, other, eq].map((i) => matches(filtered, i!))).toEqual([false, true, false, true]);
    expect([all, mine, other, eq].map((i) => matches(unfiltered, i!))).toEqual([true, false, false, false]);
    expect(matches(parsePattern('openstack network show ext-net1'), nshow!)).toBe(true);
    expect(matches(parsePattern('openstack network show ext-net1'), nshow2!)).toBe(false);
    expect(matches(parsePattern('openstack subnet delete mysubnet'), ndel!)).toBe(false);
    expect(matches(parsePattern('openstack subnet delete othersubnet'), ndel!)).toBe(true);
  });
  it('a check that lists both dialects matches each in its own only', () => {
    const [filtered, legacy] = invocations(lines('openstack port list --long --network other', 'neutron port-list'));
    const both = [parsePattern('openstack port list --long !--network'), parsePattern('neutron port-list')];
    expect(matchesAny(both, filtered!)).toBe(false);
    expect(matchesAny(both, legacy!)).toBe(true);
    // One dialect alone still matches the other's form.
    expect(matchesAny([parsePattern('neutron port-list')], filtered!)).toBe(true);
  });
});
