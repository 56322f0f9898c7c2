/** `openstack subnet pool …` and `openstack address scope …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { AddressScope, SubnetPool } from '../../sim/model/subnet-pool.js';
import type { CellValue } from '../../render/pyvalue.js';
import { postSubnetPool, putSubnetPool, subnetPoolWrites } from '../../sim/api/neutron/requests/subnetpools.js';
import { addressScopeWrites, postAddressScope, putAddressScope } from '../../sim/api/neutron/requests/address-scopes.js';
import type { JsonObject } from '../../sim/api/json.js';
import { addressScopeDict, listAddressScopes, listSubnetPools, subnetPoolDict, subnetPoolGetDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { createdWithTags, deleteEach, findBy, flag, none, num, pair, req, sdkBody, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, listAttr, sortFields } from './format.js';
import { findProject } from './project.js';
import { visiblePools, visibleScopes } from '../../sim/visibility.js';
import { afterCommit } from '../errors.js';
import { setTagsAsClient, tagsPath } from '../../sim/api/neutron/requests/tags.js';

export function findSubnetPool(c: Cloud, nameOrId: string): SubnetPool {
  return findBy(visiblePools(c), 'SubnetPool', nameOrId);
}

export function findAddressScope(c: Cloud, nameOrId: string): AddressScope {
  return findBy(visibleScopes(c), 'AddressScope', nameOrId);
}

/** `subnet pool show`/`create` rows from the API's pool. */
function poolShow(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = [
    ['address_scope_id', attr(d, 'address_scope_id')],
    ['created_at', attr(d, 'created_at')],
    ['default_prefixlen', attr(d, 'default_prefixlen')],
    ['default_quota', attr(d, 'default_quota')],
    ['description', attr(d, 'description')],
    ['id', attr(d, 'id')],
    ['ip_version', attr(d, 'ip_version')],
    ['is_default', attr(d, 'is_default')],
    ['max_prefixlen', attr(d, 'max_prefixlen')],
    ['min_prefixlen', attr(d, 'min_prefixlen')],
    ['name', attr(d, 'name')],
    ['prefixes', listAttr(d, 'prefixes')],
    ['project_id', attr(d, 'project_id')],
    ['revision_number', attr(d, 'revision_number')],
    ['shared', attr(d, 'shared')],
    ['tags', listAttr(d, 'tags')],
    ['updated_at', attr(d, 'updated_at')],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

/** `address scope show`/`create` rows from the API's scope. */
function scopeShow(d: JsonObject): Output {
  return {
    kind: 'show',
    data: { fields: ['id', 'ip_version', 'name', 'project_id', 'shared'].map((k): [string, CellValue] => [k, attr(d, k)]) },
  };
}

/** The wire names of openstacksdk's SubnetPool attributes that differ from them (for `--extra-property`). */
const SDK_POOL_NAMES: Readonly<Record<string, string>> = {
  default_prefix_length: 'default_prefixlen',
  is_shared: 'shared',
  maximum_prefix_length: 'max_prefixlen',
  minimum_prefix_length: 'min_prefixlen',
};

/** _get_attrs: what `subnet pool create` and `subnet pool set` send, in OSC's order. */
function poolAttrs(c: Cloud, a: Args): JsonObject {
  const b: JsonObject = {};
  const name = str(a, 'name');
  if (name !== undefined) b['name'] = name;
  const prefixes = strs(a, 'prefixes');
  if (prefixes.length > 0) b['prefixes'] = prefixes;
  for (const [k, key] of [['default_prefix_length', 'default_prefixlen'], ['min_prefix_length', 'min_prefixlen'], ['max_prefix_length', 'max_prefixlen']] as const) {
    const v = num(a, k);
    if (v !== undefined) b[key] = v;
  }
  const scope = str(a, 'address_scope');
  if (scope !== undefined) b['address_scope_id'] = findAddressScope(c, scope).id;
  if (flag(a, 'no_address_scope')) b['address_scope_id'] = null;
  if (flag(a, 'default')) b['is_default'] = true;
  if (flag(a, 'no_default')) b['is_default'] = false;
  if (flag(a, 'share')) b['shared'] = true;
  if (flag(a, 'no_share')) b['shared'] = false;
  const project = str(a, 'project');
  if (project !== undefined) b['project_id'] = findProject(c, project).id;
  const desc = str(a, 'description');
  if (desc !== undefined) b['description'] = desc;
  const q = num(a, 'default_quota');
  if (q !== undefined) b['default_quota'] = q;
  return b;
}

function poolCreate(c: Cloud, a: Args): Output {
  const b = poolAttrs(c, a);
  // "NeutronServer expects prefixes to be a List".
  if (!('prefixes' in b)) b['prefixes'] = [];
  const p = postSubnetPool(c, sdkBody(b, a, SDK_POOL_NAMES).body);
  return createdWithTags(c, p, strs(a, 'tags'), tagsPath('subnetpools', p.id), () => poolShow(subnetPoolDict(p)));
}

/** An attribute openstacksdk declares an int: the API's text converted as the resource reads it. */
function sdkIntAttr(d: JsonObject, k: string): CellValue {
  const v = d[k];
  return typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : attr(d, k);
}

function poolList(c: Cloud, a: Args): Output {
  const q: Record<string, FilterValue> = {};
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) q['shared'] = share;
  const def = pair(a, 'default', 'no_default');
  if (def !== undefined) q['is_default'] = def;
  const name = str(a, 'name');
  if (name !== undefined) q['name'] = name;
  const scope = str(a, 'address_scope');
  if (scope !== undefined) q['address_scope_id'] = findAddressScope(c, scope).id;
  const project = str(a, 'project');
  if (project !== undefined) q['project_id'] = findProject(c, project).id;
  const pools = listSubnetPools(c, { filters: q, tags: tagFilter(a) });
  if (flag(a, 'long')) {
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Prefixes', 'Default Prefix Length', 'Address Scope', 'Default Subnet Pool', 'Shared', 'Tags'],
        rows: pools.map((p) => [attr(p, 'id'), attr(p, 'name'), listAttr(p, 'prefixes'), sdkIntAttr(p, 'default_prefixlen'), attr(p, 'address_scope_id'), attr(p, 'is_default'), attr(p, 'shared'), listAttr(p, 'tags')]),
      },
    };
  }
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Prefixes'], rows: pools.map((p) => [attr(p, 'id'), attr(p, 'name'), listAttr(p, 'prefixes')]) } };
}

