/** Subnet pools (prefix bounds, default pools per IP version) and address scopes. */
import type { Cloud } from '../model/cloud.js';
import type { AddressScope, SubnetPool } from '../model/subnet-pool.js';
import type { Std } from '../model/std.js';
import { neutronError, SimError } from '../errors.js';
import { cidrsOverlap, formatCidr, mergeCidrs, parseCidr, subnetListError, type Cidr } from '../ipam.js';
import { checkOwner, newId, newStd, policyError, touch } from './context.js';
import { checkQuota } from './quota.js';
import { policyExpr } from './network.js';

const PATH = '/v2.0/subnetpools';
const SCOPE_PATH = '/v2.0/address-scopes';

export interface SubnetPoolCreate {
  name: string;
  prefixes: string[];
  defaultPrefixlen?: number;
  minPrefixlen?: number;
  maxPrefixlen?: number;
  shared?: boolean;
  isDefault?: boolean;
  addressScopeId?: string;
  description?: string;
  defaultQuota?: number;
  projectId?: string;
}

function parsePrefixes(path: string, raw: string[]): Cidr[] {
  // The API's type:subnet_list, before the plugin reads them.
  const why = subnetListError(raw);
  if (why !== null) throw neutronError.badRequest(path, `Invalid input for prefixes. Reason: ${why}.`);
  const out: Cidr[] = [];
  for (const p of raw) {
    const c = parseCidr(p);
    if (!c) throw neutronError.invalidInput(path, `${p} is not in a CIDR format.`);
    out.push(c);
  }
  const versions = new Set(out.map((c) => c.version));
  if (versions.size > 1) throw neutronError.badRequest(path, 'Cannot mix IPv4 and IPv6 prefixes in a subnet pool.');
  return out;
}

/**
 * subnet_alloc.py's order: the minimum against the maximum, the maximum against the version's
 * bits, then the default against the minimum and the maximum.
 */
function checkBounds(path: string, def: number, min: number, max: number, bits: number): void {
  const illegal = (type: string, n: number, base: string, b: number) => neutronError.badRequest(path, `Illegal prefix bounds: ${type}=${n}, ${base}=${b}.`);
  if (min > max) throw illegal('min_prefixlen', min, 'max_prefixlen', max);
  if (max > bits) throw illegal('max_prefixlen', max, 'ip_version_max', bits);
  if (def < min) throw illegal('default_prefixlen', def, 'min_prefixlen', min);
  if (def > max) throw illegal('default_prefixlen', def, 'max_prefixlen', max);
}

function checkScope(c: Cloud, path: string, pool: { id: string; ipVersion: 4 | 6; prefixes: string[] }, scopeId: string): void {
  const scope = c.addressScopes.find((s) => s.id === scopeId);
  if (!scope) throw neutronError.notFound(path, `Address scope ${scopeId} could not be found.`);
  if (scope.ipVersion !== pool.ipVersion) {
    throw neutronError.badRequest(
      path,
      `Illegal subnetpool association: subnetpool ${pool.id} cannot associate with address scope ${scope.id} because subnetpool ip_version is not ${scope.ipVersion}.`,
    );
  }
  const mine = pool.prefixes.map((p) => parseCidr(p)).filter((x): x is Cidr => x !== null);
  for (const other of c.subnetPools) {
    if (other.id === pool.id || other.addressScopeId !== scope.id) continue;
    const theirs = other.prefixes.map((p) => parseCidr(p)).filter((x): x is Cidr => x !== null);
    if (mine.some((a) => theirs.some((b) => cidrsOverlap(a, b)))) {
      throw neutronError.conflict(path, 'Failed to associate address scope: subnetpools within an address scope must have unique prefixes.');
    }
  }
}

