/**
 * RBAC policies an owner or admin made (`/v2.0/rbac-policies`). A policy for every project (`*`)
 * on a network, subnet pool or address scope is that object's `shared`/`external` flag itself
 * (sim/api/neutron/rbac.ts shows it), so only the others are kept here.
 */
export type RbacObjectType = 'network' | 'subnetpool' | 'address_scope' | 'security_group' | 'address_group';
export type RbacAction = 'access_as_shared' | 'access_as_external';

export interface RbacPolicy {
  id: string;
  /** The project that made it (owns it). */
  projectId: string;
  objectType: RbacObjectType;
  objectId: string;
  action: RbacAction;
  /** A project id, or `*` (kept only for types that have no flag for it: security groups). */
  targetTenant: string;
}

export interface RbacState {
  policies: RbacPolicy[];
  /**
   * Networks made external by a policy for one project only: Neutron marks them external
   * (`router:external` True) without a policy for every project, which the flag alone would show.
   */
  externalWithoutWildcard: string[];
}
