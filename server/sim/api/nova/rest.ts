/**
 * Nova v2.1 as Zed's nova-api answers it (issue #17), pure: version discovery, microversion
 * negotiation, and the routes the Zed clients use (servers and their actions, flavors, key pairs,
 * availability zones, limits, the security group proxy, quota sets). The dictionaries are this
 * folder's (the ones the emulated CLIs project), completed with what the negotiated microversion
 * adds; writes run the same ops as the CLIs inside one transaction.
 */
import { RE2JS } from 're2js';
import type { Cloud } from '../../model/cloud.js';
import type { Flavor, Server } from '../../model/compute.js';
import type { Json, JsonObject } from '../json.js';
import type { Answer } from '../neutron/rest-errors.js';
import { pyJson, rootNotFound } from '../neutron/rest-errors.js';
import type { ApiCall, ApiContext, ApiResult, Service } from '../request.js';
import { encodeUriPart } from '../request.js';
import { transact } from '../../clone.js';
import { SimError } from '../../errors.js';
import { serverPorts } from '../../ops/server.js';
import { associateFloatingIp, disassociateFloatingIp } from '../neutron/floatingip.js';
import { flavorDict } from './flavor.js';
import {
  createKeypair,
  deleteKeypair,
  importKeypair,
  keypairDict,
  listKeypairs,
} from './keypair.js';
import { readablePublicKey } from '../../ops/keypair.js';
import { showQuotaSet } from './quota.js';
import { absoluteLimits, availabilityZoneInfo } from './zones-limits.js';
import {
  allTenantsRefused,
  consoleOutput,
  createServer,
  deleteServer,
  listServers,
  serverDict,
  startServer,
  stopServer,
} from './server.js';
import { addSecurityGroup, rebootServer, removeSecurityGroup } from './server-actions.js';
import { createInterface, deleteInterface, listInterfaces, showInterface } from './interfaces.js';
import { BodyError, invalidInput, pyRepr, serverCreateRequest, wrapped } from './server-body.js';
import {
  MAX_MINOR,
  MIN_MINOR,
  negotiate,
  novaEmpty,
  novaFault,
  novaJson,
  versionHeaders,
  type Microversion,
} from './microversion.js';

/** oslo.middleware's sizelimit in front of nova-api: max_request_body_size (112 KiB). */
export const MAX_BODY_BYTES = 114688;

// ---- version discovery ----------------------------------------------------------------------

const V20 = {
  id: 'v2.0',
  status: 'SUPPORTED',
  version: '',
  min_version: '',
  updated: '2011-01-21T11:33:21Z',
  mediaType: 'application/vnd.openstack.compute+json;version=2',
};
const V21 = {
  id: 'v2.1',
  status: 'CURRENT',
  version: `2.${MAX_MINOR}`,
  min_version: `2.${MIN_MINOR}`,
  updated: '2013-07-23T11:33:21Z',
  mediaType: 'application/vnd.openstack.compute+json;version=2.1',
};

/** Nova's common.url_join: parts stripped of `/`, joined; an empty last part leaves a trailing `/`. */
function urlJoin(...parts: string[]): string {
  const clean = parts.filter((p) => p !== '').map((p) => p.replace(/^\/+|\/+$/g, ''));
  if (parts.at(-1) === '') clean.push('');
  return clean.join('/');
}

function hrefOf(base: string, id: string, path = ''): string {
  return urlJoin(base, id === 'v2.1' ? 'v2.1' : 'v2', path);
}

/** GET / (Nova's root `index`): both versions, 200 (Nova answers the bare root with 200, other paths with 300). */
export function novaVersions(base: string): Answer {
  const versions = [V20, V21].map((v) => ({
    id: v.id,
    status: v.status,
    version: v.version,
    min_version: v.min_version,
    updated: v.updated,
    links: [{ rel: 'self', href: hrefOf(base, v.id, '') }],
  }));
  return { status: 200, contentType: 'application/json', body: pyJson({ versions }, false) };
}

/** Any other path outside the versions (`/nosuch`): Nova's `multi`, 300 with both choices for that path. */
function novaChoices(base: string, path: string[]): Answer {
  // Nova joins the request's full path (its mount point included) under each version.
  const mount = base.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const reqPath = `${mount}/${path.join('/')}`;
  const choices = [V20, V21].map((v) => ({
    id: v.id,
    status: v.status,
    links: [{ rel: 'self', href: hrefOf(base, v.id, reqPath) }],
    'media-types': [{ base: 'application/json', type: v.mediaType }],
  }));
  return { status: 300, contentType: 'application/json', body: pyJson({ choices }, false) };
}

