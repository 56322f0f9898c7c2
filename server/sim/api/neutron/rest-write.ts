/**
 * Neutron v2.0 as a Service (server/sim/api/request.ts): reads through rest.ts, and the writes —
 * POST /v2.0/<collection> (one `{member: …}`, or a bulk `{plural: […]}` where the plugin takes
 * one: all or nothing), PUT and DELETE /v2.0/<collection>/ID, PUT /v2.0/<collection>/ID/<action>,
 * a resource's tags, and /v2.0/quotas/PROJECT — each run in `transact` on a draft of the cloud
 * through the collection's CollectionWrites (requests/index.ts), its answer in Neutron's status and
 * spelling. The client's bad input (JSON that does not parse, a body without the resource's key, a
 * method a path does not route) is an answer in Neutron's words, never an exception. Each routing
 * quirk here was checked on the oracle (test/openstack-api/oracle/capture-writes-a.py).
 */
import type { Cloud } from '../../model/cloud.js';
import { SimError } from '../../errors.js';
import { transact } from '../../clone.js';
import type { Json, JsonObject } from '../json.js';
import type { ApiCall, ApiContext, ApiResult, Service } from '../request.js';
import { collectionOf, neutronGet, neutronVersions, quotaOrder, type Collection } from './rest.js';
import {
  internalError,
  methodNotAllowed,
  neutronFault,
  pathNotFound,
  pyJson,
  resourceNotFound,
  rootNotFound,
  simFault,
  type Answer,
} from './rest-errors.js';
import { WRITES, type CollectionWrites } from './requests/index.js';
import { pyStr } from './body.js';
import { speakerById } from './requests/bgp.js';
import { addSpeakerToAgent, removeSpeakerFromAgent } from '../../ops/bgp.js';
import { putQuota, removeQuota } from './requests/quotas.js';
import { deleteTag, deleteTags, putTag, putTags, type Tagged } from './requests/tags.js';
import { MAX_TAG_LEN } from './tags.js';
import {
  visibleFloatingIps,
  visibleGroups,
  visibleNetworks,
  visiblePools,
  visiblePorts,
  visibleRouters,
  visibleSubnets,
} from '../../visibility.js';
import { ownValue } from '../../objects.js';

/** A client error found before anything runs: its answer. */
class Refusal extends Error {
  constructor(readonly answer: Answer) {
    super(answer.body);
  }
}

const badRequestAnswer = (message: string) => neutronFault(400, 'HTTPBadRequest', message);
const badRequest = (message: string) => new Refusal(neutronFault(400, 'HTTPBadRequest', message));

/** What the body's JSON is, as Neutron's deserializer reads it: '' is no body; anything but an object (or null) is invalid data. */
function parseBody(raw: string): JsonObject {
  if (raw.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw badRequest('Body contains invalid data');
  }
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest('Body contains invalid data');
  return v as JsonObject;
}

/** The attributes Neutron converts to integers: a value Python's int() or the database cannot hold is its 500. */
const INT_KEYS = new Set([
  'mtu',
  'provider:segmentation_id',
  'segmentation_id',
  'ip_version',
  'prefixlen',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'default_quota',
]);

function overflows(member: JsonObject, ints: (k: string) => boolean): boolean {
  return Object.entries(member).some(
    ([k, v]) =>
      ints(k) &&
      typeof v === 'number' &&
      (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))),
  );
}

/** The resource of a single body: `{member: {...}}`, or Neutron's 400. */
function memberOf(body: JsonObject, member: string): JsonObject {
  const v = body[member];
  if (v === undefined || v === null) throw badRequest(`Unable to find '${member}' in request body`);
  if (typeof v !== 'object' || Array.isArray(v))
    throw badRequest(`Object '${member}' contains invalid data`);
  if (overflows(v, (k) => INT_KEYS.has(k))) throw new Refusal(internalError());
  return v;
}

