/**
 * Nova v2.1 and Glance v2 as pure handlers (server/sim/api/nova/rest.ts, glance/rest.ts): every
 * route the Zed clients use, version discovery and microversion headers, Nova's and Glance's
 * error bodies, and hostile input (bad JSON, unknown flavor or image, beyond the quota, another
 * project's server, a huge body, unknown paths). Formats follow Nova 26 / Glance 25's source.
 */
import { describe, expect, it } from 'vitest';
import type { Cloud } from '../../server/sim/model/cloud.js';
import type { ApiCall, ApiResult } from '../../server/sim/api/request.js';
import { novaService } from '../../server/sim/api/nova/rest.js';
import { glanceService } from '../../server/sim/api/glance/rest.js';
import { SERVICES } from '../../server/sim/api/services.js';
import { PUBLIC_VM, publicCloudAfter } from '../support/public-cloud.js';

const BASE = 'http://stacklab.test/openstack/compute';
const IMAGE_BASE = 'http://stacklab.test/openstack/image';
const JSON_ONLY = 'application/json';

const CLOUD: Cloud = publicCloudAfter([
  'openstack network create net1',
  'openstack subnet create --network net1 --subnet-range 10.0.0.0/24 sub1',
  `${PUBLIC_VM} --network net1 vm1`,
  'openstack security group create web',
]).cloud;
const VM = CLOUD.servers[0]?.id ?? '';
const NET = CLOUD.networks.find((n) => n.name === 'net1')?.id ?? '';
const FLAVOR = CLOUD.flavors[0]?.id ?? '';
const CIRROS = CLOUD.images.find((i) => i.name === 'CirrOS 5.2')?.id ?? '';

interface Opts {
  body?: string | object;
  query?: Array<[string, string]>;
  mv?: string;
  accept?: string;
}