/** GET /v2.1 and /v2.1/ (and /v2): the version document, its self link first. */
function versionDoc(base: string, legacy: boolean, v: Microversion | null): Answer {
  const d = legacy ? V20 : V21;
  const version: JsonObject = {
    id: d.id,
    status: d.status,
    version: d.version,
    min_version: d.min_version,
    updated: d.updated,
    links: [
      { rel: 'self', href: `${base}/${legacy ? 'v2' : 'v2.1'}/` } as JsonObject,
      { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
    ],
    'media-types': [{ base: 'application/json', type: d.mediaType }],
  };
  return novaJson(200, { version }, v);
}

/** The calls that need no token: the root, the version documents; null for everything under a version. */
export function novaAnonymous(call: ApiCall, ctx: ApiContext): Answer | null {
  const p = call.path;
  if (p.length === 0 || (p.length === 1 && p[0] === '')) return novaVersions(ctx.base);
  if (p[0] === 'v2.1' || p[0] === 'v2') {
    if (p.length === 1 || (p.length === 2 && p[1] === '')) {
      if (p[0] === 'v2') return versionDoc(ctx.base, true, null);
      const n = negotiate(call.microversion);
      return n.ok ? versionDoc(ctx.base, false, n.version) : n.answer;
    }
    return null;
  }
  return novaChoices(ctx.base, p);
}

// ---- dictionaries at a microversion ---------------------------------------------------------

/** What a handler needs besides the cloud: the version, the links' base, the caller's query. */
interface Req {
  v: Microversion;
  /** `http://host/openstack/compute` */
  base: string;
  query: Array<[string, string]>;
  accept: string | undefined;
}

const at = (r: Req, minor: number) => r.v.minor >= minor;

function links(r: Req, collection: string, id: string): JsonObject[] {
  return [
    { rel: 'self', href: `${r.base}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${r.base}/${collection}/${id}` },
  ];
}

function bookmark(r: Req, collection: string, id: string): JsonObject[] {
  return [{ rel: 'bookmark', href: `${r.base}/${collection}/${id}` }];
}

/** Inserts `key: value` after `after` (Nova's views build the keys in their order). */
function insertAfter(d: JsonObject, after: string, key: string, value: Json): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(d)) {
    out[k] = x;
    if (k === after) out[key] = value;
  }
  if (!(key in out)) out[key] = value;
  return out;
}

/** Nova's view of a flavor embedded in a server from 2.47 on. */
function embeddedFlavor(f: Flavor | undefined, id: string): JsonObject {
  if (!f)
    return { vcpus: 0, ram: 0, disk: 0, ephemeral: 0, swap: 0, original_name: id, extra_specs: {} };
  return {
    vcpus: f.vcpus,
    ram: f.ram,
    disk: f.disk,
    ephemeral: f.ephemeral,
    swap: f.swap,
    original_name: f.name,
    extra_specs: {},
  };
}

/** A server as GET /servers/{id} answers it at the request's microversion. */
function serverView(c: Cloud, s: Server, r: Req, show: boolean): JsonObject {
  let d = serverDict(c, s);
  d['image'] = { id: s.imageId, links: bookmark(r, 'images', s.imageId) };
  d['flavor'] = at(r, 47)
    ? embeddedFlavor(
        c.flavors.find((f) => f.id === s.flavorId),
        s.flavorId,
      )
    : { id: s.flavorId, links: bookmark(r, 'flavors', s.flavorId) };
  d = insertAfter(d, 'accessIPv6', 'links', links(r, 'servers', s.id));
  // Nova reports progress only while a server is (re)building or running.
  if (s.status !== 'ACTIVE' && s.status !== 'BUILD') delete d['progress'];
  if (c.auth.admin && at(r, 3)) {
    Object.assign(d, {
      'OS-EXT-SRV-ATTR:reservation_id': `r-${s.id.slice(0, 8)}`,
      'OS-EXT-SRV-ATTR:launch_index': 0,
      'OS-EXT-SRV-ATTR:kernel_id': '',
      'OS-EXT-SRV-ATTR:ramdisk_id': '',
      'OS-EXT-SRV-ATTR:root_device_name': s.status === 'BUILD' ? null : '/dev/vda',
      'OS-EXT-SRV-ATTR:user_data': null,
    });
  }
  if (at(r, 3) && (c.auth.admin || at(r, 90))) d['OS-EXT-SRV-ATTR:hostname'] = hostname(s.name);
  if (at(r, 9)) d['locked'] = false;
  if (at(r, 16) && c.auth.admin) d['host_status'] = s.status === 'BUILD' ? '' : 'UP';
  if (at(r, 19)) d['description'] = null;
  if (at(r, 26)) d['tags'] = [];
  if (at(r, 63)) d['trusted_image_certificates'] = null;
  if (at(r, 71) && show) d['server_groups'] = [];
  if (at(r, 73)) d['locked_reason'] = null;
  return d;
}

/** Nova's hostname for a display name (sanitize_hostname, without the DHCP domain). */
function hostname(name: string): string {
  return name
    .replace(/[^\u0000-\u00ff]/g, '')
    .slice(0, 63)
    .replace(/[ _.]/g, '-')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '')
    .toLowerCase()
    .replace(/^[.-]+|[.-]+$/g, '');
}

