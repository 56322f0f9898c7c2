/**
 * RBAC policies (Neutron 21's rbac-policies): made, retargeted and deleted by an object's owner or
 * an admin, with Neutron's checks. A policy for every project (`*`) on a network, subnet pool or
 * address scope is the object's `shared` (or a network's `external`) flag, as in Neutron where
 * the flag is read from that policy; its id is derived from the object's. Other policies are
 * kept in `cloud.rbac`. A network is external while any `access_as_external` policy exists.
 */
import type { Cloud } from '../model/cloud.js';
import type { RbacAction, RbacObjectType, RbacPolicy } from '../model/rbac.js';
import { hashSeed, seedRng, uuid4 } from '../rng.js';
import { neutronError } from '../errors.js';
import { newId, policyError } from './context.js';
import { neutronQuotas } from './quota.js';

const PATH = '/v2.0/rbac-policies';
export const RBAC_OBJECT_TYPES: readonly RbacObjectType[] = ['network', 'subnetpool', 'address_scope', 'security_group', 'address_group'];

/**
 * The Python callbacks Neutron names in its messages carry an object id that differs on every
 * server; Stacklab prints one fixed value (the goldens substitute it in the oracle's output).
 */
const CALLBACK_ID = '8774568881881';
const OBJECT_MODULE: Record<RbacObjectType, string> = {
  network: 'network',
  subnetpool: 'subnetpool',
  address_scope: 'address_scope',
  security_group: 'securitygroup',
  address_group: 'address_group',
};
/** The network callbacks the ML2 plugin and the IP-availability plugin (registered twice) run. */
const NETWORK_CALLBACKS = [
  'neutron.plugins.ml2.plugin.NeutronDbPluginV2',
  'neutron.services.network_ip_availability.plugin.NeutronDbPluginV2',
  'neutron.services.network_ip_availability.plugin.NeutronDbPluginV2',
];

function callback(owner: string, message: string): string {
  return `Callback ${owner}.validate_${owner.includes('RbacNeutronDbObjectMixin') ? '' : 'network_'}rbac_policy_change-${CALLBACK_ID} failed with "${message}"`;
}

function objectCallback(type: RbacObjectType, message: string): string {
  return callback(`neutron.objects.${OBJECT_MODULE[type]}.RbacNeutronDbObjectMixin`, message);
}

function networkCallbacks(message: string): string[] {
  return NETWORK_CALLBACKS.map((o) => callback(o, message));
}

/** A flag policy's id: stable for the object's life, like the row Neutron keeps. */
function flagPolicy(objectType: RbacObjectType, objectId: string, projectId: string, action: RbacAction): RbacPolicy {
  return { id: uuid4(seedRng(hashSeed(`rbac/${objectType}/${objectId}/${action}`))), projectId, objectType, objectId, action, targetTenant: '*' };
}

/** The policies kept, without those whose object is gone (a delete elsewhere leaves them behind). */
function stored(c: Cloud): RbacPolicy[] {
  return (c.rbac?.policies ?? []).filter((p) => findObject(c, p.objectType, p.objectId, p.action) !== null);
}

function noWildcard(c: Cloud): string[] {
  return c.rbac?.externalWithoutWildcard ?? [];
}

function save(c: Cloud, policies: RbacPolicy[], externalWithoutWildcard = noWildcard(c)): void {
  c.rbac = { policies, externalWithoutWildcard };
}

/** Whether a network is external for everyone (by its flag) rather than for some projects only. */
function externalForAll(c: Cloud, n: { id: string; external: boolean }): boolean {
  return n.external && !noWildcard(c).includes(n.id);
}

/**
 * Every policy, in the server's order: its tables one after the other (networks, subnet pools,
 * address scopes, security groups), a network's flags (shared before external) before the
 * policies made for it.
 */
export function allRbacPolicies(c: Cloud): RbacPolicy[] {
  const all: RbacPolicy[] = [];
  const explicit = (type: RbacObjectType) => stored(c).filter((p) => p.objectType === type);
  for (const n of c.networks) {
    if (n.shared) all.push(flagPolicy('network', n.id, n.projectId, 'access_as_shared'));
    if (externalForAll(c, n)) all.push(flagPolicy('network', n.id, n.projectId, 'access_as_external'));
  }
  all.push(...explicit('network'));
  for (const p of c.subnetPools) if (p.shared) all.push(flagPolicy('subnetpool', p.id, p.projectId, 'access_as_shared'));
  all.push(...explicit('subnetpool'));
  for (const s of c.addressScopes) if (s.shared) all.push(flagPolicy('address_scope', s.id, s.projectId, 'access_as_shared'));
  all.push(...explicit('address_scope'));
  all.push(...explicit('security_group'));
  all.push(...explicit('address_group'));
  return all;
}

