/**
 * Issue #17, the security sweep: two learners, A and B, each with a token for their own cloud.
 * Every route the API serves is found from B's side (each service of server/sim/api/services.ts,
 * the collections B's token can list under a broad vocabulary of each service's API, their
 * members, sub-resources, actions and nested collections), then called with A's token on B's ids
 * with every method: A never gets B's data and never changes B's cloud or history. Then the
 * tokens themselves (random, expiring on the injected clock, revocable), the rate limit, and
 * hostile requests (huge bodies, deep JSON, Host header injection).
 */
import { writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openstackRoutes } from '../../server/http/openstack/index.js';
import { tokenStore, type TokenStore } from '../../server/http/openstack/tokens.js';
import { passwordFor } from '../../server/http/openstack/credentials.js';
import { SERVICES as CATALOG } from '../../server/http/openstack/endpoints.js';
import { SERVICES } from '../../server/sim/api/services.js';
import type { ServiceType } from '../../server/sim/api/request.js';
import { memoryStore } from '../../server/store/memory.js';
import type { CloudStore } from '../../server/store/types.js';
import { workspaces, type Workspaces } from '../../server/workspace/index.js';
import { testConfig } from '../support/server-config.js';

const config = testConfig('isolation');
let clock = Date.parse('2026-12-03T10:00:00.000Z');
let base = '';
let port = 0;
let server: Server;
let tokens: TokenStore;
let spaces: Workspaces;
let store: CloudStore;

const KEY = 'sandbox:network-node';
const A = 'alice-iso';
const A2 = 'carol-iso';
const A2_KEY = 'sandbox:public-cloud';
const B = 'bob-iso';

/** B's cloud, filled with one of everything the emulated CLI makes (names marked `bonly-`). */
const B_SETUP = [
  'openstack network create bonly-net',
  'openstack subnet create bonly-sub --network bonly-net --subnet-range 10.77.0.0/24',
  'openstack router create bonly-router',
  'openstack router add subnet bonly-router bonly-sub',
  'openstack port create bonly-port --network bonly-net',
  'openstack security group create bonly-sg',
  'openstack security group rule create bonly-sg --protocol tcp --dst-port 22',
  'openstack keypair create bonly-key',
  'openstack address scope create bonly-scope',
  'openstack subnet pool create bonly-pool --pool-prefix 10.99.0.0/16',
  'openstack server create bonly-vm --flavor m1.tiny --image cirros-0.5.2-x86_64-disk --network bonly-net',
  'openstack loadbalancer create --name bonly-lb --vip-subnet-id bonly-sub',
  'openstack loadbalancer listener create --name bonly-listener --protocol HTTP --protocol-port 80 bonly-lb',
  'openstack loadbalancer pool create --name bonly-lbpool --lb-algorithm ROUND_ROBIN --listener bonly-listener --protocol HTTP',
  'openstack loadbalancer member create --subnet-id bonly-sub --address 10.77.0.10 --protocol-port 80 --name bonly-member bonly-lbpool',
  'openstack loadbalancer healthmonitor create --delay 5 --timeout 3 --max-retries 3 --type HTTP --name bonly-hm bonly-lbpool',
  'openstack loadbalancer l7policy create --action REJECT --name bonly-l7 bonly-listener',
  'openstack loadbalancer l7rule create --compare-type EQUAL_TO --type PATH --value /x bonly-l7',
];

/**
 * Each service's API as a client may name it: where versions start, the collections (some only
 * admins or some deployments have), the sub-resources and actions of a member, and the nested
 * collections. A name the simulation does not serve is simply not listed by B and so not swept;
 * a name it serves is swept whether or not it was there when this test was written.
 */
const VOCABULARY: Record<
  ServiceType,
  { roots: string[]; collections: string[]; subs: string[]; nested: string[] }
