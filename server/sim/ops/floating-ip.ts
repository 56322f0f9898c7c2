/** Floating IPs: allocation on an external network and association through a router (DNAT/SNAT 1:1). */
import type { Cloud } from '../model/cloud.js';
import type { FloatingIp } from '../model/floating-ip.js';
import type { Port } from '../model/port.js';
import type { Std } from '../model/std.js';
import { neutronError } from '../errors.js';
import { parseIp } from '../ipam.js';
import { newStd, policyError, touch } from './context.js';
import { checkQuota } from './quota.js';
import { createPort, removePort } from './port.js';
import { DEVICE_OWNER } from '../model/port.js';
import { shareElements } from '../clone.js';
import { findAll, findFirst, FLOATING_IPS_BY_ID, FLOATING_IPS_BY_PORT, portById, PORTS_BY_DEVICE, portsOnSubnet, removeIndexed } from '../index.js';

const PATH = '/v2.0/floatingips';

export interface FloatingIpCreate {
  networkId: string;
  subnetId?: string;
  floatingIpAddress?: string;
  portId?: string;
  fixedIpAddress?: string;
  description?: string;
  projectId?: string;
}

export function createFloatingIp(c: Cloud, req: FloatingIpCreate): FloatingIp {
  // A new floating IP (and its port) is appended; no other floating IP or port changes.
  shareElements(c, 'floatingIps');
  shareElements(c, 'ports');
  const net = c.networks.find((n) => n.id === req.networkId);
  if (!net) throw neutronError.notFound(PATH, `Network ${req.networkId} could not be found.`);
  if (!net.external) throw neutronError.badRequest(PATH, `Bad floatingip request: Network ${net.id} is not a valid external network.`);
  const v4 = c.subnets.filter((s) => s.networkId === net.id && s.ipVersion === 4);
  if (v4.length === 0) throw neutronError.badRequest(PATH, `Bad floatingip request: Network ${net.id} does not contain any IPv4 subnet.`);
  if (req.floatingIpAddress !== undefined && !c.auth.admin) {
    throw policyError(PATH, '(rule:create_floatingip and rule:create_floatingip:floating_ip_address)');
  }
  const projectId = req.projectId ?? c.auth.projectId;
  checkQuota(c, 'floatingip', projectId, c.floatingIps.filter((f) => f.projectId === projectId).length, PATH);
  const std = newStd(c, '', projectId, req.description ?? '', 0);
  const request =
    req.floatingIpAddress !== undefined || req.subnetId !== undefined
      ? [{ ...(req.subnetId !== undefined ? { subnetId: req.subnetId } : {}), ...(req.floatingIpAddress !== undefined ? { ipAddress: req.floatingIpAddress } : {}) }]
      : [{ subnetId: (v4[0] as { id: string }).id }];
  // Without an explicit subnet Neutron tries each IPv4 subnet of the network in turn.
  let port: Port | undefined;
  const candidates = req.floatingIpAddress !== undefined || req.subnetId !== undefined ? [request] : v4.map((s) => [{ subnetId: s.id }]);
  let lastError: unknown;
  for (const fixedIps of candidates) {
    try {
      port = createPort(c, {
        networkId: net.id,
        projectId: '',
        deviceOwner: DEVICE_OWNER.floatingIp,
        deviceId: std.id,
        fixedIps,
        status: 'N/A',
        path: PATH,
      });
      // Neutron updates the port once more with its device_id.
      touch(c, port);
      break;
    } catch (e) {
      // Only Neutron's refusals move on to the next subnet; anything else (a bug, or a write to
      // an element shared with the published cloud, see clone.ts) ends the command.
      if (e instanceof TypeError) throw e;
      lastError = e;
    }
  }
  if (!port) throw lastError;
  const fixed = port.fixedIps[0];
  const fip: FloatingIp = Object.assign<Std, Omit<FloatingIp, keyof Std>>(std, {
    floatingNetworkId: net.id,
    floatingIpAddress: fixed?.ipAddress ?? '',
    subnetId: null,
    portId: null,
    fixedIpAddress: null,
    routerId: null,
    status: 'DOWN',
  });
  fip.name = fip.floatingIpAddress;
  // Neutron checks the association after it made the floating IP's port (whose address may
  // fail first), and deletes that port when the check fails (here the command's changes go).
  if (req.fixedIpAddress !== undefined && req.portId === undefined) {
    throw neutronError.badRequest(PATH, 'Bad floatingip request: fixed_ip_address cannot be specified without a port_id.');
  }
  c.floatingIps.push(fip);
  if (req.portId !== undefined) associate(c, fip, req.portId, req.fixedIpAddress, PATH, false);
  return fip;
}

