/**
 * POST /servers's body as Nova reads it (nova/api/openstack/compute/servers.py create and its
 * JSON schema, nova/api/openstack/compute/schemas/servers.py): checked, then turned into the
 * simulation's ServerCreate. Messages are Nova's: the schema's "Invalid input for
 * field/attribute …" and the controller's own ("Can not find requested image", …).
 */
import type { Cloud } from '../../model/cloud.js';
import { pyRepr, type Json, type JsonObject } from '../json.js';
import type { NicRequest, ServerCreate } from '../../ops/server.js';

/** A refusal of the body: Nova's status and message. */
export class BodyError {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

export { pyRepr };

/** Python's str of a value (a string as is): the `Value:` of a schema error. */
export function pyStr(v: Json): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** jsonschema's error on `attr` of `value`, as Nova's validator words it. */
export function invalidInput(attr: string, value: Json, message: string): BodyError {
  return new BodyError(
    400,
    `Invalid input for field/attribute ${attr}. Value: ${pyStr(value)}. ${message}`,
  );
}

/** The body's object under `key` (`{"server": {…}}`), or the schema's message. */
export function wrapped(body: Json, key: string): JsonObject {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new BodyError(400, `${pyRepr(body)} is not of type 'object'`);
  const inner = body[key];
  if (inner === undefined) throw new BodyError(400, `'${key}' is a required property`);
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner))
    throw invalidInput(key, inner, `${pyRepr(inner)} is not of type 'object'`);
  return inner;
}

function str(
  o: JsonObject,
  k: string,
  opts: { min?: number; max?: number } = {},
): string | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidInput(k, v, `${pyRepr(v)} is not of type 'string'`);
  if (opts.min !== undefined && v.length < opts.min)
    throw invalidInput(k, v, `${pyRepr(v)} is too short`);
  if (opts.max !== undefined && v.length > opts.max)
    throw invalidInput(k, v, `${pyRepr(v)} is too long`);
  return v;
}

/** Nova's common.get_id_from_href: the last path segment of a link, or the value itself. */
function idFromHref(ref: string): string {
  const path = ref.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? '';
  return path.split('/').at(-1) ?? ref;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64 → text (UTF-8), or null when it is no base64 (the schema's `format: base64`). */
export function decodeBase64(s: string): string | null {
  const clean = s.replace(/\s/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < clean.length; i += 4) {
    const q = [0, 1, 2, 3].map((j) => B64.indexOf(clean[i + j] ?? '='));
    const n =
      ((q[0] ?? 0) << 18) |
      ((q[1] ?? 0) << 12) |
      (Math.max(q[2] ?? 0, 0) << 6) |
      Math.max(q[3] ?? 0, 0);
    bytes.push((n >> 16) & 255);
    if ((q[2] ?? -1) >= 0) bytes.push((n >> 8) & 255);
    if ((q[3] ?? -1) >= 0) bytes.push(n & 255);
  }
  try {
    return decodeURIComponent(bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
  } catch {
    // Not UTF-8: keep the bytes as Latin-1 (cloud-init would get them as they are).
    return String.fromCharCode(...bytes);
  }
}

/** The keys a create body may hold (the schema's properties up to 2.93); any other is refused. */
const SERVER_KEYS = new Set([
  'name',
  'imageRef',
  'flavorRef',
  'adminPass',
  'metadata',
  'networks',
  'OS-DCF:diskConfig',
  'accessIPv4',
  'accessIPv6',
  'personality',
  'availability_zone',
  'block_device_mapping',
  'block_device_mapping_v2',
  'config_drive',
  'key_name',
  'min_count',
  'max_count',
  'return_reservation_id',
  'security_groups',
  'user_data',
  'description',
  'tags',
  'trusted_image_certificates',
  'host',
  'hypervisor_hostname',
  'hostname',
]);

function count(o: JsonObject, k: string): number | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n))
    throw invalidInput(k, v, `${pyRepr(v)} is not of type 'integer', 'string'`);
  if (n < 1) throw invalidInput(k, v, `${pyRepr(v)} is less than the minimum of 1`);
  return n;
}