/** The resources of a create: one, or a bulk's list (non-empty, each a dictionary). */
function membersOf(
  body: JsonObject,
  col: Collection,
  bulks: boolean,
): { bulk: boolean; items: JsonObject[] } {
  if (!bulks || !Object.hasOwn(body, col.plural))
    return { bulk: false, items: [memberOf(body, col.member)] };
  const list = body[col.plural];
  if (!Array.isArray(list) || list.length === 0) throw badRequest('Resources required');
  return { bulk: true, items: list.map((item) => memberOf({ [col.member]: item }, col.member)) };
}

/** Messages of Neutron's attribute validation (prepare_request_body), whose class is HTTPBadRequest. */
const VALIDATION = [
  /^Invalid input for [^ ]+\. Reason: /,
  /^Attribute '[^']*' not allowed in POST$/,
  /^Cannot update read-only attribute /,
  /^Failed to parse request\. /,
  /^'project_id' and 'tenant_id' do not match$/,
  /^Specifying 'project_id' or 'tenant_id' other than /,
];

/**
 * The exception classes of errors the simulation raises with a generic type (BadRequest,
 * Conflict), by their message: neutron-lib's and Neutron's own classes, as the oracle names them.
 */
const CLASSES: ReadonlyArray<[RegExp, string]> = [
  [
    /^Unable to complete operation on network \S+\. There are one or more ports still in use/,
    'NetworkInUse',
  ],
  [
    /^Unable to complete operation on subnet \S+: One or more ports have an IP allocation/,
    'SubnetInUse',
  ],
  [/^Unable to create the flat network\. Physical network \S+ is in use\.$/, 'FlatNetworkInUse'],
  [
    /^Unable to create the network\. The VLAN \d+ on physical network \S+ is in use\.$/,
    'VlanIdInUse',
  ],
  [/^Unable to create the network\. The tunnel ID \d+ is in use\.$/, 'TunnelIdInUse'],
  [
    /^Unable to create the network\. No tenant network is available for allocation\.$/,
    'NoNetworkAvailable',
  ],
  [/^Quota exceeded for resources: /, 'OverQuota'],
  [/^Illegal prefix bounds: /, 'IllegalSubnetPoolPrefixBounds'],
  [/^Cannot mix IPv4 and IPv6 prefixes in a subnet pool\.$/, 'PrefixVersionMismatch'],
  [/^Illegal update to prefixes: /, 'IllegalSubnetPoolPrefixUpdate'],
  [
    /^Illegal subnetpool association: .* because subnetpool ip_version is not \d\.$/,
    'IllegalSubnetPoolIpVersionAssociationToAddressScope',
  ],
  [/^Illegal subnetpool association: /, 'IllegalSubnetPoolAssociationToAddressScope'],
  [
    /^Subnets hosted on the same network must be allocated from the same subnet pool\.$/,
    'NetworkSubnetPoolAffinityError',
  ],
  [/^Unable to delete subnet pool: /, 'SubnetPoolDeleteError'],
  [
    /^Unable to complete operation on address scope \S+\. There are one or more subnet pools in use/,
    'AddressScopeInUse',
  ],
  [/^Invalid action '.*' for object type '.*'\. Valid actions: /, 'InvalidActionForType'],
  [/^Current gateway ip \S+ already in use by port \S+\. Unable to update\.$/, 'GatewayIpInUse'],
  [
    /^RBAC policy on object \S+ cannot be removed because other objects depend on it\./,
    'RbacPolicyInUse',
  ],
  [/^Tenant \S+ not allowed to create subnet on this network$/, 'HTTPForbidden'],
];

/** A simulated error as Neutron's API sends it. */
function fault(e: unknown, accept: string | undefined): Answer {
  if (e instanceof Refusal) return e.answer;
  if (!(e instanceof SimError)) return internalError();
  if (e.status === 400 && e.type === 'BadRequest' && VALIDATION.some((re) => re.test(e.message)))
    return neutronFault(400, 'HTTPBadRequest', e.message);
  if (e.type === 'BadRequest' || e.type === 'Conflict' || e.type === 'PolicyNotAuthorized') {
    const named = CLASSES.find(([re]) => re.test(e.message));
    if (named) return neutronFault(e.status, named[1], e.message);
  }
  return simFault(e, accept);
}

const json = (status: number, body: Json, compact: boolean): Answer => ({
  status,
  contentType: 'application/json',
  body: pyJson(body, compact),
});

