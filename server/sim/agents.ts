/**
 * The Neutron agents of an ML2/OVS cloud with the legacy L3 agent (Zed), derived from the cloud:
 * on the network node the Open vSwitch, L3, DHCP and metadata agents; on each compute node an
 * Open vSwitch agent. Every agent is alive and reports what the real one reports in its
 * `configurations` (keys in the order the Zed agents send them; counts from the cloud). Ids
 * are drawn from a generator seeded by the project and the agent, so they are stable for a cloud.
 */
import type { Cloud } from './model/cloud.js';
import type { Network } from './model/network.js';
import type { Router } from './model/router.js';
import { neutronError } from './errors.js';
import { hashSeed, seedRng, uuid4 } from './rng.js';
import { isoSeconds } from './ops/context.js';
import { DEVICE_OWNER } from './model/port.js';
import { BGP_DRAGENT_TYPE } from './model/bgp.js';
import { speakerRoutes } from './bgp-routes.js';

/** A JSON value as an agent reports it. */
export type AgentValue = null | boolean | number | string | AgentValue[] | { [k: string]: AgentValue };

export interface Agent {
  id: string;
  agentType: string;
  binary: string;
  topic: string;
  host: string;
  availabilityZone: string | null;
  adminStateUp: boolean;
  alive: boolean;
  /** `YYYY-MM-DD HH:MM:SS`, as the agents API prints its timestamps. */
  createdAt: string;
  startedAt: string;
  heartbeatAt: string;
  description: string | null;
  resourcesSynced: boolean | null;
  configurations: { [k: string]: AgentValue };
}


const stamp = (epoch: number): string => isoSeconds(epoch).replace('T', ' ').replace('Z', '');

/** Keys whose numbers the agents report as floats (a JS number cannot say so; printers need to). */
export const FLOAT_KEYS: ReadonlySet<string> = new Set(['allocation_ratio']);

const INVENTORY_DEFAULTS = { allocation_ratio: 1.0, min_unit: 1, step_size: 1, reserved: 0 };
const OVS_CAPABILITIES = {
  datapath_types: ['netdev', 'system'],
  iface_types: ['bareudp', 'erspan', 'geneve', 'gre', 'gtpu', 'internal', 'ip6erspan', 'ip6gre', 'lisp', 'patch', 'stt', 'system', 'tap', 'vxlan'],
};

/** Devices the agent sees on br-int of a host: router and DHCP ports on the network node, VM ports on compute nodes. */
function devicesOn(cloud: Cloud, host: string): number {
  return cloud.ports.filter((p) => p.bindingHostId === host && p.deviceOwner !== DEVICE_OWNER.floatingIp).length;
}

/** The physical network every Open vSwitch agent maps (to br-ex). */
function ovsPhysnet(cloud: Cloud): string {
  return cloud.config.flatNetworks[0] ?? Object.keys(cloud.config.vlanRanges)[0] ?? 'physnet1';
}

/**
 * The segments plugin's host mapping: a host reaches a network's segment when an Open vSwitch
 * agent runs there and maps the segment's physical network (a tunnelled segment has none, so no
 * host is mapped to it).
 */
export function hostReachesSegment(cloud: Cloud, host: string, network: Network): boolean {
  return runsOvsAgent(cloud, host) && network.physicalNetwork !== null && network.physicalNetwork === ovsPhysnet(cloud);
}

/** The hosts with an Open vSwitch agent: the network node and the compute hosts. */
export function runsOvsAgent(cloud: Cloud, host: string): boolean {
  return host === cloud.config.networkHost || cloud.config.computeHosts.includes(host);
}

