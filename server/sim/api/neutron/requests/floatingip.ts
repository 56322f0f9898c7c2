/**
 * POST, PUT and DELETE /v2.0/floatingips: a body's attributes as the L3 plugin takes them. The
 * legacy CLI's floatingip-create, -associate, -disassociate and -delete go through these.
 */
import type { Cloud } from '../../../model/cloud.js';
import type { FloatingIp } from '../../../model/floating-ip.js';
import { neutronError } from '../../../errors.js';
import { shareAll, writable } from '../../../clone.js';
import {
  createFloatingIp,
  deleteFloatingIp,
  updateFloatingIp,
  type FloatingIpCreate,
} from '../../../ops/floating-ip.js';
import { visibleFloatingIps, visibleNetworks } from '../../../visibility.js';
import type { JsonObject } from '../../json.js';
import { floatingIpDict } from '../floatingip.js';
import type { CollectionWrites } from './types.js';
import { ipAttr, owner, uuidAttr, withFaultTypes } from './checks.js';
import { defined, ordered, prepare, text, visible } from './order.js';

const PATH = '/v2.0/floatingips';

/** The keys of a POST answer. */
const CREATE_ORDER = [
  'id',
  'tenant_id',
  'floating_ip_address',
  'floating_network_id',
  'router_id',
  'port_id',
  'fixed_ip_address',
  'status',
  'project_id',
  'description',
  'port_details',
  'tags',
  'created_at',
  'updated_at',
  'revision_number',
];

/** The keys of a PUT answer (project_id last). */
const UPDATE_ORDER = [...CREATE_ORDER.filter((k) => k !== 'project_id'), 'project_id'];

/** A floating IP the caller can see, or Neutron's 404. */
export function floatingIpById(c: Cloud, id: string): FloatingIp {
  const f = visibleFloatingIps(c).find((x) => x.id === id);
  if (!f) throw neutronError.floatingIpNotFound(id);
  return f;
}

/** POST /v2.0/floatingips with the `floatingip` object: the new floating IP (associated when a port is given). */
export function postFloatingIp(c: Cloud, member: JsonObject, path: string = PATH): FloatingIp {
  return withFaultTypes(() => {
    const b = prepare(c, 'floatingips', 'create', path, member);
    const networkId = uuidAttr(path, b, 'floating_network_id') as string;
    const req = defined<FloatingIpCreate>({
      networkId,
      subnetId: uuidAttr(path, b, 'subnet_id', true) ?? undefined,
      floatingIpAddress: ipAttr(path, b, 'floating_ip_address') ?? undefined,
      portId: uuidAttr(path, b, 'port_id', true) ?? undefined,
      fixedIpAddress: ipAttr(path, b, 'fixed_ip_address') ?? undefined,
      description: text(b, 'description'),
      projectId: owner(b),
    });
    visible(visibleNetworks(c), networkId, path, `Network ${networkId} could not be found.`);
    return createFloatingIp(c, req);
  });
}

/** PUT /v2.0/floatingips/ID with the `floatingip` object: a port_id associates it, null disassociates it. */
export function putFloatingIp(
  c: Cloud,
  id: string,
  member: JsonObject,
  path: string = `${PATH}/${id}`,
): FloatingIp {
  // An update changes one floating IP and reads the others, the ports and the routers: shared,
  // the floating IP made the draft's own (sim/clone.ts).
  shareAll(c);
  return withFaultTypes(() => {
    const b = prepare(c, 'floatingips', 'update', path, member);
    const portId = uuidAttr(path, b, 'port_id', true);
    const fixed = ipAttr(path, b, 'fixed_ip_address');
    const f = writable(c, 'floatingIps', floatingIpById(c, id));
    return updateFloatingIp(
      c,
      f,
      defined<Parameters<typeof updateFloatingIp>[2]>({
        portId,
        fixedIpAddress: fixed ?? undefined,
        description: text(b, 'description'),
      }),
    );
  });
}

/** DELETE /v2.0/floatingips/ID. */
export function deleteFloatingIpById(c: Cloud, id: string): void {
  // Filters the floating IP and its port out (removePort changes what hangs on it through writable).
  shareAll(c);
  withFaultTypes(() => deleteFloatingIp(c, floatingIpById(c, id)));
}

export const floatingIpWrites: CollectionWrites = {
  create: (c, member, path) =>
    ordered(floatingIpDict(c, postFloatingIp(c, member, path)), CREATE_ORDER),
  update: (c, id, member, path) =>
    ordered(floatingIpDict(c, putFloatingIp(c, id, member, path)), UPDATE_ORDER),
  remove: (c, id) => deleteFloatingIpById(c, id),
};