const noContent = (): Answer => ({ status: 204, contentType: '', body: '' });

/** A write's effect on a draft: its answer, or what it throws. */
type Write = (draft: Cloud) => Answer;

/** Runs a write in a transaction: the new cloud with its answer, or the original (rng advanced) with the fault. */
function run(cloud: Cloud, write: Write, accept: string | undefined): ApiResult {
  const out = transact(cloud, write);
  if (out.ok) return { cloud: out.cloud, answer: out.value };
  return { cloud: out.cloud, answer: fault(out.error, accept) };
}

/** The resources whose tags `/v2.0/<collection>/ID/tags` reaches, as the caller sees them. */
const TAG_TARGETS: Readonly<Record<string, (c: Cloud) => ReadonlyArray<Tagged & { id: string }>>> =
  {
    networks: visibleNetworks,
    subnets: visibleSubnets,
    ports: visiblePorts,
    routers: visibleRouters,
    floatingips: visibleFloatingIps,
    'security-groups': visibleGroups,
    subnetpools: visiblePools,
  };

/** Python's `'%s' % value` for what a tags body may carry. */

const invalidTags = (message: string) =>
  new Refusal(neutronFault(400, 'InvalidInput', `Invalid input for operation: ${message}`));

/** The list of a `PUT …/tags` body, as the tag extension validates it. */
function tagsOf(raw: string): string[] {
  let v: unknown;
  try {
    v = raw.trim() === '' ? null : JSON.parse(raw);
  } catch {
    throw new Refusal(
      neutronFault(400, 'MalformedRequestBody', 'Malformed request body: Cannot understand JSON.'),
    );
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, 'tags'))
    throw invalidTags('Invalid tags body.');
  const tags = (v as JsonObject)['tags'] ?? null;
  if (!Array.isArray(tags)) throw invalidTags(`'${pyStr(tags)}' is not a list.`);
  // neutron-lib's list check: the duplicates (each once, as it recurs) before the items' types.
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const t of tags) {
    const key = JSON.stringify(t);
    if (seen.has(key) && !dups.includes(key)) dups.push(key);
    seen.add(key);
  }
  if (dups.length > 0)
    throw invalidTags(`Duplicate items in the list: '${dups.map((d) => pyStr(JSON.parse(d) as Json)).join(', ')}'.`);
  for (const t of tags) {
    if (typeof t !== 'string') throw invalidTags(`'${pyStr(t)}' is not a valid string.`);
    if (t.length > MAX_TAG_LEN) throw invalidTags(`'${t}' exceeds maximum length of ${MAX_TAG_LEN}.`);
  }
  return tags as string[];
}

/** `/v2.0/<collection>/ID/tags[/TAG]`: replace, add one, remove one, remove all. */
function tagWrite(
  call: ApiCall,
  name: string,
  col: Collection,
  id: string,
  tag: string | undefined,
): Write | Answer {
  const targets = TAG_TARGETS[name];
  if (!targets) return pathNotFound();
  const path = `/v2.0/${name}/${id}/tags`;
  const find = (c: Cloud) => {
    const r = targets(c).find((x) => x.id === id);
    if (!r)
      throw new Refusal(
        neutronFault(
          404,
          'TagResourceNotFound',
          `Resource ${col.plural} ${id} could not be found.`,
        ),
      );
    return r;
  };
  if (call.method === 'POST') return neutronFault(404, 'HTTPNotFound', 'not supported');
  if (call.method === 'PUT' && tag === undefined) {
    const tags = tagsOf(call.body);
    return (c) => {
      putTags(c, find(c), tags, path);
      return json(200, { tags }, false);
    };
  }
  // validate_tag comes before the resource is looked up (neutron/extensions/tagging.py).
  if (tag !== undefined && tag.length > MAX_TAG_LEN) throw invalidTags(`'${tag}' exceeds maximum length of ${MAX_TAG_LEN}.`);
  if (call.method === 'PUT' && tag !== undefined)
    return (c) => {
      putTag(c, find(c), tag);
      return json(201, null, false);
    };
  if (call.method === 'DELETE' && tag === undefined)
    return (c) => {
      deleteTags(c, find(c));
      return noContent();
    };
  if (call.method === 'DELETE' && tag !== undefined)
    return (c) => {
      deleteTag(c, find(c), tag, path);
      return noContent();
    };
  return methodNotAllowed();
}

