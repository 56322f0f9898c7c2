/** `openstack subnet pool …` and `openstack address scope …`: projects what sim/api/neutron answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { AddressScope, SubnetPool } from '../../sim/model/subnet-pool.js';
import type { CellValue } from '../../render/pyvalue.js';
import {
  createAddressScope,
  createSubnetPool,
  deleteAddressScope,
  deleteSubnetPool,
  updateAddressScope,
  updateSubnetPool,
  type SubnetPoolCreate,
  type SubnetPoolUpdate,
} from '../../sim/ops/subnet-pool.js';
import type { JsonObject } from '../../sim/api/json.js';
import { addressScopeDict, listAddressScopes, listSubnetPools, subnetPoolDict, type FilterValue } from '../../sim/api/neutron/index.js';
import { createdWithTags, deleteEach, findBy, flag, none, num, pair, req, str, strs, tagFilter, type Args, type OscCommand, type Output, sdkUpdate } from './common.js';
import { attr, listAttr, sortFields } from './format.js';
import { findProject } from './project.js';
import { visiblePools, visibleScopes } from '../../sim/visibility.js';
import { setTagsAsClient } from '../../sim/api/neutron/requests/tags.js';

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

function prefixLen(a: Args, k: string): number | undefined {
  return num(a, k);
}

function poolCreate(c: Cloud, a: Args): Output {
  const r: SubnetPoolCreate = { name: req(a, 'name'), prefixes: strs(a, 'prefixes') };
  const d = prefixLen(a, 'default_prefix_length');
  if (d !== undefined) r.defaultPrefixlen = d;
  const mn = prefixLen(a, 'min_prefix_length');
  if (mn !== undefined) r.minPrefixlen = mn;
  const mx = prefixLen(a, 'max_prefix_length');
  if (mx !== undefined) r.maxPrefixlen = mx;
  const scope = str(a, 'address_scope');
  if (scope !== undefined) r.addressScopeId = findAddressScope(c, scope).id;
  if (flag(a, 'default')) r.isDefault = true;
  if (flag(a, 'share')) r.shared = true;
  const desc = str(a, 'description');
  if (desc !== undefined) r.description = desc;
  const q = num(a, 'default_quota');
  if (q !== undefined) r.defaultQuota = q;
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  const p = createSubnetPool(c, r);
  return createdWithTags(c, p, strs(a, 'tags'), () => poolShow(subnetPoolDict(p)));
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
        rows: pools.map((p) => [attr(p, 'id'), attr(p, 'name'), listAttr(p, 'prefixes'), attr(p, 'default_prefixlen'), attr(p, 'address_scope_id'), attr(p, 'is_default'), attr(p, 'shared'), listAttr(p, 'tags')]),
      },
    };
  }
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Prefixes'], rows: pools.map((p) => [attr(p, 'id'), attr(p, 'name'), listAttr(p, 'prefixes')]) } };
}

function poolSet(c: Cloud, a: Args): Output {
  const p = findSubnetPool(c, req(a, 'subnet_pool'));
  const u: SubnetPoolUpdate = {};
  const name = str(a, 'name');
  if (name !== undefined) u.name = name;
  const prefixes = strs(a, 'prefixes');
  if (prefixes.length > 0) u.prefixes = [...p.prefixes, ...prefixes];
  const d = prefixLen(a, 'default_prefix_length');
  if (d !== undefined) u.defaultPrefixlen = d;
  const mn = prefixLen(a, 'min_prefix_length');
  if (mn !== undefined) u.minPrefixlen = mn;
  const mx = prefixLen(a, 'max_prefix_length');
  if (mx !== undefined) u.maxPrefixlen = mx;
  const scope = str(a, 'address_scope');
  if (scope !== undefined) u.addressScopeId = findAddressScope(c, scope).id;
  if (flag(a, 'no_address_scope')) u.addressScopeId = null;
  const def = pair(a, 'default', 'no_default');
  if (def !== undefined) u.isDefault = def;
  const desc = str(a, 'description');
  if (desc !== undefined) u.description = desc;
  const q = num(a, 'default_quota');
  if (q !== undefined) u.defaultQuota = q;
  sdkUpdate(p, u, (send) => updateSubnetPool(c, p, send));
  setTagsAsClient(c, p, { clear: flag(a, 'no_tag'), add: strs(a, 'tags') });
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
      setTagsAsClient(c, p, { clear: flag(a, 'all_tag'), remove: strs(a, 'tags') });
      return none;
    },
  },
  {
    name: 'subnet pool delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'subnet_pool'), { one: 'subnet pool', many: 'subnet pools' }, (t) => deleteSubnetPool(c, findSubnetPool(c, t))),
  },
  {
    name: 'address scope create',
    run: ({ cloud: c, args: a }) => {
      const project = str(a, 'project');
      const s = createAddressScope(c, {
        name: req(a, 'name'),
        ipVersion: (num(a, 'ip_version') ?? 4) as 4 | 6,
        ...(flag(a, 'share') ? { shared: true } : {}),
        ...(project !== undefined ? { projectId: findProject(c, project).id } : {}),
      });
      return scopeShow(addressScopeDict(s));
    },
  },
  { name: 'address scope list', run: ({ cloud, args }) => scopeList(cloud, args) },
  { name: 'address scope show', run: ({ cloud: c, args: a }) => scopeShow(addressScopeDict(findAddressScope(c, req(a, 'address_scope')))) },
  {
    name: 'address scope set',
    run: ({ cloud: c, args: a }) => {
      const s = findAddressScope(c, req(a, 'address_scope'));
      const name = str(a, 'name');
      const share = pair(a, 'share', 'no_share');
      sdkUpdate(s, { name, shared: share }, (send) => updateAddressScope(c, s, send));
      return none;
    },
  },
  {
    name: 'address scope delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'address_scope'), { one: 'address scope', many: 'address scopes' }, (t) =>
        deleteAddressScope(c, findAddressScope(c, t)),
      ),
  },
];