export function createSubnetPool(c: Cloud, req: SubnetPoolCreate): SubnetPool {
  const path = PATH;
  const adminAttrs: string[] = [];
  if (req.shared) adminAttrs.push('shared');
  if (req.isDefault) adminAttrs.push('is_default');
  if (!c.auth.admin && adminAttrs.length > 0) throw policyError(path, policyExpr('create_subnetpool', adminAttrs));
  if (req.prefixes.length === 0) throw new SimError(400, 'Empty subnet pool prefix list.', path, 'network', 'EmptySubnetPoolPrefixList');
  const cidrs = parsePrefixes(path, req.prefixes);
  const first = cidrs[0];
  if (!first) throw neutronError.badRequest(path, "Invalid input for prefixes. Reason: '[]' is not a valid list of CIDRs.");
  const version = first.version;
  const bits = version === 4 ? 32 : 128;
  const min = req.minPrefixlen ?? (version === 4 ? 8 : 64);
  const max = req.maxPrefixlen ?? bits;
  const def = req.defaultPrefixlen ?? min;
  checkBounds(path, def, min, max, bits);
  if (req.isDefault && c.subnetPools.some((p) => p.isDefault && p.ipVersion === version)) {
    throw neutronError.invalidInput(path, 'A default subnetpool for this IP family has already been set. Only one default may exist per IP family.');
  }
  const projectId = req.projectId ?? c.auth.projectId;
  checkQuota(c, 'subnetpool', projectId, c.subnetPools.filter((p) => p.projectId === projectId).length, path);
  const std = newStd(c, req.name, projectId, req.description ?? '', 0);
  const pool: SubnetPool = Object.assign<Std, Omit<SubnetPool, keyof Std>>(std, {
    ipVersion: version,
    prefixes: mergeCidrs(cidrs).map(formatCidr),
    defaultPrefixlen: def,
    minPrefixlen: min,
    maxPrefixlen: max,
    shared: req.shared ?? false,
    isDefault: req.isDefault ?? false,
    addressScopeId: null,
    defaultQuota: req.defaultQuota ?? null,
  });
  if (req.addressScopeId !== undefined) {
    checkScope(c, path, pool, req.addressScopeId);
    pool.addressScopeId = req.addressScopeId;
  }
  if (pool.shared) checkSharedScope(c, path, pool);
  c.subnetPools.push(pool);
  return pool;
}

/**
 * Sharing a pool creates an RBAC policy for every project; Neutron's RBAC callback refuses it
 * when those projects could not see the pool's address scope (a scope that is not shared).
 * The callback's name carries a Python object id, which varies from one server to the next.
 */
function checkSharedScope(c: Cloud, path: string, pool: { id: string; addressScopeId: string | null }): void {
  const scope = pool.addressScopeId === null ? undefined : c.addressScopes.find((s) => s.id === pool.addressScopeId);
  if (!scope || scope.shared) return;
  throw neutronError.invalidInput(
    path,
    `Callback neutron.objects.subnetpool.RbacNeutronDbObjectMixin.validate_rbac_policy_change-8774568881881 failed with "Failed to create RBAC policy on object ${pool.id} because target project doesn't have access to associated address scope..".`,
  );
}

export interface SubnetPoolUpdate {
  name?: string;
  description?: string;
  prefixes?: string[];
  defaultPrefixlen?: number;
  minPrefixlen?: number;
  maxPrefixlen?: number;
  isDefault?: boolean;
  addressScopeId?: string | null;
  defaultQuota?: number | null;
}

