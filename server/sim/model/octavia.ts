/**
 * Octavia (load-balancer service, Zed / API v2): load balancers, listeners, pools, members,
 * health monitors, L7 policies and rules, amphorae. Plain JSON, like the rest of the cloud.
 *
 * Provisioning statuses are stored (they are Octavia's database columns and change with the
 * controller worker's jobs); operating statuses are stored only for what the no-op drivers of the
 * oracle report, and otherwise derived from the data plane (sim/dataplane/loadbalancer.ts), as a
 * real cloud's health manager derives them from amphora heartbeats.
 */

export type ProvisioningStatus = 'ACTIVE' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE' | 'DELETED' | 'ERROR';
export type OperatingStatus = 'ONLINE' | 'OFFLINE' | 'DEGRADED' | 'ERROR' | 'NO_MONITOR' | 'DRAINING';

/** Columns every Octavia object has (Octavia's timestamps are whole seconds, no `Z`). */
export interface OctaviaBase {
  id: string;
  name: string;
  description: string;
  projectId: string;
  adminStateUp: boolean;
  provisioningStatus: ProvisioningStatus;
  /** What the no-op drivers leave in the database (used when `OctaviaConfig.drivers` is `noop`). */
  operatingStatus: OperatingStatus;
  /** `YYYY-MM-DDTHH:MM:SS`. */
  createdAt: string;
  /** null until the worker first finishes a job on the object. */
  updatedAt: string | null;
  tags: string[];
  /** The tick from which a PENDING_* status has settled (the worker finished its job). */
  settlesAt: number;
}

export interface LoadBalancer extends OctaviaBase {
  vipAddress: string;
  vipNetworkId: string;
  vipSubnetId: string;
  vipPortId: string;
  vipQosPolicyId: string | null;
  provider: string;
  flavorId: string | null;
  availabilityZone: string | null;
  /** Amphorae serving it (topology SINGLE: one, ACTIVE_STANDBY: two). */
  amphoraIds: string[];
  topology: 'SINGLE' | 'ACTIVE_STANDBY';
}

export interface Listener extends OctaviaBase {
  loadbalancerId: string;
  protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'UDP' | 'TERMINATED_HTTPS' | 'SCTP' | 'PROMETHEUS';
  protocolPort: number;
  connectionLimit: number;
  defaultPoolId: string | null;
  defaultTlsContainerRef: string | null;
  sniContainerRefs: string[];
  insertHeaders: Record<string, string> | null;
  timeoutClientData: number;
  timeoutMemberConnect: number;
  timeoutMemberData: number;
  timeoutTcpInspect: number;
  clientCaTlsContainerRef: string | null;
  clientAuthentication: 'NONE' | 'OPTIONAL' | 'MANDATORY';
  clientCrlContainerRef: string | null;
  allowedCidrs: string[] | null;
  tlsCiphers: string | null;
  tlsVersions: string[] | null;
  alpnProtocols: string[] | null;
  /**
   * The TCP port HAProxy peers use (Octavia allocates 1025, then one more than the load balancer's
   * highest); not in the API's answers, but the VIP security group opens it. Absent in older state.
   */
  peerPort?: number;
}

export interface SessionPersistence {
  type: 'SOURCE_IP' | 'HTTP_COOKIE' | 'APP_COOKIE';
  cookieName: string | null;
  persistenceTimeout: number | null;
  persistenceGranularity: string | null;
}

export interface Pool extends OctaviaBase {
  loadbalancerId: string;
  protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'UDP' | 'PROXY' | 'PROXYV2' | 'SCTP';
  lbAlgorithm: 'ROUND_ROBIN' | 'LEAST_CONNECTIONS' | 'SOURCE_IP' | 'SOURCE_IP_PORT';
  sessionPersistence: SessionPersistence | null;
  tlsEnabled: boolean;
  tlsContainerRef: string | null;
  caTlsContainerRef: string | null;
  crlContainerRef: string | null;
  tlsCiphers: string | null;
  tlsVersions: string[] | null;
  alpnProtocols: string[] | null;
}

export interface Member extends OctaviaBase {
  poolId: string;
  address: string;
  protocolPort: number;
  subnetId: string | null;
  weight: number;
  backup: boolean;
  monitorAddress: string | null;
  monitorPort: number | null;
}