/** What GET answers for these segments under /v2.0 (the quotas controller answers some writes as reads). */
type Read = (segments: readonly string[]) => Answer;

/**
 * /v2.0/quotas[/PROJECT[/default]] by method, as quotasv2 routes them (checked on the oracle): PUT
 * and DELETE of a project change its limits; every other method on a project, and anything on its
 * defaults, shows them; on the collection Neutron answers a POST with its 501, a PUT fails inside
 * Neutron, the rest list.
 */
function quotaWrite(call: ApiCall, rest: readonly string[], read: Read): Write | Answer {
  const [project, sub] = rest;
  if (project === undefined) {
    if (call.method === 'POST')
      return neutronFault(
        501,
        'HTTPNotImplemented',
        'POST requests are not supported on this resource.',
      );
    return call.method === 'PUT' ? internalError() : read(['quotas']);
  }
  if (rest.length > 2 || (sub !== undefined && sub !== 'default')) return pathNotFound();
  if (sub === 'default' || (call.method !== 'PUT' && call.method !== 'DELETE'))
    return read(['quotas', ...rest]);
  if (call.method === 'DELETE')
    return (c) => {
      removeQuota(c, project);
      return noContent();
    };
  const body = parseBody(call.body);
  const quota = body['quota'];
  // quotasv2 reads body['quota'] without checking it: anything else fails inside Neutron.
  if (quota === null || typeof quota !== 'object' || Array.isArray(quota)) return internalError();
  // A number past a float (1e400: inf to Python) fails int() uncaught; an integer of any size
  // reaches the range check (a 400 naming it, as the Neutron oracle answers).
  if (Object.values(quota).some((v) => typeof v === 'number' && !Number.isFinite(v))) return internalError();
  return (c) => json(200, { quota: quotaOrder(putQuota(c, project, quota)) }, false);
}

/**
 * How a collection's POST takes a list (`{plural: [...]}`), as its plugin does (checked on the
 * oracle): ML2 creates networks and subnets in bulk; subnet pools refuse it; the address scope
 * plugin fails on it; RBAC policies have no bulk key (the body is read for the member's key).
 * Collections not named here take it as ML2 does.
 */
const BULK: Readonly<Record<string, 'native' | 'refused' | 'fails' | 'none'>> = {
  subnetpools: 'refused',
  'address-scopes': 'fails',
  'rbac-policies': 'none',
};

/** The webob 404 page of a write to the extensions' controller (checked on the oracle for POST). */
const extensionsWrite = (path: string) =>
  new SimError(
    404,
    'The resource could not be found.<br /><br />\nResource not found.\n\n',
    path,
    'network',
    'HTTPNotFound',
  );

/**
 * neutron-dynamic-routing's scheduler: POST /v2.0/agents/AGENT/bgp-drinstances with
 * `{"bgp_speaker_id": ID}` binds a speaker to a BGP agent (201, no resource to show), DELETE
 * /v2.0/agents/AGENT/bgp-drinstances/SPEAKER unbinds it (204).
 */
function drInstanceWrite(
  call: ApiCall,
  agentId: string,
  speakerId: string | undefined,
): Write | Answer {
  const base = `/v2.0/agents/${agentId}/bgp-drinstances`;
  if (call.method === 'POST' && speakerId === undefined) {
    const id = parseBody(call.body)['bgp_speaker_id'];
    return (c) => {
      addSpeakerToAgent(
        c,
        agentId,
        speakerById(c, typeof id === 'string' ? id : String(id ?? ''), base),
      );
      return json(201, null, false);
    };
  }
  if (call.method === 'DELETE' && speakerId !== undefined)
    return (c) => {
      removeSpeakerFromAgent(c, agentId, speakerById(c, speakerId, `${base}/${speakerId}`));
      return noContent();
    };
  return methodNotAllowed();
}

