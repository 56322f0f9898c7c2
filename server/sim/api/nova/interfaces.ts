/**
 * Nova's interface attachments (nova/api/openstack/compute/attach_interfaces.py): the server's
 * ports as `interfaceAttachment`s, the POST body as its schema reads it (schemas/
 * attach_interfaces.py: net_id, port_id, one fixed IP, and from 2.49 a tag), attach and detach.
 */
import type { Cloud } from '../../model/cloud.js';
import type { Server } from '../../model/compute.js';
import type { Port } from '../../model/port.js';
import { pyRepr, type Json, type JsonObject } from '../json.js';
import { SimError } from '../../errors.js';
import { parseIp } from '../../ipam.js';
import { attachInterface, detachInterface, serverPorts, type InterfaceAttach } from '../../ops/server.js';
import { BodyError, invalidInput } from './server-body.js';
import { getServer } from './server.js';
import { syncGroups } from './server-actions.js';

/** The microversion openstacksdk's ServerInterface asks for (its _max_microversion). */
export const SDK_INTERFACE_MINOR = 70;

/** One attachment as Nova shows it; the tag (2.70 and later) is the one the attach gave, else null. */
export function attachmentView(s: Server, p: Port, minor: number): JsonObject {
  const d: JsonObject = {
    net_id: p.networkId,
    port_id: p.id,
    mac_addr: p.macAddress,
    port_state: p.status,
    fixed_ips: p.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
  };
  if (minor >= 70) d['tag'] = s.nics.find((n) => n.portId === p.id)?.tag ?? null;
  return d;
}

/** GET /servers/{id}/os-interface: Neutron's ports with the server as their device. */
export function listInterfaces(c: Cloud, s: Server, minor: number): JsonObject[] {
  return serverPorts(c, s).map((p) => attachmentView(s, p, minor));
}

/**
 * GET /servers/{id}/os-interface/{port}: Nova shows the port through Neutron (a port the caller
 * cannot see is "could not be found"), then checks it is the server's.
 */
export function showInterface(c: Cloud, s: Server, portId: string, minor: number): JsonObject {
  const path = `/servers/${s.id}/os-interface/${portId}`;
  const p = c.ports.find((x) => x.id === portId && (c.auth.admin || x.projectId === c.auth.projectId));
  if (!p) throw new SimError(404, `Port id ${portId} could not be found.`, path, 'compute');
  if (p.deviceId !== s.id) throw new SimError(404, `Instance ${s.id} does not have a port with id ${portId}`, path, 'compute');
  return attachmentView(s, p, minor);
}

const UUID = /^(urn:)?(uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpAddress(v: string): boolean {
  return IPV4.test(v) || (v.includes(':') && parseIp(v)?.version === 6);
}

function uuidField(o: JsonObject, k: string): string | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidInput(k, v, `${pyRepr(v)} is not of type 'string'`);
  if (!UUID.test(v)) throw invalidInput(k, v, `${pyRepr(v)} is not a 'uuid'`);
  return v;
}

function fixedIpField(o: JsonObject): string | undefined {
  const v = o['fixed_ips'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidInput('fixed_ips', v, `${pyRepr(v)} is not of type 'array'`);
  if (v.length < 1) throw invalidInput('fixed_ips', v, `${pyRepr(v)} is too short`);
  if (v.length > 1) throw invalidInput('fixed_ips', v, `${pyRepr(v)} is too long`);
  const item = v[0] as Json;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw invalidInput('0', item, `${pyRepr(item)} is not of type 'object'`);
  const ip = item['ip_address'];
  if (ip !== undefined) {
    if (typeof ip !== 'string') throw invalidInput('ip_address', ip, `${pyRepr(ip)} is not of type 'string'`);
    if (!isIpAddress(ip)) throw invalidInput('ip_address', ip, `${pyRepr(ip)} is not valid under any of the given schemas`);
  }
  const extra = Object.keys(item).filter((k) => k !== 'ip_address');
  if (ip === undefined) throw invalidInput('0', item, "'ip_address' is a required property");
  if (extra.length > 0) throw invalidInput('0', item, additional(extra));
  return ip;
}

function tagField(o: JsonObject): string | undefined {
  const v = o['tag'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidInput('tag', v, `${pyRepr(v)} is not of type 'string'`);
  if (v.length < 1) throw invalidInput('tag', v, `${pyRepr(v)} is too short`);
  if (v.length > 60) throw invalidInput('tag', v, `${pyRepr(v)} is too long`);
  if (/[,/]/.test(v)) throw invalidInput('tag', v, `${pyRepr(v)} does not match '^[^,/]*$'`);
  return v;
}

/** jsonschema's additionalProperties message (the unexpected keys in the body's order). */
function additional(keys: string[]): string {
  const names = keys.map((k) => pyRepr(k)).join(', ');
  return `Additional properties are not allowed (${names} ${keys.length === 1 ? 'was' : 'were'} unexpected)`;
}

/** POST /servers/{id}/os-interface's body, checked as the schema of the microversion does. */
export function interfaceAttachRequest(body: Json, minor: number): InterfaceAttach {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BodyError(400, `${pyRepr(body)} is not of type 'object'`);
  const a = body['interfaceAttachment'];
  const outer = Object.keys(body).filter((k) => k !== 'interfaceAttachment');
  const req: InterfaceAttach = {};
  if (a !== undefined) {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) throw invalidInput('interfaceAttachment', a, `${pyRepr(a)} is not of type 'object'`);
    const known = minor >= 49 ? ['net_id', 'port_id', 'fixed_ips', 'tag'] : ['net_id', 'port_id', 'fixed_ips'];
    const net = uuidField(a, 'net_id');
    const port = uuidField(a, 'port_id');
    const ip = fixedIpField(a);
    const tag = minor >= 49 ? tagField(a) : undefined;
    const extra = Object.keys(a).filter((k) => !known.includes(k));
    if (extra.length > 0) throw invalidInput('interfaceAttachment', a, additional(extra));
    if (net !== undefined) req.networkId = net;
    if (port !== undefined) req.portId = port;
    if (ip !== undefined) req.fixedIp = ip;
    if (tag !== undefined) req.tag = tag;
  }
  if (outer.length > 0) throw new BodyError(400, additional(outer));
  return req;
}

/**
 * POST /servers/{id}/os-interface: the body checked by the microversion's schema, the attach,
 * and the new attachment as Nova's answer shows it (a GET of the port).
 */
export function createInterface(c: Cloud, serverId: string, body: Json, minor: number): JsonObject {
  const s = getServer(c, serverId);
  let req: InterfaceAttach;
  try {
    req = interfaceAttachRequest(body, minor);
  } catch (e) {
    if (e instanceof BodyError) throw new SimError(e.status, e.message, `/servers/${s.id}/os-interface`, 'compute');
    throw e;
  }
  const p = attachInterface(c, s, req);
  syncGroups(c, s);
  return attachmentView(s, p, minor);
}

/** DELETE /servers/{id}/os-interface/{port}: 202 whatever the host then finds (see detachInterface). */
export function deleteInterface(c: Cloud, serverId: string, portId: string): void {
  const s = getServer(c, serverId);
  if (detachInterface(c, s, portId)) syncGroups(c, s);
}

/** The server's attachments at openstacksdk's microversion (`server remove network` walks them). */
export function serverInterfaces(c: Cloud, serverId: string): JsonObject[] {
  return listInterfaces(c, getServer(c, serverId), SDK_INTERFACE_MINOR);
}