/** Whether a policy of `action` on the object grants `projectId` (or every project). */
export function grants(c: Cloud, objectType: RbacObjectType, objectId: string, action: RbacAction, projectId: string): boolean {
  return stored(c).some((p) => p.objectType === objectType && p.objectId === objectId && p.action === action && (p.targetTenant === projectId || p.targetTenant === '*'));
}

interface Target {
  projectId: string;
  /** The object's flag for a wildcard, if it has one. */
  flag: { get: () => boolean; set: (v: boolean) => void } | null;
}

function findObject(c: Cloud, type: RbacObjectType, id: string, action: RbacAction): Target | null {
  if (type === 'network') {
    const n = c.networks.find((x) => x.id === id);
    if (!n) return null;
    if (action === 'access_as_shared') return { projectId: n.projectId, flag: { get: () => n.shared, set: (v) => (n.shared = v) } };
    return { projectId: n.projectId, flag: { get: () => externalForAll(c, n), set: (v) => setExternalForAll(c, n, v) } };
  }
  if (type === 'subnetpool') {
    const p = c.subnetPools.find((x) => x.id === id);
    return p ? { projectId: p.projectId, flag: { get: () => p.shared, set: (v) => (p.shared = v) } } : null;
  }
  if (type === 'address_scope') {
    const s = c.addressScopes.find((x) => x.id === id);
    return s ? { projectId: s.projectId, flag: { get: () => s.shared, set: (v) => (s.shared = v) } } : null;
  }
  if (type === 'address_group') {
    const a = c.addressGroups?.find((x) => x.id === id);
    return a ? { projectId: a.projectId, flag: null } : null;
  }
  const g = c.securityGroups.find((x) => x.id === id);
  return g ? { projectId: g.projectId, flag: null } : null;
}

/**
 * The wildcard `access_as_external` made or removed: the network stays external while a policy
 * for some project is left.
 */
function setExternalForAll(c: Cloud, n: { id: string; external: boolean }, on: boolean): void {
  const others = noWildcard(c).filter((id) => id !== n.id);
  const keep = !on && stored(c).some((p) => p.objectId === n.id && p.action === 'access_as_external');
  n.external = on || keep;
  save(c, c.rbac?.policies ?? [], keep ? [...others, n.id] : others);
}

/** A policy for one project: an external one makes the network external (for that project). */
function addPolicy(c: Cloud, policy: RbacPolicy): void {
  const n = policy.action === 'access_as_external' ? c.networks.find((x) => x.id === policy.objectId) : undefined;
  const marks = n && !n.external ? [...noWildcard(c), n.id] : noWildcard(c);
  if (n) n.external = true;
  save(c, [...stored(c), policy], marks);
}

export interface RbacCreate {
  objectType: string;
  objectId: string;
  action: string;
  targetTenant: string;
  /** The owner (`project_id`/`tenant_id` in the body); the caller's project when absent. */
  projectId?: string;
}

/** POST /v2.0/rbac-policies */
export function createRbacPolicy(c: Cloud, req: RbacCreate): RbacPolicy {
  const type = checkType(req.objectType);
  const action = checkAction(type, req.action);
  if (req.targetTenant === '*' && !c.auth.admin) throw policyError(PATH, '((((rule:create_rbac_policy and rule:create_rbac_policy:object_type) and rule:create_rbac_policy:object_id) and rule:create_rbac_policy:target_tenant) and rule:create_rbac_policy:action)');
  const obj = findObject(c, type, req.objectId, action);
  if (!obj || (!c.auth.admin && obj.projectId !== c.auth.projectId && !visibleToCaller(c, type, req.objectId))) {
    throw objectNotFound(type, req.objectId);
  }
  if (!c.auth.admin && obj.projectId !== c.auth.projectId) throw notOwner(type);
  const projectId = req.projectId ?? c.auth.projectId;
  checkRbacQuota(c, projectId);
  if (exists(c, type, req.objectId, action, req.targetTenant, obj)) throw neutronError.conflict(PATH, 'An RBAC policy already exists with those values.');
  if (type === 'subnetpool' && action === 'access_as_shared') checkPoolScopeReachable(c, req.objectId, req.targetTenant);
  if (req.targetTenant === '*' && obj.flag) {
    obj.flag.set(true);
    return flagPolicy(type, req.objectId, obj.projectId, action);
  }
  const policy: RbacPolicy = { id: newId(c), projectId, objectType: type, objectId: req.objectId, action, targetTenant: req.targetTenant };
  addPolicy(c, policy);
  return policy;
}

