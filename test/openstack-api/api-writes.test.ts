/**
 * Issue #17: an API write is a command of the learner's workspace. It is committed before the
 * answer, kept in the history as an API call (with its request, so replay runs it again), moves
 * the clock as a typed line does, is seen by the terminal and the grader, and is undone by reset;
 * a read changes and records nothing; a store that cannot commit refuses the write and nothing
 * changes.
 */
import { describe, expect, it } from 'vitest';
import { serializeSession } from '../../server/shell/session.js';
import { memoryStore } from '../../server/store/memory.js';
import { StoreError, type CloudStore } from '../../server/store/types.js';
import { seedRng, randInt } from '../../server/sim/rng.js';
import { loadLabs } from '../../server/labs/index.js';
import { workspaces, type Workspace, type Workspaces } from '../../server/workspace/index.js';
import type { ApiCall } from '../../server/workspace/openstack.js';

const LABS = loadLabs();
const CTX = { base: 'http://stacklab.test/openstack/network' };

function manager(store: CloudStore, clock = { t: 1_000 }, limits = {}): Workspaces {
  return workspaces({ store, labs: () => LABS, now: () => clock.t, log: () => {}, limits });
}

const call = (method: string, path: string, body: unknown = undefined, query: Array<[string, string]> = []): ApiCall => ({
  service: 'network',
  method,
  path: path.replace(/^\//, '').split('/'),
  query,
  body: body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body),
});

const createNet = (name: string) => call('POST', '/v2.0/networks', { network: { name } });

function open(spaces: Workspaces, learner = 'ada', key = 'sandbox:public-cloud'): Promise<Workspace> {
  const ref = spaces.parse(key);
  if (!ref) throw new Error(`no workspace ${key}`);
  return spaces.open(learner, ref);
}

describe('an API write is a command of the workspace', () => {
  it('is committed with its request before the answer, and the terminal sees what it made', async () => {
    const store = memoryStore();
    const w = await open(manager(store));
    const clock = w.state().cloud.clock;
    const a = await w.api(createNet('from-api'), CTX);
    expect(a?.status).toBe(201);
    const id = (JSON.parse(a?.body ?? '{}') as { network: { id: string } }).network.id;
    const [e] = await store.history('ada', 'sandbox:public-cloud');
    expect(e).toMatchObject({ kind: 'api', line: 'POST /network/v2.0/networks', exitCode: 0, request: { service: 'network', method: 'POST', path: ['v2.0', 'networks'], body: '{"network":{"name":"from-api"}}' } });
    expect(e?.stdout).toContain(id);
    // The clock moves as after a typed line.
    expect(w.state().cloud.clock).toBe(clock + 2);
    expect((await w.run('openstack network show from-api -f value -c id')).stdout).toBe(`${id}\n`);
  });

  it('records a refused write with its status (it drew ids, as a failed command does), and never a read', async () => {
    const store = memoryStore();
    const w = await open(manager(store));
    expect((await w.api(call('GET', '/v2.0/networks'), CTX))?.status).toBe(200);
    expect((await w.api(call('GET', '/v2.0/networks/nope'), CTX))?.status).toBe(404);
    expect(await store.history('ada', 'sandbox:public-cloud')).toEqual([]);
    expect((await w.api(call('POST', '/v2.0/networks', '{"network": '), CTX))?.status).toBe(400);
    expect((await w.api(call('DELETE', '/v2.0/networks/nope'), CTX))?.status).toBe(404);
    expect((await store.history('ada', 'sandbox:public-cloud')).map((e) => [e.kind, e.line, e.exitCode])).toEqual([
      ['api', 'POST /network/v2.0/networks', 400],
      ['api', 'DELETE /network/v2.0/networks/nope', 404],
    ]);
  });

  it('comes back after eviction: terminal lines and API writes, mixed at random, replay to the same state', async () => {
    const vocabulary: Array<(i: number) => ApiCall | string> = [
      (i) => createNet(`api${i}`),
      (i) => `openstack network create cli${i}`,
      (i) => call('POST', '/v2.0/subnets', { subnet: { network_id: 'nope', cidr: `10.${i}.0.0/24`, ip_version: 4 } }),
      () => 'openstack network list -f value -c Name',
      (i) => call('PUT', `/v2.0/networks/nope${i}`, { network: { name: 'x' } }),
      () => call('POST', '/v2.0/networks', { network: { name: 'bad', admin_state_up: 'maybe' } }),
      (i) => `openstack router create r${i}`,
    ];
    for (let seed = 1; seed <= 6; seed++) {
      const rng = seedRng(seed);
      const clock = { t: 1_000 };
      const store = memoryStore();
      const spaces = manager(store, clock, { idleMs: 1, snapshotEvery: 3 });
      let w = await open(spaces);
      for (let i = 0; i < 25; i++) {
        const pick = vocabulary[randInt(rng, 0, vocabulary.length - 1)]!(i);
        if (typeof pick === 'string') await w.run(pick);
        else await w.api(pick, CTX);
        clock.t += 10;
      }
      const live = serializeSession(w.state());
      clock.t += 1_000;
      expect(await spaces.evictIdle()).toBe(1);
      w = await open(spaces);
      expect(serializeSession(w.state())).toBe(live);
      // And from no snapshot at all: a second manager replays the whole history, API writes included.
      const noSnapshots: CloudStore = { ...store, loadSession: () => Promise.resolve(null), saveSnapshot: () => Promise.resolve() };
      expect(serializeSession((await open(manager(noSnapshots))).state())).toBe(live);
    }
  });

  it('is undone by reset', async () => {
    const w = await open(manager(memoryStore()));
    await w.api(createNet('gone-after-reset'), CTX);
    await w.reset();
    expect(w.state().cloud.networks.some((n) => n.name === 'gone-after-reset')).toBe(false);
  });

  it('is refused, changing nothing, when the store cannot commit it', async () => {
    const base = memoryStore();
    let broken = false;
    const store: CloudStore = {
      ...base,
      saveStep: (...args) => {
        if (broken) throw new StoreError("the server's database is read-only", 'SQLITE_READONLY');
        return base.saveStep(...args);
      },
    };
    const w = await open(manager(store));
    const before = serializeSession(w.state());
    broken = true;
    expect(await w.api(createNet('not-saved'), CTX)).toBeNull();
    expect(serializeSession(w.state())).toBe(before);
    broken = false;
    expect((await w.api(createNet('saved'), CTX))?.status).toBe(201);
  });

  it("is graded: a lab's check of the cloud passes from what the API made, and the attempt lists the call", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'lab:ipv6-dual-stack');
    const check = async () => (await w.grade())!.result.steps.flatMap((s) => s.checks).find((c) => c.title === 'mynetwork-2 has two subnets')!;
    expect((await check()).passed).toBe(false);
    const net = JSON.parse((await w.api(createNet('mynetwork-2'), CTX))!.body) as { network: { id: string } };
    for (const cidr of ['10.9.1.0/24', '10.9.2.0/24']) {
      const a = await w.api(call('POST', '/v2.0/subnets', { subnet: { network_id: net.network.id, cidr, ip_version: 4 } }), CTX);
      expect(a?.status).toBe(201);
    }
    expect((await check()).passed).toBe(true);
    expect((await w.run('history | tail -1')).stdout).not.toContain('POST');
  });
});

