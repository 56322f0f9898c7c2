/**
 * Indexes of the big collections (sim/index.ts, issue #19): a command's lookups cost what it
 * changed, not the collection, and answer exactly what a scan answers. The whole suite runs with
 * `setIndexChecks` on (test/support/index-checks.ts), so every lookup any test makes is also
 * compared with a scan; these tests show the index is the one answering, and follows a
 * learner's commands, its own draft's changes and deletes.
 */
import { describe, expect, it } from 'vitest';
import { fixtureCloud } from '../shell/fixtures.js';
import { runOpenstack } from '../cli/openstack/index.js';
import { draftCloud, finishDraft, INDEXED_MIN, lineageOf, removeById, removeWhere, shareAll, transact, writable } from './clone.js';
import {
  findAll,
  findFirst,
  indexDepth,
  MAX_DEPTH,
  PORTS_BY_ID,
  PORTS_BY_MAC,
  PORTS_BY_NAME,
  PORTS_BY_NETWORK,
  PORTS_BY_SUBNET,
  portsOnSubnet,
  setIndexChecks,
} from './index.js';
import { createPort } from './ops/port.js';
import type { Cloud } from './model/cloud.js';
import type { Port } from './model/port.js';

function ok(c: Cloud, line: string): Cloud {
  const r = runOpenstack(c, line.split(' '));
  expect(r.stderr, line).toBe('');
  return r.cloud;
}

const ids = (ps: readonly Port[]): string[] => ps.map((p) => p.id).sort();

/** A cloud with more ports than the indexes leave to a scan (INDEXED_MIN): a network `idx` with 40. */
function biggerCloud(): Cloud {
  let c = ok(fixtureCloud('network-node', 7), 'network create idx');
  c = ok(c, 'subnet create --network idx --subnet-range 10.77.0.0/24 idx-sub');
  for (let i = 0; i < 40; i++) c = ok(c, `port create --network idx filler${i}`);
  return c;
}
const BIGGER = biggerCloud();
const scanned = (c: Cloud, subnetId: string): string[] => ids(c.ports.filter((p) => p.fixedIps.some((f) => f.subnetId === subnetId)));

describe('indexes over a learner’s commands', () => {
  it('each write’s array is indexed as its parent plus that write; the chain is made one root at MAX_DEPTH', () => {
    let c = BIGGER;
    const sub = c.subnets.find((s) => s.name === 'idx-sub')?.id ?? '';
    expect(portsOnSubnet(c, sub)).toHaveLength(41); // the fillers and the DHCP port
    const d0 = indexDepth(c, PORTS_BY_SUBNET) ?? -1;
    expect(d0).toBeGreaterThanOrEqual(0);
    const depths: number[] = [];
    for (let i = 0; i < MAX_DEPTH + 3; i++) {
      c = ok(c, `port create --network idx p${i}`);
      // A port create shares the other ports: the new array is known as its parent plus one port.
      expect(lineageOf(c.ports)?.added).toHaveLength(1);
      expect(ids(portsOnSubnet(c, sub))).toEqual(scanned(c, sub));
      depths.push(indexDepth(c, PORTS_BY_SUBNET) ?? -1);
    }
    // One level per write, one root again at MAX_DEPTH.
    expect(depths).toEqual(depths.map((_, i) => (d0 + i + 1) % MAX_DEPTH));
    expect(depths).toContain(0);
    expect(portsOnSubnet(c, sub)).toHaveLength(MAX_DEPTH + 44);
  });

  it('follows set (a new MAC), delete and a subnet’s removal, which keep the delta known', () => {
    let c = ok(BIGGER, 'port create --network idx a');
    c = ok(c, 'port create --network idx b');
    const a = c.ports.find((p) => p.name === 'a') as Port;
    const mac = a.macAddress;
    expect(findAll(c, PORTS_BY_MAC, mac)).toEqual([a]);
    c = ok(c, 'port set --mac-address fa:16:3e:00:00:aa a');
    expect(lineageOf(c.ports)?.stale.has(a)).toBe(true);
    expect(findAll(c, PORTS_BY_MAC, mac)).toEqual([]);
    expect(findAll(c, PORTS_BY_MAC, 'fa:16:3e:00:00:aa').map((p) => p.name)).toEqual(['a']);
    const before = c.ports.length;
    c = ok(c, 'port delete b');
    expect(c.ports).toHaveLength(before - 1);
    // The delete removed in place: the new array is still its parent less one port.
    const gone = lineageOf(c.ports);
    expect(gone?.added).toEqual([]);
    expect([...(gone?.stale ?? [])].map((p) => (p as Port).name)).toEqual(['b']);
    const net = c.networks.find((n) => n.name === 'idx')?.id ?? '';
    expect(findAll(c, PORTS_BY_NETWORK, net)).toHaveLength(42); // a, the fillers and the DHCP port
    expect(indexDepth(c, PORTS_BY_MAC)).toBeGreaterThan(0); // each create's new MAC was looked up: a chain
    c = ok(c, 'port delete a');
    for (let i = 0; i < 40; i++) c = ok(c, `port delete filler${i}`);
    c = ok(c, 'subnet delete idx-sub');
    // The DHCP port went with the network's last DHCP subnet.
    expect(findAll(c, PORTS_BY_NETWORK, net)).toEqual([]);
  });

  it('a cloud published by another lineage (two learners from one fixture) answers for itself', () => {
    const start = BIGGER;
    const one = ok(start, 'port create --network net1 one');
    // (A network first: the same seed would give the second learner's port the first one's id.)
    const two = ok(ok(start, 'network create other'), 'port create --network net1 two');
    const byName = (c: Cloud, name: string) => c.ports.find((p) => p.name === name)?.id ?? '';
    expect(findFirst(one, PORTS_BY_ID, byName(one, 'one'))?.name).toBe('one');
    expect(findFirst(two, PORTS_BY_ID, byName(one, 'one'))).toBeUndefined();
    expect(findFirst(two, PORTS_BY_ID, byName(two, 'two'))?.name).toBe('two');
    expect(findFirst(start, PORTS_BY_ID, byName(two, 'two'))).toBeUndefined();
  });
});