/** PUT /v2.0/rbac-policies/{id}: only the target may change; the old target must not be in use. */
export function updateRbacPolicy(c: Cloud, id: string, targetTenant: string): RbacPolicy {
  const path = `${PATH}/${id}`;
  const policy = findOwnPolicy(c, id);
  if (targetTenant === policy.targetTenant) return policy;
  if (targetTenant === '*' && !c.auth.admin) throw policyError(path, '(rule:update_rbac_policy and rule:update_rbac_policy:target_tenant)');
  const obj = findObject(c, policy.objectType, policy.objectId, policy.action);
  if (obj && exists(c, policy.objectType, policy.objectId, policy.action, targetTenant, obj)) {
    throw neutronError.conflict(path, 'An RBAC policy already exists with those values.');
  }
  checkNotInUse(c, path, policy);
  checkExternalNotInUse(c, path, policy, targetTenant);
  removePolicy(c, policy);
  if (targetTenant === '*' && obj?.flag) {
    obj.flag.set(true);
    return flagPolicy(policy.objectType, policy.objectId, obj.projectId, policy.action);
  }
  const updated = { ...policy, targetTenant };
  addPolicy(c, updated);
  return updated;
}

/** DELETE /v2.0/rbac-policies/{id} */
export function deleteRbacPolicy(c: Cloud, id: string): void {
  const policy = findOwnPolicy(c, id);
  checkNotInUse(c, `${PATH}/${id}`, policy);
  checkExternalNotInUse(c, `${PATH}/${id}`, policy);
  removePolicy(c, policy);
}

/** rbac.py's convert_valid_object_type: the type stripped and in lower case. */
function checkType(t: string): RbacObjectType {
  const type = RBAC_OBJECT_TYPES.find((x) => x === t.trim().toLowerCase());
  if (!type) throw neutronError.invalidInput(PATH, `'${t}' is not a valid RBAC object type.`);
  return type;
}

/** Networks take both actions; pools, scopes and groups only sharing (Neutron names them as a Python tuple). */
function checkAction(type: RbacObjectType, a: string): RbacAction {
  const allowed: readonly RbacAction[] = type === 'network' ? ['access_as_shared', 'access_as_external'] : ['access_as_shared'];
  const action = allowed.find((x) => x === a);
  if (!action) {
    const tuple = allowed.length === 1 ? `('${allowed[0]}',)` : `(${allowed.map((x) => `'${x}'`).join(', ')})`;
    throw neutronError.badRequest(PATH, `Invalid action '${a}' for object type '${type}'. Valid actions: ${tuple}`);
  }
  return action;
}

/** An object the caller cannot see: for a network, the ML2 and IP-availability callbacks' "not found". */
function objectNotFound(type: RbacObjectType, id: string): Error {
  if (type === 'network') return neutronError.invalidInput(PATH, `${networkCallbacks(`Network ${id} could not be found.`).join(',')}.`);
  return neutronError.notFound(PATH, `RBAC policy of type ${type} with ID ${id} not found`);
}

function visibleToCaller(c: Cloud, type: RbacObjectType, id: string): boolean {
  const obj = findObject(c, type, id, 'access_as_shared');
  return (obj?.flag?.get() ?? false) || grants(c, type, id, 'access_as_shared', c.auth.projectId) || (type === 'network' && grants(c, type, id, 'access_as_external', c.auth.projectId));
}

function notOwner(type: RbacObjectType): Error {
  const objects = objectCallback(type, 'Invalid input for operation: Only admins can manipulate policies on objects they do not own.');
  const extra = type === 'network' ? networkCallbacks('Invalid input for operation: Only admins can manipulate policies on networks they do not own.') : [];
  return neutronError.invalidInput(PATH, `${[objects, ...extra].join(',')}.`);
}