describe("an action's answer is not filtered by policy", () => {
  it("a member's add/remove_extraroutes answer has distributed, ha, gw_port_id and ha_vr_id (as the oracle's), a GET does not", async () => {
    const w = await open(manager(memoryStore()));
    expect(w.state().cloud.auth.admin).toBe(false);
    for (const line of [
      'openstack network create mn1',
      'openstack subnet create ms1 --network mn1 --subnet-range 10.0.30.0/24',
      'openstack router create mr1',
      'openstack router add subnet mr1 ms1',
    ])
      expect((await w.run(line)).exitCode, line).toBe(0);
    const id = (await w.run('openstack router show mr1 -f value -c id')).stdout.trim();
    const routes = { router: { routes: [{ destination: '192.168.30.0/24', nexthop: '10.0.30.5' }] } };
    for (const action of ['add_extraroutes', 'remove_extraroutes']) {
      const a = await w.api(call('PUT', `/v2.0/routers/${id}/${action}`, routes), CTX);
      expect(a?.status).toBe(200);
      const r = (JSON.parse(a?.body ?? '{}') as { router: Record<string, unknown> }).router;
      expect(Object.keys(r)).toEqual([
        'id', 'name', 'tenant_id', 'admin_state_up', 'status', 'external_gateway_info', 'gw_port_id', 'description',
        'availability_zones', 'distributed', 'ha', 'ha_vr_id', 'availability_zone_hints', 'routes', 'flavor_id', 'tags',
        'created_at', 'updated_at', 'revision_number', 'project_id',
      ]);
      expect([r['distributed'], r['ha'], r['gw_port_id'], r['ha_vr_id']]).toEqual([false, false, null, 0]);
    }
    const got = (JSON.parse((await w.api(call('GET', `/v2.0/routers/${id}`), CTX))?.body ?? '{}') as { router: Record<string, unknown> }).router;
    expect(Object.keys(got)).not.toContain('distributed');
    expect(Object.keys(got)).not.toContain('ha');
  });
});

describe('a router PUT costs the revisions Neutron counts', () => {
  // Captured on the oracle: test/openstack-api/oracle/router-put-revisions.{sh,txt}. A gateway set
  // or cleared in the same PUT as other attributes costs what each costs alone.
  it('with and without a gateway, alone or beside other attributes', async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    for (const line of ['openstack network create ext9 --external', 'openstack subnet create es9 --network ext9 --subnet-range 203.0.113.0/24 --no-dhcp'])
      expect((await w.run(line)).exitCode, line).toBe(0);
    const ext = (await w.run('openstack network show ext9 -f value -c id')).stdout.trim();
    const gw = { network_id: ext };
    const revision = (body: string | undefined) => (JSON.parse(body ?? '{}') as { router: { revision_number: number } }).router.revision_number;
    const cases: Array<[withGateway: boolean, put: Record<string, unknown>, before: number, after: number]> = [
      [false, { name: 'b', external_gateway_info: {} }, 1, 3],
      [true, { name: 'b', external_gateway_info: {} }, 3, 7],
      [false, { external_gateway_info: {} }, 1, 2],
      [false, { name: 'b', external_gateway_info: gw }, 1, 4],
      [true, { external_gateway_info: {} }, 3, 6],
      [false, { external_gateway_info: gw }, 1, 3],
      [true, { name: 'b', external_gateway_info: gw }, 3, 5],
      [true, { name: 'b' }, 3, 4],
      [false, { name: 'b', external_gateway_info: null }, 1, 3],
    ];
    for (const [i, [withGateway, put, before, after]] of cases.entries()) {
      const made = await w.api(call('POST', '/v2.0/routers', { router: { name: `r${i}`, ...(withGateway ? { external_gateway_info: gw } : {}) } }), CTX);
      expect(made?.status).toBe(201);
      const id = (JSON.parse(made?.body ?? '{}') as { router: { id: string } }).router.id;
      expect(revision((await w.api(call('GET', `/v2.0/routers/${id}`), CTX))?.body), `case ${i} before`).toBe(before);
      const a = await w.api(call('PUT', `/v2.0/routers/${id}`, { router: put }), CTX);
      expect(a?.status).toBe(200);
      expect(revision(a?.body), `case ${i} after`).toBe(after);
    }
  });
});