> = {
  network: {
    roots: ['v2.0'],
    collections: [
      'networks',
      'subnets',
      'ports',
      'routers',
      'floatingips',
      'security-groups',
      'security-group-rules',
      'subnetpools',
      'address-scopes',
      'rbac-policies',
      'segments',
      'network-ip-availabilities',
      'service-providers',
      'agents',
      'availability_zones',
      'qos/policies',
      'trunks',
      'network_segment_ranges',
      'bgp-speakers',
      'bgp-peers',
      'quotas',
      'local-ips',
      'address-groups',
      'metering/metering-labels',
      'metering/metering-label-rules',
      'logging/logs',
      'ndp-proxies',
      'floatingip_pools',
      'port_forwardings',
      'auto-allocated-topology',
      'network-segment-ranges',
    ],
    subs: [
      'tags',
      'tags/bonly-tag',
      'add_router_interface',
      'remove_router_interface',
      'add_extraroutes',
      'remove_extraroutes',
      'add_external_gateways',
      'update_external_gateways',
      'remove_external_gateways',
      'dhcp-agents',
      'l3-agents',
      'l3-routers',
      'dhcp-networks',
      'add_bgp_peer',
      'remove_bgp_peer',
      'add_gateway_network',
      'remove_gateway_network',
      'get_advertised_routes',
      'bgp-dragents',
      'details',
      'default',
      'add_subports',
      'remove_subports',
      'get_subports',
    ],
    nested: ['port_forwardings', 'rules'],
  },
  compute: {
    roots: ['v2.1', 'v2'],
    collections: [
      'servers',
      'servers/detail',
      'flavors',
      'flavors/detail',
      'os-keypairs',
      'os-availability-zone',
      'limits',
      'os-security-groups',
      'os-quota-sets',
      'os-hypervisors',
      'os-services',
      'os-server-groups',
      'os-aggregates',
      'images',
      'os-volumes',
      'os-simple-tenant-usage',
      'os-migrations',
    ],
    subs: [
      'action',
      'os-interface',
      'ips',
      'metadata',
      'os-volume_attachments',
      'os-instance-actions',
      'os-server-password',
      'diagnostics',
      'os-extra_specs',
      'detail',
      'defaults',
      'tags',
      'migrations',
      'remote-consoles',
      'topology',
    ],
    nested: ['os-interface'],
  },
  image: {
    roots: ['v2'],
    collections: [
      'images',
      'schemas/images',
      'tasks',
      'metadefs/namespaces',
      'stores/info',
      'info/import',
    ],
    subs: [
      'file',
      'tags/bonly-tag',
      'members',
      'actions/deactivate',
      'actions/reactivate',
      'import',
      'stage',
    ],
    nested: ['members'],
  },
  'load-balancer': {
    roots: ['v2/lbaas', 'v2.0/lbaas', 'v2/octavia'],
    collections: [
      'loadbalancers',
      'listeners',
      'pools',
      'healthmonitors',
      'l7policies',
      'quotas',
      'providers',
      'flavors',
      'flavorprofiles',
      'availabilityzones',
      'availabilityzoneprofiles',
      'amphorae',
    ],
    subs: [
      'stats',
      'status',
      'failover',
      'config',
      'flavor_capabilities',
      'availability_zone_capabilities',
    ],
    nested: ['members', 'rules'],
  },
};

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'] as const;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** One call, the clock moved on so that the rate limit never meets the sweep (its own test is below). */
async function call(
  method: string,
  path: string,
  token: string | null,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  clock += 100;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token !== null ? { 'x-auth-token': token } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body } : {}),
  });
  return {
    status: res.status,
    headers: res.headers,
    text: method === 'HEAD' ? '' : await res.text(),
  };
}

async function login(who: string, key: string): Promise<string> {
  const { auth, projects } = (await spaces.open(who, spaces.parse(key)!)).state().cloud;
  const r = await call(
    'POST',
    '/identity/v3/auth/tokens',
    null,
    JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: auth.userName,
              domain: { name: 'Default' },
              password: passwordFor(config.secret, who, key),
            },
          },
        },
        scope: {
          project: {
            name: projects.find((p) => p.id === auth.projectId)?.name ?? '',
            domain: { name: 'Default' },
          },
        },
      },
    }),
  );
  expect(r.status).toBe(201);
  return r.headers.get('x-subject-token') ?? '';
}