/** The rbac_policy quota counts the policies a project owns, its objects' flags included. */
function checkRbacQuota(c: Cloud, projectId: string): void {
  const limit = neutronQuotas(c, projectId).rbac_policy;
  const used = allRbacPolicies(c).filter((p) => p.projectId === projectId).length;
  if (limit >= 0 && used + 1 > limit) throw neutronError.conflict(PATH, "Quota exceeded for resources: ['rbac_policy'].");
}

function exists(c: Cloud, type: RbacObjectType, objectId: string, action: RbacAction, target: string, obj: Target): boolean {
  if (target === '*' && obj.flag) return obj.flag.get();
  return stored(c).some((p) => p.objectType === type && p.objectId === objectId && p.action === action && p.targetTenant === target);
}

/** A pool shared with a project needs a scope that project can use (Neutron's subnet-pool RBAC callback). */
function checkPoolScopeReachable(c: Cloud, poolId: string, target: string): void {
  const pool = c.subnetPools.find((p) => p.id === poolId);
  const scope = pool?.addressScopeId ? c.addressScopes.find((s) => s.id === pool.addressScopeId) : undefined;
  if (!pool || !scope || scope.shared || scope.projectId === target) return;
  if (target !== '*' && grants(c, 'address_scope', scope.id, 'access_as_shared', target)) return;
  throw neutronError.invalidInput(
    PATH,
    `${objectCallback('subnetpool', `Failed to create RBAC policy on object ${pool.id} because target project doesn't have access to associated address scope..`)}.`,
  );
}

/** A policy the caller may see (its own; any for an admin), by id. */
function findOwnPolicy(c: Cloud, id: string): RbacPolicy {
  const p = allRbacPolicies(c).find((x) => x.id === id && (c.auth.admin || x.projectId === c.auth.projectId));
  if (!p) throw neutronError.notFound(`${PATH}/${id}`, `RBAC policy of type unknown with ID ${id} not found`);
  return p;
}

function removePolicy(c: Cloud, policy: RbacPolicy): void {
  if (policy.targetTenant === '*') {
    const obj = findObject(c, policy.objectType, policy.objectId, policy.action);
    if (obj?.flag) {
      obj.flag.set(false);
      return;
    }
  }
  const left = stored(c).filter((p) => p.id !== policy.id);
  const n = policy.action === 'access_as_external' ? c.networks.find((x) => x.id === policy.objectId) : undefined;
  const lastForSome = n !== undefined && noWildcard(c).includes(n.id) && !left.some((p) => p.objectId === n.id && p.action === 'access_as_external');
  if (lastForSome) n.external = false;
  save(c, left, lastForSome ? noWildcard(c).filter((id) => id !== n.id) : noWildcard(c));
}

/**
 * Projects that would lose access when `policy` goes: its target, or for a wildcard every project
 * but the owner and those another policy still lets in. None when a wildcard remains for the target.
 */
function losing(c: Cloud, policy: RbacPolicy, ownerId: string): (projectId: string) => boolean {
  const others = allRbacPolicies(c).filter((p) => p.id !== policy.id && p.objectType === policy.objectType && p.objectId === policy.objectId && p.action === policy.action);
  if (policy.targetTenant !== '*') {
    if (others.some((p) => p.targetTenant === '*')) return () => false;
    return (p) => p === policy.targetTenant && p !== ownerId;
  }
  const kept = new Set([ownerId, ...others.map((p) => p.targetTenant)]);
  return (p) => p !== '' && !kept.has(p);
}