describe('list filters are checked by the API, whatever the client (golden 55 through REST)', () => {
  it("a subnet list's cidr that is not a CIDR, and a rule list's protocol Neutron does not know, are 400s", async () => {
    const w = await open(manager(memoryStore()));
    const subnets = await w.api(call('GET', '/v2.0/subnets', undefined, [['cidr', '10.0.3.0/33']]), CTX);
    expect(subnets?.status).toBe(400);
    expect(subnets?.body).toContain('10.0.3.0/33 is not in a CIDR format.');
    expect((await w.api(call('GET', '/v2.0/subnets', undefined, [['cidr', '10.0.3.1/24']]), CTX))?.status).toBe(200);
    const rules = await w.api(call('GET', '/v2.0/security-group-rules', undefined, [['protocol', 'bogus']]), CTX);
    expect(rules?.status).toBe(400);
    expect(rules?.body).toContain('Security group rule protocol bogus not supported.');
    expect((await w.api(call('GET', '/v2.0/security-group-rules', undefined, [['protocol', 'tcp']]), CTX))?.status).toBe(200);
  });

  // The oracle's answers (probes of 2026-12-06, golden 56 through the CLIs).
  const list = async (w: Workspace, path: string, query: Array<[string, string]>) => {
    const a = await w.api(call('GET', path, undefined, query), CTX);
    const body = JSON.parse(a?.body ?? '{}') as Record<string, unknown> & { NeutronError?: { type: string; message: string } };
    return { status: a?.status, error: body.NeutronError, names: Object.values(body)[0] as Array<{ name?: string }> };
  };

  it("each filter's value is read by its attribute's converter, the first refusal in the query's order the answer", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    await w.api(call('POST', '/v2.0/networks', { network: { name: 'off', admin_state_up: false } }), CTX);
    // oslo's bool_from_string: yes, 0, ` True `; Python's int(): ` 04`.
    expect((await list(w, '/v2.0/networks', [['admin_state_up', 'no']])).names.map((n) => n.name)).toEqual(['off']);
    expect((await list(w, '/v2.0/networks', [['admin_state_up', ' yes ']])).names.map((n) => n.name)).not.toContain('off');
    expect((await list(w, '/v2.0/subnets', [['ip_version', ' 04']])).names.length).toBeGreaterThan(0);
    expect(await list(w, '/v2.0/networks', [['admin_state_up', 'maybe']])).toMatchObject({ status: 400, error: { type: 'InvalidInput', message: "Invalid input for operation: 'maybe' cannot be converted to boolean." } });
    expect(await list(w, '/v2.0/subnets', [['ip_version', '4.0']])).toMatchObject({ status: 400, error: { message: "Invalid input for operation: '4.0' is not an integer." } });
    expect(await list(w, '/v2.0/networks', [['mtu', 'abc'], ['admin_state_up', 'maybe']])).toMatchObject({ error: { message: "Invalid input for operation: 'abc' is not an integer." } });
    expect(await list(w, '/v2.0/security-group-rules', [['port_range_min', '65536']])).toMatchObject({ status: 400, error: { type: 'SecurityGroupInvalidPortValue', message: 'Invalid value for port 65536' } });
    expect(await list(w, '/v2.0/security-group-rules', [['ethertype', 'ipv5']])).toMatchObject({ status: 400, error: { type: 'SecurityGroupRuleInvalidEtherType' } });
    expect(await list(w, '/v2.0/security-group-rules', [['remote_ip_prefix', 'junk']])).toMatchObject({ status: 400, error: { type: 'InvalidCIDR', message: 'Invalid CIDR junk given as IP prefix.' } });
    expect((await list(w, '/v2.0/security-group-rules', [['ethertype', 'ipv4']])).names.length).toBeGreaterThan(0);
    expect(await list(w, '/v2.0/ports', [['fixed_ips', 'junk']])).toMatchObject({ status: 400, error: { message: "Invalid input for operation: 'junk' is not of the form <key>=[value]." } });
    expect((await list(w, '/v2.0/ports', [['fixed_ips', 'True']])).status).toBe(200);
  });

  it('a key that is not a filter of the resource is refused even where its dictionary shows it, after the values are read, before sorting', async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    expect(await list(w, '/v2.0/networks', [['l2_adjacency', 'true']])).toMatchObject({ status: 400, error: { message: "['l2_adjacency'] is invalid attribute for filtering" } });
    expect(await list(w, '/v2.0/routers', [['distributed', 'q']])).toMatchObject({ status: 400, error: { message: "['distributed'] is invalid attribute for filtering" } });
    expect(await list(w, '/v2.0/agents', [['revision_number', '1']])).toMatchObject({ status: 400, error: { message: "['revision_number'] is invalid attribute for filtering" } });
    expect(await list(w, '/v2.0/networks', [['bogus', '1'], ['admin_state_up', 'maybe']])).toMatchObject({ error: { type: 'InvalidInput' } });
    expect(await list(w, '/v2.0/networks', [['sort_key', 'name'], ['admin_state_up', 'maybe']])).toMatchObject({ error: { type: 'InvalidInput' } });
    expect(await list(w, '/v2.0/networks', [['sort_key', 'name'], ['bogus', '1']])).toMatchObject({ error: { message: "['bogus'] is invalid attribute for filtering" } });
    // A filter the dictionary does not show: a subnet's network's `shared`.
    expect((await list(w, '/v2.0/subnets', [['shared', 'false']])).names.length).toBeGreaterThan(0);
    expect((await list(w, '/v2.0/subnets', [['shared', 'true']])).names).toEqual([]);
  });

  it("each collection's controller sorts, pages and validates as the oracle's does: sort keys from the map, after the filters and the limit", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const badKey = (k: string) => ({ status: 400, error: { type: 'HTTPBadRequest', message: `['${k}'] is invalid attribute for sort_keys` } });
    // Not a sort key in the map (is_sort_key), even where nothing is listed; project_id is one where tenant_id is.
    expect(await list(w, '/v2.0/networks', [['sort_key', 'shared'], ['sort_dir', 'asc']])).toMatchObject(badKey('shared'));
    expect(await list(w, '/v2.0/networks', [['name', 'none'], ['sort_key', 'shared'], ['sort_dir', 'asc']])).toMatchObject(badKey('shared'));
    expect((await list(w, '/v2.0/networks', [['sort_key', 'project_id'], ['sort_dir', 'asc']])).status).toBe(200);
    expect(await list(w, '/v2.0/security-group-rules', [['sort_key', 'description'], ['sort_dir', 'asc']])).toMatchObject(badKey('description'));
    // The filters, then the limit, then the keys, then the directions.
    expect(await list(w, '/v2.0/networks', [['sort_key', 'shared'], ['sort_dir', 'asc'], ['mtu', 'abc']])).toMatchObject({ error: { type: 'InvalidInput' } });
    expect(await list(w, '/v2.0/networks', [['sort_key', 'name'], ['sort_dir', 'up'], ['limit', 'x']])).toMatchObject({ error: { type: 'BadRequest', message: "Bad limit request: Limit must be an integer 0 or greater and not 'x'." } });
    expect(await list(w, '/v2.0/networks', [['sort_key', 'bogus'], ['sort_dir', 'up']])).toMatchObject(badKey('bogus'));
    // Agents and zones neither sort nor page; RBAC policies sort, not page.
    for (const path of ['/v2.0/agents', '/v2.0/availability_zones']) {
      for (const q of [[['sort_key', 'bogus'], ['sort_dir', 'asc']], [['sort_key', 'host']], [['limit', 'x']]] as Array<Array<[string, string]>>) {
        const a = await list(w, path, q);
        expect(a.status).toBe(200);
        expect(a.names.length).toBeGreaterThan(0);
      }
    }
    expect((await list(w, '/v2.0/rbac-policies', [['limit', 'x']])).status).toBe(200);
    expect(await list(w, '/v2.0/rbac-policies', [['sort_key', 'name'], ['sort_dir', 'asc']])).toMatchObject(badKey('name'));
    // A resource without tags reads the tag keys as filters it does not have.
    expect(await list(w, '/v2.0/segments', [['tags', 'x']])).toMatchObject({ status: 400, error: { message: "['tags'] is invalid attribute for filtering" } });
    expect(await list(w, '/v2.0/rbac-policies', [['description', 'x']])).toMatchObject({ status: 400, error: { message: "['description'] is invalid attribute for filtering" } });
    // The RBAC object type is read by rbac.py's converter.
    expect(await list(w, '/v2.0/rbac-policies', [['object_type', 'bogus']])).toMatchObject({ status: 400, error: { type: 'InvalidInput', message: "Invalid input for operation: 'bogus' is not a valid RBAC object type." } });
    expect((await list(w, '/v2.0/rbac-policies', [['object_type', ' QOS_policy ']])).status).toBe(200);
    // The service providers' plugin reads service_type, name, driver and default, and ignores the rest.
    const providers = async (q: Array<[string, string]>) => (await list(w, '/v2.0/service-providers', q)).names.map((n) => n.name);
    expect(await providers([['name', 'dvr'], ['bogus', 'x']])).toEqual(['dvr']);
    expect(await providers([['name', 'dvr'], ['name', 'ha']])).toEqual(['dvr', 'ha']);
    expect(await providers([['driver', 'neutron.services.l3_router.service_providers.ha.HaDriver']])).toEqual(['ha']);
    expect(await providers([['default', 'False']])).toEqual([]);
    expect(await providers([['sort_key', 'bogus'], ['sort_dir', 'asc']])).toEqual(['dvrha', 'dvr', 'ha', 'single_node']);
  });

  it("a port's allowed address pairs are read as neutron-lib's validator reads them (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('pairs'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const post = async (pairs: unknown) => JSON.parse((await w.api(call('POST', '/v2.0/ports', { port: { network_id: net, allowed_address_pairs: pairs } }), CTX))?.body ?? '{}') as { NeutronError?: { type: string; message: string }; port?: unknown };
    const ten = Array.from({ length: 10 }, (_, i) => ({ ip_address: `10.0.0.${i + 1}` }));
    for (const [pairs, type, message] of [
      [5, 'HTTPBadRequest', 'Allowed address pairs must be a list.'],
      [[5], 'HTTPBadRequest', "Invalid input for allowed_address_pairs. Reason: '5' is not a dictionary."],
      [[{ ip_address: 'bad-ip' }], 'HTTPBadRequest', "'bad-ip' is not a valid IP address"],
      [[{ ip_address: '010.0.0.5' }], 'HTTPBadRequest', "'010.0.0.5' is not an accepted IP address, '10.0.0.5' is recommended"],
      [[{ ip_address: '10.0.0/24' }], 'HTTPBadRequest', "'10.0.0/24' isn't a recognized IP subnet cidr, '10.0.0.0/24' is recommended"],
      [[{ ip_address: 'bad/24' }], 'HTTPBadRequest', "'bad/24' is not a valid IP subnet"],
      [[{ mac_address: 'zz', ip_address: 'bad' }], 'HTTPBadRequest', "'zz' is not a valid MAC address"],
      [[{ mac_address: 'zz' }], 'HTTPBadRequest', "'zz' is not a valid MAC address"],
      [[{ ip_address: '10.0.0.5', x: 1 }], 'HTTPBadRequest', "Unrecognized attribute(s) 'x'"],
      [[{ ip_address: '10.0.0.5' }, { ip_address: '10.0.0.5' }], 'DuplicateAddressPairInRequest', 'Request contains duplicate address pair: mac_address None ip_address 10.0.0.5.'],
      [[...ten, { ip_address: 'bad' }], 'AllowedAddressPairExhausted', 'The number of allowed address pair exceeds the maximum 10.'],
    ] as const) {
      expect(await post(pairs)).toEqual({ NeutronError: { type, message, detail: '' } });
    }
    for (const ok of ['10.0.0.5/24', '2001:db8::/64']) expect((await post([{ ip_address: ok }])).port).toBeDefined();
  });

  it("a list's duplicates are named once each, as _collect_duplicates does, and a body as long as the API takes is read in linear time", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('dups'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const opt = { opt_name: 'mtu', opt_value: '1400' };
    const post = async (path: string, body: unknown) => JSON.parse((await w.api(call('POST', path, body), CTX))?.body ?? '{}') as { NeutronError?: { message: string } };
    expect((await post('/v2.0/ports', { port: { network_id: net, extra_dhcp_opts: [opt, opt, opt] } })).NeutronError?.message).toBe(
      "Invalid input for operation: Duplicate items in the list: '{'opt_name': 'mtu', 'opt_value': '1400'}'.",
    );
    expect((await post('/v2.0/subnetpools', { subnetpool: { name: 'p', prefixes: ['10.8.0.0/16', '10.8.0.0/16', '10.8.0.0/16'] } })).NeutronError?.message).toBe(
      "Invalid input for prefixes. Reason: Duplicate items in the list: '10.8.0.0/16'.",
    );
    // The most the API's 112 KiB body holds, all different, the last one refused: answered, nothing kept.
    const many = Array.from({ length: 3000 }, (_, i) => ({ opt_name: `o${i}`, opt_value: 'v' }));
    expect((await post('/v2.0/ports', { port: { network_id: net, extra_dhcp_opts: [...many, { opt_name: 'x' }] } })).NeutronError?.message).toBe(
      "Invalid input for operation: No valid key specs matched for: {'opt_name': 'x'}.",
    );
    // A port's fixed IPs, all different (validate_fixed_ips looks for a repeated address), the last one bad.
    // Timed against a quarter as many (the better of three runs each): linear is ~4x, quadratic ~16x.
    const fixedIps = async (n: number): Promise<number> => {
      const ips = Array.from({ length: n }, (_, i) => ({ ip_address: `10.${i >> 8}.${i & 255}.1` }));
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const started = performance.now();
        expect((await post('/v2.0/ports', { port: { network_id: net, fixed_ips: [...ips, { ip_address: 'bad' }] } })).NeutronError?.message).toBe(
          "Invalid input for fixed_ips. Reason: 'bad' is not a valid IP address.",
        );
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const quarter = await fixedIps(1000);
    expect(await fixedIps(4000)).toBeLessThan(10 * quarter + 20);
    const prefixes = Array.from({ length: 6000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    expect((await post('/v2.0/subnetpools', { subnetpool: { name: 'p', prefixes: [...prefixes, 'bad'] } })).NeutronError?.message).toBe(
      "Invalid input for prefixes. Reason: 'bad' is not a valid IP subnet.",
    );
  });

  it("a port's binding profile, NUMA policy, device profile, groups and MAC address, as ML2 takes them (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('bodies'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    type Answer = { NeutronError?: { type: string; message: string }; port?: { id: string; mac_address: string; security_groups: string[]; 'binding:profile': unknown } };
    const send = async (method: string, path: string, port: unknown) => JSON.parse((await w.api(call(method, path, { port }), CTX))?.body ?? '{}') as Answer;
    const post = (port: Record<string, unknown>) => send('POST', '/v2.0/ports', { network_id: net, ...port });
    const refused = (type: string, message: string) => ({ NeutronError: { type, message, detail: '' } });
    expect(await post({ numa_affinity_policy: 'bad' })).toEqual(refused('HTTPBadRequest', 'Invalid input for numa_affinity_policy. Reason: bad is not in valid_values.'));
    expect(await post({ device_profile: 5 })).toEqual(refused('HTTPBadRequest', "Invalid input for device_profile. Reason: '5' is not a valid string."));
    expect(await post({ 'binding:profile': 'x' })).toEqual(refused('HTTPBadRequest', "Invalid input for binding:profile. Reason: 'x' is not a dictionary."));
    expect(await post({ security_groups: ['x', 'x'] })).toEqual(refused('HTTPBadRequest', "Invalid input for security_groups. Reason: Duplicate items in the list: 'x'."));
    // Validated, then dropped: this ML2 runs neither extension driver.
    const kept = (await post({ numa_affinity_policy: null, device_profile: null, 'binding:profile': null })).port;
    expect(kept?.['binding:profile']).toEqual({});
    expect(Object.keys(kept ?? {})).not.toContain('numa_affinity_policy');
    const p = (await post({ 'binding:profile': { a: { b: 1 } } })).port;
    expect(p?.['binding:profile']).toEqual({ a: { b: 1 } });
    const path = `/v2.0/ports/${p?.id ?? ''}`;
    expect(await send('PUT', path, { device_profile: 'x' })).toEqual(refused('HTTPBadRequest', 'Cannot update read-only attribute device_profile'));
    expect((await send('PUT', path, { 'binding:profile': null })).port?.['binding:profile']).toEqual({});
    // The profile is kept as Python's json.dumps writes it, in a column of 4,095 characters: `é` is `\u00e9` there.
    const long = (ch: string) => ({ 'binding:profile': { k: ch.repeat(700) } });
    expect((await send('PUT', path, long('e'))).port).toBeDefined();
    expect(await send('PUT', path, long('é'))).toEqual(refused('InvalidInput', 'Invalid input for operation: binding:profile value too large.'));
    // Neutron answers with a port's groups ordered by id, whatever the order they were asked in.
    const groups: string[] = [];
    for (const name of ['g1', 'g2', 'g3', 'g4']) {
      const g = await w.api(call('POST', '/v2.0/security-groups', { security_group: { name } }), CTX);
      groups.push((JSON.parse(g?.body ?? '{}') as { security_group: { id: string } }).security_group.id);
    }
    const asked = [...groups].sort().reverse();
    expect((await post({ security_groups: asked })).port?.security_groups).toEqual([...groups].sort());
    // A new MAC address: refused when another port of the network has it, and once a host has the port plugged.
    const other = (await post({})).port;
    expect(await send('PUT', path, { mac_address: other?.mac_address })).toEqual(
      refused('MacAddressInUse', `Unable to complete operation for network ${net}. The mac address ${other?.mac_address ?? ''} is in use.`),
    );
    expect((await send('PUT', path, { mac_address: 'fa:16:3e:00:00:99' })).port?.mac_address).toBe('fa:16:3e:00:00:99');
    const agents = JSON.parse((await w.api(call('GET', '/v2.0/agents'), CTX))?.body ?? '{}') as { agents: Array<{ host: string; agent_type: string }> };
    const host = agents.agents.find((a) => a.agent_type === 'Open vSwitch agent')?.host ?? '';
    expect((await send('PUT', path, { 'binding:host_id': host })).port).toMatchObject({ 'binding:vif_type': 'ovs' });
    expect(await send('PUT', path, { mac_address: 'fa:16:3e:00:00:98' })).toEqual(
      refused('PortBound', `Unable to complete operation on port ${p?.id ?? ''}, port is already bound, port type: ovs, old_mac fa:16:3e:00:00:99, new_mac fa:16:3e:00:00:98.`),
    );
    // A port without port security has no allowed address pairs, asked for or kept.
    expect(await post({ port_security_enabled: false, allowed_address_pairs: [{ ip_address: '10.9.9.9' }] })).toEqual(
      refused('AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.'),
    );
    const paired = (await post({ allowed_address_pairs: [{ ip_address: '10.9.9.9' }] })).port;
    expect(await send('PUT', `/v2.0/ports/${paired?.id ?? ''}`, { port_security_enabled: false, security_groups: [] })).toEqual(
      refused('AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.'),
    );
    expect((await send('PUT', `/v2.0/ports/${paired?.id ?? ''}`, { port_security_enabled: false, security_groups: [], allowed_address_pairs: [] })).port).toBeDefined();
  });

  it('a port body nested as deep as the API body limit allows is answered (the real server answers 500 too) and keeps nothing', async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('deep'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const ports = async () => (JSON.parse((await w.api(call('GET', '/v2.0/ports', undefined, [['network_id', net]]), CTX))?.body ?? '{}') as { ports: unknown[] }).ports.length;
    const before = await ports();
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    for (const attr of ['binding:profile', 'numa_affinity_policy', 'security_groups', 'allowed_address_pairs', 'name']) {
      const value = attr === 'binding:profile' ? `{"a":${deep}}` : deep;
      const a = await w.api(call('POST', '/v2.0/ports', `{"port":{"network_id":"${net}","${attr}":${value}}}`), CTX);
      expect([400, 500], attr).toContain(a?.status);
    }
    expect(await ports()).toBe(before);
  });

  it('bodies nested as deep as the API body limit allows, in the attributes the CLIs now send through the API, are answered and keep nothing', async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('deep'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const count = async (collection: string) => (JSON.parse((await w.api(call('GET', `/v2.0/${collection}`), CTX))?.body ?? '{}') as Record<string, unknown[]>)[collection.replace(/-/g, '_')]?.length;
    const cases: Array<[string, string, string, string[]]> = [
      ['subnets', 'subnet', `"network_id":"${net}","ip_version":4,"cidr":"10.9.0.0/24"`, ['segment_id', 'service_types', 'host_routes', 'subnetpool_id', 'allocation_pools']],
      ['routers', 'router', '"name":"r"', ['external_gateway_info', 'routes', 'availability_zone_hints']],
      ['security-groups', 'security_group', '"name":"g"', ['description', 'stateful']],
      ['subnetpools', 'subnetpool', '"name":"p","prefixes":["10.80.0.0/16"]', ['prefixes', 'address_scope_id', 'default_prefixlen']],
      ['address-scopes', 'address_scope', '"name":"s","ip_version":4', ['shared']],
    ];
    for (const [collection, member, base, attrs] of cases) {
      const before = await count(collection);
      for (const attr of attrs) {
        const value = attr === 'external_gateway_info' ? `{"network_id":"${net}","external_fixed_ips":${deep}}` : deep;
        const a = await w.api(call('POST', `/v2.0/${collection}`, `{"${member}":{${base},"${attr}":${value}}}`), CTX);
        expect([400, 500], `${collection} ${attr}`).toContain(a?.status);
      }
      expect(await count(collection), collection).toBe(before);
    }
    // A pool's address scope is a UUID or None (it was dropped when not text, and the pool made): the oracle's answer.
    const scoped = await w.api(call('POST', '/v2.0/subnetpools', { subnetpool: { name: 'p', prefixes: ['10.80.0.0/16'], address_scope_id: 5 } }), CTX);
    expect(JSON.parse(scoped?.body ?? '{}')).toEqual({ NeutronError: { type: 'HTTPBadRequest', message: "Invalid input for address_scope_id. Reason: '5' is not a valid UUID.", detail: '' } });
    // The server goes on: an ordinary write is answered.
    expect((await w.api(createNet('after'), CTX))?.status).toBe(201);
  });

  it("a subnet's service types are read by validate_subnet_service_types and answered in order (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('types'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    let n = 0;
    const post = async (serviceTypes: unknown) =>
      JSON.parse((await w.api(call('POST', '/v2.0/subnets', { subnet: { network_id: net, ip_version: 4, cidr: `10.${90 + ++n}.0.0/24`, service_types: serviceTypes } }), CTX))?.body ?? '{}') as {
        NeutronError?: unknown;
        subnet?: { service_types: string[] };
      };
    const refused = (type: string, message: string) => ({ NeutronError: { type, message, detail: '' } });
    expect(await post('x')).toEqual(refused('HTTPBadRequest', 'Subnet service types must be a list.'));
    expect(await post({ a: 1 })).toEqual(refused('HTTPBadRequest', 'Subnet service types must be a list.'));
    expect(await post([5])).toEqual(refused('InvalidInputSubnetServiceType', 'Subnet service type 5 is not a string.'));
    expect(await post(['compute:', 'bogus', 5])).toEqual(refused('InvalidSubnetServiceType', 'Subnet service type bogus does not correspond to a valid device owner.'));
    expect((await post(['network:dhcp', 'compute:nova', 'neutron:x'])).subnet?.service_types).toEqual(['compute:nova', 'network:dhcp', 'neutron:x']);
    expect((await post(null)).subnet?.service_types).toEqual([]);
  });

  it("a subnet's segment and prefix delegation, as the plugin checks them (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const body = async (r: Promise<{ body: string } | null | undefined>) => JSON.parse((await r)?.body ?? '{}') as { NeutronError?: { type: string; message: string }; subnet?: Record<string, unknown>; subnetpool?: { id: string } };
    const net = (JSON.parse((await w.api(createNet('routed'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const other = (JSON.parse((await w.api(createNet('other'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const segmentOf = async (id: string) => (await w.run(`openstack network segment list --network ${id} -f value -c ID`)).stdout.trim();
    const [seg, otherSeg] = [await segmentOf(net), await segmentOf(other)];
    const post = (subnet: Record<string, unknown>) => body(w.api(call('POST', '/v2.0/subnets', { subnet: { network_id: net, ...subnet } }), CTX));
    const put = (id: string, subnet: Record<string, unknown>) => body(w.api(call('PUT', `/v2.0/subnets/${id}`, { subnet }), CTX));
    const refused = (type: string, message: string) => ({ NeutronError: { type, message, detail: '' } });
    const pool = (await body(w.api(call('POST', '/v2.0/subnetpools', { subnetpool: { name: 'p', prefixes: ['10.200.0.0/16'], default_prefixlen: 24 } }), CTX))).subnetpool?.id;
    // validate_pools_with_subnetpool, before the pool is looked up: any list, even an empty one.
    expect(await post({ ip_version: 4, subnetpool_id: pool, allocation_pools: [] })).toEqual(refused('BadRequest', 'Bad subnets request: allocation_pools allowed only for specific subnet requests..'));
    expect(await post({ ip_version: 4, cidr: '10.5.0.0/24', segment_id: 123 })).toEqual(refused('HTTPBadRequest', "Invalid input for segment_id. Reason: '123' is not a valid UUID."));
    expect(await post({ ip_version: 4, cidr: '10.5.0.0/24', segment_id: otherSeg })).toEqual(
      refused('NetworkIdsDontMatch', `The subnet's network id, '${net}', doesn't match the network_id of segment '${otherSeg}'`),
    );
    expect((await post({ ip_version: 4, cidr: '10.5.0.0/24', segment_id: '00000000-0000-4000-8000-000000000000' })).NeutronError?.type).toBe('SegmentNotFound');
    // A subnet waiting for a delegated prefix, on the network's segment.
    const pd = (await post({ ip_version: 6, subnetpool_id: 'prefix_delegation', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac', segment_id: seg })).subnet;
    expect(pd).toMatchObject({ cidr: '::/64', gateway_ip: '::', subnetpool_id: 'prefix_delegation', segment_id: seg, allocation_pools: [{ start: '::1', end: '::ffff:ffff:ffff:ffff' }] });
    // A second one without a segment: the network's subnets are all on segments or none is.
    expect((await post({ ip_version: 4, cidr: '10.6.0.0/24' })).NeutronError?.type).toBe('SubnetsNotAllAssociatedWithSegments');
    const id = String(pd?.['id']);
    expect(await put(id, { segment_id: null })).toEqual(refused('SubnetSegmentAssociationChangeNotAllowed', 'A subnet that is already associated with a segment cannot have its segment association changed.'));
    // On a network of one subnet without one, an update naming no segment that exists reads an attribute of None: the 500.
    const lone = (await body(w.api(call('POST', '/v2.0/subnets', { subnet: { network_id: other, ip_version: 4, cidr: '10.7.0.0/24' } }), CTX))).subnet;
    expect((await put(String(lone?.['id']), { segment_id: '00000000-0000-4000-8000-000000000000' })).NeutronError?.type).toBe('HTTPInternalServerError');
    expect((await put(String(lone?.['id']), { segment_id: otherSeg })).subnet?.['segment_id']).toBe(otherSeg);
  });

  it("a router's gateway dictionary: the required key first, then the keys it does not know, named in the body's order (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const ext = (await w.run('openstack network list --external -f value -c ID')).stdout.split('\n')[0] ?? '';
    const post = async (gw: unknown) => JSON.parse((await w.api(call('POST', '/v2.0/routers', { router: { external_gateway_info: gw } }), CTX))?.body ?? '{}') as { NeutronError?: { message: string } };
    expect((await post({ foo: 1 })).NeutronError?.message).toBe(
      "Invalid input for external_gateway_info. Reason: Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {'foo'}.",
    );
    expect((await post({ network_id: ext, foo: 1, bar: 2 })).NeutronError?.message).toBe('Invalid input for external_gateway_info. Reason: Unexpected keys supplied: foo, bar.');
    expect((await post({ network_id: ext, qos_policy_id: null })).NeutronError?.message).toBe('Invalid input for external_gateway_info. Reason: Unexpected keys supplied: qos_policy_id.');
  });

  it("a rule belongs to the project that asked for it (or the one it names), not to its group's (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:provider-admin');
    const body = async (path: string, member: Record<string, unknown>) =>
      JSON.parse((await w.api(call('POST', path, member), CTX))?.body ?? '{}') as Record<string, Record<string, unknown> | undefined>;
    const me = (await body('/v2.0/security-groups', { security_group: { name: 'mine' } }))['security_group']?.['project_id'];
    expect(me).toMatch(/^[0-9a-f]{32}$/);
    const group = (await body('/v2.0/security-groups', { security_group: { name: 'theirs', tenant_id: 'p1' } }))['security_group'];
    expect(group?.['project_id']).toBe('p1');
    const rule = (protocol: string, extra: Record<string, unknown> = {}) =>
      body('/v2.0/security-group-rules', { security_group_rule: { security_group_id: group?.['id'], direction: 'ingress', protocol, ...extra } });
    expect((await rule('tcp'))['security_group_rule']?.['project_id']).toBe(me);
    expect((await rule('udp', { tenant_id: 'p2' }))['security_group_rule']?.['project_id']).toBe('p2');
  });

  it("a subnet pool's prefix lengths are text in a GET and a POST answer, numbers in a PUT's (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const answer = async (method: string, path: string, member?: unknown) => JSON.parse((await w.api(call(method, path, member), CTX))?.body ?? '{}') as Record<string, Record<string, unknown>>;
    const lengths = (d: Record<string, unknown> | undefined) => [d?.['default_prefixlen'], d?.['min_prefixlen'], d?.['max_prefixlen']];
    const made = (await answer('POST', '/v2.0/subnetpools', { subnetpool: { name: 'sp', prefixes: ['10.80.0.0/16'] } }))['subnetpool'];
    expect(lengths(made)).toEqual(['8', '8', '32']);
    const id = String(made?.['id']);
    expect(lengths((await answer('GET', `/v2.0/subnetpools/${id}`))['subnetpool'])).toEqual(['8', '8', '32']);
    expect(lengths(((await answer('GET', '/v2.0/subnetpools', undefined))['subnetpools'] as unknown as Array<Record<string, unknown>>).find((p) => p['id'] === id))).toEqual(['8', '8', '32']);
    expect(lengths((await answer('PUT', `/v2.0/subnetpools/${id}`, { subnetpool: { description: 'zz' } }))['subnetpool'])).toEqual([8, 8, 32]);
  });

  it('lists RBAC policies in the order they were made, not by id (the oracle does)', async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('shared-out'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const made: string[] = [];
    for (const t of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']) {
      const a = await w.api(call('POST', '/v2.0/rbac-policies', { rbac_policy: { object_type: ' Network ', object_id: net, action: 'access_as_shared', target_tenant: t } }), CTX);
      expect(a?.status).toBe(201);
      made.push((JSON.parse(a?.body ?? '{}') as { rbac_policy: { id: string } }).rbac_policy.id);
    }
    const listed = (JSON.parse((await w.api(call('GET', '/v2.0/rbac-policies', undefined, [['object_id', net]]), CTX))?.body ?? '{}') as { rbac_policies: Array<{ id: string }> }).rbac_policies.map((p) => p.id);
    expect(listed).toEqual(made);
    expect([...made].sort()).not.toEqual(made);
  });

  it("a rule's port refused on create is typed as Neutron types it, as the list filter's is (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const sg = (JSON.parse((await w.api(call('GET', '/v2.0/security-groups', undefined, [['name', 'default']]), CTX))?.body ?? '{}') as { security_groups: Array<{ id: string }> }).security_groups[0]?.id;
    const rule = (extra: Record<string, unknown>) => w.api(call('POST', '/v2.0/security-group-rules', { security_group_rule: { security_group_id: sg, direction: 'ingress', protocol: 'tcp', ...extra } }), CTX);
    for (const [extra, message] of [
      [{ port_range_min: 0, port_range_max: 0 }, 'Invalid value for port 0'],
      [{ port_range_min: 70000, port_range_max: 70000 }, 'Invalid value for port 70000'],
      [{ port_range_min: 'x' }, 'Invalid value for port x'],
    ] as const) {
      const a = await rule(extra);
      expect(a?.status).toBe(400);
      expect(JSON.parse(a?.body ?? '{}')).toEqual({ NeutronError: { type: 'SecurityGroupInvalidPortValue', message, detail: '' } });
    }
    expect(JSON.parse((await rule({ port_range_min: 22 }))?.body ?? '{}')).toMatchObject({ NeutronError: { type: 'SecurityGroupInvalidPortRange' } });
    // Both ends refused: the first in the attribute map's order is named (min before max), not the first by name.
    expect(JSON.parse((await rule({ port_range_min: 70000, port_range_max: 70001 }))?.body ?? '{}')).toMatchObject({ NeutronError: { message: 'Invalid value for port 70000' } });
  });

  it("a body's attributes are checked in the order the server's attribute map has them (the oracle's answers)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('order'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const port = async (extra: Record<string, unknown>) => JSON.parse((await w.api(call('POST', '/v2.0/ports', { port: { network_id: net, ...extra } }), CTX))?.body ?? '{}') as unknown;
    // The core's attributes, then the extensions' as the extension manager merges them.
    expect(await port({ security_groups: 'x', admin_state_up: 'x' })).toMatchObject({ NeutronError: { message: "Invalid input for operation: 'x' cannot be converted to boolean." } });
    expect(await port({ security_groups: 'x', port_security_enabled: 'zz' })).toMatchObject({ NeutronError: { message: "Invalid input for operation: 'zz' cannot be converted to boolean." } });
    expect(await port({ security_groups: 'x', description: 5 })).toMatchObject({ NeutronError: { message: "Invalid input for description. Reason: '5' is not a valid string." } });
    // A port's POST may carry tags (the tagging extension's map for ports): checked, then not kept.
    for (const [tags, reason] of [
      ['x', "'x' is not a list"],
      [['a', 'a'], "Duplicate items in the list: 'a'"],
      [[1], "'1' is not a valid string"],
      [['a'.repeat(256)], `'${'a'.repeat(256)}' exceeds maximum length of 255`],
    ] as const) {
      expect(await port({ tags })).toEqual({ NeutronError: { type: 'HTTPBadRequest', message: `Invalid input for tags. Reason: ${reason}.`, detail: '' } });
    }
    expect(await port({ tags: ['ok'] })).toMatchObject({ port: { tags: [] } });
  });

  it("PUT mac_address None: Neutron makes a new MAC (the EUI-64 address follows); a member's shared pool with no prefixes is the policy's refusal first (both on the oracle)", async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const body = async (method: string, path: string, b?: unknown) => JSON.parse((await w.api(call(method, path, b), CTX))?.body ?? '{}') as Record<string, Record<string, unknown>>;
    const net = (await body('POST', '/v2.0/networks', { network: { name: 'v6' } })).network?.['id'] as string;
    await body('POST', '/v2.0/subnets', { subnet: { network_id: net, ip_version: 6, cidr: '2001:db8:1::/64', ipv6_address_mode: 'slaac', ipv6_ra_mode: 'slaac' } });
    const before = (await body('POST', '/v2.0/ports', { port: { network_id: net } })).port ?? {};
    const after = (await body('PUT', `/v2.0/ports/${String(before['id'])}`, { port: { mac_address: null } })).port ?? {};
    expect(after['mac_address']).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(after['mac_address']).not.toBe(before['mac_address']);
    expect(after['revision_number']).toBe(Number(before['revision_number']) + 1);
    const eui = (mac: string) => { const b = mac.split(':'); return `2001:db8:1:0:${(parseInt(b[0] ?? '0', 16) ^ 2).toString(16)}${b[1]}:${b[2]}ff:fe${b[3]}:${b[4]}${b[5]}`.replace(/:0+([0-9a-f])/g, ':$1'); };
    expect((after['fixed_ips'] as Array<{ ip_address: string }>)[0]?.ip_address).toBe(eui(String(after['mac_address'])));
    const member = await open(manager(memoryStore()), 'bob', 'sandbox:public-cloud');
    const refused = JSON.parse((await member.api(call('POST', '/v2.0/subnetpools', { subnetpool: { name: 'sp', shared: true, prefixes: [] } }), CTX))?.body ?? '{}') as unknown;
    expect(refused).toEqual({ NeutronError: { type: 'PolicyNotAuthorized', message: '(rule:create_subnetpool and rule:create_subnetpool:shared) is disallowed by policy', detail: '' } });
    const empty = JSON.parse((await member.api(call('POST', '/v2.0/subnetpools', { subnetpool: { name: 'sp', prefixes: [] } }), CTX))?.body ?? '{}') as unknown;
    expect(empty).toEqual({ NeutronError: { type: 'EmptySubnetPoolPrefixList', message: 'Empty subnet pool prefix list.', detail: '' } });
  });

  it('the tags of a resource: a tag past 255 characters is refused before the resource is looked up; a list names its duplicates first', async () => {
    const w = await open(manager(memoryStore()), 'ada', 'sandbox:network-node');
    const net = (JSON.parse((await w.api(createNet('tagged'), CTX))?.body ?? '{}') as { network: { id: string } }).network.id;
    const long = 't'.repeat(256);
    const answer = async (method: string, path: string, body?: unknown) => {
      const r = await w.api(call(method, path, body), CTX);
      return [r?.status, ((JSON.parse(r?.body || '{}') ?? {}) as { NeutronError?: { message: string } }).NeutronError?.message];
    };
    const tooLong = `Invalid input for operation: '${long}' exceeds maximum length of 255.`;
    expect(await answer('PUT', `/v2.0/networks/${net}/tags/${long}`)).toEqual([400, tooLong]);
    expect(await answer('PUT', `/v2.0/networks/00000000-0000-0000-0000-000000000000/tags/${long}`)).toEqual([400, tooLong]);
    expect(await answer('DELETE', `/v2.0/networks/${net}/tags/${long}`)).toEqual([400, tooLong]);
    expect(await answer('PUT', `/v2.0/networks/${net}/tags`, { tags: ['ok', long] })).toEqual([400, tooLong]);
    expect(await answer('PUT', `/v2.0/networks/${net}/tags`, { tags: [1, 1, 'a', 'a', 'a'] })).toEqual([400, "Invalid input for operation: Duplicate items in the list: '1, a'."]);
    expect(await answer('PUT', `/v2.0/networks/${net}/tags`, { tags: [long, 5] })).toEqual([400, tooLong]);
    expect(await answer('PUT', `/v2.0/networks/${net}/tags/${'e'.repeat(255)}`)).toEqual([201, undefined]);
  });
});