export interface HealthMonitor extends OctaviaBase {
  poolId: string;
  type: 'HTTP' | 'HTTPS' | 'PING' | 'TCP' | 'TLS-HELLO' | 'UDP-CONNECT' | 'SCTP';
  delay: number;
  timeout: number;
  maxRetries: number;
  maxRetriesDown: number;
  /** HTTP(S) monitors only; null otherwise. */
  httpMethod: string | null;
  urlPath: string | null;
  expectedCodes: string | null;
  httpVersion: number | null;
  domainName: string | null;
}

export interface L7Policy extends OctaviaBase {
  listenerId: string;
  action: 'REDIRECT_TO_POOL' | 'REDIRECT_TO_URL' | 'REDIRECT_PREFIX' | 'REJECT';
  position: number;
  redirectPoolId: string | null;
  redirectUrl: string | null;
  redirectPrefix: string | null;
  redirectHttpCode: number | null;
}

export interface L7Rule extends OctaviaBase {
  l7policyId: string;
  type: 'PATH' | 'HOST_NAME' | 'HEADER' | 'COOKIE' | 'FILE_TYPE' | 'SSL_CONN_HAS_CERT' | 'SSL_VERIFY_RESULT' | 'SSL_DN_FIELD';
  compareType: 'REGEX' | 'STARTS_WITH' | 'ENDS_WITH' | 'CONTAINS' | 'EQUAL_TO';
  key: string | null;
  value: string;
  invert: boolean;
}

/** A service VM running HAProxy for one load balancer (in the service project, on lb-mgmt-net). */
export interface Amphora {
  id: string;
  loadbalancerId: string | null;
  /** The Nova server (in the service project; not in the learner's `cloud.servers`). */
  computeId: string;
  lbNetworkIp: string;
  vrrpIp: string;
  haIp: string;
  vrrpPortId: string;
  haPortId: string;
  certExpiration: string;
  certBusy: boolean;
  role: 'STANDALONE' | 'MASTER' | 'BACKUP';
  status: 'BOOTING' | 'ALLOCATED' | 'READY' | 'PENDING_CREATE' | 'PENDING_DELETE' | 'DELETED' | 'ERROR';
  vrrpInterface: string | null;
  vrrpId: number;
  vrrpPriority: number | null;
  cachedZone: string | null;
  createdAt: string;
  updatedAt: string | null;
  imageId: string | null;
  computeFlavor: string | null;
}

/** Per-listener counters (what `loadbalancer stats show` / `listener stats show` add up). */
export interface ListenerStats {
  bytesIn: number;
  bytesOut: number;
  activeConnections: number;
  totalConnections: number;
  requestErrors: number;
}

export interface OctaviaQuota {
  loadBalancer: number;
  listener: number;
  pool: number;
  healthMonitor: number;
  member: number;
  l7Policy: number;
  l7Rule: number;
}

export interface OctaviaState {
  loadBalancers: LoadBalancer[];
  listeners: Listener[];
  pools: Pool[];
  members: Member[];
  healthMonitors: HealthMonitor[];
  l7Policies: L7Policy[];
  l7Rules: L7Rule[];
  amphorae: Amphora[];
  /** Per project id; a project absent here has the defaults (unlimited, -1). */
  quotas: Record<string, Partial<OctaviaQuota>>;
  /** Listener id -> counters. */
  stats: Record<string, ListenerStats>;
  /** Pool id -> index of the member the next ROUND_ROBIN / LEAST_CONNECTIONS request goes to. */
  cursors: Record<string, number>;
}

/**
 * How the simulated Octavia behaves. `amphora`: as a real Zed cloud with the amphora provider
 * (VIP port from the subnet, health manager). `noop`: as the oracle's no-op compute/network/
 * amphora drivers (VIP 198.51.100.1, random VIP network/port ids, statuses OFFLINE/NO_MONITOR),
 * used only to replay the oracle's golden transcripts byte for byte.
 */
export interface OctaviaConfig {
  drivers: 'amphora' | 'noop';
  /**
   * How many learner commands (lines) the controller worker takes for a job; absent = 1 (done
   * before the next line). The replay of the oracle's PENDING_* capture (ORACLE_WORKER_DELAY=15)
   * uses a large number: jobs then finish only when waited for (`--wait`, `oracle_wait_lb`).
   */
  workerTicks?: number;
}

export function emptyOctavia(): OctaviaState {
  return { loadBalancers: [], listeners: [], pools: [], members: [], healthMonitors: [], l7Policies: [], l7Rules: [], amphorae: [], quotas: {}, stats: {}, cursors: {} };
}