function ovsConfig(cloud: Cloud, host: string, ip: string): { [k: string]: AgentValue } {
  const physnet = ovsPhysnet(cloud);
  return {
    bridge_mappings: { [physnet]: 'br-ex' },
    resource_provider_bandwidths: {},
    resource_provider_inventory_defaults: { ...INVENTORY_DEFAULTS },
    resource_provider_packet_processing_without_direction: {},
    resource_provider_packet_processing_with_direction: {},
    resource_provider_packet_processing_inventory_defaults: { ...INVENTORY_DEFAULTS },
    resource_provider_hypervisors: { 'br-ex': host },
    integration_bridge: 'br-int',
    tunnel_types: ['vxlan'],
    tunneling_ip: ip,
    l2_population: true,
    arp_responder_enabled: false,
    enable_distributed_routing: false,
    log_agent_heartbeats: false,
    extensions: [],
    datapath_type: 'system',
    ovs_capabilities: { datapath_types: [...OVS_CAPABILITIES.datapath_types], iface_types: [...OVS_CAPABILITIES.iface_types] },
    vhostuser_socket_dir: '/var/run/openvswitch',
    ovs_hybrid_plug: false,
    baremetal_smartnic: false,
    devices: devicesOn(cloud, host),
    in_distributed_mode: false,
  };
}

/** Networks the DHCP agent serves: those with a DHCP port. */
export function dhcpNetworkIds(cloud: Cloud): string[] {
  return cloud.networks.filter((n) => cloud.ports.some((p) => p.networkId === n.id && p.deviceOwner === DEVICE_OWNER.dhcp)).map((n) => n.id);
}

function l3Config(cloud: Cloud): { [k: string]: AgentValue } {
  const ids = new Set(cloud.routers.map((r) => r.id));
  return {
    agent_mode: 'legacy',
    handle_internal_only_routers: true,
    interface_driver: 'openvswitch',
    log_agent_heartbeats: false,
    extensions: [],
    routers: cloud.routers.length,
    ex_gw_ports: cloud.routers.filter((r) => r.gateway).length,
    interfaces: cloud.ports.filter((p) => ids.has(p.deviceId) && p.deviceOwner === DEVICE_OWNER.routerInterface).length,
    floating_ips: cloud.floatingIps.filter((f) => f.routerId !== null && f.portId !== null).length,
  };
}

function dhcpConfig(cloud: Cloud): { [k: string]: AgentValue } {
  const nets = new Set(dhcpNetworkIds(cloud));
  return {
    dhcp_driver: 'neutron.agent.linux.dhcp.Dnsmasq',
    dhcp_lease_duration: 86400,
    log_agent_heartbeats: false,
    networks: nets.size,
    subnets: cloud.subnets.filter((s) => nets.has(s.networkId)).length,
    ports: cloud.ports.filter((p) => nets.has(p.networkId)).length,
  };
}

/**
 * What neutron-bgp-dragent reports (its BgpSpeakerCache.get_state, merged into an empty
 * `configurations`): the speakers it hosts, their peers and the routes it advertises.
 */
function bgpDragentConfig(cloud: Cloud, agentId: string): { [k: string]: AgentValue } {
  const ids = cloud.bgp?.agentSpeakers[agentId] ?? [];
  const hosted = (cloud.bgp?.speakers ?? []).filter((s) => ids.includes(s.id));
  return {
    bgp_speakers: hosted.length,
    bgp_peers: hosted.reduce((n, s) => n + s.peerIds.length, 0),
    advertise_routes: hosted.reduce((n, s) => n + speakerRoutes(cloud, s).length, 0),
  };
}

