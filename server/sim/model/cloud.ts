/** The root of a simulated cloud: plain JSON data, the whole state of one learner's OpenStack. */
import type { AddressGroup } from './address-group.js';
import type { RngState } from '../rng.js';
import type { Network } from './network.js';
import type { Subnet } from './subnet.js';
import type { AddressScope, SubnetPool } from './subnet-pool.js';
import type { Port } from './port.js';
import type { Router } from './router.js';
import type { FloatingIp } from './floating-ip.js';
import type { SecurityGroup, SecurityGroupRule } from './security-group.js';
import type { Flavor, Image, Keypair, Server } from './compute.js';
import type { InfraState } from './infra.js';
import type { OctaviaConfig, OctaviaState } from './octavia.js';
import type { RbacState } from './rbac.js';
import type { BgpState } from './bgp.js';

export interface Project {
  id: string;
  name: string;
}

/** Who the learner is: the project their token is scoped to and whether it has the admin role. */
export interface Auth {
  projectId: string;
  userId: string;
  userName: string;
  admin: boolean;
  /**
   * The token's roles, as Octavia's policy reads them. Absent = what Stacklab's fixtures grant:
   * `admin` for admins, else `member` and `load-balancer_member` (as Infomaniak grants every
   * project member).
   */
  roles?: string[];
}

/** How the simulated Neutron/Nova are configured (the oracle's ml2_conf by default). */
export interface CloudConfig {
  /** Public endpoints shown in error URLs. */
  networkEndpoint: string;
  computeEndpoint: string;
  flatNetworks: string[];
  /** physnet -> [min, max] VLAN range for tenant allocation. */
  vlanRanges: Record<string, [number, number]>;
  vxlanRange: [number, number];
  tenantNetworkType: 'vxlan' | 'vlan';
  /** MTU of the underlying physical network (global_physnet_mtu). */
  physnetMtu: number;
  /** Hostnames of the network node and the compute nodes. */
  networkHost: string;
  computeHosts: string[];
  /** Octavia's drivers; absent = `amphora` (a real cloud). */
  octavia?: OctaviaConfig;
  /**
   * The network node runs neutron-dynamic-routing's BGP dynamic routing agent
   * (neutron-bgp-dragent), which hosts the BGP speakers and peers with the upstream routers.
   * Absent: no agent (the speakers' API works; nothing is announced).
   */
  bgpDragent?: boolean;
}

export interface Quotas {
  /** Neutron's RBAC policy quota; absent means the default (10). */
  rbac_policy?: number;
  network: number;
  subnet: number;
  port: number;
  router: number;
  floatingip: number;
  security_group: number;
  security_group_rule: number;
  subnetpool: number;
  instances: number;
  key_pairs: number;
}

export interface Cloud {
  /** Format version of this JSON document. */
  version: 1;
  rng: RngState;
  /** Simulated wall clock, seconds since the epoch; advances as commands run. */
  clock: number;
  /** Commands run so far (drives asynchronous effects such as BUILD -> ACTIVE). */
  tick: number;
  stdAttrSeq: number;
  config: CloudConfig;
  auth: Auth;
  projects: Project[];
  quotas: Quotas;
  networks: Network[];
  subnets: Subnet[];
  subnetPools: SubnetPool[];
  addressScopes: AddressScope[];
  ports: Port[];
  routers: Router[];
  floatingIps: FloatingIp[];
  securityGroups: SecurityGroup[];
  securityGroupRules: SecurityGroupRule[];
  flavors: Flavor[];
  images: Image[];
  keypairs: Keypair[];
  servers: Server[];
  /** Host-side state changed on the network node; absent = the fixture default. */
  infra?: InfraState;
  /** Neutron quotas an admin set for other project ids (`neutron quota-update --tenant-id …`). */
  otherQuotas?: Record<string, Partial<Quotas>>;
  /** The project `quotas` belongs to: the learner's (absent in older snapshots: the session's). */
  quotaProjectId?: string;
  /** The load-balancer service's objects; absent until the first load balancer is made. */
  octavia?: OctaviaState;
  /** neutron-dynamic-routing's speakers and peers; absent until the first one is made. */
  bgp?: BgpState;
  /** RBAC policies made with `rbac create` (wildcards on flagged objects excepted); absent until the first. */
  rbac?: RbacState;
  /** Address groups; absent until the first is made. */
  addressGroups?: AddressGroup[];
}