/**
 * Nova's rxtx_factor is a float: Python writes `1.0` where JSON.stringify writes `1`. The
 * serialized body gets the float's spelling back (only this key holds a float in Nova's answers).
 */
function floats(body: string): string {
  return body.replace(/("rxtx_factor": )(-?\d+)(?=[,}])/g, '$1$2.0');
}

function flavorView(f: Flavor, r: Req): JsonObject {
  const d = flavorDict(f);
  if (at(r, 75)) d['swap'] = f.swap;
  d['links'] = links(r, 'flavors', f.id);
  if (at(r, 55)) d['description'] = null;
  if (at(r, 61)) d['extra_specs'] = {};
  return d;
}

// ---- the caller's view --------------------------------------------------------------------

/** The server with that id if the caller may see it (a project's own; any for an admin), else Nova's 404. */
function visibleServer(c: Cloud, id: string): Server {
  const s = c.servers.find(
    (x) => x.id === id && (c.auth.admin || x.projectId === c.auth.projectId),
  );
  if (!s)
    throw new SimError(404, `Instance ${id} could not be found.`, `/servers/${id}`, 'compute');
  return s;
}

function fault(e: BodyError | SimError, r: Req): Answer {
  return novaFault(e.status, e.message, r.v);
}

/** Runs a write in a transaction: its answer, and the new cloud (or the old one, rng advanced, on a refusal). */
function write(cloud: Cloud, r: Req, fn: (draft: Cloud) => Answer): ApiResult {
  const out = transact(cloud, fn);
  if (out.ok) return { answer: out.value, cloud: out.cloud };
  const e = out.error;
  if (e instanceof SimError || e instanceof BodyError)
    return { answer: fault(e, r), cloud: out.cloud };
  throw e;
}

/** A read: its answer, or the error it raised as Nova's fault. */
function read(cloud: Cloud, r: Req, fn: () => Answer): ApiResult {
  try {
    return { answer: fn(), cloud };
  } catch (e) {
    if (e instanceof SimError || e instanceof BodyError) return { answer: fault(e, r), cloud };
    throw e;
  }
}

/** The request's JSON body, or Nova's 400 (an empty body is `None`, which the schema refuses). */
function parseBody(body: string): Json {
  if (body.trim() === '') return null;
  try {
    return JSON.parse(body) as Json;
  } catch {
    throw new BodyError(400, 'Malformed request body');
  }
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) n += 1;
    else if (code < 0x800) n += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function param(q: Array<[string, string]>, k: string): string | undefined {
  let v: string | undefined;
  for (const [key, x] of q) if (key === k) v = x;
  return v;
}

const FALSY = ['0', 'f', 'false', 'off', 'n', 'no'];
const TRUTHY = ['1', 't', 'true', 'on', 'y', 'yes'];

// ---- servers ---------------------------------------------------------------------------------

/** A Nova name/ip filter: a regular expression searched (not anchored), in linear time; one that does not compile matches nothing. */
function regexFilter(pattern: string): (text: string) => boolean {
  if (pattern.length > 2000) return () => false;
  try {
    const re = RE2JS.compile(pattern);
    return (text) => re.matcher(text).find();
  } catch {
    return () => false;
  }
}

function limitParam(q: Array<[string, string]>): number | undefined {
  const raw = param(q, 'limit');
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new BodyError(
      400,
      `Invalid input for query parameters limit. Value: ${raw}. '${raw}' does not match '^[0-9]*$'`,
    );
  return Math.min(Number(raw), 1000);
}

