/**
 * Issue #19's big clouds, for correctness (the timings are bench/bigcloud.ts's): the fast paths
 * must answer exactly what the slow ones did. A setup batch builds the same cloud as the same
 * lines run one by one; a namespace found by name is the one in the full list; the cached
 * indexes follow the cloud as commands change it; the typed address allocation picks what the
 * bigint one picks.
 */
import { describe, expect, it } from 'vitest';
import ipaddr from 'ipaddr.js';
import { bigCloudLines, bigCloudSession } from '../../bench/bigcloud.js';
import { createSession, runLine, serializeSession, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';
import { findNamespace, namespaceEntries, namespaces } from '../../server/sim/dataplane/index.js';
import { beginBatch, draftCloud, endBatch, finishDraft, inBatch, transact } from '../../server/sim/clone.js';
import { createPort } from '../../server/sim/ops/port.js';
import type { Cloud } from '../../server/sim/model/cloud.js';
import { firstFree, parseIp, randomFree, type IpRange } from '../../server/sim/ipam.js';
import { seedRng, type RngState } from '../../server/sim/rng.js';

const SMALL = 0.05; // 5 routers, 25 ports, 50 floating IPs

function run(s: SessionState, line: string): { s: SessionState; out: string } {
  const r = runLine(s, line);
  expect(r.result.stderr).toBe('');
  return { s: r.state, out: r.result.stdout };
}

describe('a setup batch', () => {
  it('builds byte for byte the cloud the same lines build one by one', () => {
    const slow = bigCloudSession(SMALL, false);
    const fast = bigCloudSession(SMALL, true);
    expect(serializeSession(fast)).toBe(serializeSession(slow));
    expect(fast.cloud.floatingIps).toHaveLength(50);
  });

  it('leaves the cloud it started from as it was, and ends: later commands copy again', () => {
    const start = createSession({ fixture: 'network-node', seed: 19 });
    const before = serializeSession(start);
    const batch = { ...start, cloud: beginBatch(start.cloud) };
    expect(inBatch(batch.cloud.ports)).toBe(true);
    const built = runSetup(batch, bigCloudLines(SMALL).slice(0, 12));
    expect(serializeSession(start)).toBe(before);
    endBatch(built.cloud);
    expect(inBatch(built.cloud.ports)).toBe(false);
    const kept = serializeSession(built);
    run(built, 'openstack port create --network n0 after-the-batch');
    expect(serializeSession(built)).toBe(kept);
  });
});

describe('shared elements (a port create copies no other port)', () => {
  const s = bigCloudSession(SMALL);
  const n0 = s.cloud.networks.find((n) => n.name === 'n0')?.id ?? '';
  /** What the command makes of `cloud` when every collection it touches is copied (no sharing). */
  const copying = (cloud: Cloud, fn: (c: Cloud) => void): Cloud => {
    const d = draftCloud(cloud);
    fn(d);
    return finishDraft(d, true);
  };

  it('a new port: the other ports are the published objects themselves, frozen, and the old cloud is unchanged', () => {
    const before = JSON.stringify(s.cloud);
    const r = transact(s.cloud, (c) => createPort(c, { networkId: n0, name: 'shared' }));
    if (!r.ok) throw r.error;
    expect(r.cloud.ports).toHaveLength(s.cloud.ports.length + 1);
    expect(r.cloud.ports.slice(0, -1).every((p, i) => p === s.cloud.ports[i])).toBe(true);
    expect(Object.isFrozen(r.cloud.ports.at(-1)) && Object.isFrozen(r.cloud.ports.at(-1)?.fixedIps[0])).toBe(true);
    expect(JSON.stringify(s.cloud)).toBe(before);
    expect(JSON.stringify(r.cloud)).toBe(JSON.stringify(copying(s.cloud, (c) => createPort(c, { networkId: n0, name: 'shared' }))));
  });

  it('a command that changes a shared port after all runs again copying, with the same outcome as without sharing', () => {
    const before = JSON.stringify(s.cloud);
    const fn = (c: Cloud) => {
      createPort(c, { networkId: n0, name: 'then-renamed' });
      const first = c.ports[0];
      if (first) first.name = 'renamed';
    };
    const r = transact(s.cloud, fn);
    if (!r.ok) throw r.error;
    expect(r.cloud.ports[0]?.name).toBe('renamed');
    expect(s.cloud.ports[0]?.name).not.toBe('renamed');
    expect(JSON.stringify(s.cloud)).toBe(before);
    expect(JSON.stringify(r.cloud)).toBe(JSON.stringify(copying(s.cloud, fn)));
  });

  it('a real TypeError (a bug) still fails the command, with the cloud as it was', () => {
    const r = transact(s.cloud, (c) => {
      createPort(c, { networkId: n0, name: 'doomed' });
      (null as unknown as { x: number }).x = 1;
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(TypeError);
    expect(r.cloud.ports).toBe(s.cloud.ports);
  });

  it('the CLI: port create then floating ip create on it give the same session as a cloud never shared', () => {
    const lines = ['openstack port create --network n0 cli-port', 'openstack floating ip create --port cli-port public', 'openstack port set --name cli-renamed cli-port'];
    const shared = runSetup(s, lines);
    // The same lines on a deep copy of the cloud whose elements nothing has frozen or shared.
    const plain = runSetup({ ...s, cloud: JSON.parse(JSON.stringify(s.cloud)) as Cloud }, lines);
    expect(serializeSession(shared)).toBe(serializeSession(plain));
  });
});

describe('namespaces of a big cloud', () => {
  const s = bigCloudSession(SMALL);

  it('findNamespace derives the one namespace the full list holds under that name', () => {
    const all = namespaces(s.cloud);
    expect(all.length).toBe(13); // the fixture's router and 2 networks, 5 routers, 5 networks
    for (const ns of all) expect(findNamespace(s.cloud, ns.name)).toEqual(ns);
    expect(namespaceEntries(s.cloud).map((e) => [e.name, e.id, e.kind, e.objectId])).toEqual(all.map((n) => [n.name, n.id, n.kind, n.objectId]));
    expect(findNamespace(s.cloud, 'qrouter-nope')).toBeUndefined();
    expect(findNamespace(s.cloud, `qdhcp-${s.cloud.routers[0]?.id ?? ''}`)).toBeUndefined();
  });

  it('the cached indexes follow each command: new router, new floating IP, deleted port', () => {
    let { s: t, out } = run(s, 'ip netns');
    expect(out.split('\n').filter(Boolean)).toHaveLength(13);
    t = run(t, 'openstack router create late').s;
    const late = t.cloud.routers.find((r) => r.name === 'late');
    out = run(t, 'ip netns').out;
    expect(out.split('\n')[0]).toBe(`qrouter-${late?.id ?? ''} (id: 13)`);
    // A floating IP on p1 (on n1, behind r1) shows in r1's NAT rules only once it exists.
    const r1 = t.cloud.routers.find((r) => r.name === 'r1');
    const ns = `qrouter-${r1?.id ?? ''}`;
    const rulesBefore = run(t, `ip netns exec ${ns} iptables-save`).out;
    const p1 = t.cloud.ports.find((p) => p.name === 'p1');
    const fipCountBefore = t.cloud.floatingIps.filter((f) => f.portId === p1?.id).length;
    expect(fipCountBefore).toBe(1);
    t = run(t, 'openstack port create --network n1 extra').s;
    t = run(t, 'openstack floating ip create --port extra public').s;
    const extra = t.cloud.floatingIps.find((f) => f.portId === t.cloud.ports.find((p) => p.name === 'extra')?.id);
    const rulesAfter = run(t, `ip netns exec ${ns} iptables-save`).out;
    expect(rulesBefore).not.toContain(extra?.floatingIpAddress ?? '?');
    expect(rulesAfter).toContain(`-d ${extra?.floatingIpAddress ?? '?'}/32`);
    t = run(t, `openstack floating ip delete ${extra?.id ?? ''}`).s;
    t = run(t, 'openstack port delete extra').s;
    // The same rules as before the floating IP (but for the clock in the header and footer lines).
    const rules = (text: string) => text.split('\n').filter((l) => !l.startsWith('# '));
    expect(rules(run(t, `ip netns exec ${ns} iptables-save`).out)).toEqual(rules(rulesBefore));
    // Every read answers on the cached indexes as on a copy of the cloud nothing was cached for.
    t = run(t, 'openstack port create --network n1 extra2').s;
    const ip2 = t.cloud.ports.find((p) => p.name === 'extra2')?.fixedIps[0]?.ipAddress ?? '';
    const cold: SessionState = { ...t, cloud: JSON.parse(JSON.stringify(t.cloud)) as Cloud };
    for (const line of ['ip netns', `ip netns exec ${ns} iptables-save`, `ip netns exec ${ns} ip route`, `ip netns exec ${ns} ping -c 1 ${ip2}`, `ip netns exec ${ns} ping -c 1 ${extra?.floatingIpAddress ?? ''}`, 'ps aux']) {
      runLine(t, line); // fills the caches for t's collections
      expect(runLine(t, line).result, line).toEqual(runLine(cold, line).result);
    }
    // The original session is unchanged by all this, and its cached answers still hold.
    expect(run(s, 'ip netns').out.split('\n').filter(Boolean)).toHaveLength(13);
  });
});

describe('address arithmetic', () => {
  it('parseIp reads dotted quads exactly as ipaddr.js validates and parses them', () => {
    const cases = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.4\n', '1000.1.1.1', '0x1.2.3.4', '1..2.3', '', '10.0.0.01', '1.2.3.-1', '+1.2.3.4', '1.2.3.4 '];
    for (let i = 0; i < 3000; i++) {
      const a = [i % 300, (i * 7) % 260, (i * 13) % 256, (i * 31) % 270];
      cases.push(a.join('.'), `${a[0] ?? 0}.0${a[1] ?? 0}.${a[2] ?? 0}.${a[3] ?? 0}`);
    }
    for (const c of cases) {
      const want = ipaddr.IPv4.isValidFourPartDecimal(c) ? ipaddr.IPv4.parse(c).toByteArray().reduce((v, b) => (v << 8n) | BigInt(b), 0n) : null;
      const got = parseIp(c);
      expect(got?.version === 4 ? got.value : null, c).toBe(want);
    }
  });

  /** A deterministic pseudo-random integer in [0, n) (test data only). */
  function pick(state: { x: number }, n: number): number {
    state.x = (state.x * 1103515245 + 12345) % 2147483648;
    return state.x % n;
  }

  it('allocation from numbers (the fast form) picks what allocation from a set of bigints picks', () => {
    const base = Number((parseIp('100.64.0.0') as { value: bigint }).value);
    const st = { x: 42 };
    for (let round = 0; round < 300; round++) {
      const size = 1 + pick(st, round % 3 === 0 ? 70000 : 300);
      const split = pick(st, 2) === 1 && size > 4;
      const pools: IpRange[] = split
        ? [{ start: BigInt(base), end: BigInt(base + Math.floor(size / 2)) }, { start: BigInt(base + Math.floor(size / 2) + 2), end: BigInt(base + size) }]
        : [{ start: BigInt(base), end: BigInt(base + size - 1) }];
      const nums: number[] = [];
      const n = pick(st, Math.min(size + 5, 2000));
      // Some used addresses repeat, some lie outside the pools.
      for (let i = 0; i < n; i++) nums.push(base - 3 + pick(st, size + 6));
      const set = new Set(nums.map(BigInt));
      expect(firstFree(pools, nums)).toBe(firstFree(pools, set));
      const a: RngState = seedRng(round);
      const b: RngState = seedRng(round);
      for (let k = 0; k < 3; k++) {
        const w = 1 + pick(st, 1000);
        expect(randomFree(pools, nums, a, w)).toBe(randomFree(pools, set, b, w));
      }
    }
  });
});
