/** Neutron floating IPs as the API returns them (with the fip-port-details extension), and the operations by id. */
import type { Cloud } from '../../model/cloud.js';
import type { FloatingIp } from '../../model/floating-ip.js';
import { neutronError } from '../../errors.js';
import { updateFloatingIp } from '../../ops/floating-ip.js';
import { writable } from '../../clone.js';
import { visibleFloatingIps } from '../../visibility.js';
import type { JsonObject } from '../json.js';
import { listOf, stdAttrs, type ListQuery } from './common.js';
import { portById } from '../../index.js';

export function floatingIpDict(c: Cloud, f: FloatingIp): JsonObject {
  const p = f.portId ? portById(c, f.portId) : undefined;
  return {
    id: f.id,
    tenant_id: f.projectId,
    floating_ip_address: f.floatingIpAddress,
    floating_network_id: f.floatingNetworkId,
    router_id: f.routerId,
    port_id: f.portId,
    fixed_ip_address: f.fixedIpAddress,
    status: f.status,
    project_id: f.projectId,
    port_details: p
      ? { name: p.name, network_id: p.networkId, mac_address: p.macAddress, admin_state_up: p.adminStateUp, status: p.status, device_id: p.deviceId, device_owner: p.deviceOwner }
      : null,
    ...stdAttrs(f),
  };
}

/** GET /v2.0/floatingips */
export function listFloatingIps(c: Cloud, q: ListQuery = {}): JsonObject[] {
  return listOf(visibleFloatingIps(c), (f) => floatingIpDict(c, f), q, '/v2.0/floatingips');
}

/** GET /v2.0/floatingips/{id}: the floating IP, or Neutron's 404. */
export function getFloatingIp(c: Cloud, id: string): FloatingIp {
  const f = c.floatingIps.find((x) => x.id === id);
  if (!f) throw neutronError.floatingIpNotFound(id);
  return f;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * PUT /v2.0/floatingips/{id} with a port_id (associate): the body is validated before the
 * floating IP is looked up, so a port_id that is no UUID is a 400 even for a missing floating IP.
 */
export function associateFloatingIp(c: Cloud, id: string, body: { portId: string; fixedIpAddress?: string }): FloatingIp {
  if (!UUID.test(body.portId)) throw neutronError.invalidUuid(`/v2.0/floatingips/${id}`, 'port_id', body.portId);
  return updateFloatingIp(c, writable(c, 'floatingIps', getFloatingIp(c, id)), { portId: body.portId, ...(body.fixedIpAddress !== undefined ? { fixedIpAddress: body.fixedIpAddress } : {}) });
}

/** PUT /v2.0/floatingips/{id} with port_id null (disassociate). */
export function disassociateFloatingIp(c: Cloud, id: string): FloatingIp {
  return updateFloatingIp(c, writable(c, 'floatingIps', getFloatingIp(c, id)), { portId: null });
}