function listServersAnswer(c: Cloud, r: Req, detail: boolean): Answer {
  const q = r.query;
  const allRaw = param(q, 'all_tenants');
  let allTenants = false;
  if (allRaw !== undefined) {
    const low = allRaw.toLowerCase();
    if (allRaw !== '' && !TRUTHY.includes(low) && !FALSY.includes(low))
      throw new BodyError(400, `Invalid value '${allRaw}' for all_tenants`);
    allTenants = allRaw === '' || TRUTHY.includes(low);
    const refused = allTenants ? allTenantsRefused(c, detail) : null;
    if (refused !== null) throw new BodyError(403, refused);
  }
  const name = param(q, 'name');
  const ip = param(q, 'ip');
  const ip6 = param(q, 'ip6');
  const status = param(q, 'status');
  const image = param(q, 'image');
  const flavor = param(q, 'flavor');
  const host = param(q, 'host');
  let servers = listServers(c, {
    allTenants,
    ...(name !== undefined ? { name: regexFilter(name) } : {}),
    ...(ip !== undefined ? { ip: regexFilter(ip) } : {}),
    ...(ip6 !== undefined ? { ip6: regexFilter(ip6) } : {}),
    ...(status !== undefined ? { status: status.toUpperCase() } : {}),
    ...(image !== undefined ? { imageId: image.split('/').at(-1) ?? image } : {}),
    ...(flavor !== undefined ? { flavorId: flavor.split('/').at(-1) ?? flavor } : {}),
    ...(host !== undefined ? { host } : {}),
  }).map((d) => String(d['id']));
  const marker = param(q, 'marker');
  if (marker !== undefined) {
    const i = servers.indexOf(marker);
    if (i < 0) throw new BodyError(400, `marker [${marker}] not found`);
    servers = servers.slice(i + 1);
  }
  const limit = limitParam(q);
  if (limit !== undefined) servers = servers.slice(0, limit);
  const byId = new Map(c.servers.map((s) => [s.id, s]));
  const items = servers
    .map((id) => byId.get(id) as Server)
    .map((s) =>
      detail
        ? serverView(c, s, r, false)
        : { id: s.id, name: s.name, links: links(r, 'servers', s.id) },
    );
  const body: JsonObject = { servers: items };
  if (limit !== undefined && items.length > 0 && items.length === limit) {
    const rest = q.filter(([k]) => k !== 'marker');
    const last = servers.at(-1) as string;
    const qs = [...rest, ['marker', last]]
      .map(([k, v]) => `${encodeUriPart(k ?? '')}=${encodeUriPart(v ?? '')}`)
      .join('&');
    body['servers_links'] = [
      { rel: 'next', href: `${r.base}/v2.1/servers${detail ? '/detail' : ''}?${qs}` },
    ];
  }
  return novaJson(200, body, r.v);
}

/** POST /servers: min_count..max_count servers (named NAME-1… when more than one), 202 with the first's id, links and password. */
function createServers(c: Cloud, r: Req, body: string): Answer {
  const req = serverCreateRequest(c, parseBody(body), r.v.minor);
  const mine = c.servers.filter((s) => s.projectId === c.auth.projectId).length;
  const quota = c.quotas.instances;
  if (quota >= 0 && mine + req.minCount > quota) {
    throw new BodyError(
      403,
      `Quota exceeded for instances: Requested ${req.minCount}, but already used ${mine} of ${quota} instances`,
    );
  }
  const n = quota >= 0 ? Math.min(req.maxCount, quota - mine) : req.maxCount;
  let first: JsonObject | null = null;
  for (let i = 1; i <= n; i++) {
    const d = createServer(
      c,
      n > 1 ? { ...req.create, name: `${req.create.name}-${i}` } : req.create,
    );
    first ??= d;
  }
  const d = first as JsonObject;
  const id = String(d['id']);
  const groups = (req.create.securityGroups ?? ['default']).map((name) => ({ name }));
  const server: JsonObject = {
    id,
    links: links(r, 'servers', id),
    'OS-DCF:diskConfig': 'MANUAL',
    security_groups: groups,
    adminPass: d['adminPass'] ?? null,
  };
  return novaJson(202, { server }, r.v, { Location: `${r.base}/v2.1/servers/${id}` });
}

function actionBody(body: string): [string, Json] {
  const parsed = parseBody(body);
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    Object.keys(parsed).length !== 1
  )
    throw new BodyError(400, 'Malformed request body');
  const [name, value] = Object.entries(parsed)[0] as [string, Json];
  return [name, value];
}

/** The `name` of an add/removeSecurityGroup body, with Nova's messages. */
function groupName(value: Json): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BodyError(400, 'Missing parameter dict');
  const n = value['name'];
  if (n === undefined) throw new BodyError(400, 'Security group not specified');
  if (typeof n !== 'string' || n.trim() === '')
    throw new BodyError(400, 'Security group name cannot be empty');
  return n.trim();
}

function consoleLength(value: Json): number | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidInput('os-getConsoleOutput', value, `${pyRepr(value)} is not of type 'object'`);
  const raw = value['length'];
  if (raw === undefined || raw === null) return undefined;
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^-?\d+$/.test(raw)
        ? Number(raw)
        : NaN;
  if (!Number.isInteger(n))
    throw invalidInput('length', raw, `${pyRepr(raw)} is not of type 'integer', 'string', 'null'`);
  if (n < -1) throw invalidInput('length', raw, `${pyRepr(raw)} is less than the minimum of -1`);
  return n === -1 ? undefined : n;
}

