/**
 * Copy on write (sim/clone.ts). A read that may write (listing security groups makes the project's default group the first
 * time, issue #19): when it wrote nothing, the new cloud shares every part with the old one, so
 * the topology view and the grader see no change; when it made the group, the change is kept.
 */
import { describe, expect, it } from 'vitest';
import { runOpenstack } from '../cli/openstack/index.js';
import { fixtureCloud } from '../shell/fixtures.js';
import { sameResources } from '../workspace/topology.js';
import { bareCloud } from './fixtures/build.js';
import { shareAll, transact, writable } from './clone.js';
import type { Cloud } from './model/cloud.js';
import type { Port } from './model/port.js';
import { createSession, runLine, type SessionState } from '../shell/session.js';
import { runSetup } from '../shell/script.js';
import type { ApiCall } from './api/request.js';
import { neutronService } from './api/neutron/rest-write.js';

describe("transact: 'mostly' (a read that may write)", () => {
  it('listing groups and rules of a project that has its default group changes no part of the cloud', () => {
    const c = fixtureCloud('network-node', 7);
    for (const argv of [
      ['security', 'group', 'list'],
      ['security', 'group', 'rule', 'list', 'default'],
      ['security', 'group', 'show', 'default'],
    ]) {
      const r = runOpenstack(c, argv);
      expect(r.exitCode, argv.join(' ')).toBe(0);
      expect(r.cloud.securityGroups).toBe(c.securityGroups);
      expect(r.cloud.securityGroupRules).toBe(c.securityGroupRules);
      expect(sameResources(c, r.cloud), argv.join(' ')).toBe(true);
      // Run as a plain read: no draft, no copy, the very cloud it was given.
      expect(r.cloud, argv.join(' ')).toBe(c);
    }
  });

  it("is tried as a read of the learner's own (unfrozen) cloud, which it leaves frozen and unchanged", () => {
    // A cloud of the learner's own, as a snapshot loads it: nothing frozen yet.
    const own: Cloud = JSON.parse(JSON.stringify(fixtureCloud('network-node', 7))) as Cloud;
    expect(Object.isFrozen(own.securityGroups)).toBe(false);
    let copies = 0;
    const r = transact(own, (d) => {
      copies++;
      return d.securityGroups.filter((g) => g.name === 'default').length;
    }, 'mostly');
    expect(r).toMatchObject({ ok: true, value: 1, cloud: own });
    expect(copies).toBe(1);
    expect(Object.isFrozen(own.securityGroups)).toBe(true);
    expect(Object.isFrozen(own.securityGroups[0])).toBe(true);
    // Parts it did not read stay as they were.
    expect(Object.isFrozen(own.ports)).toBe(false);
    // A later command copies what it changes, as always.
    const made = runOpenstack(own, ['security', 'group', 'create', 'web', '-f', 'value', '-c', 'name']);
    expect(made).toMatchObject({ exitCode: 0, stdout: 'web\n' });
    expect(made.cloud.securityGroups.map((g) => g.name)).toContain('web');
    expect(own.securityGroups.map((g) => g.name)).not.toContain('web');
  });

  it('a read that writes after all runs again on a draft; an error is the same as without the try', () => {
    const c = fixtureCloud('network-node', 7);
    let runs = 0;
    const wrote = transact(c, (d) => {
      runs++;
      d.tick += 1;
      return d.tick;
    }, 'mostly');
    expect(runs).toBe(2);
    expect(wrote).toMatchObject({ ok: true, value: c.tick + 1 });
    if (wrote.ok) expect(wrote.cloud.tick).toBe(c.tick + 1);
    expect(Object.isFrozen(c)).toBe(true);
    const failed = transact(c, (d) => {
      if (d.networks.length > 0) throw new Error('no such thing');
      return 0;
    }, 'mostly');
    expect(failed).toMatchObject({ ok: false, cloud: c });
    if (!failed.ok) expect((failed.error as Error).message).toBe('no such thing');
    expect(runOpenstack(c, ['security', 'group', 'show', 'nope']).stderr).toBe('Error while executing command: No SecurityGroup found for nope\n');
  });

  it('the first listing of a project without its default group makes it, and keeps it', () => {
    // A project whose default group is not made yet (as a new project's is).
    const c: Cloud = { ...bareCloud(3), securityGroups: [], securityGroupRules: [] };
    expect(c.securityGroups.filter((g) => g.name === 'default')).toHaveLength(0);
    const r = runOpenstack(c, ['security', 'group', 'list', '-f', 'value', '-c', 'Name']);
    expect(r.stdout).toBe('default\n');
    expect(r.cloud.securityGroups.filter((g) => g.name === 'default')).toHaveLength(1);
    expect(r.cloud.securityGroupRules.length).toBeGreaterThan(0);
    expect(sameResources(c, r.cloud)).toBe(false);
    // The original is untouched (a published cloud never changes).
    expect(c.securityGroups.filter((g) => g.name === 'default')).toHaveLength(0);
    // Listed again: nothing more to make, every part shared.
    const again = runOpenstack(r.cloud, ['security', 'group', 'list']);
    expect(again.cloud.securityGroups).toBe(r.cloud.securityGroups);
    expect(sameResources(r.cloud, again.cloud)).toBe(true);
  });

  it('a part changed deep inside is kept as changed; only equal parts are shared again', () => {
    const c = fixtureCloud('network-node', 7);
    const r = transact(c, (d) => {
      const g = d.securityGroups[0];
      if (g) g.description = `${g.description} (edited)`;
      return d.networks.length;
    }, 'mostly');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cloud.securityGroups).not.toBe(c.securityGroups);
    expect(r.cloud.securityGroups[0]?.description).toMatch(/\(edited\)$/);
    // Read, not changed: the original again.
    expect(r.cloud.networks).toBe(c.networks);
    expect(c.securityGroups[0]?.description).not.toMatch(/\(edited\)$/);
  });
});

