/**
 * A create that fails after Neutron drew its id spends that id (issue 12): through the openstack
 * CLI, the next create gets another id than it would have got without the failure, and a failure
 * before the id (argument or policy checks) spends nothing. Seeded, so still deterministic.
 */
import { describe, expect, it } from 'vitest';
import { replay } from './support/replay.js';

const idOf = (lines: string[]): string => (replay(lines).at(-1)?.stdout ?? '').trim();
const create = 'openstack network create n -f value -c id';

describe('ids spent by failed creates', () => {
  const plain = idOf([create]);

  it('a network refused for its MTU spends one', () => {
    expect(idOf(['openstack network create --mtu 1451 big', create])).not.toBe(plain);
  });

  it('a port refused for a taken address spends one, so the next port gets another id', () => {
    const setup = ['openstack network create n -f value -c id', 'openstack subnet create --network n --subnet-range 10.0.0.0/24 s', 'openstack port create --network n --fixed-ip ip-address=10.0.0.5 p1'];
    const next = 'openstack port create --network n p2 -f value -c id';
    expect(idOf([...setup, 'openstack port create --network n --fixed-ip ip-address=10.0.0.5 p3', next])).not.toBe(idOf([...setup, next]));
  });

  it('a command refused by the client (openstacksdk\'s int()) spends none', () => {
    expect(idOf(['openstack network create --mtu x big', create])).toBe(plain);
  });

  it('through the legacy neutron client too: a port refused for a taken address spends one', () => {
    const setup = ['neutron net-create n', 'neutron subnet-create n 10.0.0.0/24 --name s', 'neutron port-create n --fixed-ip ip_address=10.0.0.5 --name p1'];
    const next = 'neutron port-create n --name p2 -f value -c id';
    expect(idOf([...setup, 'neutron port-create n --fixed-ip ip_address=10.0.0.5 --name p3', next])).not.toBe(idOf([...setup, next]));
  });

  it('is deterministic', () => {
    expect(idOf(['openstack network create --mtu 1451 big', create])).toBe(idOf(['openstack network create --mtu 1451 big', create]));
  });
});