/** POST /servers/{id}/action: the actions Stacklab's servers have. */
function serverAction(c: Cloud, r: Req, id: string, body: string): Answer {
  const [name, value] = actionBody(body);
  const s = visibleServer(c, id);
  switch (name) {
    case 'os-start':
      startServer(c, s.id);
      return novaEmpty(202, r.v);
    case 'os-stop':
      stopServer(c, s.id);
      return novaEmpty(202, r.v);
    case 'reboot': {
      const type =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? value['type']
          : undefined;
      const allowed = ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'];
      if (type === undefined) throw invalidInput('reboot', value, "'type' is a required property");
      if (typeof type !== 'string' || !allowed.includes(type))
        throw invalidInput('type', type, `${pyRepr(type)} is not one of ${pyRepr(allowed)}`);
      rebootServer(c, s, type.toUpperCase() === 'HARD');
      return novaEmpty(202, r.v);
    }
    case 'addSecurityGroup':
      addSecurityGroup(c, s, groupName(value));
      return novaEmpty(202, r.v);
    case 'removeSecurityGroup':
      removeSecurityGroup(c, s, groupName(value));
      return novaEmpty(202, r.v);
    case 'os-getConsoleOutput': {
      const length = consoleLength(value);
      return novaJson(200, { output: consoleOutput(c, s.id, length) }, r.v);
    }
    case 'addFloatingIp':
    case 'removeFloatingIp':
      if (at(r, 44)) throw new BodyError(404, 'The resource could not be found.');
      return floatingIpAction(c, r, s, name, value);
    default:
      throw new BodyError(400, `There is no such action: ${name}`);
  }
}

/** The deprecated floating IP proxy actions (up to 2.43): Nova asks Neutron on the server's behalf. */
function floatingIpAction(c: Cloud, r: Req, s: Server, name: string, value: Json): Answer {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidInput(name, value, `${pyRepr(value)} is not of type 'object'`);
  const address = value['address'];
  if (typeof address !== 'string')
    throw invalidInput(name, value, "'address' is a required property");
  const fip = c.floatingIps.find(
    (f) => f.floatingIpAddress === address && (c.auth.admin || f.projectId === c.auth.projectId),
  );
  if (!fip) throw new BodyError(404, `floating IP not found`);
  if (name === 'removeFloatingIp') {
    const ports = serverPorts(c, s).map((p) => p.id);
    if (fip.portId === null || !ports.includes(fip.portId))
      throw new BodyError(409, `Floating IP ${address} is not associated with instance ${s.id}.`);
    disassociateFloatingIp(c, fip.id);
    return novaEmpty(202, r.v);
  }
  const fixed = typeof value['fixed_address'] === 'string' ? value['fixed_address'] : undefined;
  const port = serverPorts(c, s).find(
    (p) => fixed === undefined || p.fixedIps.some((f) => f.ipAddress === fixed),
  );
  if (!port) {
    throw new BodyError(
      400,
      fixed === undefined
        ? 'No nw_info cache associated with instance'
        : `Specified fixed address not assigned to instance`,
    );
  }
  try {
    associateFloatingIp(c, fip.id, {
      portId: port.id,
      ...(fixed !== undefined ? { fixedIpAddress: fixed } : {}),
    });
  } catch (e) {
    if (e instanceof SimError)
      throw new BodyError(
        400,
        `Unable to associate floating IP ${address} to fixed IP ${fixed ?? port.fixedIps[0]?.ipAddress ?? ''} for instance ${s.id}. Error: ${e.message}`,
      );
    throw e;
  }
  return novaEmpty(202, r.v);
}

// ---- flavors, key pairs, zones, limits, proxies -----------------------------------------------

