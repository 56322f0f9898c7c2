/**
 * The topology and packet-path shapes the server sends on the WebSocket (issue #16). They mirror
 * server/sim/api/topology.ts and server/sim/api/packet-path.ts: the client does not import server code.
 */

export interface TopoSubnet {
  id: string;
  name: string;
  cidr: string;
  ipVersion: 4 | 6;
  gatewayIp: string | null;
}

export interface TopoNetwork {
  id: string;
  name: string;
  external: boolean;
  shared: boolean;
  status: string;
  subnets: TopoSubnet[];
  /** false: another project's network the learner sees (shared / external). */
  own: boolean;
}

export interface TopoPortLink {
  portId: string;
  networkId: string;
  ips: string[];
}

export interface TopoRouter {
  id: string;
  name: string;
  status: string;
  gateway: { networkId: string; ips: string[]; snat: boolean } | null;
  /** qr- ports, one per port. */
  interfaces: TopoPortLink[];
}

export interface TopoServer {
  id: string;
  name: string;
  /** ACTIVE, SHUTOFF, BUILD, ERROR… */
  status: string;
  ports: Array<TopoPortLink & { floatingIps: string[] }>;
}

export interface TopoLoadBalancer {
  id: string;
  name: string;
  vipAddress: string;
  vipNetworkId: string;
  vipPortId: string;
  provisioningStatus: string;
  operatingStatus: string;
  floatingIps: string[];
  members: Array<{ address: string; serverId: string | null; poolName: string }>;
}

export interface TopoNamespace {
  host: string;
  name: string;
  kind: 'qrouter' | 'qdhcp';
  ofId: string;
}

/** Element ids: `net:ID`, `subnet:ID`, `router:ID`, `server:ID`, `port:ID`, `fip:ADDRESS`, `lb:ID`, `ns:NAME`, `internet`, `laptop`. */
export interface Topology {
  /** Each list in creation order, so a new resource is appended. */
  networks: TopoNetwork[];
  routers: TopoRouter[];
  servers: TopoServer[];
  loadBalancers: TopoLoadBalancer[];
  /** Only when the session has the network node; else []. */
  namespaces: TopoNamespace[];
  /** Per element id: the rows `openstack <kind> show NAME` prints, and that command. */
  /** `rows` come with the instructor's view; the learner's page asks for one element's (a `details` message). */
  details: Record<string, { command: string; rows?: Array<[string, string]> }>;
}

export interface PathStep {
  /** An element id (null: no drawable element). */
  element: string | null;
  where: string;
  what: string;
  verdict: 'pass' | 'nat' | 'drop';
  /** On a security-group drop: the `openstack security group rule create …` line that lets the packet in. */
  fix?: string;
}

export interface PacketPath {
  from: string;
  to: string;
  proto: string;
  steps: PathStep[];
  verdict: 'delivered' | 'dropped';
  reason: string;
  /** Element ids to highlight, in order. */
  elements: string[];
}

/** The server's messages about the topology, beside those of types.ts. */
export type TopologyMessage =
  | { t: 'topology'; topology: Topology }
  | { t: 'path'; path: PacketPath }
  | { t: 'details'; id: string; rows: Array<[string, string]> | null };

/** A lab's front matter may hide the topology (absent: shown). */
export interface TopologyOption {
  topology?: boolean;
}