export function updateSubnetPool(c: Cloud, pool: SubnetPool, upd: SubnetPoolUpdate): void {
  const path = `${PATH}/${pool.id}`;
  checkOwner(c, pool.projectId, path, 'update_subnetpool');
  if (!c.auth.admin && upd.isDefault !== undefined) throw policyError(path, policyExpr('update_subnetpool', ['is_default']));
  let prefixes = pool.prefixes;
  if (upd.prefixes !== undefined) {
    const next = mergeCidrs(parsePrefixes(path, upd.prefixes));
    const old = pool.prefixes.map((p) => parseCidr(p)).filter((x): x is Cidr => x !== null);
    const covered = old.every((o) => next.some((n) => n.version === o.version && n.prefix <= o.prefix && cidrsOverlap(n, o)));
    if (!covered) {
      throw neutronError.badRequest(path, 'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.');
    }
    prefixes = next.map(formatCidr);
  }
  const bits = pool.ipVersion === 4 ? 32 : 128;
  const min = upd.minPrefixlen ?? pool.minPrefixlen;
  const max = upd.maxPrefixlen ?? pool.maxPrefixlen;
  const def = upd.defaultPrefixlen ?? pool.defaultPrefixlen;
  checkBounds(path, def, min, max, bits);
  if (upd.isDefault && c.subnetPools.some((p) => p.id !== pool.id && p.isDefault && p.ipVersion === pool.ipVersion)) {
    throw neutronError.invalidInput(path, 'A default subnetpool for this IP family has already been set. Only one default may exist per IP family.');
  }
  if (upd.addressScopeId !== undefined && upd.addressScopeId !== null) {
    checkScope(c, path, { id: pool.id, ipVersion: pool.ipVersion, prefixes }, upd.addressScopeId);
  }
  pool.prefixes = prefixes;
  pool.minPrefixlen = min;
  pool.maxPrefixlen = max;
  pool.defaultPrefixlen = def;
  if (upd.name !== undefined) pool.name = upd.name;
  if (upd.description !== undefined) pool.description = upd.description;
  if (upd.isDefault !== undefined) pool.isDefault = upd.isDefault;
  if (upd.addressScopeId !== undefined) pool.addressScopeId = upd.addressScopeId;
  if (upd.defaultQuota !== undefined) pool.defaultQuota = upd.defaultQuota;
  touch(c, pool);
}

export function deleteSubnetPool(c: Cloud, pool: SubnetPool): void {
  const path = `${PATH}/${pool.id}`;
  checkOwner(c, pool.projectId, path, 'delete_subnetpool');
  if (c.subnets.some((s) => s.subnetpoolId === pool.id)) {
    throw neutronError.badRequest(path, 'Unable to delete subnet pool: Subnet pool has existing allocations.');
  }
  c.subnetPools = c.subnetPools.filter((p) => p.id !== pool.id);
}

export function createAddressScope(
  c: Cloud,
  req: { name: string; ipVersion: 4 | 6; shared?: boolean; projectId?: string },
): AddressScope {
  if (req.shared && !c.auth.admin) throw policyError(SCOPE_PATH, policyExpr('create_address_scope', ['shared']));
  const scope: AddressScope = {
    id: newId(c),
    name: req.name,
    projectId: req.projectId ?? c.auth.projectId,
    ipVersion: req.ipVersion,
    shared: req.shared ?? false,
  };
  c.addressScopes.push(scope);
  return scope;
}

export function updateAddressScope(c: Cloud, scope: AddressScope, upd: { name?: string; shared?: boolean }): void {
  const path = `${SCOPE_PATH}/${scope.id}`;
  checkOwner(c, scope.projectId, path, 'update_address_scope');
  if (upd.shared !== undefined && !c.auth.admin) throw policyError(path, policyExpr('update_address_scope', ['shared']));
  if (upd.name !== undefined) scope.name = upd.name;
  if (upd.shared !== undefined) scope.shared = upd.shared;
}

export function deleteAddressScope(c: Cloud, scope: AddressScope): void {
  const path = `${SCOPE_PATH}/${scope.id}`;
  checkOwner(c, scope.projectId, path, 'delete_address_scope');
  if (c.subnetPools.some((p) => p.addressScopeId === scope.id)) {
    throw neutronError.conflict(path, `Unable to complete operation on address scope ${scope.id}. There are one or more subnet pools in use on the address scope.`);
  }
  c.addressScopes = c.addressScopes.filter((s) => s.id !== scope.id);
}

/** A network's ipv4/ipv6 address scope: the scope of the pools its subnets came from. */
export function networkAddressScope(c: Cloud, networkId: string, version: 4 | 6): string | null {
  for (const s of c.subnets) {
    if (s.networkId !== networkId || s.ipVersion !== version || s.subnetpoolId === null) continue;
    const pool = c.subnetPools.find((p) => p.id === s.subnetpoolId);
    if (pool?.addressScopeId) return pool.addressScopeId;
  }
  return null;
}
