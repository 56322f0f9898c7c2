/**
 * Neutron's auto-allocated topology (`/v2.0/auto-allocated-topology/{project}`): a project's
 * private network with a subnet from each default subnet pool, behind a router on the default
 * external network, built on first request. Stacklab keeps no table of topologies: a project's
 * topology is its network named `auto_allocated_network` (the name Neutron gives it).
 */
import type { Cloud } from '../model/cloud.js';
import type { Network } from '../model/network.js';
import { neutronError } from '../errors.js';
import { createNetwork, deleteNetwork, updateNetwork } from './network.js';
import { createSubnet, deleteSubnet } from './subnet.js';
import { addRouterInterfaceSubnet, createRouter, deleteRouter, removeRouterInterfaceSubnet, setRouterGateway } from './router.js';

const NETWORK = 'auto_allocated_network';
const ROUTER = 'auto_allocated_router';

const failure = (project: string, reason: string) => neutronError.conflict(`/v2.0/auto-allocated-topology/${project}`, `Deployment error: ${reason}`);

function defaultExternalNetwork(c: Cloud, project: string): Network {
  const net = c.networks.find((n) => n.external && n.isDefault);
  if (!net) throw failure(project, 'No default router:external network.');
  return net;
}

const defaultPools = (c: Cloud) => c.subnetPools.filter((p) => p.isDefault);
const topologyNetwork = (c: Cloud, project: string) => c.networks.find((n) => n.name === NETWORK && n.projectId === project);
const topologyRouter = (c: Cloud, project: string) => c.routers.find((r) => r.name === ROUTER && r.projectId === project);

/** `?fields=dry-run`: what a first request would need, checked without building anything. */
export function checkAutoAllocation(c: Cloud, project: string): void {
  defaultExternalNetwork(c, project);
  if (defaultPools(c).length === 0) throw failure(project, 'No default subnetpools defined.');
}

/** GET: the project's topology network, built first if it has none. */
export function autoAllocatedNetwork(c: Cloud, project: string): Network {
  const existing = topologyNetwork(c, project);
  if (existing) return existing;
  const ext = defaultExternalNetwork(c, project);
  const pools = defaultPools(c);
  if (pools.length === 0) throw failure(project, 'Unable to provide tenant private network.');
  // Neutron makes the network down, and brings it up once its router is in place.
  const net = createNetwork(c, { name: NETWORK, projectId: project, adminStateUp: false, shared: false });
  const subnets = pools.map((p) => createSubnet(c, { name: `auto_allocated_subnet_v${p.ipVersion}`, networkId: net.id, ipVersion: p.ipVersion, subnetpoolId: p.id, projectId: project }));
  const router = createRouter(c, { name: ROUTER, projectId: project });
  setRouterGateway(c, router, { networkId: ext.id });
  for (const s of subnets) addRouterInterfaceSubnet(c, router, s);
  return updateNetwork(c, net, { adminStateUp: true });
}

/** DELETE: the router, its interfaces, the subnets and the network, if the project has them. */
export function deleteAutoAllocatedTopology(c: Cloud, project: string): void {
  defaultExternalNetwork(c, project);
  const net = topologyNetwork(c, project);
  const router = topologyRouter(c, project);
  const subnets = net ? c.subnets.filter((s) => s.networkId === net.id) : [];
  if (router) {
    for (const s of subnets) removeRouterInterfaceSubnet(c, router, s);
    deleteRouter(c, router);
  }
  for (const s of subnets) deleteSubnet(c, s);
  if (net) deleteNetwork(c, net);
}