function poolSet(c: Cloud, a: Args): Output {
  const p = findSubnetPool(c, req(a, 'subnet_pool'));
  // The pool as the SDK found it (GET): its prefix lengths are text, so a length given is always sent.
  const found = subnetPoolGetDict(p);
  const b = poolAttrs(c, a);
  // The pool's prefixes must stay: OSC sends the new ones, then the pool's.
  if (Array.isArray(b['prefixes'])) b['prefixes'] = [...b['prefixes'], ...(Array.isArray(found['prefixes']) ? found['prefixes'] : [])];
  const { body } = sdkBody(b, a, SDK_POOL_NAMES);
  sdkUpdate(found, body, (send) => putSubnetPool(c, p, send));
  afterCommit(() => setTagsAsClient(c, p, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') }, tagsPath('subnetpools', p.id)));
  return none;
}

function scopeList(c: Cloud, a: Args): Output {
  const q: Record<string, FilterValue> = {};
  const name = str(a, 'name');
  if (name !== undefined) q['name'] = name;
  const v = str(a, 'ip_version') ?? num(a, 'ip_version');
  if (v !== undefined) q['ip_version'] = v;
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) q['shared'] = share;
  const project = str(a, 'project');
  if (project !== undefined) q['project_id'] = findProject(c, project).id;
  const cols = ['id', 'name', 'ip_version', 'shared', 'project_id'];
  return {
    kind: 'list',
    data: { headers: ['ID', 'Name', 'IP Version', 'Shared', 'Project'], rows: listAddressScopes(c, { filters: q }).map((s) => cols.map((k) => attr(s, k))) },
  };
}

export const subnetPoolCommands: OscCommand[] = [
  { name: 'subnet pool create', run: ({ cloud, args }) => poolCreate(cloud, args) },
  { name: 'subnet pool list', run: ({ cloud, args }) => poolList(cloud, args) },
  { name: 'subnet pool show', run: ({ cloud: c, args: a }) => poolShow(subnetPoolDict(findSubnetPool(c, req(a, 'subnet_pool')))) },
  { name: 'subnet pool set', run: ({ cloud, args }) => poolSet(cloud, args) },
  {
    name: 'subnet pool unset',
    run: ({ cloud: c, args: a }) => {
      const p = findSubnetPool(c, req(a, 'subnet_pool'));
      afterCommit(() => setTagsAsClient(c, p, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') }, tagsPath('subnetpools', p.id)));
      return none;
    },
  },
  {
    name: 'subnet pool delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'subnet_pool'), { one: 'subnet pool', many: 'subnet pools' }, (t) => {
        const p = findSubnetPool(c, t);
        subnetPoolWrites.remove?.(c, p.id, `/v2.0/subnetpools/${p.id}`);
      }),
  },
  {
    name: 'address scope create',
    run: ({ cloud: c, args: a }) => {
      const b: JsonObject = { name: req(a, 'name'), ip_version: num(a, 'ip_version') ?? 4 };
      if (flag(a, 'share')) b['shared'] = true;
      if (flag(a, 'no_share')) b['shared'] = false;
      const project = str(a, 'project');
      if (project !== undefined) b['project_id'] = findProject(c, project).id;
      return scopeShow(addressScopeDict(postAddressScope(c, sdkBody(b, a, { is_shared: 'shared' }).body)));
    },
  },
  { name: 'address scope list', run: ({ cloud, args }) => scopeList(cloud, args) },
  { name: 'address scope show', run: ({ cloud: c, args: a }) => scopeShow(addressScopeDict(findAddressScope(c, req(a, 'address_scope')))) },
  {
    name: 'address scope set',
    run: ({ cloud: c, args: a }) => {
      const s = findAddressScope(c, req(a, 'address_scope'));
      const b: JsonObject = {};
      const name = str(a, 'name');
      if (name !== undefined) b['name'] = name;
      if (flag(a, 'share')) b['shared'] = true;
      if (flag(a, 'no_share')) b['shared'] = false;
      sdkUpdate(addressScopeDict(s), sdkBody(b, a, { is_shared: 'shared' }).body, (send) => putAddressScope(c, s, send));
      return none;
    },
  },
  {
    name: 'address scope delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'address_scope'), { one: 'address scope', many: 'address scopes' }, (t) =>
        {
          const s = findAddressScope(c, t);
          addressScopeWrites.remove?.(c, s.id, `/v2.0/address-scopes/${s.id}`);
        },
      ),
  },
];