describe('transact: a create shares what it only appends to', () => {
  it('openstack port create keeps every other port object as it was (no copy of the collection: a big cloud stays fast)', () => {
    const c = fixtureCloud('network-node', 7);
    const before = c.ports;
    const r = runOpenstack(c, ['port', 'create', '--network', 'net1', 'extra']);
    expect(r.exitCode).toBe(0);
    const next = r.cloud;
    expect(next.ports).toHaveLength(before.length + 1);
    expect(next.ports.slice(0, before.length).every((p, i) => p === before[i])).toBe(true);
  });
});

describe('transact: a write copies the elements it changes, and shares the rest (issue #19)', () => {
  const COLLECTIONS = ['ports', 'floatingIps', 'networks', 'subnets', 'routers', 'servers'] as const;

  /** A cloud with a dozen of each: every router with a network, a subnet, two ports and floating IPs. */
  function busyCloud(): SessionState {
    const lines = [
      'openstack quota set --networks 40 --subnets 40 --routers 40 --ports 200 --floating-ips 60 admin',
      'openstack network create --external public2', 'openstack subnet create --network public2 --subnet-range 100.65.0.0/24 --no-dhcp public2-sub'];
    for (let i = 0; i < 12; i++) {
      lines.push(
        `openstack network create m${i}`,
        `openstack subnet create --network m${i} --subnet-range 10.77.${i}.0/24 t${i}`,
        `openstack router create q${i}`,
        `openstack router set --external-gateway public2 q${i}`,
        `openstack router add subnet q${i} t${i}`,
        `openstack port create --network m${i} pa${i}`,
        `openstack port create --network m${i} pb${i}`,
        `openstack floating ip create --port pa${i} public2`,
        'openstack floating ip create public2',
      );
    }
    return runSetup(createSession({ fixture: 'network-node', seed: 11 }), lines);
  }

  /** For each collection: how many elements of `after` are not (the very objects) of `before`. */
  function fresh(before: Cloud, after: Cloud): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of COLLECTIONS) {
      const old = new Set<unknown>(before[k]);
      out[k] = (after[k] as unknown[]).filter((x) => !old.has(x)).length;
    }
    return out;
  }

  it('each command of a session copies at most the few elements it changes (a copy of a whole collection would be a dozen or more)', () => {
    let s = busyCloud();
    const fip = s.cloud.floatingIps.find((f) => f.portId === null)?.floatingIpAddress ?? '';
    const steps: Array<[string, Partial<Record<(typeof COLLECTIONS)[number], number>>]> = [
      ['openstack port set --name pz --description d pb0', { ports: 1 }],
      ['openstack port set --tag t --no-security-group pz', { ports: 1 }],
      ['openstack port unset --tag t pz', { ports: 1 }],
      [`openstack floating ip set --port pz ${fip}`, { floatingIps: 1 }],
      [`openstack floating ip unset --port ${fip}`, { floatingIps: 1 }],
      ['openstack router set --route destination=10.99.0.0/24,gateway=10.77.1.50 q1', { routers: 1 }],
      ['openstack router unset --route destination=10.99.0.0/24,gateway=10.77.1.50 q1', { routers: 1 }],
      ['openstack router add route --route destination=10.98.0.0/24,gateway=10.77.2.50 q2', { routers: 1 }],
      ['openstack router remove route --route destination=10.98.0.0/24,gateway=10.77.2.50 q2', { routers: 1 }],
      ['openstack network set --description d --tag x m3', { networks: 1 }],
      ['openstack network unset --tag x m3', { networks: 1 }],
      ['openstack subnet set --dns-nameserver 192.0.2.53 --tag x t3', { subnets: 1 }],
      ['openstack subnet unset --tag x t3', { subnets: 1 }],
      // A second subnet on the network: the network's revision and its DHCP port's addresses.
      ['openstack subnet create --network m4 --subnet-range 10.78.4.0/24 t4b', { subnets: 1, networks: 1, ports: 1 }],
      ['openstack router add subnet q4 t4b', { routers: 1, ports: 1 }],
      ['openstack router remove subnet q4 t4b', { routers: 1 }],
      ['openstack server create --image cirros-0.5.2-x86_64-disk --flavor m1.tiny --network m5 vmz', { servers: 1, ports: 1 }],
      // Its boot ends after the command: the server and its port become ACTIVE.
      ['true', { servers: 1, ports: 1 }],
      ['openstack server delete vmz', { servers: 0 }],
      ['openstack port delete pz', { ports: 0, floatingIps: 0 }],
      ['openstack floating ip delete ' + fip, { floatingIps: 0, ports: 0 }],
      ['openstack subnet delete t4b', { subnets: 0, networks: 1, ports: 1 }],
      // A port with a floating IP: the floating IP lets go of it.
      ['openstack port delete pa6 pb6', { floatingIps: 1 }],
      ['openstack router unset --external-gateway q6', { routers: 1 }],
      ['openstack router remove subnet q6 t6', { routers: 1 }],
      ['openstack router delete q6', { routers: 0 }],
      ['openstack network delete m6', { networks: 0, subnets: 0, ports: 0 }],
      // The legacy client's writes share as the openstack client's do.
      ['neutron port-update --name pn pb7', { ports: 1 }],
      ['neutron router-update q7 --route destination=10.97.0.0/24,nexthop=10.77.7.50', { routers: 1 }],
      ['neutron net-update --description n m8', { networks: 1 }],
      ['neutron port-delete pn', { floatingIps: 0, ports: 0 }],
      ['openstack network create m7b', { networks: 1 }],
      ['openstack router create q7b', { routers: 1 }],
    ];
    for (const [line, wanted] of steps) {
      const r = runLine(s, line);
      expect(r.result.exitCode, `${line}: ${r.result.stderr}`).toBe(0);
      const counts = fresh(s.cloud, r.state.cloud);
      for (const k of COLLECTIONS) expect(counts[k], `${line}: new ${k}`).toBeLessThanOrEqual(wanted[k] ?? 0);
      s = r.state;
    }
    // The commands did what they say (the outputs are the goldens' to check).
    expect(s.cloud.ports.find((p) => p.name === 'pz')).toBeUndefined();
    expect(s.cloud.routers.find((r) => r.name === 'q6')).toBeUndefined();
    expect(s.cloud.networks.find((n) => n.name === 'm3')?.description).toBe('d');
  });

  it('so does each write through the Neutron API', () => {
    let c = busyCloud().cloud;
    const id = (k: 'ports' | 'routers' | 'networks', name: string) => c[k].find((x) => x.name === name)?.id ?? '';
    const fip = c.floatingIps.find((f) => f.portId === null)?.id ?? '';
    const call = (method: string, path: string, body: object | null): ApiCall => ({
      service: 'network',
      method,
      path: path.split('/'),
      query: [],
      body: body === null ? '' : JSON.stringify(body),
    });
    const steps: Array<[ApiCall, number, Partial<Record<(typeof COLLECTIONS)[number], number>>]> = [
      [call('PUT', `v2.0/ports/${id('ports', 'pb1')}`, { port: { name: 'renamed' } }), 200, { ports: 1 }],
      [call('PUT', `v2.0/floatingips/${fip}`, { floatingip: { port_id: id('ports', 'pb1') } }), 200, { floatingIps: 1 }],
      [call('PUT', `v2.0/routers/${id('routers', 'q2')}`, { router: { routes: [{ destination: '10.96.0.0/24', nexthop: '10.77.2.40' }] } }), 200, { routers: 1 }],
      [call('PUT', `v2.0/networks/${id('networks', 'm3')}`, { network: { description: 'api' } }), 200, { networks: 1 }],
      [call('DELETE', `v2.0/ports/${id('ports', 'pb1')}`, null), 204, { floatingIps: 1 }],
    ];
    for (const [k, status, wanted] of steps) {
      const r = neutronService.handle(c, k, { base: 'http://stacklab.test/openstack/network' });
      expect(r.answer.status, `${k.method} ${k.path.join('/')}: ${r.answer.body}`).toBe(status);
      const counts = fresh(c, r.cloud);
      for (const key of COLLECTIONS) expect(counts[key], `${k.method} ${k.path.join('/')}: new ${key}`).toBeLessThanOrEqual(wanted[key] ?? 0);
      c = r.cloud;
    }
    expect(c.routers.find((r) => r.name === 'q2')?.routes).toEqual([{ destination: '10.96.0.0/24', nexthop: '10.77.2.40' }]);
  });

  it('writable copies a shared element once, in its place; a write to a shared element runs the command again on copies', () => {
    const c = fixtureCloud('network-node', 7);
    const first = c.ports[0];
    const r = transact(c, (d) => {
      shareAll(d);
      const p = d.ports[0] as Port;
      expect(Object.isFrozen(p)).toBe(true);
      const own = writable(d, 'ports', p);
      expect(own).not.toBe(p);
      expect(writable(d, 'ports', own)).toBe(own);
      expect(d.ports[0]).toBe(own);
      own.name = 'renamed';
      return d.ports.length;
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cloud.ports[0]?.name).toBe('renamed');
    expect(first?.name).not.toBe('renamed');
    expect(r.cloud.ports.slice(1).every((p, i) => p === c.ports[i + 1])).toBe(true);
    // Forgetting writable: the frozen element refuses the write, and the command runs on copies.
    let runs = 0;
    const again = transact(c, (d) => {
      runs++;
      shareAll(d);
      (d.ports[1] as Port).name = 'by hand';
      return runs;
    });
    expect(runs).toBe(2);
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.cloud.ports[1]?.name).toBe('by hand');
    expect(c.ports[1]?.name).not.toBe('by hand');
  });
});