function visibleFlavors(c: Cloud, q: Array<[string, string]>): Flavor[] {
  const raw = param(q, 'is_public');
  let pub: boolean | null = true;
  if (raw !== undefined && c.auth.admin) {
    const low = raw.toLowerCase();
    if (low === 'none') pub = null;
    else if (TRUTHY.includes(low)) pub = true;
    else if (FALSY.includes(low)) pub = false;
    else throw new BodyError(400, `Invalid is_public filter [${raw}]`);
  }
  let flavors = [...c.flavors].filter(
    (f) => pub === null || f.isPublic === pub || (!c.auth.admin && f.isPublic),
  );
  const minRam = param(q, 'minRam');
  const minDisk = param(q, 'minDisk');
  for (const [k, v] of [
    ['minRam', minRam],
    ['minDisk', minDisk],
  ] as const) {
    if (v !== undefined && !/^\d+$/.test(v))
      throw new BodyError(
        400,
        `Invalid input for query parameters ${k}. Value: ${v}. '${v}' does not match '^[0-9]+$'`,
      );
  }
  if (minRam !== undefined) flavors = flavors.filter((f) => f.ram >= Number(minRam));
  if (minDisk !== undefined) flavors = flavors.filter((f) => f.disk >= Number(minDisk));
  return flavors.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

function flavorsAnswer(c: Cloud, r: Req, detail: boolean): Answer {
  let flavors = visibleFlavors(c, r.query);
  const marker = param(r.query, 'marker');
  if (marker !== undefined) {
    const i = flavors.findIndex((f) => f.id === marker);
    if (i < 0) throw new BodyError(400, `marker [${marker}] not found`);
    flavors = flavors.slice(i + 1);
  }
  const limit = limitParam(r.query);
  if (limit !== undefined) flavors = flavors.slice(0, limit);
  const items = flavors.map((f) => {
    if (detail) return flavorView(f, r);
    const d: JsonObject = { id: f.id, name: f.name, links: links(r, 'flavors', f.id) };
    if (at(r, 55)) d['description'] = null;
    return d;
  });
  const a = novaJson(200, { flavors: items }, r.v);
  return { ...a, body: floats(a.body) };
}

function showFlavorAnswer(c: Cloud, r: Req, id: string): Answer {
  const f = c.flavors.find((x) => x.id === id);
  if (!f) throw new BodyError(404, `Flavor ${id} could not be found.`);
  const a = novaJson(200, { flavor: flavorView(f, r) }, r.v);
  return { ...a, body: floats(a.body) };
}

/** GET /flavors/{id}/os-extra_specs[/{key}]: Stacklab's flavors have none. */
function extraSpecs(c: Cloud, r: Req, id: string, key: string | undefined): Answer {
  if (!c.flavors.some((f) => f.id === id))
    throw new BodyError(404, `Flavor ${id} could not be found.`);
  if (key !== undefined)
    throw new BodyError(404, `Flavor ${id} has no extra specs with key ${key}.`);
  return novaJson(200, { extra_specs: {} }, r.v);
}

/** Nova's key pair names before 2.92: letters, digits, `-`, `_` and blanks, 1 to 255 of them. */
function checkKeypairName(name: string, minor: number): void {
  if (name.length < 1 || name.length > 255)
    throw new BodyError(
      400,
      'Keypair data is invalid: Keypair name must be string and between 1 and 255 characters long',
    );
  const safe = minor >= 92 ? /^[A-Za-z0-9_\- @.]+$/ : /^[A-Za-z0-9_\- ]+$/;
  if (!safe.test(name))
    throw new BodyError(400, 'Keypair data is invalid: Keypair name contains unsafe characters');
}

function createKeypairAnswer(c: Cloud, r: Req, body: string): Answer {
  const k = wrapped(parseBody(body), 'keypair');
  const allowed = [
    'name',
    'public_key',
    ...(at(r, 2) ? ['type'] : []),
    ...(at(r, 10) ? ['user_id'] : []),
  ];
  const unknown = Object.keys(k).filter((x) => !allowed.includes(x));
  if (unknown.length > 0)
    throw invalidInput(
      'keypair',
      k,
      `Additional properties are not allowed (${unknown.map((x) => pyRepr(x)).join(', ')} ${unknown.length > 1 ? 'were' : 'was'} unexpected)`,
    );
  const name = k['name'];
  if (name === undefined) throw invalidInput('keypair', k, "'name' is a required property");
  if (typeof name !== 'string')
    throw invalidInput('name', name, `${pyRepr(name)} is not of type 'string'`);
  const pub = k['public_key'];
  if (pub !== undefined && typeof pub !== 'string')
    throw invalidInput('public_key', pub, `${pyRepr(pub)} is not of type 'string'`);
  if (pub === undefined && at(r, 92))
    throw invalidInput('keypair', k, "'public_key' is a required property");
  const type = k['type'];
  if (type !== undefined && type !== 'ssh' && type !== 'x509')
    throw invalidInput('type', type, `${pyRepr(type)} is not one of ['ssh', 'x509']`);
  const userId = k['user_id'];
  if (userId !== undefined && userId !== c.auth.userId && !c.auth.admin)
    throw new BodyError(
      403,
      "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.",
    );
  checkKeypairName(name, r.v.minor);
  if (typeof pub === 'string' && !readablePublicKey(pub)) {
    throw new BodyError(400, 'Keypair data is invalid: failed to generate fingerprint');
  }
  const d = typeof pub === 'string' ? importKeypair(c, name, pub) : createKeypair(c, name);
  // The create view: name, key, fingerprint, user, then the type (2.2) and a generated private key.
  const out: JsonObject = {
    name: d['name'] ?? name,
    public_key: d['public_key'] ?? '',
    fingerprint: d['fingerprint'] ?? '',
    user_id: d['user_id'] ?? '',
  };
  if (at(r, 2)) out['type'] = d['type'] ?? 'ssh';
  if (pub === undefined) out['private_key'] = d['private_key'] ?? '';
  return novaJson(at(r, 2) ? 201 : 200, { keypair: out }, r.v);
}

function keypairsAnswer(c: Cloud, r: Req): Answer {
  const list = listKeypairs(c).map((d) => {
    const k: JsonObject = {
      name: d['name'] ?? '',
      public_key: d['public_key'] ?? '',
      fingerprint: d['fingerprint'] ?? '',
    };
    if (at(r, 2)) k['type'] = d['type'] ?? 'ssh';
    return { keypair: k };
  });
  return novaJson(200, { keypairs: list }, r.v);
}

function keypairOf(c: Cloud, name: string) {
  const k = c.keypairs.find((x) => x.name === name);
  if (!k) throw new BodyError(404, `Keypair ${name} not found for user ${c.auth.userId}`);
  return k;
}

function showKeypairAnswer(c: Cloud, r: Req, name: string): Answer {
  const k = keypairOf(c, name);
  const d = keypairDict(k);
  const out: JsonObject = {
    public_key: d['public_key'] ?? '',
    name: k.name,
    fingerprint: d['fingerprint'] ?? '',
    created_at: d['created_at'] ?? null,
    deleted: false,
    deleted_at: null,
    id: c.keypairs.indexOf(k) + 1,
    updated_at: null,
    user_id: d['user_id'] ?? '',
  };
  if (at(r, 2)) out['type'] = k.type;
  return novaJson(200, { keypair: out }, r.v);
}

function availabilityZones(c: Cloud, r: Req, detail: boolean): Answer {
  return novaJson(200, { availabilityZoneInfo: availabilityZoneInfo(c, detail) }, r.v);
}

/** GET /limits (`tenant_id`: another project's, for an admin). */
function limitsAnswer(c: Cloud, r: Req): Answer {
  const abs = absoluteLimits(c, r.v.minor, param(r.query, 'tenant_id'));
  return novaJson(200, { limits: { rate: [], absolute: abs } }, r.v);
}

/** Nova's view of a Neutron security group (the proxy, up to 2.35). */
function novaGroup(c: Cloud, id: string): JsonObject | null {
  const g = c.securityGroups.find((x) => x.id === id);
  if (!g) return null;
  const rules = c.securityGroupRules
    .filter((x) => x.securityGroupId === g.id && x.direction === 'ingress')
    .map((x) => {
      const remote = x.remoteGroupId
        ? c.securityGroups.find((y) => y.id === x.remoteGroupId)
        : undefined;
      return {
        id: x.id,
        parent_group_id: g.id,
        ip_protocol: x.protocol,
        from_port: x.portRangeMin ?? (x.protocol === null ? null : -1),
        to_port: x.portRangeMax ?? (x.protocol === null ? null : -1),
        group: remote ? { name: remote.name, tenant_id: remote.projectId } : {},
        ip_range: remote
          ? {}
          : { cidr: x.remoteIpPrefix ?? (x.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0') },
      } as JsonObject;
    });
  return { id: g.id, description: g.description, name: g.name, tenant_id: g.projectId, rules };
}

function securityGroupsAnswer(c: Cloud, r: Req, id: string | undefined): Answer {
  if (at(r, 36)) throw new BodyError(404, 'The resource could not be found.');
  if (id !== undefined) {
    const g = c.securityGroups.find(
      (x) => x.id === id && (c.auth.admin || x.projectId === c.auth.projectId),
    );
    const d = g ? novaGroup(c, g.id) : null;
    if (!d) throw new BodyError(404, `Security group ${id} not found.`);
    return novaJson(200, { security_group: d }, r.v);
  }
  const list = c.securityGroups
    .filter((g) => g.projectId === c.auth.projectId)
    .map((g) => novaGroup(c, g.id) as JsonObject);
  return novaJson(200, { security_groups: list }, r.v);
}

// ---- routing -------------------------------------------------------------------------------

/** Top-level collections, for telling a project id in the path (`/v2.1/PROJECT/servers`) from a resource. */
const COLLECTIONS = new Set([
  'servers',
  'flavors',
  'os-keypairs',
  'os-availability-zone',
  'limits',
  'os-security-groups',
  'os-quota-sets',
]);

/** The webob 404 page of a path (or method) no route matches. */
function noRoute(r: Req): Answer {
  return rootNotFound(r.accept);
}

function route(cloud: Cloud, call: ApiCall, r: Req, rest: string[]): ApiResult {
  const m = call.method === 'HEAD' ? 'GET' : call.method;
  const [a, b, cc, d] = rest;
  const n = rest.length;
  const get = (fn: () => Answer): ApiResult => read(cloud, r, fn);
  if (a === 'servers') {
    if (n === 1 && m === 'GET') return get(() => listServersAnswer(cloud, r, false));
    if (n === 1 && m === 'POST') return write(cloud, r, (c) => createServers(c, r, call.body));
    if (n === 2 && b === 'detail' && m === 'GET')
      return get(() => listServersAnswer(cloud, r, true));
    if (n === 2 && b !== undefined && m === 'GET')
      return get(() =>
        novaJson(200, { server: serverView(cloud, visibleServer(cloud, b), r, true) }, r.v),
      );
    if (n === 2 && b !== undefined && m === 'DELETE') {
      return write(cloud, r, (c) => {
        deleteServer(c, visibleServer(c, b).id);
        return novaEmpty(204, r.v);
      });
    }
    if (n === 3 && b !== undefined && cc === 'action' && m === 'POST')
      return write(cloud, r, (c) => serverAction(c, r, b, call.body));
    if (n === 3 && b !== undefined && cc === 'os-interface' && m === 'GET')
      return get(() => novaJson(200, { interfaceAttachments: listInterfaces(cloud, visibleServer(cloud, b), r.v.minor) }, r.v));
    if (n === 3 && b !== undefined && cc === 'os-interface' && m === 'POST') {
      return write(cloud, r, (c) => {
        const s = visibleServer(c, b);
        return novaJson(200, { interfaceAttachment: createInterface(c, s.id, parseBody(call.body), r.v.minor) }, r.v);
      });
    }
    if (n === 3 && b !== undefined && cc === 'ips' && m === 'GET')
      return get(() =>
        novaJson(
          200,
          { addresses: serverDict(cloud, visibleServer(cloud, b))['addresses'] ?? {} },
          r.v,
        ),
      );
    if (n === 4 && b !== undefined && cc === 'os-interface' && d !== undefined && m === 'GET')
      return get(() => novaJson(200, { interfaceAttachment: showInterface(cloud, visibleServer(cloud, b), d, r.v.minor) }, r.v));
    if (n === 4 && b !== undefined && cc === 'os-interface' && d !== undefined && m === 'DELETE') {
      return write(cloud, r, (c) => {
        deleteInterface(c, visibleServer(c, b).id, d);
        return novaEmpty(202, r.v);
      });
    }
  }
  if (a === 'flavors' && m === 'GET') {
    if (n === 1) return get(() => flavorsAnswer(cloud, r, false));
    if (n === 2 && b === 'detail') return get(() => flavorsAnswer(cloud, r, true));
    if (n === 2 && b !== undefined) return get(() => showFlavorAnswer(cloud, r, b));
    if (n >= 3 && n <= 4 && b !== undefined && cc === 'os-extra_specs')
      return get(() => extraSpecs(cloud, r, b, d));
  }
  if (a === 'os-keypairs') {
    if (n === 1 && m === 'GET') return get(() => keypairsAnswer(cloud, r));
    if (n === 1 && m === 'POST')
      return write(cloud, r, (c) => createKeypairAnswer(c, r, call.body));
    if (n === 2 && b !== undefined && m === 'GET') return get(() => showKeypairAnswer(cloud, r, b));
    if (n === 2 && b !== undefined && m === 'DELETE') {
      return write(cloud, r, (c) => {
        keypairOf(c, b);
        deleteKeypair(c, b);
        return novaEmpty(at(r, 2) ? 204 : 202, r.v);
      });
    }
  }
  if (a === 'os-availability-zone' && m === 'GET') {
    if (n === 1) return get(() => availabilityZones(cloud, r, false));
    if (n === 2 && b === 'detail') return get(() => availabilityZones(cloud, r, true));
  }
  if (a === 'limits' && n === 1 && m === 'GET') return get(() => limitsAnswer(cloud, r));
  if (a === 'os-security-groups' && m === 'GET' && (n === 1 || n === 2))
    return get(() => securityGroupsAnswer(cloud, r, b));
  if (a === 'os-quota-sets' && m === 'GET' && b !== undefined) {
    if (n === 2) return get(() => novaJson(200, { quota_set: showQuotaSet(cloud, b) }, r.v));
    if (n === 3 && cc === 'defaults')
      return get(() =>
        novaJson(200, { quota_set: { ...showQuotaSet(cloud, '\u0000defaults'), id: b } }, r.v),
      );
  }
  return { answer: noRoute(r), cloud };
}

/** Everything under /v2.1 (and the legacy /v2) with a token: negotiate, check the body's size, route. */
export function novaHandle(cloud: Cloud, call: ApiCall, ctx: ApiContext): ApiResult {
  const anon = novaAnonymous(call, ctx);
  if (anon !== null) return { answer: anon, cloud };
  const legacy = call.path[0] === 'v2';
  const n = legacy
    ? ({ ok: true, version: { minor: MIN_MINOR } } as const)
    : negotiate(call.microversion);
  if (!n.ok) return { answer: n.answer, cloud };
  const r: Req = { v: n.version, base: ctx.base, query: call.query, accept: ctx.accept };
  if (call.body.length > MAX_BODY_BYTES / 4 && utf8Length(call.body) > MAX_BODY_BYTES) {
    return { answer: novaFault(413, 'Request is too large.', null), cloud };
  }
  let rest = call.path.slice(1);
  // The old URLs with the project id (`/v2.1/PROJECT/servers`) still route; another project's id is refused.
  const first = rest[0];
  if (first !== undefined && /^[0-9a-f-]+$/.test(first) && COLLECTIONS.has(rest[1] ?? '')) {
    if (first !== cloud.auth.projectId) {
      return {
        answer: novaFault(
          400,
          `Malformed request URL: URL's project_id '${first}' doesn't match Context's project_id '${cloud.auth.projectId}'`,
          r.v,
        ),
        cloud,
      };
    }
    rest = rest.slice(1);
  }
  const result = route(cloud, call, r, rest);
  if (legacy)
    result.answer.headers = Object.fromEntries(
      Object.entries(result.answer.headers ?? {}).filter(([k]) => !(k in versionHeaders(r.v))),
    );
  return result;
}

export const novaService: Service = { anonymous: novaAnonymous, handle: novaHandle };