/** Every string a cloud holds (its ids, names, addresses): what is B's alone is what A must never see. */
function stringsOf(v: unknown, out = new Set<string>()): Set<string> {
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) stringsOf(x, out);
  return out;
}

/** The ids (or, without one, names) of the resources a list answer holds. */
function idsOf(body: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 3) return;
    if (Array.isArray(v)) {
      for (const x of v) {
        const o =
          x !== null && typeof x === 'object' && !Array.isArray(x)
            ? (x as Record<string, unknown>)
            : null;
        if (!o) continue;
        const inner = Object.keys(o).length === 1 ? Object.values(o)[0] : null;
        const item =
          inner !== null && typeof inner === 'object' && !Array.isArray(inner)
            ? (inner as Record<string, unknown>)
            : o;
        const id = item['id'] ?? item['name'];
        if (typeof id === 'string' || typeof id === 'number') out.push(String(id));
      }
    } else if (v !== null && typeof v === 'object')
      for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(body, 0);
  return out;
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

let tokenA = '';
let tokenA2 = '';
let tokenB = '';
/** Strings in B's cloud that neither attacker's cloud has. */
let bOnly = new Set<string>();
const bSnapshot = async () => ({
  cloud: JSON.stringify((await spaces.open(B, spaces.parse(KEY)!)).state().cloud),
  history: (await store.history(B, KEY, 100_000)).length,
});

beforeAll(async () => {
  store = memoryStore();
  spaces = workspaces({ store, labs: () => [], now: () => clock, log: () => undefined });
  tokens = tokenStore();
  const app = express();
  openstackRoutes(app, { workspaces: spaces, tokens, config, now: () => clock });
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const a = server.address();
  port = typeof a === 'object' && a ? a.port : 0;
  base = `http://127.0.0.1:${port}/openstack`;
  const wb = await spaces.open(B, spaces.parse(KEY)!);
  const failed: string[] = [];
  for (const line of B_SETUP) if ((await wb.run(line)).exitCode !== 0) failed.push(line);
  // The network side at least must be there; a service that cannot make its resources yet is reported.
  expect(failed.filter((l) => !/server create|loadbalancer/.test(l))).toEqual([]);
  if (failed.length > 0) console.warn(`isolation: B's setup could not run: ${failed.join('; ')}`);
  tokenA = await login(A, KEY);
  tokenA2 = await login(A2, A2_KEY);
  tokenB = await login(B, KEY);
  const seen = new Set([
    ...stringsOf((await spaces.open(A, spaces.parse(KEY)!)).state().cloud),
    ...stringsOf((await spaces.open(A2, spaces.parse(A2_KEY)!)).state().cloud),
  ]);
  // B's own: its ids (uuid or hex) and what it named; words every cloud of that kind has (a provider's name) are nobody's.
  const own = (s: string) =>
    /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s) ||
    /^[0-9a-f]{32}$/i.test(s) ||
    s.includes('bonly');
  bOnly = new Set([...stringsOf(wb.state().cloud)].filter((s) => !seen.has(s) && own(s)));
}, 120_000);
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

/** A member path and the B id it names. */
interface Target {
  service: ServiceType;
  path: string;
  id: string;
}