function nics(c: Cloud, v: Json, minor: number): NicRequest[] | undefined {
  if (v === 'auto' && minor >= 37) return undefined;
  if (v === 'none' && minor >= 37) return [];
  if (!Array.isArray(v)) throw invalidInput('networks', v, `${pyRepr(v)} is not of type 'array'`);
  const out: NicRequest[] = [];
  for (const n of v) {
    if (n === null || typeof n !== 'object' || Array.isArray(n))
      throw invalidInput('networks', n, `${pyRepr(n)} is not of type 'object'`);
    const port = n['port'];
    const uuid = n['uuid'];
    const fixed = n['fixed_ip'];
    if (port !== undefined && port !== null) {
      if (typeof port !== 'string' || !UUID.test(port))
        throw invalidInput('port', port, `${pyRepr(port)} is not a 'uuid'`);
      out.push({ kind: 'port', portId: port });
      continue;
    }
    if (typeof uuid !== 'string')
      throw new BodyError(400, 'Bad networks format: network uuid is not in proper format (None)');
    if (!UUID.test(uuid))
      throw new BodyError(
        400,
        `Bad networks format: network uuid is not in proper format (${uuid})`,
      );
    if (fixed !== undefined && typeof fixed !== 'string')
      throw invalidInput('fixed_ip', fixed, `${pyRepr(fixed)} is not of type 'string'`);
    const nic: NicRequest = { kind: 'network', networkId: uuid };
    if (typeof fixed === 'string') {
      if (fixed.includes(':')) nic.v6FixedIp = fixed;
      else nic.v4FixedIp = fixed;
    }
    out.push(nic);
  }
  // A network Nova cannot find is its 400 before anything is made.
  for (const n of out) {
    if (n.kind === 'network' && !c.networks.some((x) => x.id === n.networkId))
      throw new BodyError(400, `Network ${n.networkId} could not be found.`);
  }
  return out;
}

/** What POST /servers asks for: the request for one server and how many (min_count, max_count). */
export interface CreateRequest {
  create: ServerCreate;
  minCount: number;
  maxCount: number;
}

