/**
 * Neutron v2.0's read side as a real client sees it: the same requests as the oracle's captured
 * answers (test/openstack-api/oracle/responses.json, from capture.py on the oracle after
 * topology.cmds), against a workspace where the emulated CLI ran the same topology.cmds.
 * Errors must match byte for byte; resources must carry the oracle's keys (the differences the
 * simulation has on purpose are listed with their reason) and its JSON spacing; ids, hosts and
 * timestamps are the only things normalised.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { memoryStore } from '../../server/store/memory.js';
import { loadLabs } from '../../server/labs/index.js';
import { workspaces, type Workspaces } from '../../server/workspace/index.js';
import { tokenStore, type TokenStore } from '../../server/http/openstack/tokens.js';
import { serviceRouter } from '../../server/http/openstack/service.js';
import { loadConfig } from '../../server/http/config.js';

interface Captured {
  request: string;
  status: number;
  contentType: string;
  body: string;
}
const ORACLE = JSON.parse(
  readFileSync(new URL('./oracle/responses.json', import.meta.url), 'utf8'),
) as {
  ids: Record<string, string>;
  answers: Captured[];
};
const TOPOLOGY = readFileSync(new URL('./oracle/topology.cmds', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'));
const NOW = 1_800_000_000_000;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: Server;
let base = '';
let spaces: Workspaces;
let tokens: TokenStore;
let token = '';
let other = '';
const ids: Record<string, string> = {};
const clock = { now: NOW };

/** A GET with exactly these headers (node:http adds no Accept, as the oracle's urllib did not). */
function get(
  path: string,
  headers: Record<string, string> = { 'X-Auth-Token': token },
  method = 'GET',
): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = httpRequest(`${base}/openstack/network${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        ok({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

function captured(request: string): Captured {
  const a = ORACLE.answers.find((x) => x.request === request);
  if (!a) throw new Error(`no oracle answer for ${request}`);
  return a;
}

/** A captured request as this cloud is asked it: `{name}` is this cloud's id of that name. */
function ours(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => ids[name] ?? name);
}

/** Ids as `{name}`, the endpoint as BASE: what differs between two clouds with the same names. */
function normalise(text: string, idsByName: Record<string, string>, endpoint: string): string {
  let out = text.split(endpoint).join('BASE');
  for (const [name, id] of Object.entries(idsByName)) out = out.split(id).join(`{${name}}`);
  return out;
}
const normaliseOracle = (text: string) => normalise(text, ORACLE.ids, 'ORACLE');
const normaliseOurs = (text: string) => normalise(text, ids, `${base}/openstack/network`);

beforeAll(async () => {
  const labs = loadLabs();
  spaces = workspaces({
    store: memoryStore(),
    labs: () => labs,
    now: () => clock.now,
    log: () => {},
  });
  const ref = spaces.parse('sandbox:empty');
  if (!ref) throw new Error('no sandbox:empty');
  const ws = await spaces.open('learner-a', ref);
  for (const line of TOPOLOGY) expect((await ws.run(line)).exitCode, line).toBe(0);
  const c = ws.state().cloud;
  for (const r of [
    ...c.networks,
    ...c.subnets,
    ...c.subnetPools,
    ...c.addressScopes,
    ...c.ports,
    ...c.routers,
    ...c.securityGroups,
  ]) {
    if (r.name !== '') ids[r.name] = r.id;
  }
  const b = await spaces.open('learner-b', ref);
  for (const line of [...TOPOLOGY, 'openstack network create secret'])
    expect((await b.run(line)).exitCode, line).toBe(0);
  tokens = tokenStore();
  token = tokens.issue('learner-a', ref, NOW).token;
  other = b.state().cloud.networks.find((n) => n.name === 'secret')?.id ?? '';
  const app = express();
  app.use(
    '/openstack/network',
    serviceRouter({ workspaces: spaces, tokens, config: loadConfig({}), now: () => clock.now }, 'network'),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('version discovery', () => {
  it('answers GET / without a token with the versions document, naming this endpoint', async () => {
    const r = await get('/', {});
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(normaliseOurs(r.body)).toBe(normaliseOracle(captured('/').body));
  });

  it('answers GET /v2.0/ with the root resources', async () => {
    const r = await get('/v2.0/');
    expect(r.status).toBe(200);
    expect(r.body).toContain(
      `{"name": "network", "collection": "networks", "links": [{"rel": "self", "href": "${base}/openstack/network/v2.0/networks"}]}`,
    );
  });
});

describe('authentication (keystonemiddleware)', () => {
  const refused = `{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}`;

  it.each([
    ['no token', {}],
    ['an unknown token', { 'X-Auth-Token': 'not-a-token' }],
    ['an empty token', { 'X-Auth-Token': '' }],
  ])('refuses /v2.0 with %s: 401 and where to authenticate', async (_what, headers) => {
    for (const path of ['/v2.0/networks', '/v2.0/nosuch', '/v2.0']) {
      const r = await get(path, headers);
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(r.headers['www-authenticate']).toBe(`Keystone uri="${base}/openstack/identity"`);
      expect(r.body).toBe(refused);
    }
  });

  it('refuses an expired or revoked token', async () => {
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no sandbox:empty');
    const revoked = tokens.issue('learner-a', ref, NOW).token;
    tokens.revoke(revoked, NOW);
    expect((await get('/v2.0/networks', { 'X-Auth-Token': revoked })).status).toBe(401);
    clock.now = NOW + 3600_000;
    try {
      expect((await get('/v2.0/networks')).body).toBe(refused);
    } finally {
      clock.now = NOW;
    }
  });

  it.each([
    'networks',
    'subnets',
    'subnetpools',
    'address-scopes',
    'ports',
    'routers',
    'floatingips',
    'security-groups',
    'security-group-rules',
    'segments',
    'rbac-policies',
    'network-ip-availabilities',
  ])("never shows another learner's %s, by id or by filter", async (collection) => {
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no sandbox:empty');
    const theirs = tokens.issue('learner-b', ref, NOW).token;
    const key = collection === 'network-ip-availabilities' ? 'network_id' : 'id';
    const items = itemsOf((await get(`/v2.0/${collection}`, { 'X-Auth-Token': theirs })).body);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const id = String(item[key]);
      expect((await get(`/v2.0/${collection}/${id}`)).status).toBe(404);
      expect(itemsOf((await get(`/v2.0/${collection}?${key}=${id}`)).body)).toEqual([]);
    }
  });

  it("opens only the token's own learner's workspace", async () => {
    const list = await get('/v2.0/networks?fields=name&sort_key=name&sort_dir=asc');
    expect(list.body).toBe('{"networks":[{"name":"net1"},{"name":"public"}]}');
    const show = await get(`/v2.0/networks/${other}`);
    expect(show.status).toBe(404);
    expect(show.body).toBe(
      `{"NeutronError": {"type": "NetworkNotFound", "message": "Network ${other} could not be found.", "detail": ""}}`,
    );
  });
});

/**
 * The oracle's answers that are errors: the same status, Content-Type and bytes here. On purpose
 * not: the oracle that captured these reads did not load neutron-dynamic-routing (its 404 for
 * /v2.0/bgp-speakers); Stacklab's clouds all run it, as the emulated CLIs offer BGP everywhere
 * (test/transcripts/45-49 were captured with the plugin), so the list answers.
 */
const NOT_OURS = new Set(['/v2.0/bgp-speakers']);
const ERRORS = ORACLE.answers.filter((a) => a.status >= 400 && !NOT_OURS.has(a.request)).map((a) => a.request);

it('lists BGP speakers where the plugin-less oracle had no such collection', async () => {
  const r = await get('/v2.0/bgp-speakers');
  expect(r.status).toBe(200);
  expect(JSON.parse(r.body)).toEqual({ bgp_speakers: [] });
});

describe('errors, byte for byte as the oracle', () => {
  it.each(ERRORS)('GET %s', async (request) => {
    const want = captured(request);
    const r = await get(
      ours(request),
      request.startsWith('/v2.0') ? { 'X-Auth-Token': token } : {},
    );
    expect(r.status).toBe(want.status);
    // webob's plain-text pages are the one place the oracle names its charset in capitals here too.
    expect(r.headers['content-type']).toBe(want.contentType);
    expect(normaliseOurs(r.body)).toBe(normaliseOracle(want.body));
    if (request.startsWith('/v2.0'))
      expect(r.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
  });

  it.each([
    [
      'text/html',
      'text/html; charset=UTF-8',
      '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>',
    ],
    [
      '*/*',
      'text/html; charset=UTF-8',
      '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>',
    ],
    [
      'application/json',
      'application/json',
      '{"code": 404, "title": "Not Found", "description": null}',
    ],
  ])(
    'answers a path outside /v2.0 with webob 404 page for Accept %s (checked on the oracle)',
    async (accept, type, body) => {
      const r = await get('/nosuch', { Accept: accept });
      expect([r.status, r.headers['content-type'], r.body]).toEqual([404, type, body]);
    },
  );

  it('answers an unknown extension with Accept: application/json as webob does (checked on the oracle)', async () => {
    const r = await get('/v2.0/extensions/nosuch', {
      'X-Auth-Token': token,
      Accept: 'application/json',
    });
    expect(r.body).toBe(
      '{"message": "The resource could not be found.<br /><br />\\nExtension with alias nosuch does not exist\\n\\n", "code": "404 Not Found", "title": "Not Found"}',
    );
  });

  it('refuses a method Neutron does not route with its 405 body', async () => {
    const r = await get('/v2.0/networks', { 'X-Auth-Token': token }, 'PATCH');
    expect(r.status).toBe(405);
    expect(r.body).toBe(
      '{"NeutronError": {"type": "HTTPMethodNotAllowed", "message": "The server could not comply with the request since it is either malformed or otherwise incorrect.", "detail": ""}}',
    );
  });
});

/** The top-level list or member of a body, as the dictionaries it holds. */
function itemsOf(body: string): Array<Record<string, unknown>> {
  const top = Object.values(JSON.parse(body) as Record<string, unknown>)[0];
  return (Array.isArray(top) ? top : [top]) as Array<Record<string, unknown>>;
}
const keysOf = (body: string) => [...new Set(itemsOf(body).flatMap((i) => Object.keys(i)))].sort();
/** Neutron writes networks, subnets and ports without blanks, everything else with Python's default separators. */
const compact = (body: string) => /^\{"[^"]+":[[{]/.test(body);

/**
 * Where this cloud differs from the oracle's on purpose or for a known gap: the keys the oracle's
 * items have that ours lack. Stacklab's cloud runs its agents (the oracle runs none), so agents
 * and availability zones cannot be compared; a segment lacks the standard attributes (the
 * simulation's segmentDict has none yet).
 */
const DIFFERENCES: Readonly<Record<string, { missing: string[] } | 'agents running'>> = {
  '/v2.0/agents': 'agents running',
  '/v2.0/availability_zones': 'agents running',
  '/v2.0/segments': { missing: ['created_at', 'revision_number', 'updated_at'] },
  '/v2.0/routers/{r1}/l3-agents': 'agents running',
  '/v2.0/networks/{net1}/dhcp-agents': 'agents running',
};

const RESOURCES = ORACLE.answers
  .filter((a) => a.status === 200 && a.request.startsWith('/v2.0') && !a.request.endsWith('/tags'))
  .map((a) => a.request);

describe('resources, as the oracle shapes them', () => {
  it.each(RESOURCES)('GET %s: the same keys, written with the same spacing', async (request) => {
    const want = captured(request);
    const r = await get(ours(request));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(compact(r.body)).toBe(compact(want.body));
    const diff = DIFFERENCES[request];
    if (diff === 'agents running') {
      expect(keysOf(want.body)).toEqual([]);
      expect(itemsOf(r.body).length).toBeGreaterThan(0);
      return;
    }
    const missing = diff?.missing ?? [];
    expect(keysOf(r.body)).toEqual(keysOf(want.body).filter((k) => !missing.includes(k)));
  });

  it.each([
    '/v2.0/networks?fields=bogus',
    '/v2.0/networks?fields=id&fields=name',
    '/v2.0/networks/{net1}?fields=name&fields=id',
    '/v2.0/networks?sort_key=name&sort_dir=desc&fields=name',
    '/v2.0/networks?name=net1&name=public&fields=name&sort_key=name&sort_dir=asc',
    '/v2.0/networks?name=',
    '/v2.0/extensions/router',
    '/v2.0/service-providers',
    '/v2.0/quotas',
    '/v2.0/quotas/fake_project_id/default',
    '/v2.0/routers/{r1}/tags',
  ])("GET %s: the oracle's body, ids aside", async (request) => {
    const r = await get(ours(request));
    expect(normaliseOurs(r.body)).toBe(normaliseOracle(captured(request).body));
  });

  // Known gap: the simulation's extension list (sim/api/neutron/neutron-extensions.json) lacks filter-validation.
  it("lists the oracle's extensions, then neutron-dynamic-routing's (the simulated cloud runs BGP)", async () => {
    const r = JSON.parse((await get('/v2.0/extensions')).body) as {
      extensions: Array<{ alias: string }>;
    };
    const want = JSON.parse(captured('/v2.0/extensions').body) as {
      extensions: Array<{ alias: string }>;
    };
    const bgp = r.extensions.filter((e) => e.alias.startsWith('bgp'));
    expect(bgp.map((e) => e.alias)).toEqual(['bgp', 'bgp_4byte_asn', 'bgp_dragent_scheduler']);
    expect(r.extensions.filter((e) => !e.alias.startsWith('bgp'))).toEqual(
      want.extensions.filter((e) => e.alias !== 'filter-validation'),
    );
  });

  it.each([
    '/v2.0/networks?limit=1',
    '/v2.0/networks?limit=1&marker={public}',
    '/v2.0/networks?limit=1&marker={net1}&page_reverse=True',
    '/v2.0/networks?limit=1&sort_key=name&sort_dir=desc',
    '/v2.0/networks?limit=5&fields=name',
    '/v2.0/networks?limit=1&marker={public}&page_reverse=True',
  ])('GET %s: the same page and the same next/previous links', async (request) => {
    const page = (body: string, norm: (t: string) => string) => {
      const v = JSON.parse(norm(body)) as {
        networks: Array<{ name: string }>;
        networks_links?: unknown;
      };
      return { names: v.networks.map((n) => n.name), links: v.networks_links };
    };
    const r = await get(ours(request));
    expect(page(r.body, normaliseOurs)).toEqual(page(captured(request).body, normaliseOracle));
  });

  it('shows one resource by id, with the fields asked for', async () => {
    const r = await get(
      `/v2.0/routers/${ids['r1'] ?? ''}?fields=name&fields=external_gateway_info`,
    );
    const router = JSON.parse(r.body) as {
      router: { name: string; external_gateway_info: { network_id: string } };
    };
    expect(Object.keys(router.router)).toEqual(['name', 'external_gateway_info']);
    expect(router.router.external_gateway_info.network_id).toBe(ids['public']);
  });

  it('filters ports by fixed_ips as neutron reads them', async () => {
    const all = itemsOf((await get('/v2.0/ports')).body) as Array<{
      id: string;
      fixed_ips: Array<{ ip_address: string; subnet_id: string }>;
    }>;
    const p1 = all.find((p) => p.id === ids['p1']);
    const ip = p1?.fixed_ips[0]?.ip_address ?? '';
    const r = await get(
      `/v2.0/ports?fixed_ips=ip_address%3D${ip}&fixed_ips=subnet_id%3D${ids['sub1'] ?? ''}&fields=name`,
    );
    expect(r.body).toBe('{"ports":[{"name":"p1"}]}');
  });

  it('filters by tags', async () => {
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no sandbox:empty');
    expect(
      (await (await spaces.open('learner-a', ref)).run('openstack network set --tag blue net1')).exitCode,
    ).toBe(0);
    expect((await get('/v2.0/networks?tags=blue&fields=name')).body).toBe(
      '{"networks":[{"name":"net1"}]}',
    );
    expect((await get('/v2.0/networks?not-tags=blue&fields=name')).body).toBe(
      '{"networks":[{"name":"public"}]}',
    );
    expect((await get(`/v2.0/networks/${ids['net1'] ?? ''}/tags`)).body).toBe('{"tags": ["blue"]}');
  });

  it("a GET changes nothing: listing another project's groups makes its default group only in the answer", async () => {
    const ref = spaces.parse('sandbox:empty');
    if (!ref) throw new Error('no sandbox:empty');
    const before = (await spaces.open('learner-a', ref)).state().cloud;
    const r = await get(
      '/v2.0/security-groups?project_id=someone-else&fields=name&fields=project_id',
    );
    expect(r.body).toBe('{"security_groups": [{"name": "default", "project_id": "someone-else"}]}');
    const after = (await spaces.open('learner-a', ref)).state().cloud;
    expect(after).toBe(before);
    expect(after.securityGroups.some((g) => g.projectId === 'someone-else')).toBe(false);
  });

  it('writes text beyond ASCII as Python does (\\uXXXX escapes)', async () => {
    const r = await get('/v2.0/networks/caf%C3%A9%E2%80%A8');
    expect(r.body).toBe(
      '{"NeutronError": {"type": "NetworkNotFound", "message": "Network caf\\u00e9\\u2028 could not be found.", "detail": ""}}',
    );
  });
});

describe("hostile requests get Neutron's answers, never a crash", () => {
  it.each([
    ['/v2.0/__proto__', 404],
    ['/v2.0/constructor', 404],
    ['/v2.0/networks/__proto__', 404],
    ['/v2.0/networks?limit=1&marker=__proto__', 404],
    ['/v2.0/networks/%E0%A4%A', 404],
    ['/v2.0/networks/..%2F..%2Fsecurity-groups', 404],
    ['/v2.0/networks?fields=__proto__', 200],
    ['/v2.0/networks?sort_key=__proto__&sort_dir=asc', 400],
    ['/v2.0/networks?limit=99999999999999999999999', 200],
    ['/v2.0/networks?page_reverse=True', 200],
    ['/v2.0/quotas/%00/default', 200],
    ['/v2.0/quotas/x/y/z', 404],
    ['/v2.0/extensions/router/x', 404],
  ])('GET %s → %i', async (path, status) => {
    const r = await get(path);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json');
    expect(() => JSON.parse(r.body) as unknown).not.toThrow();
  });

  it("a filter named like an object's own property is a filter, not a prototype", async () => {
    const r = await get('/v2.0/networks?__proto__=x&fields=name');
    expect(r.status).toBeLessThan(500);
    expect(r.body).not.toContain('"name":"net1"');
  });
});

describe("a member's view (sandbox:public-cloud)", () => {
  let member = '';
  let project = '';
  beforeAll(async () => {
    const ref = spaces.parse('sandbox:public-cloud');
    if (!ref) throw new Error('no sandbox:public-cloud');
    project = (await spaces.open('learner-c', ref)).state().cloud.auth.projectId;
    member = tokens.issue('learner-c', ref, NOW).token;
  });
  const forbidden =
    '{"NeutronError": {"type": "PolicyNotAuthorized", "message": "rule:get_quota is disallowed by policy", "detail": ""}}';

  it('reads its own quota, and whose project it is (as neutron quota-show asks)', async () => {
    const own = await get(`/v2.0/quotas/${project}`, { 'X-Auth-Token': member });
    expect(own.status).toBe(200);
    expect(keysOf(own.body)).toEqual(keysOf(captured('/v2.0/quotas/fake_project_id').body));
    expect((await get('/v2.0/quotas/tenant', { 'X-Auth-Token': member })).body).toBe(
      `{"tenant": {"tenant_id": "${project}"}}`,
    );
    expect((await get('/v2.0/quotas/project', { 'X-Auth-Token': member })).body).toBe(
      `{"project": {"project_id": "${project}"}}`,
    );
  });

  it.each(['/v2.0/quotas', '/v2.0/quotas/other', '/v2.0/quotas/other/default'])(
    "is refused %s as Neutron's policy refuses it (checked on the oracle)",
    async (path) => {
      const r = await get(path, { 'X-Auth-Token': member });
      expect([r.status, r.body]).toEqual([403, forbidden]);
    },
  );

  it('does not get the admin-only keys', async () => {
    const nets = itemsOf((await get('/v2.0/networks', { 'X-Auth-Token': member })).body);
    expect(nets.length).toBeGreaterThan(0);
    for (const n of nets) expect(Object.keys(n)).not.toContain('provider:network_type');
  });
});
