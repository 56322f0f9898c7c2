/**
 * The writes of every Neutron collection the simulation has, by the collection's name in the URL
 * (`networks`, `security-group-rules`). Each resource's module exports its CollectionWrites.
 */
import type { CollectionWrites } from './types.js';
import { networkWrites } from './networks.js';
import { subnetWrites } from './subnets.js';
import { subnetPoolWrites } from './subnetpools.js';
import { addressScopeWrites } from './address-scopes.js';
import { addressGroupWrites } from './address-groups.js';
import { rbacPolicyWrites } from './rbac-policies.js';
import { portWrites } from './port.js';
import { routerWrites } from './router.js';
import { floatingIpWrites } from './floatingip.js';
import { securityGroupWrites } from './security-group.js';
import { securityGroupRuleWrites } from './security-group-rule.js';
import { bgpPeerWrites, bgpSpeakerWrites } from './bgp.js';

export type { CollectionWrites, RequestPath } from './types.js';

export const WRITES: Readonly<Record<string, CollectionWrites>> = {
  networks: networkWrites,
  subnets: subnetWrites,
  subnetpools: subnetPoolWrites,
  'address-scopes': addressScopeWrites,
  'address-groups': addressGroupWrites,
  'rbac-policies': rbacPolicyWrites,
  ports: portWrites,
  routers: routerWrites,
  floatingips: floatingIpWrites,
  'security-groups': securityGroupWrites,
  'security-group-rules': securityGroupRuleWrites,
  'bgp-speakers': bgpSpeakerWrites,
  'bgp-peers': bgpPeerWrites,
};
