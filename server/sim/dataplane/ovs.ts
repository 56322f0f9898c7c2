/**
 * The network node's Open vSwitch bridges as the OVS agent builds them (br-int, br-tun, br-ex with
 * its patch ports) plus the physical NICs wired to br-ex: data for `ovs-vsctl`.
 */
import type { Cloud } from '../model/cloud.js';
import { brExPorts } from '../reach.js';
import { devName } from './index.js';
import { DEVICE_OWNER } from '../model/port.js';

export interface OvsPort {
  name: string;
  type: 'internal' | 'patch' | null;
  /** A patch port's other end. */
  peer?: string;
  /** The node-local VLAN of the port's network (br-int). */
  tag?: number;
}

/** A bridge and its ports in `ovs-vsctl show` order, its own internal port included. */
export interface OvsBridge { name: string; ports: OvsPort[] }

/** Ports of br-int on the network node: DHCP taps, router qr-/qg-, tagged with the node-local VLAN of their network. */
function brIntPorts(cloud: Cloud): OvsPort[] {
  const nets: string[] = [];
  const out: OvsPort[] = [];
  for (const p of cloud.ports) {
    const prefix = p.deviceOwner === DEVICE_OWNER.dhcp ? 'tap' : p.deviceOwner === DEVICE_OWNER.routerInterface ? 'qr-' : p.deviceOwner === DEVICE_OWNER.routerGateway ? 'qg-' : null;
    if (!prefix) continue;
    if (!nets.includes(p.networkId)) nets.push(p.networkId);
    out.push({ name: devName(prefix, p.id), type: 'internal', tag: nets.indexOf(p.networkId) + 1 });
  }
  return out;
}

const internal = (name: string): OvsPort => ({ name, type: 'internal' });
const patch = (name: string, peer: string): OvsPort => ({ name, type: 'patch', peer });

/** The bridges in the order `ovs-vsctl show` lists them. */
export function ovsBridges(cloud: Cloud): OvsBridge[] {
  return [
    { name: 'br-int', ports: [internal('br-int'), patch('patch-tun', 'patch-int'), ...brIntPorts(cloud), patch('int-br-ex', 'phy-br-ex')] },
    { name: 'br-tun', ports: [patch('patch-int', 'patch-tun'), internal('br-tun')] },
    { name: 'br-ex', ports: [patch('phy-br-ex', 'int-br-ex'), internal('br-ex'), ...brExPorts(cloud).map((name): OvsPort => ({ name, type: null }))] },
  ];
}

/** The Open_vSwitch table's row id, stable per cloud (derived from its first project). */
export function ovsSystemId(cloud: Cloud): string {
  const hex = (cloud.projects[0]?.id ?? '').replace(/-/g, '').padEnd(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
