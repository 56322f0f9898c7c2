/**
 * `openstack server add|remove port|network|fixed ip`: OSC 6.0 finds the server and the port or
 * network through openstacksdk, then asks Nova's os-interface API (openstacksdk's
 * ServerInterface, microversion 2.70) to plug or unplug it. `server remove fixed ip` still goes
 * through novaclient, whose remove_fixed_ip went with microversion 2.44: the client fails after
 * finding the server, printing the missing attribute's name.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import type { JsonObject } from '../../sim/api/json.js';
import { createInterface, deleteInterface, serverInterfaces, SDK_INTERFACE_MINOR } from '../../sim/api/nova/index.js';
import { formatted, type CellValue } from '../../render/pyvalue.js';
import { CliError } from '../errors.js';
import { none, req, str, type Args, type OscCommand, type Output } from './common.js';
import { findServer, sdkFindServer } from './find-server.js';
import { findNetwork } from './network.js';
import { findPort } from './port.js';
import { attr } from './format.js';

/**
 * openstacksdk's create_server_interface: the body it sends for what the command names, with
 * --tag when given (OSC drops an empty one).
 */
function attach(c: Cloud, s: Server, a: Args, target: JsonObject): JsonObject {
  const tag = str(a, 'tag');
  return createInterface(c, s.id, { interfaceAttachment: { ...target, ...(tag ? { tag } : {}) } }, SDK_INTERFACE_MINOR);
}

/** `server add port|network`: the server found first (the sdk's find_server), then the port or network, then the attach; OSC prints nothing. */
function attachNamed(c: Cloud, a: Args, target: () => JsonObject): Output {
  const s = sdkFindServer(c, req(a, 'server'));
  attach(c, s, a, target());
  return none;
}

/** The ShowOne `server add fixed ip` prints: the new interface, its fixed IPs as OSC's ListDictColumn. */
function interfaceShow(serverId: string, d: JsonObject): Output {
  const ips = (Array.isArray(d['fixed_ips']) ? d['fixed_ips'] : []) as JsonObject[];
  const text = ips.map((f) => Object.keys(f).sort().map((k) => `${k}='${String(f[k])}'`).join(', ')).join('\n');
  const fields: Array<[string, CellValue]> = [
    ['Port ID', attr(d, 'port_id')],
    ['Server ID', serverId],
    ['Network ID', attr(d, 'net_id')],
    ['MAC Address', attr(d, 'mac_addr')],
    ['Port State', attr(d, 'port_state')],
    ['Fixed IPs', formatted(text, ips)],
    ['Tag', attr(d, 'tag')],
  ];
  return { kind: 'show', data: { fields } };
}

function addFixedIp(c: Cloud, a: Args): Output {
  const s = sdkFindServer(c, req(a, 'server'));
  const net = findNetwork(c, req(a, 'network'));
  const ip = str(a, 'fixed_ip_address');
  // OSC sends the address only when one is given (an empty one is none).
  return interfaceShow(s.id, attach(c, s, a, { net_id: net.id, ...(ip ? { fixed_ips: [{ ip_address: ip }] } : {}) }));
}

function removeNetwork(c: Cloud, a: Args): Output {
  const s = sdkFindServer(c, req(a, 'server'));
  const net = findNetwork(c, req(a, 'network'));
  for (const inf of serverInterfaces(c, s.id)) {
    if (inf['net_id'] === net.id) deleteInterface(c, s.id, String(inf['port_id']));
  }
  return none;
}

export const serverInterfaceCommands: OscCommand[] = [
  { name: 'server add port', style: 'sdk', run: ({ cloud: c, args: a }) => attachNamed(c, a, () => ({ port_id: findPort(c, req(a, 'port')).id })) },
  { name: 'server add network', style: 'sdk', run: ({ cloud: c, args: a }) => attachNamed(c, a, () => ({ net_id: findNetwork(c, req(a, 'network')).id })) },
  { name: 'server add fixed ip', style: 'sdk', run: ({ cloud, args }) => addFixedIp(cloud, args) },
  {
    name: 'server remove port',
    style: 'sdk',
    run: ({ cloud: c, args: a }) => {
      const s = sdkFindServer(c, req(a, 'server'));
      deleteInterface(c, s.id, findPort(c, req(a, 'port')).id);
      return none;
    },
  },
  { name: 'server remove network', style: 'sdk', run: ({ cloud, args }) => removeNetwork(cloud, args) },
  {
    name: 'server remove fixed ip',
    style: 'nova',
    run: ({ cloud: c, args: a }) => {
      findServer(c, req(a, 'server'));
      throw new CliError('remove_fixed_ip');
    },
  },
];