describe('small collections', () => {
  it('are scanned, and keep no lineage', () => {
    const c = ok(fixtureCloud('network-node', 7), 'port create --network net1 small');
    expect(c.ports.length).toBeLessThan(INDEXED_MIN);
    expect(lineageOf(c.ports)).toBeNull();
    expect(findFirst(c, PORTS_BY_NAME, 'small')?.name).toBe('small');
  });
});

describe('an op’s own draft', () => {
  it('sees what the op appended, copied and removed so far', () => {
    const c = BIGGER;
    const net = c.networks.find((n) => n.name === 'idx');
    if (!net) throw new Error('no network idx');
    const r = transact(c, (d) => {
      shareAll(d);
      const p = createPort(d, { networkId: net.id, name: 'mine' });
      expect(findFirst(d, PORTS_BY_ID, p.id)).toBe(p);
      const old = d.ports.find((x) => x.id !== p.id && x.networkId === net.id) as Port;
      const copy = writable(d, 'ports', old);
      expect(copy).not.toBe(old);
      copy.macAddress = 'fa:16:3e:12:34:56';
      expect(findAll(d, PORTS_BY_MAC, 'fa:16:3e:12:34:56')).toEqual([copy]);
      expect(findAll(d, PORTS_BY_MAC, old.macAddress)).toEqual([]);
      removeWhere<Port>(d, 'ports', (x) => x.id === p.id || x === copy);
      expect(findFirst(d, PORTS_BY_ID, p.id)).toBeUndefined();
      expect(findFirst(d, PORTS_BY_ID, old.id)).toBeUndefined();
      const other = d.ports.find((x) => x.id !== old.id) as Port;
      removeById(d, 'ports', other.id);
      expect(findFirst(d, PORTS_BY_ID, other.id)).toBeUndefined();
      expect(findAll(d, PORTS_BY_MAC, other.macAddress)).toEqual([]);
      return old.id;
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cloud.ports).toHaveLength(c.ports.length - 2);
    expect(lineageOf(r.cloud.ports)?.stale.size).toBe(2);
    expect(r.cloud.ports.every((p) => Object.isFrozen(p))).toBe(true);
    expect(findFirst(r.cloud, PORTS_BY_ID, r.value)).toBeUndefined();
    expect(lineageOf(r.cloud.ports)?.added).toEqual([]);
  });

  it('a draft that copies (no sharing) removes by filtering, and its cloud gets an index of its own', () => {
    const c = fixtureCloud('network-node', 7);
    const d = draftCloud(c);
    const victim = d.ports[0] as Port;
    removeWhere<Port>(d, 'ports', (p) => p.id === victim.id);
    expect(findFirst(d, PORTS_BY_ID, victim.id)).toBeUndefined();
    const out = finishDraft(d, true);
    expect(lineageOf(out.ports)).toBeNull();
    expect(indexDepth(out, PORTS_BY_ID)).toBeNull(); // not frozen: scanned
  });

  it('with checks on, an element put in a shared array without writable fails the command’s end', () => {
    const c = fixtureCloud('network-node', 7);
    const d = draftCloud(c, true);
    shareAll(d);
    const first = d.ports[0] as Port;
    (d.ports as Port[])[0] = { ...first, name: 'sneaked' };
    expect(() => finishDraft(d, true)).toThrow(/without writable/);
    setIndexChecks(false);
    try {
      const d2 = draftCloud(c, true);
      shareAll(d2);
      (d2.ports as Port[])[0] = { ...first, name: 'sneaked' };
      expect(() => finishDraft(d2, true)).not.toThrow();
    } finally {
      setIndexChecks(true);
    }
  });
});