/** The create body, checked as Nova checks it before booting anything. */
export function serverCreateRequest(c: Cloud, body: Json, minor: number): CreateRequest {
  const s = wrapped(body, 'server');
  const unknown = Object.keys(s).filter((k) => !SERVER_KEYS.has(k));
  if (unknown.length > 0) {
    throw invalidInput(
      'server',
      s,
      `Additional properties are not allowed (${unknown.map((k) => pyRepr(k)).join(', ')} ${unknown.length > 1 ? 'were' : 'was'} unexpected)`,
    );
  }
  for (const k of ['name', 'flavorRef'])
    if (!(k in s)) throw invalidInput('server', s, `'${k}' is a required property`);
  if (minor >= 37 && !('networks' in s))
    throw invalidInput('server', s, "'networks' is a required property");
  const name = str(s, 'name', { min: 1, max: 255 }) as string;
  const flavorRaw = s['flavorRef'];
  if (typeof flavorRaw !== 'string' && typeof flavorRaw !== 'number')
    throw invalidInput(
      'flavorRef',
      flavorRaw ?? null,
      `${pyRepr(flavorRaw ?? null)} is not of type 'string', 'integer'`,
    );
  const flavorId = idFromHref(String(flavorRaw));
  if (flavorId === '')
    throw invalidInput('flavorRef', flavorRaw, `${pyRepr(flavorRaw)} is too short`);
  const imageRef = str(s, 'imageRef') ?? '';
  const minCount = count(s, 'min_count') ?? 1;
  const maxCount = count(s, 'max_count') ?? minCount;
  if (minCount > maxCount) throw new BodyError(400, 'min_count must be <= max_count');
  const keyName = s['key_name'] === null ? undefined : str(s, 'key_name', { min: 1, max: 255 });
  const az =
    s['availability_zone'] === null ? undefined : str(s, 'availability_zone', { min: 1, max: 255 });
  const userDataRaw = s['user_data'] === null ? undefined : str(s, 'user_data');
  let userData: string | undefined;
  if (userDataRaw !== undefined) {
    const text = decodeBase64(userDataRaw);
    if (text === null)
      throw invalidInput('user_data', userDataRaw, `${pyRepr(userDataRaw)} is not a 'base64'`);
    userData = text;
  }
  const meta = s['metadata'];
  let properties: Record<string, string> | undefined;
  if (meta !== undefined) {
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
      throw invalidInput('metadata', meta, `${pyRepr(meta)} is not of type 'object'`);
    properties = {};
    for (const [k, v] of Object.entries(meta)) {
      if (typeof v !== 'string') throw invalidInput(k, v, `${pyRepr(v)} is not of type 'string'`);
      if (k.length < 1 || k.length > 255)
        throw invalidInput(
          'metadata',
          meta,
          `Additional properties are not allowed (${pyRepr(k)} was unexpected)`,
        );
      properties[k] = v;
    }
  }
  let groups: string[] | undefined;
  const sg = s['security_groups'];
  if (sg !== undefined) {
    if (!Array.isArray(sg))
      throw invalidInput('security_groups', sg, `${pyRepr(sg)} is not of type 'array'`);
    groups = [];
    for (const g of sg) {
      if (g === null || typeof g !== 'object' || Array.isArray(g))
        throw invalidInput('security_groups', g, `${pyRepr(g)} is not of type 'object'`);
      const n = g['name'];
      if (n !== undefined && typeof n !== 'string')
        throw invalidInput('name', n, `${pyRepr(n)} is not of type 'string'`);
      if (typeof n === 'string' && n !== '' && !groups.includes(n)) groups.push(n);
    }
  }
  const cd = s['config_drive'];
  if (cd !== undefined && cd !== null && typeof cd !== 'boolean' && typeof cd !== 'string')
    throw invalidInput(
      'config_drive',
      cd,
      `${pyRepr(cd)} is not of type 'boolean', 'string', 'null'`,
    );

  // The controller's checks, in its order: flavor, image, then the boot itself (the op).
  if (!c.flavors.some((f) => f.id === flavorId))
    throw new BodyError(400, `Flavor ${flavorId} could not be found.`);
  const imageId = idFromHref(imageRef);
  if (
    imageRef === '' ||
    !c.images.some(
      (i) =>
        i.id === imageId &&
        (i.visibility !== 'private' || i.ownerId === c.auth.projectId || c.auth.admin),
    )
  ) {
    if (imageRef !== '' && !UUID.test(imageId))
      throw new BodyError(400, 'Invalid imageRef provided.');
    throw new BodyError(400, 'Can not find requested image');
  }
  if (az !== undefined && az !== 'nova' && !az.startsWith('nova:'))
    throw new BodyError(400, 'The requested availability zone is not available');

  const create: ServerCreate = { name, flavorId, imageId };
  const networks = s['networks'];
  if (networks !== undefined) {
    const n = nics(c, networks, minor);
    if (n !== undefined) create.nics = n;
  }
  if (keyName !== undefined) create.keyName = keyName;
  if (groups !== undefined && groups.length > 0) create.securityGroups = groups;
  if (
    cd === true ||
    (typeof cd === 'string' && ['true', 't', '1', 'yes', 'y', 'on'].includes(cd.toLowerCase()))
  )
    create.configDrive = true;
  if (az !== undefined) create.availabilityZone = 'nova';
  if (properties !== undefined && Object.keys(properties).length > 0)
    create.properties = properties;
  if (userData !== undefined) create.userData = userData;
  return { create, minCount, maxCount };
}