/** What B's token reaches: every listed collection's members of B's own, their sub-resources, their nested collections' members. */
async function discover(): Promise<{ lists: string[]; targets: Target[] }> {
  const lists: string[] = [];
  const targets: Target[] = [];
  for (const service of Object.keys(SERVICES) as ServiceType[]) {
    const vocab = VOCABULARY[service];
    for (const root of vocab.roots)
      for (const coll of vocab.collections) {
        const list = `/${service}/${root}/${coll}`;
        const r = await call('GET', list, tokenB);
        if (r.status !== 200) continue;
        lists.push(list);
        const ids = idsOf(parse(r.text)).filter((id) => bOnly.has(id));
        for (const id of ids.slice(0, 3)) {
          const member = `${list}/${encodeURIComponent(id)}`;
          targets.push({ service, path: member, id });
          for (const sub of vocab.subs) targets.push({ service, path: `${member}/${sub}`, id });
          for (const nest of vocab.nested) {
            const n = await call('GET', `${member}/${nest}`, tokenB);
            if (n.status !== 200) continue;
            lists.push(`${member}/${nest}`);
            for (const child of idsOf(parse(n.text))
              .filter((x) => bOnly.has(x))
              .slice(0, 2))
              targets.push({
                service,
                path: `${member}/${nest}/${encodeURIComponent(child)}`,
                id: child,
              });
          }
        }
      }
  }
  return { lists, targets };
}

/** B-only strings in an answer to A that A did not send itself (an error naming the id A asked for is no leak). */
function leaked(text: string, sent: string): string[] {
  if (text === '') return [];
  return [...bOnly].filter((s) => text.includes(s) && !sent.includes(s));
}