function call(method: string, path: string, o: Opts = {}): ApiCall {
  const c: ApiCall = {
    service: 'compute',
    method,
    path: path.replace(/^\//, '').split('/'),
    query: o.query ?? [],
    body: typeof o.body === 'string' ? o.body : o.body === undefined ? '' : JSON.stringify(o.body),
  };
  if (o.mv !== undefined) c.microversion = o.mv;
  return c;
}

/** A parsed answer, read loosely: the tests index into Nova's documents as a client would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON document, indexed freely by the assertions
type Doc = any;

function nova(
  method: string,
  path: string,
  o: Opts = {},
  cloud: Cloud = CLOUD,
): ApiResult & { json: () => Doc } {
  const r = novaService.handle(cloud, call(method, path, o), {
    base: BASE,
    accept: o.accept ?? JSON_ONLY,
  });
  return { ...r, json: () => JSON.parse(r.answer.body) as Doc };
}

function glance(path: string, o: Opts = {}): ApiResult & { json: () => Doc } {
  const c = { ...call('GET', path, o), service: 'image' as const };
  const r = glanceService.handle(CLOUD, c, { base: IMAGE_BASE, accept: o.accept ?? JSON_ONLY });
  return { ...r, json: () => JSON.parse(r.answer.body) as Doc };
}

const VARY = 'OpenStack-API-Version, X-OpenStack-Nova-API-Version';

describe('Nova: registration and version discovery', () => {
  it('is the compute and image services of the catalog', () => {
    expect(SERVICES.compute).toBe(novaService);
    expect(SERVICES.image).toBe(glanceService);
  });

  it('GET / lists v2.0 and v2.1 (2.1 to 2.93) with a 200, no token, no version headers', () => {
    const a = novaService.anonymous(call('GET', '/'), { base: BASE });
    expect(a?.status).toBe(200);
    expect(a?.headers ?? {}).toEqual({});
    expect(a?.body).toBe(
      '{"versions": [{"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "", "updated": "2011-01-21T11:33:21Z", "links": [{"rel": "self", "href": "http://stacklab.test/openstack/compute/v2/"}]}, ' +
        '{"id": "v2.1", "status": "CURRENT", "version": "2.93", "min_version": "2.1", "updated": "2013-07-23T11:33:21Z", "links": [{"rel": "self", "href": "http://stacklab.test/openstack/compute/v2.1/"}]}]}',
    );
  });

  it('GET /v2.1 and /v2.1/: the version document, self link first, with the negotiated version', () => {
    for (const path of ['/v2.1', '/v2.1/']) {
      const a = novaService.anonymous(call('GET', path, { mv: 'compute 2.79' }), { base: BASE });
      expect(a?.status).toBe(200);
      expect(JSON.parse(a?.body ?? '')).toEqual({
        version: {
          id: 'v2.1',
          status: 'CURRENT',
          version: '2.93',
          min_version: '2.1',
          updated: '2013-07-23T11:33:21Z',
          links: [
            { rel: 'self', href: `${BASE}/v2.1/` },
            { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
          ],
          'media-types': [
            {
              base: 'application/json',
              type: 'application/vnd.openstack.compute+json;version=2.1',
            },
          ],
        },
      });
      expect(a?.headers).toEqual({
        'OpenStack-API-Version': 'compute 2.79',
        'X-OpenStack-Nova-API-Version': '2.79',
        Vary: VARY,
      });
    }
  });

  it('any other unversioned path: 300 with both choices for that path; under a version a token is needed', () => {
    const a = novaService.anonymous(call('GET', '/nosuch'), { base: BASE });
    expect(a?.status).toBe(300);
    expect(
      JSON.parse(a?.body ?? '').choices.map(
        (c: { links: Array<{ href: string }> }) => c.links[0]?.href,
      ),
    ).toEqual([`${BASE}/v2/openstack/compute/nosuch`, `${BASE}/v2.1/openstack/compute/nosuch`]);
    expect(novaService.anonymous(call('GET', '/v2.1/servers'), { base: BASE })).toBeNull();
  });
});

describe('Nova: microversions', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, '2.1'],
    ['compute 2.79', '2.79'],
    ['2.61', '2.61'],
    ['latest', '2.93'],
    ['compute latest', '2.93'],
    ['volume 3.5', '2.1'],
    ['volume 3.5, compute 2.10', '2.10'],
  ];
  for (const [asked, got] of cases)
    it(`${String(asked)} runs at ${got} and says so`, () => {
      const r = nova('GET', '/v2.1/flavors', asked === undefined ? {} : { mv: asked });
      expect(r.answer.status).toBe(200);
      expect(r.answer.headers).toEqual({
        'OpenStack-API-Version': `compute ${got}`,
        'X-OpenStack-Nova-API-Version': got,
        Vary: VARY,
      });
    });

  it('outside 2.1–2.93: 406 in a computeFault, the asked version in the headers', () => {
    for (const v of ['2.94', '3.0', '2.0']) {
      const r = nova('GET', '/v2.1/servers', { mv: `compute ${v}` });
      expect(r.answer.status).toBe(406);
      expect(r.answer.body).toBe(
        `{"computeFault": {"code": 406, "message": "Version ${v} is not supported by the API. Minimum is 2.1 and maximum is 2.93."}}`,
      );
      expect(r.answer.headers?.['OpenStack-API-Version']).toBe(`compute ${v}`);
    }
  });

  it('a malformed version: 400 without version headers', () => {
    const r = nova('GET', '/v2.1/servers', { mv: 'compute 2.x' });
    expect(r.answer.status).toBe(400);
    expect(r.answer.body).toBe(
      '{"badRequest": {"code": 400, "message": "API Version String 2.x is of invalid format. Must be of format MajorNum.MinorNum."}}',
    );
    expect(r.answer.headers).toEqual({});
  });

  it('the server grows with the version: locked, description, tags, the embedded flavor, locked_reason', () => {
    const at21 = nova('GET', `/v2.1/servers/${VM}`).json().server;
    expect(at21.flavor).toEqual({
      id: FLAVOR,
      links: [{ rel: 'bookmark', href: `${BASE}/flavors/${FLAVOR}` }],
    });
    expect(at21).not.toHaveProperty('locked');
    const at73 = nova('GET', `/v2.1/servers/${VM}`, { mv: 'compute 2.73' }).json().server;
    expect(at73).toMatchObject({
      locked: false,
      description: null,
      tags: [],
      trusted_image_certificates: null,
      server_groups: [],
      locked_reason: null,
    });
    expect(at73.flavor).toEqual({
      vcpus: 1,
      ram: 2048,
      disk: 20,
      ephemeral: 0,
      swap: 0,
      original_name: 'a1-ram2-disk20-perf1',
      extra_specs: {},
    });
    expect(at73).not.toHaveProperty('OS-EXT-SRV-ATTR:hostname');
    expect(
      nova('GET', `/v2.1/servers/${VM}`, { mv: 'compute 2.90' }).json().server[
        'OS-EXT-SRV-ATTR:hostname'
      ],
    ).toBe('vm1');
  });

  it('flavors: swap "" and a float rxtx_factor at 2.1; description and extra_specs from 2.55/2.61; swap 0 from 2.75', () => {
    const body = nova('GET', `/v2.1/flavors/${FLAVOR}`).answer.body;
    expect(body).toContain('"swap": "", ');
    expect(body).toContain('"rxtx_factor": 1.0, ');
    expect(JSON.parse(body).flavor).not.toHaveProperty('description');
    const f = nova('GET', `/v2.1/flavors/${FLAVOR}`, { mv: 'compute 2.75' }).json().flavor;
    expect(f).toMatchObject({ swap: 0, description: null, extra_specs: {} });
    expect(f.links).toEqual([
      { rel: 'self', href: `${BASE}/v2.1/flavors/${FLAVOR}` },
      { rel: 'bookmark', href: `${BASE}/flavors/${FLAVOR}` },
    ]);
  });

  it('limits: network limits until 2.36, personality until 2.57, in the quota resources’ order', () => {
    const at21 = Object.keys(nova('GET', '/v2.1/limits').json().limits.absolute);
    expect(at21).toEqual([
      'maxTotalInstances',
      'maxTotalCores',
      'maxTotalRAMSize',
      'maxServerMeta',
      'maxImageMeta',
      'maxPersonality',
      'maxPersonalitySize',
      'maxTotalKeypairs',
      'maxServerGroups',
      'maxServerGroupMembers',
      'maxTotalFloatingIps',
      'maxSecurityGroups',
      'maxSecurityGroupRules',
      'totalRAMUsed',
      'totalCoresUsed',
      'totalInstancesUsed',
      'totalFloatingIpsUsed',
      'totalSecurityGroupsUsed',
      'totalServerGroupsUsed',
    ]);
    const at57 = nova('GET', '/v2.1/limits', { mv: 'compute 2.57' }).json().limits;
    expect(at57.rate).toEqual([]);
    expect(Object.keys(at57.absolute)).toEqual([
      'maxTotalInstances',
      'maxTotalCores',
      'maxTotalRAMSize',
      'maxServerMeta',
      'maxTotalKeypairs',
      'maxServerGroups',
      'maxServerGroupMembers',
      'totalRAMUsed',
      'totalCoresUsed',
      'totalInstancesUsed',
      'totalServerGroupsUsed',
    ]);
    expect(at57.absolute).toMatchObject({
      totalInstancesUsed: 1,
      totalRAMUsed: 2048,
      totalCoresUsed: 1,
    });
  });
});

describe('Nova: servers', () => {
  it('lists (id, links, name) and details, newest first, with the list filters and paging links', () => {
    expect(nova('GET', '/v2.1/servers').json()).toEqual({
      servers: [
        {
          id: VM,
          links: [
            { rel: 'self', href: `${BASE}/v2.1/servers/${VM}` },
            { rel: 'bookmark', href: `${BASE}/servers/${VM}` },
          ],
          name: 'vm1',
        },
      ],
    });
    const d = nova('GET', '/v2.1/servers/detail').json().servers[0];
    expect(d).toMatchObject({
      id: VM,
      name: 'vm1',
      status: 'ACTIVE',
      key_name: 'mykeypair',
      image: { id: CIRROS },
    });
    expect(
      nova('GET', '/v2.1/servers/detail', { query: [['name', '^vm']] }).json().servers,
    ).toHaveLength(1);
    expect(
      nova('GET', '/v2.1/servers/detail', { query: [['name', '(']] }).json().servers,
    ).toHaveLength(0);
    expect(
      nova('GET', '/v2.1/servers/detail', { query: [['status', 'shutoff']] }).json().servers,
    ).toHaveLength(0);
    const page = nova('GET', '/v2.1/servers', { query: [['limit', '1']] }).json();
    expect(page.servers_links).toEqual([
      { rel: 'next', href: `${BASE}/v2.1/servers?limit=1&marker=${VM}` },
    ]);
    expect(nova('GET', '/v2.1/servers', { query: [['marker', VM]] }).json()).toEqual({
      servers: [],
    });
    expect(nova('GET', '/v2.1/servers', { query: [['marker', 'nosuch']] }).answer.body).toBe(
      '{"badRequest": {"code": 400, "message": "marker [nosuch] not found"}}',
    );
    expect(nova('GET', '/v2.1/servers', { query: [['all_tenants', '1']] }).answer.status).toBe(403);
  });

  it('creates: 202, Location, the short body with the password; the ops ran (a port on net1, BUILD)', () => {
    const r = nova('POST', '/v2.1/servers', {
      body: {
        server: {
          name: 'vm2',
          imageRef: CIRROS,
          flavorRef: FLAVOR,
          networks: [{ uuid: NET }],
          security_groups: [{ name: 'web' }],
        },
      },
    });
    expect(r.answer.status).toBe(202);
    const s = r.json().server;
    expect(Object.keys(s)).toEqual([
      'id',
      'links',
      'OS-DCF:diskConfig',
      'security_groups',
      'adminPass',
    ]);
    expect(s.security_groups).toEqual([{ name: 'web' }]);
    expect(s.adminPass).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(r.answer.headers?.['Location']).toBe(`${BASE}/v2.1/servers/${s.id}`);
    const vm2 = r.cloud.servers.find((x) => x.id === s.id);
    expect(vm2?.status).toBe('BUILD');
    expect(r.cloud.ports.filter((p) => p.deviceId === s.id)).toHaveLength(1);
    expect(CLOUD.servers).toHaveLength(1);
  });

  it('is deterministic: the same call on the same cloud gives the same answer and cloud', () => {
    const body = {
      server: {
        name: 'vm2',
        imageRef: CIRROS,
        flavorRef: `${BASE}/flavors/${FLAVOR}`,
        networks: [{ uuid: NET }],
        user_data: 'IyEvYmluL3NoCmVjaG8gaGk=',
      },
    };
    const a = nova('POST', '/v2.1/servers', { body });
    const b = nova('POST', '/v2.1/servers', { body });
    expect(a.answer.body).toBe(b.answer.body);
    expect(JSON.stringify(a.cloud)).toBe(JSON.stringify(b.cloud));
    expect(a.cloud.servers.at(-1)?.userData).toBe('#!/bin/sh\necho hi');
  });

  it('creates min_count servers named NAME-1…, or refuses beyond the quota in Nova’s words', () => {
    const r = nova('POST', '/v2.1/servers', {
      body: {
        server: {
          name: 'w',
          imageRef: CIRROS,
          flavorRef: FLAVOR,
          networks: [{ uuid: NET }],
          min_count: 2,
        },
      },
    });
    expect(r.answer.status).toBe(202);
    expect(r.cloud.servers.map((s) => s.name)).toEqual(['vm1', 'w-1', 'w-2']);
    const over = nova('POST', '/v2.1/servers', {
      body: {
        server: {
          name: 'w',
          imageRef: CIRROS,
          flavorRef: FLAVOR,
          networks: [{ uuid: NET }],
          min_count: 10,
        },
      },
    });
    expect(over.answer.status).toBe(403);
    expect(over.answer.body).toBe(
      '{"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 10, but already used 1 of 10 instances"}}',
    );
    expect(over.cloud.servers).toHaveLength(1);
  });

  it('refuses bad bodies as Nova does, changing nothing', () => {
    const cases: Array<[string | object, number, string]> = [
      ['{"server": ', 400, 'Malformed request body'],
      ['', 400, "None is not of type 'object'"],
      [{ nope: {} }, 400, "'server' is a required property"],
      [
        { server: { name: 'x', imageRef: CIRROS } },
        400,
        `Invalid input for field/attribute server. Value: {'name': 'x', 'imageRef': '${CIRROS}'}. 'flavorRef' is a required property`,
      ],
      [
        { server: { name: 'x', flavorRef: FLAVOR, bogus: 1 } },
        400,
        `Invalid input for field/attribute server. Value: {'name': 'x', 'flavorRef': '${FLAVOR}', 'bogus': 1}. Additional properties are not allowed ('bogus' was unexpected)`,
      ],
      [
        { server: { name: 'x', imageRef: CIRROS, flavorRef: 'nosuch' } },
        400,
        'Flavor nosuch could not be found.',
      ],
      [
        {
          server: {
            name: 'x',
            imageRef: '8b5b1c56-0c3c-4b7e-9d53-1a2b3c4d5e6f',
            flavorRef: FLAVOR,
          },
        },
        400,
        'Can not find requested image',
      ],
      [
        { server: { name: 'x', imageRef: CIRROS, flavorRef: FLAVOR, key_name: 'nosuch' } },
        400,
        'Invalid key_name provided.',
      ],
      [
        {
          server: { name: 'x', imageRef: CIRROS, flavorRef: FLAVOR, networks: [{ uuid: 'nope' }] },
        },
        400,
        'Bad networks format: network uuid is not in proper format (nope)',
      ],
      [
        { server: { name: 'x', imageRef: CIRROS, flavorRef: FLAVOR, user_data: '%%%' } },
        400,
        "Invalid input for field/attribute user_data. Value: %%%. '%%%' is not a 'base64'",
      ],
      [
        { server: { name: 'x', imageRef: CIRROS, flavorRef: FLAVOR, min_count: 3, max_count: 2 } },
        400,
        'min_count must be <= max_count',
      ],
      [
        { server: { name: 5, imageRef: CIRROS, flavorRef: FLAVOR } },
        400,
        "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'",
      ],
    ];
    for (const [body, status, message] of cases) {
      const r = nova('POST', '/v2.1/servers', { body });
      expect(r.answer.status, message).toBe(status);
      expect(r.json(), message).toEqual({ badRequest: { code: 400, message } });
      expect(r.cloud.servers, message).toHaveLength(1);
    }
    // Two usable networks and none asked for: Nova's 409.
    const two = publicCloudAfter([
      'openstack network create a',
      'openstack subnet create --network a --subnet-range 10.1.0.0/24 a4',
      'openstack network create b',
      'openstack subnet create --network b --subnet-range 10.2.0.0/24 b4',
    ]).cloud;
    const r = nova(
      'POST',
      '/v2.1/servers',
      { body: { server: { name: 'x', imageRef: CIRROS, flavorRef: FLAVOR } } },
      two,
    );
    expect(r.json()).toEqual({
      conflictingRequest: {
        code: 409,
        message: 'Multiple possible networks found, use a Network ID to be more specific.',
      },
    });
  });

  it('hides another project’s server: 404 on show, delete and action', () => {
    const other: Cloud = {
      ...CLOUD,
      servers: CLOUD.servers.map((s) => ({ ...s, projectId: 'someone-else' })),
    };
    const notFound = { itemNotFound: { code: 404, message: `Instance ${VM} could not be found.` } };
    expect(nova('GET', `/v2.1/servers/${VM}`, {}, other).json()).toEqual(notFound);
    expect(nova('DELETE', `/v2.1/servers/${VM}`, {}, other).json()).toEqual(notFound);
    expect(
      nova('POST', `/v2.1/servers/${VM}/action`, { body: { 'os-stop': null } }, other).json(),
    ).toEqual(notFound);
    expect(nova('GET', '/v2.1/servers', {}, other).json()).toEqual({ servers: [] });
    expect(nova('DELETE', `/v2.1/servers/${VM}`, {}, other).cloud.servers).toHaveLength(1);
  });

  it('deletes: 204 and the ports go', () => {
    const r = nova('DELETE', `/v2.1/servers/${VM}`);
    expect(r.answer.status).toBe(204);
    expect(r.answer.body).toBe('');
    expect(r.cloud.servers).toHaveLength(0);
    expect(r.cloud.ports.some((p) => p.deviceId === VM)).toBe(false);
  });

  it('actions: stop/start/reboot (202, 409 in the wrong state), security groups on the ports, console output', () => {
    const act = (cloud: Cloud, body: object | string) =>
      nova('POST', `/v2.1/servers/${VM}/action`, { body }, cloud);
    const stopped = act(CLOUD, { 'os-stop': null });
    expect(stopped.answer.status).toBe(202);
    expect(stopped.cloud.servers[0]?.status).toBe('SHUTOFF');
    expect(act(stopped.cloud, { 'os-stop': null }).json()).toEqual({
      conflictingRequest: {
        code: 409,
        message: `Cannot 'stop' instance ${VM} while it is in vm_state stopped`,
      },
    });
    expect(act(stopped.cloud, { reboot: { type: 'SOFT' } }).answer.status).toBe(409);
    expect(act(stopped.cloud, { reboot: { type: 'HARD' } }).cloud.servers[0]?.status).toBe(
      'ACTIVE',
    );
    expect(act(stopped.cloud, { 'os-start': null }).cloud.servers[0]?.status).toBe('ACTIVE');
    expect(act(CLOUD, { reboot: { type: 'gentle' } }).json().badRequest.message).toBe(
      "Invalid input for field/attribute type. Value: gentle. 'gentle' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
    );
    const added = act(CLOUD, { addSecurityGroup: { name: 'web' } });
    expect(added.answer.status).toBe(202);
    const web = CLOUD.securityGroups.find((g) => g.name === 'web')?.id;
    expect(added.cloud.ports.find((p) => p.deviceId === VM)?.securityGroupIds).toContain(web);
    expect(added.cloud.servers[0]?.securityGroups).toEqual(['default', 'web']);
    expect(
      act(added.cloud, { removeSecurityGroup: { name: 'web' } }).cloud.servers[0]?.securityGroups,
    ).toEqual(['default']);
    expect(act(CLOUD, { removeSecurityGroup: { name: 'web' } }).json()).toEqual({
      itemNotFound: {
        code: 404,
        message: `Security group web not associated with the instance ${VM}`,
      },
    });
    expect(act(CLOUD, { addSecurityGroup: { name: 'nosuch' } }).answer.status).toBe(404);
    expect(act(CLOUD, { addSecurityGroup: {} }).json().badRequest.message).toBe(
      'Security group not specified',
    );
    const log = act(CLOUD, { 'os-getConsoleOutput': { length: 2 } });
    expect(log.answer.status).toBe(200);
    expect(log.json().output.split('\n')).toHaveLength(3);
    expect(
      act(CLOUD, { 'os-getConsoleOutput': { length: -1 } }).json().output.length,
    ).toBeGreaterThan(log.json().output.length);
    expect(act(CLOUD, { frobnicate: {} }).json()).toEqual({
      badRequest: { code: 400, message: 'There is no such action: frobnicate' },
    });
    expect(act(CLOUD, { 'os-stop': null, 'os-start': null }).json()).toEqual({
      badRequest: { code: 400, message: 'Malformed request body' },
    });
    expect(act(CLOUD, 'not json').json()).toEqual({
      badRequest: { code: 400, message: 'Malformed request body' },
    });
  });

  it('lists the server’s interfaces', () => {
    const list = nova('GET', `/v2.1/servers/${VM}/os-interface`).json().interfaceAttachments;
    expect(list).toHaveLength(1);
    // Nova's _translate_interface_attachment_view order (at 2.1: no tag).
    expect(Object.keys(list[0])).toEqual([
      'net_id',
      'port_id',
      'mac_addr',
      'port_state',
      'fixed_ips',
    ]);
    expect(list[0]).toMatchObject({ port_state: 'ACTIVE', net_id: NET });
  });
});

describe('Nova: flavors, key pairs, zones, proxies, routing', () => {
  it('flavors: list, detail, show, 404, extra specs', () => {
    const list = nova('GET', '/v2.1/flavors').json().flavors;
    expect(list.map((f: { name: string }) => f.name)).toHaveLength(CLOUD.flavors.length);
    expect(Object.keys(list[0])).toEqual(['id', 'name', 'links']);
    expect(
      nova('GET', '/v2.1/flavors/detail', { query: [['minRam', '4096']] })
        .json()
        .flavors.every((f: { ram: number }) => f.ram >= 4096),
    ).toBe(true);
    expect(nova('GET', '/v2.1/flavors/nosuch').json()).toEqual({
      itemNotFound: { code: 404, message: 'Flavor nosuch could not be found.' },
    });
    expect(nova('GET', `/v2.1/flavors/${FLAVOR}/os-extra_specs`).json()).toEqual({
      extra_specs: {},
    });
  });

  it('key pairs: wrapped list, show, create (200 at 2.1, 201 from 2.2), import, the 2.92 rule, delete (202, then 204)', () => {
    const list = nova('GET', '/v2.1/os-keypairs', { mv: 'compute 2.10' }).json();
    expect(list.keypairs[0].keypair).toMatchObject({ name: 'mykeypair', type: 'ssh' });
    const show = nova('GET', '/v2.1/os-keypairs/mykeypair', { mv: 'compute 2.10' }).json().keypair;
    expect(Object.keys(show)).toEqual([
      'public_key',
      'name',
      'fingerprint',
      'created_at',
      'deleted',
      'deleted_at',
      'id',
      'updated_at',
      'user_id',
      'type',
    ]);
    const at21 = nova('POST', '/v2.1/os-keypairs', { body: { keypair: { name: 'k2' } } });
    expect(at21.answer.status).toBe(200);
    expect(Object.keys(at21.json().keypair)).toEqual([
      'name',
      'public_key',
      'fingerprint',
      'user_id',
      'private_key',
    ]);
    const at210 = nova('POST', '/v2.1/os-keypairs', {
      body: { keypair: { name: 'k2' } },
      mv: 'compute 2.10',
    });
    expect(at210.answer.status).toBe(201);
    expect(at210.json().keypair.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const imported = nova('POST', '/v2.1/os-keypairs', {
      body: {
        keypair: { name: 'k3', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake me@host' },
      },
      mv: 'compute 2.92',
    });
    expect(imported.answer.status).toBe(201);
    expect(imported.json().keypair).not.toHaveProperty('private_key');
    // The key given is the key kept.
    expect(imported.json().keypair.public_key).toBe('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake me@host');
    expect(nova('GET', '/v2.1/os-keypairs/k3', { mv: 'compute 2.92' }, imported.cloud).json().keypair.public_key).toBe('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake me@host');
    expect(
      nova('POST', '/v2.1/os-keypairs', {
        body: { keypair: { name: 'k4' } },
        mv: 'compute 2.92',
      }).json().badRequest.message,
    ).toBe(
      "Invalid input for field/attribute keypair. Value: {'name': 'k4'}. 'public_key' is a required property",
    );
    expect(
      nova('POST', '/v2.1/os-keypairs', { body: { keypair: { name: 'mykeypair' } } }).json(),
    ).toEqual({
      conflictingRequest: { code: 409, message: "Key pair 'mykeypair' already exists." },
    });
    expect(
      nova('POST', '/v2.1/os-keypairs', { body: { keypair: { name: 'a/b' } } }).json().badRequest
        .message,
    ).toBe('Keypair data is invalid: Keypair name contains unsafe characters');
    expect(
      nova('POST', '/v2.1/os-keypairs', {
        body: { keypair: { name: 'k5', public_key: 'garbage' } },
      }).json().badRequest.message,
    ).toBe('Keypair data is invalid: failed to generate fingerprint');
    const del = nova('DELETE', '/v2.1/os-keypairs/mykeypair');
    expect(del.answer.status).toBe(202);
    expect(del.cloud.keypairs).toHaveLength(0);
    expect(nova('DELETE', '/v2.1/os-keypairs/mykeypair', { mv: 'compute 2.2' }).answer.status).toBe(
      204,
    );
    expect(nova('DELETE', '/v2.1/os-keypairs/nosuch').json()).toEqual({
      itemNotFound: {
        code: 404,
        message: `Keypair nosuch not found for user ${CLOUD.auth.userId}`,
      },
    });
  });

  it('availability zones: nova for everyone, the detail for admins only', () => {
    expect(nova('GET', '/v2.1/os-availability-zone').json()).toEqual({
      availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }],
    });
    expect(nova('GET', '/v2.1/os-availability-zone/detail').json()).toEqual({
      forbidden: {
        code: 403,
        message: "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.",
      },
    });
  });

  it('the security group proxy until 2.35 (what OSC finds a group with), gone from 2.36', () => {
    const list = nova('GET', '/v2.1/os-security-groups').json().security_groups;
    expect(list.map((g: { name: string }) => g.name).sort()).toEqual(['default', 'web']);
    const web = list.find((g: { name: string }) => g.name === 'web');
    expect(nova('GET', `/v2.1/os-security-groups/${web.id}`).json().security_group.name).toBe(
      'web',
    );
    expect(nova('GET', '/v2.1/os-security-groups/web').answer.status).toBe(404);
    expect(nova('GET', '/v2.1/os-security-groups', { mv: 'compute 2.36' }).answer.status).toBe(404);
  });

  it('unknown paths and methods: webob’s 404 page; a project id in the path must be the caller’s; a huge body is refused', () => {
    for (const [m, p] of [
      ['GET', '/v2.1/nosuch'],
      ['PATCH', '/v2.1/servers'],
      ['GET', `/v2.1/servers/${VM}/nosuch`],
    ] as const) {
      const r = nova(m, p);
      expect(r.answer.status).toBe(404);
      expect(r.answer.body).toBe('{"code": 404, "title": "Not Found", "description": null}');
    }
    expect(nova('GET', `/v2.1/${CLOUD.auth.projectId}/servers`).json().servers).toHaveLength(1);
    expect(nova('GET', '/v2.1/0123abcd/servers').json().badRequest.message).toBe(
      `Malformed request URL: URL's project_id '0123abcd' doesn't match Context's project_id '${CLOUD.auth.projectId}'`,
    );
    const huge = nova('POST', '/v2.1/servers', {
      body: `{"server": {"name": "${'x'.repeat(200_000)}"}}`,
    });
    expect(huge.answer.status).toBe(413);
    expect(huge.cloud).toBe(CLOUD);
  });
});

describe('Nova: hostile bodies on every write route', () => {
  const bodies = [
    '[]',
    '42',
    'null',
    '"x"',
    '{"__proto__": {"server": 1}}',
    '{"server": []}',
    '{"server": {"name": {"__proto__": 1}, "flavorRef": [], "imageRef": {}}}',
    '{"server": {"name": "x", "flavorRef": "1", "networks": [null, 1, "x", {"uuid": null}]}}',
    '{"server": {"name": "x", "flavorRef": "1", "networks": "auto", "min_count": "NaN"}}',
    '{"keypair": {"name": ["a"], "public_key": 1, "type": "rsa"}}',
    '{"reboot": null}',
    '{"addSecurityGroup": "web"}',
    '{"os-getConsoleOutput": {"length": "-5"}}',
    '{"addFloatingIp": {"address": 5}}',
    `{"server": ${'['.repeat(500)}${']'.repeat(500)}}`,
    '{"a": "\ud800"}',
  ];
  const routes: Array<[string, string]> = [
    ['POST', '/v2.1/servers'],
    ['POST', `/v2.1/servers/${VM}/action`],
    ['POST', '/v2.1/os-keypairs'],
    ['DELETE', '/v2.1/os-keypairs/%00'],
    ['PUT', `/v2.1/servers/${VM}`],
  ];
  for (const [m, p] of routes)
    it(`${m} ${p}: an answer in Nova's words (4xx), never a throw, the cloud unchanged`, () => {
      for (const body of bodies) {
        const r = nova(m, p, { body, mv: 'latest' });
        expect(r.answer.status, body).toBeGreaterThanOrEqual(400);
        expect(r.answer.status, body).toBeLessThan(500);
        expect(r.cloud.servers, body).toHaveLength(1);
        expect(r.cloud.keypairs, body).toHaveLength(1);
      }
    });
});

describe('Glance v2', () => {
  it('GET /: 300 with the versions (2.16 current); /versions: 200', () => {
    const a = glanceService.anonymous(
      { ...call('GET', '/'), service: 'image' },
      { base: IMAGE_BASE },
    );
    expect(a?.status).toBe(300);
    const v = JSON.parse(a?.body ?? '').versions;
    expect(v[0]).toEqual({
      id: 'v2.16',
      status: 'CURRENT',
      links: [{ rel: 'self', href: `${IMAGE_BASE}/v2/` }],
    });
    expect(v.map((x: { id: string }) => x.id).at(-1)).toBe('v2.0');
    expect(
      glanceService.anonymous(
        { ...call('GET', '/versions'), service: 'image' },
        { base: IMAGE_BASE },
      )?.status,
    ).toBe(200);
    expect(
      glanceService.anonymous(
        { ...call('GET', '/v2/images'), service: 'image' },
        { base: IMAGE_BASE },
      ),
    ).toBeNull();
  });

  it('lists images newest first with first/schema, pages with next, filters by name', () => {
    const all = glance('/v2/images').json();
    expect(all.first).toBe('/v2/images');
    expect(all.schema).toBe('/v2/schemas/images');
    expect(all).not.toHaveProperty('next');
    expect(all.images).toHaveLength(CLOUD.images.length);
    const page = glance('/v2/images', { query: [['limit', '2']] }).json();
    expect(page.images).toHaveLength(2);
    expect(page.first).toBe('/v2/images?limit=2');
    expect(page.next).toBe(`/v2/images?limit=2&marker=${page.images[1].id}`);
    const rest = glance('/v2/images', {
      query: [
        ['limit', '2'],
        ['marker', page.images[1].id],
      ],
    }).json();
    expect([...page.images, ...rest.images].map((i: { id: string }) => i.id).sort()).toEqual(
      CLOUD.images.map((i) => i.id).sort(),
    );
    expect(
      glance('/v2/images', { query: [['name', 'CirrOS 5.2']] })
        .json()
        .images.map((i: { id: string }) => i.id),
    ).toEqual([CIRROS]);
    expect(
      glance('/v2/images', { query: [['sort', 'name:asc']] })
        .json()
        .images.map((i: { name: string }) => i.name),
    ).toEqual([...CLOUD.images.map((i) => i.name)].sort());
  });

  it('shows an image; its errors are webob’s (JSON for a JSON-only client, HTML otherwise)', () => {
    expect(glance(`/v2/images/${CIRROS}`).json()).toMatchObject({
      id: CIRROS,
      name: 'CirrOS 5.2',
      os_distro: 'cirros',
      file: `/v2/images/${CIRROS}/file`,
    });
    const missing = glance('/v2/images/nosuch');
    expect(missing.answer.status).toBe(404);
    expect(missing.json()).toEqual({
      message: 'No image found with ID nosuch<br /><br />\n\n\n',
      code: '404 Not Found',
      title: 'Not Found',
    });
    expect(glance('/v2/images/nosuch', { accept: '*/*' }).answer.body).toContain(
      '<h1>404 Not Found</h1>\n  No image found with ID nosuch<br /><br />',
    );
    const cases: Array<[Array<[string, string]>, string]> = [
      [[['limit', 'x']], 'limit param must be an integer'],
      [[['limit', '-1']], 'limit param must be positive'],
      [[['visibility', 'secret']], 'Invalid visibility value: secret'],
      [
        [['sort_key', 'owner']],
        'Invalid sort key: owner. It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at.',
      ],
      [[['sort_dir', 'up']], 'Invalid sort direction: up'],
      [[['marker', 'nosuch']], 'No image found with ID nosuch'],
    ];
    for (const [query, message] of cases) {
      const r = glance('/v2/images', { query });
      expect(r.answer.status, message).toBe(400);
      expect(r.json().message, message).toBe(`${message}<br /><br />\n\n\n`);
    }
  });
});
