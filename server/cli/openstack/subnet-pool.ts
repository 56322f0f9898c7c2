/** `openstack subnet pool …` and `openstack address scope …` */
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
import { byTags, deleteEach, findBy, flag, none, num, pair, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { listCol, sortFields } from './format.js';
import { findProject } from './project.js';
import { visiblePools, visibleScopes } from '../../sim/visibility.js';

export function findSubnetPool(c: Cloud, nameOrId: string): SubnetPool {
  return findBy(visiblePools(c), 'SubnetPool', nameOrId);
}

export function findAddressScope(c: Cloud, nameOrId: string): AddressScope {
  return findBy(visibleScopes(c), 'AddressScope', nameOrId);
}

function byId<T extends { id: string }>(xs: T[]): T[] {
  return [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function poolShow(p: SubnetPool): Output {
  const fields: Array<[string, CellValue]> = [
    ['address_scope_id', p.addressScopeId],
    ['created_at', p.createdAt],
    ['default_prefixlen', p.defaultPrefixlen],
    ['default_quota', p.defaultQuota],
    ['description', p.description],
    ['id', p.id],
    ['ip_version', p.ipVersion],
    ['is_default', p.isDefault],
    ['max_prefixlen', p.maxPrefixlen],
    ['min_prefixlen', p.minPrefixlen],
    ['name', p.name],
    ['prefixes', listCol(p.prefixes)],
    ['project_id', p.projectId],
    ['revision_number', p.revision],
    ['shared', p.shared],
    ['tags', listCol(p.tags)],
    ['updated_at', p.updatedAt],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function scopeShow(s: AddressScope): Output {
  return {
    kind: 'show',
    data: { fields: [['id', s.id], ['ip_version', s.ipVersion], ['name', s.name], ['project_id', s.projectId], ['shared', s.shared]] },
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
  for (const t of strs(a, 'tags')) if (!p.tags.includes(t)) p.tags.push(t);
  return poolShow(p);
}

function poolList(c: Cloud, a: Args): Output {
  let pools = byTags(a, byId(visiblePools(c)));
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) pools = pools.filter((p) => p.shared === share);
  const def = pair(a, 'default', 'no_default');
  if (def !== undefined) pools = pools.filter((p) => p.isDefault === def);
  const name = str(a, 'name');
  if (name !== undefined) pools = pools.filter((p) => p.name === name);
  const scope = str(a, 'address_scope');
  if (scope !== undefined) {
    const s = findAddressScope(c, scope);
    pools = pools.filter((p) => p.addressScopeId === s.id);
  }
  const project = str(a, 'project');
  if (project !== undefined) {
    const pid = findProject(c, project).id;
    pools = pools.filter((p) => p.projectId === pid);
  }
  if (flag(a, 'long')) {
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Prefixes', 'Default Prefix Length', 'Address Scope', 'Default Subnet Pool', 'Shared', 'Tags'],
        rows: pools.map((p) => [p.id, p.name, listCol(p.prefixes), p.defaultPrefixlen, p.addressScopeId, p.isDefault, p.shared, listCol(p.tags)]),
      },
    };
  }
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Prefixes'], rows: pools.map((p) => [p.id, p.name, listCol(p.prefixes)]) } };
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
  updateSubnetPool(c, p, u);
  if (flag(a, 'no_tag')) p.tags = [];
  for (const t of strs(a, 'tags')) if (!p.tags.includes(t)) p.tags.push(t);
  return none;
}

function scopeList(c: Cloud, a: Args): Output {
  let scopes = byId(visibleScopes(c));
  const name = str(a, 'name');
  if (name !== undefined) scopes = scopes.filter((s) => s.name === name);
  const v = str(a, 'ip_version') ?? num(a, 'ip_version');
  if (v !== undefined) scopes = scopes.filter((s) => String(s.ipVersion) === String(v));
  const share = pair(a, 'share', 'no_share');
  if (share !== undefined) scopes = scopes.filter((s) => s.shared === share);
  const project = str(a, 'project');
  if (project !== undefined) {
    const pid = findProject(c, project).id;
    scopes = scopes.filter((s) => s.projectId === pid);
  }
  return {
    kind: 'list',
    data: { headers: ['ID', 'Name', 'IP Version', 'Shared', 'Project'], rows: scopes.map((s) => [s.id, s.name, s.ipVersion, s.shared, s.projectId]) },
  };
}

export const subnetPoolCommands: OscCommand[] = [
  { name: 'subnet pool create', run: ({ cloud, args }) => poolCreate(cloud, args) },
  { name: 'subnet pool list', run: ({ cloud, args }) => poolList(cloud, args) },
  { name: 'subnet pool show', run: ({ cloud: c, args: a }) => poolShow(findSubnetPool(c, req(a, 'subnet_pool'))) },
  { name: 'subnet pool set', run: ({ cloud, args }) => poolSet(cloud, args) },
  {
    name: 'subnet pool unset',
    run: ({ cloud: c, args: a }) => {
      const p = findSubnetPool(c, req(a, 'subnet_pool'));
      if (flag(a, 'all_tag')) p.tags = [];
      const tags = strs(a, 'tags');
      p.tags = p.tags.filter((t) => !tags.includes(t));
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
      return scopeShow(s);
    },
  },
  { name: 'address scope list', run: ({ cloud, args }) => scopeList(cloud, args) },
  { name: 'address scope show', run: ({ cloud: c, args: a }) => scopeShow(findAddressScope(c, req(a, 'address_scope'))) },
  {
    name: 'address scope set',
    run: ({ cloud: c, args: a }) => {
      const s = findAddressScope(c, req(a, 'address_scope'));
      const name = str(a, 'name');
      const share = pair(a, 'share', 'no_share');
      updateAddressScope(c, s, { ...(name !== undefined ? { name } : {}), ...(share !== undefined ? { shared: share } : {}) });
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