describe('A’s token on B’s resources, on every route of every service', () => {
  let found: { lists: string[]; targets: Target[] };
  beforeAll(async () => {
    found = await discover();
  }, 300_000);

  it('finds B’s resources in every service the catalog serves', () => {
    const served = new Set(found.targets.map((t) => t.service));
    for (const service of Object.keys(SERVICES) as ServiceType[]) {
      expect(
        CATALOG.some((c) => c.type === service),
        service,
      ).toBe(true);
      // Glance's images are the fixture's (the same in every cloud), so B has none of its own there.
      if (service !== 'image')
        expect(served.has(service), `${service}: no B resource found`).toBe(true);
    }
    expect(found.targets.length).toBeGreaterThan(100);
    if (process.env['ISOLATION_REPORT'])
      console.log(found.lists.join('\n'), '\n', found.targets.length, [...served].join(' '));
  });

  it('answers every method with an error, never B’s data, never a change to B’s cloud or history', async () => {
    const before = await bSnapshot();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (const attacker of [tokenA, tokenA2])
      for (const t of found.targets)
        for (const method of METHODS) {
          // Bodies that name B's resource too, so that a write's validation gets past "body required".
          const body =
            method === 'GET' || method === 'HEAD' || method === 'DELETE'
              ? undefined
              : JSON.stringify({
                  id: t.id,
                  name: 'x',
                  network_id: t.id,
                  subnet_id: t.id,
                  port_id: t.id,
                  'os-start': null,
                });
          const r = await call(method, t.path, attacker, body);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const sent = `${t.path} ${body ?? ''} ${t.id} ${decodeURIComponent(t.path)}`;
          const read = method === 'GET' || method === 'HEAD';
          const member = t.path.endsWith(`/${encodeURIComponent(t.id)}`);
          // Neutron itself answers these without `router` in the body with a KeyError's 500 (requests/router.ts).
          const neutronKeyError =
            r.status === 500 &&
            /\/(add|remove)_extraroutes$/.test(t.path) &&
            r.text.includes('HTTPInternalServerError');
          if (r.status >= 500 && !neutronKeyError)
            failures.push(`${method} ${t.path}: ${r.status} ${r.text.slice(0, 200)}`);
          // A member of B's is unknown to A; a sub-resource may list nothing (Neutron lists a network's DHCP agents without looking the network up).
          if (member && read && r.status !== 404)
            failures.push(`${method} ${t.path}: ${r.status} (want 404)`);
          if (!read && r.status < 400) failures.push(`${method} ${t.path}: ${r.status}`);
          const leak = leaked(r.text, sent);
          if (leak.length > 0)
            failures.push(`${method} ${t.path}: leaks ${leak.slice(0, 3).join(', ')}`);
        }
    if (failures.length > 0)
      writeFileSync(join(tmpdir(), 'stacklab-isolation-failures.txt'), `${failures.join('\n')}\n`);
    expect(failures).toEqual([]);
    expect(await bSnapshot()).toEqual(before);
    // Refusals (404 for the ids; 400/405 where a route checks the method or body first), and empty sub-resource lists.
    for (const s of statuses.keys()) expect([200, 400, 403, 404, 405, 409, 500]).toContain(s);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(found.targets.length);
  }, 600_000);

  it('lists nothing of B’s to A: every collection B can list, A lists without B’s ids', async () => {
    for (const list of found.lists) {
      const r = await call('GET', list, tokenA);
      expect(leaked(r.text, list), list).toEqual([]);
    }
  }, 120_000);

  it('cross-references in bodies: A cannot attach, route or create onto B’s resources', async () => {
    const before = await bSnapshot();
    const idOf = (path: string) =>
      found.targets.find((t) => t.path.endsWith(path) || t.path.includes(path))?.id ?? 'x';
    const bNet = found.targets.find((t) => /\/v2\.0\/networks\/[^/]+$/.test(t.path))?.id ?? 'x';
    const bSubnet = found.targets.find((t) => /\/v2\.0\/subnets\/[^/]+$/.test(t.path))?.id ?? 'x';
    const bSg =
      found.targets.find((t) => /\/v2\.0\/security-groups\/[^/]+$/.test(t.path))?.id ?? 'x';
    const bPool = found.targets.find((t) => /\/pools\/[^/]+$/.test(t.path))?.id ?? idOf('pools');
    const aRouter = JSON.parse(
      (
        await call(
          'POST',
          '/network/v2.0/routers',
          tokenA,
          JSON.stringify({ router: { name: 'a-router' } }),
        )
      ).text,
    ) as { router?: { id: string } };
    const attempts: Array<[string, string, unknown]> = [
      ['POST', '/network/v2.0/ports', { port: { network_id: bNet } }],
      [
        'POST',
        '/network/v2.0/subnets',
        { subnet: { network_id: bNet, cidr: '10.5.0.0/24', ip_version: 4 } },
      ],
      ['POST', '/network/v2.0/floatingips', { floatingip: { floating_network_id: bNet } }],
      [
        'POST',
        '/network/v2.0/security-group-rules',
        { security_group_rule: { security_group_id: bSg, direction: 'ingress' } },
      ],
      [
        'PUT',
        `/network/v2.0/routers/${aRouter.router?.id ?? 'x'}/add_router_interface`,
        { subnet_id: bSubnet },
      ],
      [
        'PUT',
        `/network/v2.0/routers/${aRouter.router?.id ?? 'x'}`,
        { router: { external_gateway_info: { network_id: bNet } } },
      ],
      [
        'POST',
        '/network/v2.0/rbac-policies',
        {
          rbac_policy: {
            object_type: 'network',
            object_id: bNet,
            action: 'access_as_shared',
            target_tenant: '*',
          },
        },
      ],
      [
        'POST',
        '/compute/v2.1/servers',
        { server: { name: 'a', flavorRef: '1', imageRef: 'x', networks: [{ uuid: bNet }] } },
      ],
      [
        'POST',
        '/load-balancer/v2/lbaas/loadbalancers',
        { loadbalancer: { vip_subnet_id: bSubnet } },
      ],
      [
        'POST',
        `/load-balancer/v2/lbaas/pools/${bPool}/members`,
        { member: { address: '10.77.0.11', protocol_port: 80 } },
      ],
    ];
    for (const [method, path, body] of attempts) {
      const r = await call(method, path, tokenA, JSON.stringify(body));
      expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${method} ${path}`).toBeLessThan(500);
      expect(leaked(r.text, `${path} ${JSON.stringify(body)}`), `${method} ${path}`).toEqual([]);
    }
    expect(await bSnapshot()).toEqual(before);
  }, 120_000);
});

describe('keystone: A’s token on B’s tokens and application credentials', () => {
  it('cannot validate, revoke or read B’s token, nor show, delete or list B’s credentials', async () => {
    const userB = (await spaces.open(B, spaces.parse(KEY)!)).state().cloud.auth.userId;
    const made = await call(
      'POST',
      `/identity/v3/users/${userB}/application_credentials`,
      tokenB,
      JSON.stringify({ application_credential: { name: 'bonly-cred' } }),
    );
    expect(made.status).toBe(201);
    const cred = (
      JSON.parse(made.text) as { application_credential: { id: string; secret: string } }
    ).application_credential;
    const userA = (await spaces.open(A, spaces.parse(KEY)!)).state().cloud.auth.userId;
    for (const [method, path, status] of [
      ['GET', '/identity/v3/auth/tokens', 404],
      ['HEAD', '/identity/v3/auth/tokens', 404],
      ['DELETE', '/identity/v3/auth/tokens', 404],
      ['GET', `/identity/v3/users/${userA}/application_credentials/${cred.id}`, 404],
      ['DELETE', `/identity/v3/users/${userA}/application_credentials/${cred.id}`, 404],
      ['GET', `/identity/v3/users/${userB}/application_credentials/${cred.id}`, 404],
      ['DELETE', `/identity/v3/users/${userB}/application_credentials/${cred.id}`, 404],
    ] as const) {
      const r = await call(method, path, tokenA, undefined, { 'x-subject-token': tokenB });
      expect(r.status, `${method} ${path}`).toBe(status);
      expect(leaked(r.text, `${path} ${cred.id}`), path).toEqual([]);
    }
    // A is admin of their own cloud: listing B's user finds nothing (no such user in A's workspace).
    const list = await call('GET', `/identity/v3/users/${userB}/application_credentials`, tokenA);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toMatchObject({ application_credentials: [] });
    expect(
      (await call('GET', `/identity/v3/users/${userB}/application_credentials`, tokenA2)).status,
    ).toBe(403);
    expect(tokens.lookup(tokenB, clock)).not.toBeNull();
    // B's credential still opens B's cloud only.
    const viaCred = await call(
      'POST',
      '/identity/v3/auth/tokens',
      null,
      JSON.stringify({
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: cred.id, secret: cred.secret },
          },
        },
      }),
    );
    expect(tokens.lookup(viaCred.headers.get('x-subject-token') ?? '', clock)?.learner).toBe(B);
  });
});

describe('tokens', () => {
  it('are random: 1,000 logins give 1,000 tokens, each with far more than 32 bytes of randomness', async () => {
    const ref = spaces.parse(KEY)!;
    const seen = new Set<string>();
    const randomParts = new Set<string>();
    const s = tokenStore({ perLearner: 2000 });
    for (let i = 0; i < 1000; i += 1) {
      const { token } = s.issue(A, ref, clock);
      seen.add(token);
      const raw = Buffer.from(token, 'base64url');
      randomParts.add(raw.subarray(9, 9 + 32).toString('hex'));
    }
    expect(seen.size).toBe(1000);
    expect(randomParts.size).toBe(1000);
    // Over HTTP too, and every byte of the random part takes many values across logins.
    const overHttp = new Set<string>();
    for (let i = 0; i < 50; i += 1) overHttp.add(await login(A, KEY));
    expect(overHttp.size).toBe(50);
    const raws = [...overHttp].map((t) => Buffer.from(t, 'base64url'));
    for (let byte = 9; byte < 9 + 32; byte += 1)
      expect(new Set(raws.map((r) => r[byte])).size, `byte ${byte}`).toBeGreaterThan(20);
  }, 120_000);

  /** One read route per service (its first collection B could list), and keystone's. */
  const probes = () =>
    (Object.keys(SERVICES) as ServiceType[]).map(
      (s) => `/${s}/${VOCABULARY[s].roots[0] ?? ''}/${VOCABULARY[s].collections[0] ?? ''}`,
    );

  it('expire on the injected clock: an hour later every service answers 401', async () => {
    const t = await login(A, KEY);
    for (const p of probes()) expect((await call('GET', p, t)).status, p).toBe(200);
    clock += 3600_000;
    for (const p of [...probes(), '/identity/v3/users/x/application_credentials']) {
      const r = await call('GET', p, t);
      expect(r.status, p).toBe(401);
      expect(r.text).not.toContain('bonly');
    }
    tokenA = await login(A, KEY);
    tokenA2 = await login(A2, A2_KEY);
    tokenB = await login(B, KEY);
  }, 60_000);

  it('are revocable: after DELETE the token answers 401 everywhere', async () => {
    const t = await login(A, KEY);
    expect(
      (await call('DELETE', '/identity/v3/auth/tokens', t, undefined, { 'x-subject-token': t }))
        .status,
    ).toBe(204);
    for (const p of [...probes(), '/identity/v3/users/x/application_credentials'])
      expect((await call('GET', p, t)).status, p).toBe(401);
  }, 60_000);
});

describe('the rate limit', () => {
  it('answers 429 with Retry-After on every service once a learner’s burst is spent', async () => {
    for (const service of Object.keys(SERVICES) as ServiceType[]) {
      clock += 60_000;
      const t = await login(A, KEY);
      const path = `${base}/${service}/${VOCABULARY[service].roots[0] ?? ''}/${VOCABULARY[service].collections[0] ?? ''}`;
      let last: Response | null = null;
      for (let i = 0; i < 100; i += 1) {
        last = await fetch(path, { headers: { 'x-auth-token': t } });
        if (last.status === 429) break;
      }
      expect(last?.status, service).toBe(429);
      expect(last?.headers.get('retry-after'), service).toMatch(/^\d+$/);
    }
    clock += 60_000;
  }, 60_000);
});

describe('hostile requests', () => {
  /** A raw request with headers of our choosing (fetch cannot set Host). */
  function raw(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<{ status: number; text: string }> {
    return new Promise((ok, ko) => {
      const r = httpRequest(
        { host: '127.0.0.1', port, path: `/openstack${path}`, method, headers },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => ok({ status: res.statusCode ?? 0, text }));
        },
      );
      r.on('error', ko);
      r.end(body);
    });
  }

  it('refuses bodies over the services’ 112 KiB limit with 413, on keystone and every service', async () => {
    const huge = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const posts = [
      '/identity/v3/auth/tokens',
      ...(Object.keys(SERVICES) as ServiceType[]).map(
        (s) => `/${s}/${VOCABULARY[s].roots[0] ?? ''}/${VOCABULARY[s].collections[0] ?? ''}`,
      ),
    ];
    for (const p of posts) {
      clock += 1000;
      const r = await raw(
        'POST',
        p,
        {
          'content-type': 'application/json',
          'x-auth-token': tokenA,
          'content-length': String(huge.length),
        },
        huge,
      );
      expect(r.status, p).toBe(413);
    }
  }, 60_000);

  it('answers deeply nested JSON with a 4xx, never an error of its own', async () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`.slice(0, 110_000);
    const arrays = `${'['.repeat(100_000)}`;
    for (const body of [deep, arrays])
      for (const p of [
        '/identity/v3/auth/tokens',
        ...(Object.keys(SERVICES) as ServiceType[]).map(
          (s) => `/${s}/${VOCABULARY[s].roots[0] ?? ''}/${VOCABULARY[s].collections[0] ?? ''}`,
        ),
      ]) {
        const r = await call('POST', p, p.startsWith('/identity') ? null : tokenA, body);
        expect(r.status, p).toBeGreaterThanOrEqual(400);
        expect(r.status, p).toBeLessThan(500);
      }
  }, 60_000);

  it('never echoes a Host header that is not a host into links, the catalog or WWW-Authenticate', async () => {
    for (const host of [
      'evil.example/"><script>',
      'a b',
      'x@evil.example',
      'evil.example:80:80',
      '[::1',
      '',
    ]) {
      clock += 1000;
      const versions = await raw('GET', '/identity/', { host });
      expect(versions.text, host).not.toMatch(/evil|script|a b/);
      const denied = await raw('GET', '/network/v2.0/networks', { host, 'x-auth-token': 'nope' });
      expect(denied.status).toBe(401);
      expect(denied.text, host).not.toMatch(/evil|script/);
    }
  }, 60_000);
});