/** Finds the router that connects the port's subnet to the floating IP's external network. */
function routerFor(c: Cloud, fip: FloatingIp, subnetId: string): string | null {
  // The routers with an interface (a router port other than the gateway) on the subnet, found
  // in one pass over the ports rather than one per router; then the first of them in router
  // order whose gateway is on the floating IP's network, as interfacePorts per router would.
  const onSubnet = new Set<string>();
  for (const p of portsOnSubnet(c, subnetId)) {
    if (!p.deviceOwner.startsWith('network:router_') || p.deviceOwner === DEVICE_OWNER.routerGateway) continue;
    if (p.fixedIps.some((f) => f.subnetId === subnetId)) onSubnet.add(p.deviceId);
  }
  if (onSubnet.size === 0) return null;
  for (const r of c.routers) {
    if (!r.gateway || r.gateway.networkId !== fip.floatingNetworkId) continue;
    if (onSubnet.has(r.id)) return r.id;
  }
  return null;
}

function associate(c: Cloud, fip: FloatingIp, portId: string, fixedIp: string | undefined, path: string, bump: boolean): void {
  const port = portById(c, portId);
  if (!port) throw neutronError.notFound(path, `Port ${portId} could not be found.`);
  if (!c.auth.admin && port.projectId !== fip.projectId) {
    throw neutronError.badRequest(
      path,
      `Bad floatingip request: Cannot process floating IP association with Port ${port.id}, since that port is owned by a different project.`,
    );
  }
  // Neutron's is_fip_serviced: only DHCP ports are refused (a router's own interface port is not).
  if (port.deviceOwner === DEVICE_OWNER.dhcp) {
    throw neutronError.badRequest(path, `Bad floatingip request: Port ${port.id} is unable to be assigned a floating IP.`);
  }
  const v4 = port.fixedIps.filter((f) => parseIp(f.ipAddress)?.version === 4);
  let chosen = v4[0];
  if (fixedIp !== undefined) {
    chosen = v4.find((f) => f.ipAddress === fixedIp);
    if (!chosen) throw neutronError.badRequest(path, `Bad floatingip request: Port ${port.id} does not have fixed ip ${fixedIp}.`);
  } else if (v4.length === 0) {
    throw neutronError.badRequest(path, `Bad floatingip request: Cannot add floating IP to port ${port.id} that has no fixed IPv4 addresses.`);
  } else if (v4.length > 1) {
    throw neutronError.badRequest(
      path,
      `Bad floatingip request: Port ${port.id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP.`,
    );
  }
  if (!chosen) throw neutronError.badRequest(path, `Bad floatingip request: Cannot add floating IP to port ${port.id} that has no fixed IPv4 addresses.`);
  const taken = findAll(c, FLOATING_IPS_BY_PORT, port.id).find(
    (f) => f.id !== fip.id && f.portId === port.id && f.fixedIpAddress === chosen.ipAddress && f.floatingNetworkId === fip.floatingNetworkId,
  );
  if (taken) {
    throw neutronError.conflict(
      path,
      `Cannot associate floating IP ${fip.floatingIpAddress} (${fip.id}) with port ${port.id} using fixed IP ${chosen.ipAddress}, as that fixed IP already has a floating IP on external network ${fip.floatingNetworkId}.`,
    );
  }
  const routerId = routerFor(c, fip, chosen.subnetId);
  if (!routerId) {
    throw neutronError.notFound(
      path,
      `External network ${fip.floatingNetworkId} is not reachable from subnet ${chosen.subnetId}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`,
    );
  }
  fip.portId = port.id;
  fip.fixedIpAddress = chosen.ipAddress;
  fip.routerId = routerId;
  // The L3 agent applies the NAT rules and reports the floating IP ACTIVE.
  fip.status = 'ACTIVE';
  if (bump) touch(c, fip);
  else touch(c, fip, 0);
}

export function updateFloatingIp(
  c: Cloud,
  fip: FloatingIp,
  upd: { portId?: string | null; fixedIpAddress?: string; description?: string },
): FloatingIp {
  const path = `${PATH}/${fip.id}`;
  // A body with fixed_ip_address and no port_id (`floating ip set --port P --fixed-ip-address X`
  // on a floating IP already on P: openstacksdk sends only what changed).
  if (upd.portId === undefined && upd.fixedIpAddress !== undefined) {
    throw neutronError.badRequest(path, 'Bad floatingip request: fixed_ip_address cannot be specified without a port_id.');
  }
  if (upd.portId === null) {
    fip.portId = null;
    fip.fixedIpAddress = null;
    fip.routerId = null;
    fip.status = 'DOWN';
  } else if (upd.portId !== undefined) {
    associate(c, fip, upd.portId, upd.fixedIpAddress, path, false);
  }
  if (upd.description !== undefined) fip.description = upd.description;
  touch(c, fip);
  return fip;
}

export function deleteFloatingIp(c: Cloud, fip: FloatingIp): void {
  const port = findFirst(c, PORTS_BY_DEVICE, fip.id, (p) => p.deviceOwner === DEVICE_OWNER.floatingIp);
  if (port) removePort(c, port);
  removeIndexed(c, FLOATING_IPS_BY_ID, fip.id);
}