/** Every agent of the cloud, in id order (as the API lists them); empty unless the learner is admin. */
export function agents(cloud: Cloud): Agent[] {
  if (!cloud.auth.admin) return [];
  const first = Math.min(...cloud.securityGroups.map((g) => Date.parse(g.createdAt) / 1000).filter(Number.isFinite), cloud.clock);
  const created = first - 86400;
  const make = (host: string, agentType: string, binary: string, topic: string, az: string | null, configurations: { [k: string]: AgentValue }): Agent => ({
    id: uuid4(seedRng(hashSeed(`${cloud.auth.projectId}/${host}/${agentType}`))),
    agentType, binary, topic, host,
    availabilityZone: az,
    adminStateUp: true,
    alive: true,
    createdAt: stamp(created),
    startedAt: stamp(created + 7),
    heartbeatAt: stamp(cloud.clock - (cloud.clock % 30)),
    description: null,
    resourcesSynced: null,
    configurations,
  });
  const net = cloud.config.networkHost;
  const list: Agent[] = [
    make(net, 'Open vSwitch agent', 'neutron-openvswitch-agent', 'N/A', null, ovsConfig(cloud, net, '10.0.0.11')),
    make(net, 'L3 agent', 'neutron-l3-agent', 'l3_agent', 'nova', l3Config(cloud)),
    make(net, 'DHCP agent', 'neutron-dhcp-agent', 'dhcp_agent', 'nova', dhcpConfig(cloud)),
    make(net, 'Metadata agent', 'neutron-metadata-agent', 'N/A', null, {
      metadata_proxy_socket: '/var/lib/neutron/metadata_proxy',
      nova_metadata_host: 'controller',
      nova_metadata_port: 8775,
      log_agent_heartbeats: false,
    }),
    ...cloud.config.computeHosts.map((h, i) => make(h, 'Open vSwitch agent', 'neutron-openvswitch-agent', 'N/A', null, ovsConfig(cloud, h, `10.0.0.${31 + i}`))),
  ];
  if (cloud.config.bgpDragent) {
    const dr = make(net, BGP_DRAGENT_TYPE, 'neutron-bgp-dragent', 'bgp_dragent', null, {});
    dr.configurations = bgpDragentConfig(cloud, dr.id);
    list.push(dr);
  }
  return list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The L3 agents hosting a router (the legacy scheduler puts every router on the network node's). */
export function l3AgentsHosting(cloud: Cloud, routerId: string): Agent[] {
  return cloud.routers.some((r) => r.id === routerId) ? agents(cloud).filter((a) => a.agentType === 'L3 agent') : [];
}

/** The DHCP agents serving a network. */
export function dhcpAgentsHosting(cloud: Cloud, networkId: string): Agent[] {
  return dhcpNetworkIds(cloud).includes(networkId) ? agents(cloud).filter((a) => a.agentType === 'DHCP agent') : [];
}

/** GET /v2.0/agents/{id}: Neutron's 404 for an unknown id, and for any agent when not admin. */
export function getAgent(cloud: Cloud, id: string): Agent {
  const agent = agents(cloud).find((x) => x.id === id);
  if (agent) return agent;
  throw neutronError.notFound(`/v2.0/agents/${id}`, cloud.auth.admin ? `Agent ${id} could not be found.` : 'The resource could not be found.');
}

/** The routers an agent hosts: all of them for the L3 agent (legacy scheduler, one network node). */
export function routersOnAgent(cloud: Cloud, agent: Agent): Router[] {
  return agent.agentType === 'L3 agent' ? cloud.routers : [];
}

/** The networks an agent serves: those with a DHCP port, for the DHCP agent. */
export function networksOnAgent(cloud: Cloud, agent: Agent): Network[] {
  if (agent.agentType !== 'DHCP agent') return [];
  const ids = new Set(dhcpNetworkIds(cloud));
  return cloud.networks.filter((n) => ids.has(n.id));
}

/** A network's segment (segments service plugin): its provider attributes, admin only. */
export interface Segment { id: string; network: Network }

/** One segment per network, its id derived from the network's (stable for the network's life). */
export function networkSegments(cloud: Cloud): Segment[] {
  if (!cloud.auth.admin) return [];
  return cloud.networks.map(segmentOf);
}

function segmentOf(network: Network): Segment {
  return { id: uuid4(seedRng(hashSeed(`segment/${network.id}`))), network };
}

/** The segment with this id whoever asks (the plugin's own lookup), or undefined. */
export function segmentById(cloud: Cloud, id: string): Segment | undefined {
  return cloud.networks.map(segmentOf).find((s) => s.id === id);
}
