/**
 * POST, PUT and DELETE /v2.0/subnetpools: a body's attributes as the subnet pool ops take them.
 * The legacy CLI's subnetpool-create and subnetpool-update send their bodies through
 * postSubnetPool and putSubnetPool.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { SubnetPool } from '../../../model/subnet-pool.js';
import { SimError } from '../../../errors.js';
import {
  createSubnetPool,
  deleteSubnetPool,
  updateSubnetPool,
  type SubnetPoolCreate,
  type SubnetPoolUpdate,
} from '../../../ops/subnet-pool.js';
import { visiblePools } from '../../../visibility.js';
import type { JsonObject } from '../../json.js';
import { subnetPoolDict, subnetPoolGetDict } from '../subnetpool.js';
import type { CollectionWrites } from './types.js';
import {
  defined,
  flag,
  int,
  ordered,
  prepare,
  text,
  visible,
} from './order.js';

const PATH = '/v2.0/subnetpools';

/** The keys of a POST answer; its prefix lengths are text (as the database column gives them back). */
const CREATE_ORDER = [
  'id',
  'name',
  'tenant_id',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'is_default',
  'shared',
  'prefixes',
  'ip_version',
  'default_quota',
  'address_scope_id',
  'description',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
  'project_id',
];

/** The keys of a PUT answer (the pool object's own order; it has no default_quota). */
const UPDATE_ORDER = [
  'id',
  'project_id',
  'name',
  'ip_version',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'shared',
  'is_default',
  'address_scope_id',
  'revision_number',
  'description',
  'created_at',
  'updated_at',
  'tenant_id',
  'prefixes',
  'tags',
];

/** `prefixes`: a list of text (the ops parse each CIDR), or undefined when not given. */
function prefixes(b: JsonObject, path: string, create = false): string[] | undefined {
  const v = b['prefixes'];
  if (v === undefined) return undefined;
  // requestBody has validated the list (type:subnet_list); the plugin refuses an empty one (at
  // create, after the policy: the op does it).
  if (!Array.isArray(v)) return undefined;
  if (v.length === 0 && !create)
    throw new SimError(
      400,
      'Empty subnet pool prefix list.',
      path,
      'network',
      'EmptySubnetPoolPrefixList',
    );
  return v.map((p) => String(p));
}

/** What a create and an update body both say of a pool. */
function common(b: JsonObject, path: string, create = false) {
  return {
    description: text(b, 'description'),
    prefixes: prefixes(b, path, create),
    defaultPrefixlen: int(b, 'default_prefixlen'),
    minPrefixlen: int(b, 'min_prefixlen'),
    maxPrefixlen: int(b, 'max_prefixlen'),
    isDefault: flag(b, 'is_default'),
  };
}

/** POST /v2.0/subnetpools with this `subnetpool` body: the new pool. */
export function postSubnetPool(c: Cloud, body: JsonObject): SubnetPool {
  const b = prepare(c, 'subnetpools', 'create', PATH, body);
  const scope = b['address_scope_id'] === null ? null : text(b, 'address_scope_id');
  const own = common(b, PATH, true);
  return createSubnetPool(
    c,
    defined<SubnetPoolCreate>({
      ...own,
      name: text(b, 'name') ?? '',
      prefixes: own.prefixes ?? [],
      projectId: text(b, 'tenant_id'),
      shared: flag(b, 'shared'),
      addressScopeId: scope ?? undefined,
      defaultQuota: int(b, 'default_quota'),
    }),
  );
}

/** PUT /v2.0/subnetpools/ID with this `subnetpool` body, on the pool the caller named. */
export function putSubnetPool(c: Cloud, pool: SubnetPool, body: JsonObject): SubnetPool {
  const path = `${PATH}/${pool.id}`;
  const b = prepare(c, 'subnetpools', 'update', path, body);
  const scope = b['address_scope_id'] === null ? null : text(b, 'address_scope_id');
  updateSubnetPool(
    c,
    pool,
    defined<SubnetPoolUpdate>({
      ...common(b, path),
      name: text(b, 'name'),
      addressScopeId: scope,
      defaultQuota: b['default_quota'] === null ? null : int(b, 'default_quota'),
    }),
  );
  return pool;
}

function findPool(c: Cloud, id: string, path: string): SubnetPool {
  return visible(visiblePools(c), id, path, `Subnet pool ${id} could not be found.`);
}

export const subnetPoolWrites: CollectionWrites = {
  create: (c, member) => {
    return ordered(subnetPoolGetDict(postSubnetPool(c, member)), CREATE_ORDER);
  },
  // The body is checked before the resource is looked up (a bad body on a missing one is a 400).
  update: (c, id, member, path) => {
    prepare(c, 'subnetpools', 'update', path, member);
    const d = subnetPoolDict(putSubnetPool(c, findPool(c, id, path), member));
    delete d['default_quota'];
    return ordered(d, UPDATE_ORDER);
  },
  remove: (c, id, path) => deleteSubnetPool(c, findPool(c, id, path)),
};