/** The write a call names (its checks on the body done), or the answer that refuses it. */
function writeOf(c: Cloud, call: ApiCall, read: Read): Write | Answer {
  // Routes takes a path with trailing slashes as without them.
  const segments = call.path.slice(1);
  while (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  const [name = '', id, sub, tag, ...more] = segments;
  if (segments.length === 0 || (name === '' && segments.length === 1)) return methodNotAllowed();
  if (name === 'quotas') return quotaWrite(call, segments.slice(1), read);
  if (name === 'extensions') throw extensionsWrite(`/v2.0/${segments.join('/')}`);
  if (name === 'agents' && id !== undefined && sub === 'bgp-drinstances' && more.length === 0)
    return drInstanceWrite(call, id, tag);
  const col = collectionOf(c, name);
  if (!col || more.length > 0 || id === '') return pathNotFound();
  const writes: CollectionWrites = WRITES[name] ?? {};
  if (id === undefined) {
    if (call.method === 'POST') {
      const create = writes.create;
      if (!create) return methodNotAllowed();
      const mode = BULK[name] ?? 'native';
      const body = parseBody(call.body);
      if (mode !== 'none' && Object.hasOwn(body, col.plural)) {
        if (mode === 'refused') return badRequestAnswer('Bulk operation not supported');
        if (mode === 'fails') return internalError();
      }
      const { bulk, items } = membersOf(body, col, mode !== 'none');
      const path = `/v2.0/${name}`;
      return (draft) => {
        const made = items.map((item) => create(draft, item, path));
        return json(
          201,
          bulk ? { [col.plural]: made } : { [col.member]: made[0] ?? null },
          col.compact,
        );
      };
    }
    // Routes sends a member's methods without an id to the member's controller with none.
    if (call.method === 'PUT' || call.method === 'DELETE') return resourceNotFound(name, 'None');
    return methodNotAllowed();
  }
  const path = `/v2.0/${name}/${id}`;
  if (sub === 'tags') return tagWrite(call, name, col, id, tag);
  if (tag !== undefined) return pathNotFound();
  if (sub !== undefined) {
    // An own action only: `toString`, `constructor` and the like are no action (a 404), not the
    // prototype's functions run on the cloud.
    const action = writes.actions ? ownValue(writes.actions, sub) : undefined;
    if (call.method !== 'PUT' || !action) return pathNotFound();
    const body = parseBody(call.body);
    return (draft) => json(200, action(draft, id, body, `${path}/${sub}`), col.compact);
  }
  if (call.method === 'PUT') {
    const update = writes.update;
    if (!update) return methodNotAllowed();
    const member = memberOf(parseBody(call.body), col.member);
    return (draft) => json(200, { [col.member]: update(draft, id, member, path) }, col.compact);
  }
  if (call.method === 'DELETE') {
    const remove = writes.remove;
    if (!remove) return methodNotAllowed();
    return (draft) => {
      remove(draft, id, path);
      return noContent();
    };
  }
  return methodNotAllowed();
}

/** Any call under /v2.0 once the token is known: a read on the cloud as it is, a write in a transaction. */
function handle(cloud: Cloud, call: ApiCall, ctx: ApiContext): ApiResult {
  if (call.method === 'GET' || call.method === 'HEAD')
    return {
      cloud,
      answer: neutronGet(cloud, call.path.slice(1), call.query, ctx.base, ctx.accept),
    };
  if (call.path[0] !== 'v2.0') return { cloud, answer: rootNotFound(ctx.accept) };
  let write: Write | Answer;
  try {
    write = writeOf(cloud, call, (segments) =>
      neutronGet(cloud, segments, call.query, ctx.base, ctx.accept),
    );
  } catch (e) {
    return { cloud, answer: fault(e, ctx.accept) };
  }
  if (typeof write !== 'function') return { cloud, answer: write };
  return run(cloud, write, ctx.accept);
}

export const neutronService: Service = {
  anonymous: (call, ctx) => {
    if (call.path[0] === 'v2.0') return null;
    if (
      call.path.length === 1 &&
      call.path[0] === '' &&
      (call.method === 'GET' || call.method === 'HEAD')
    )
      return neutronVersions(ctx.base);
    return rootNotFound(ctx.accept);
  },
  handle,
};