/** Neutron refuses to take away access a project uses: its ports on a network, its subnets from a pool, its pools in a scope. */
function checkNotInUse(c: Cloud, path: string, policy: RbacPolicy): void {
  if (policy.action !== 'access_as_shared') return;
  const obj = findObject(c, policy.objectType, policy.objectId, policy.action);
  if (!obj) return;
  const bound = boundProjects(c, policy.objectType, policy.objectId);
  let users: string[];
  let target: string | undefined;
  if (policy.objectType !== 'network') {
    // neutron/objects/rbac_db.py (RbacNeutronDbObjectMixin) as Zed runs it for security groups,
    // subnet pools, address scopes and address groups: a policy for the owner goes freely; a
    // wildcard needs every project using the object, the owner too, to keep a policy of its own
    // (checked on the oracle: the owner's port on its shared group keeps the wildcard); the
    // message names the policy's target.
    if (policy.targetTenant === obj.projectId) return;
    users = wildcardOrTargetInUse(c, policy, bound);
    target = policy.targetTenant;
  } else {
    users = bound.filter(losing(c, policy, obj.projectId));
  }
  if (users.length === 0) return;
  const head = `RBAC policy on object ${policy.objectId} cannot be removed because other objects depend on it.`;
  const details =
    policy.objectType === 'network'
      ? networkCallbacks(`Unable to reconfigure sharing settings for network ${policy.objectId}. Multiple tenants are using it.`).join(',')
      : objectCallback(policy.objectType, `${head}\nDetails: project_id=${target ?? users[0]}`);
  throw neutronError.conflict(path, `${head}\nDetails: ${details}`);
}

/** The bound projects that would lose the object (none while a wildcard stays for a single project's policy). */
function wildcardOrTargetInUse(c: Cloud, policy: RbacPolicy, bound: string[]): string[] {
  const others = allRbacPolicies(c).filter((p) => p.id !== policy.id && p.objectType === policy.objectType && p.objectId === policy.objectId && p.action === 'access_as_shared');
  if (policy.targetTenant !== '*') {
    if (others.some((p) => p.targetTenant === '*')) return [];
    return bound.filter((p) => p === policy.targetTenant);
  }
  const kept = new Set(others.map((p) => p.targetTenant));
  return bound.filter((p) => !kept.has(p));
}

/**
 * ML2's external-network callback: an `access_as_external` policy may not go (or be retargeted)
 * while a router of a project it lets in has its gateway on the network; floating IPs do not
 * count. A project's policy is free to go beside a wildcard; the wildcard needs every gateway's
 * project (the network's owner too) to have a policy of its own, and never goes from the default
 * external network.
 */
function checkExternalNotInUse(c: Cloud, path: string, policy: RbacPolicy, newTarget?: string): void {
  if (policy.objectType !== 'network' || policy.action !== 'access_as_external') return;
  const inUse = (details: string) => {
    const head = `RBAC policy on object ${policy.objectId} cannot be removed because other objects depend on it.`;
    const cb = `Callback neutron.plugins.ml2.plugin.External_net_db_mixin._validate_ext_not_in_use_by_tenant-${CALLBACK_ID}`;
    return neutronError.conflict(path, `${head}\nDetails: ${cb} failed with "${head}\nDetails: ${details}"`);
  };
  const others = allRbacPolicies(c).filter((p) => p.id !== policy.id && p.objectId === policy.objectId && p.action === 'access_as_external');
  const gatewayProjects = c.routers.filter((r) => r.gateway?.networkId === policy.objectId).map((r) => r.projectId);
  let depends: boolean;
  if (policy.targetTenant !== '*') {
    if (others.some((p) => p.targetTenant === '*')) return;
    depends = gatewayProjects.includes(policy.targetTenant);
  } else {
    if (c.networks.find((n) => n.id === policy.objectId)?.isDefault) throw inUse('Default external networks must be shared to everyone.');
    const entitled = new Set([...others.map((p) => p.targetTenant), ...(newTarget === undefined ? [] : [newTarget])]);
    depends = gatewayProjects.some((p) => !entitled.has(p));
  }
  if (depends) throw inUse('There are routers attached to this network that depend on this policy for access.');
}

function boundProjects(c: Cloud, type: RbacObjectType, id: string): string[] {
  switch (type) {
    case 'network':
      return c.ports.filter((p) => p.networkId === id).map((p) => p.projectId);
    case 'subnetpool':
      return c.subnets.filter((s) => s.subnetpoolId === id).map((s) => s.projectId);
    case 'address_scope':
      return c.subnetPools.filter((p) => p.addressScopeId === id).map((p) => p.projectId);
    case 'security_group':
      return c.ports.filter((p) => p.securityGroupIds.includes(id)).map((p) => p.projectId);
    case 'address_group':
      return c.securityGroupRules.filter((r) => r.remoteAddressGroupId === id).map((r) => r.projectId);
  }
}
