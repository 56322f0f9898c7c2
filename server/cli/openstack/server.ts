/** `openstack server …` and `console log show`: projects what sim/api/nova answers onto OSC 6.0's columns. */
import { setOwn } from '../../sim/objects.js';
import type { Cloud } from '../../sim/model/cloud.js';
import type { Json, JsonObject } from '../../sim/api/json.js';
import type { CellValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import {
  addSecurityGroup,
  consoleOutput,
  createServer,
  deleteServer,
  listServers,
  POWER_STATES,
  rebootServer,
  removeSecurityGroup,
  checkAllTenants,
  serverPortsOf,
  showServer,
  startServer,
  stopServer,
  type Matcher,
  type NicRequest,
  type ServerCreate,
  type ServerQuery,
} from '../../sim/api/nova/index.js';
import { associateFloatingIp, disassociateFloatingIp } from '../../sim/api/neutron/index.js';
import { linearPattern } from '../pattern.js';
import { CliError } from '../errors.js';
import { errorLine, flag, none, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { laptopDirectory, laptopFile } from '../linux/files.js';
import { findFlavor } from './flavor.js';
import { findFloatingIp } from './floating-ip.js';
import { findImage } from './image.js';
import { findNetwork } from './network.js';
import { findPort } from './port.js';
import { attr, listCol, sortFields } from './format.js';

export { findServer } from './find-server.js';
import { findServer, sdkFindServer } from './find-server.js';

type Addresses = { [net: string]: Array<{ [k: string]: Json }> };

/** `net1=10.0.0.5, 203.0.113.7; net2=…`: OSC's AddressesColumn, networks by name, addresses sorted as strings. */
export function addressesText(d: JsonObject): string {
  const a = (d['addresses'] ?? {}) as Addresses;
  return Object.keys(a)
    .sort()
    .map((n) => `${n}=${(a[n] ?? []).map((x) => String(x['addr'])).sort().join(', ')}`)
    .join('; ');
}

/** OSC's AddressesColumn: the text above in tables, `{net: [addr, …]}` (Nova's order) elsewhere. */
function addressesCell(d: JsonObject): CellValue {
  const a = (d['addresses'] ?? {}) as Addresses;
  const machine = Object.fromEntries(Object.entries(a).map(([n, xs]) => [n, xs.map((x) => String(x['addr']))]));
  return formatted(addressesText(d), machine);
}

/** OSC's PowerStateColumn: the state's name in tables, Nova's integer elsewhere. */
function powerStateCell(d: JsonObject): CellValue {
  const n = d['OS-EXT-STS:power_state'];
  return typeof n === 'number' ? formatted(POWER_STATES[n] ?? '', n) : attr(d, 'OS-EXT-STS:power_state');
}

/** OSC's DictColumn over the metadata: `k='v', …` sorted in tables, the dict (Nova's order) elsewhere. */
function propertiesCell(d: JsonObject): CellValue {
  const meta = (d['metadata'] ?? {}) as { [k: string]: Json };
  return formatted(Object.keys(meta).sort().map((k) => `${k}='${String(meta[k] ?? '')}'`).join(', '), { ...meta });
}

/** The flavor's or image's id in a server dictionary. */
function refId(d: JsonObject, key: 'flavor' | 'image'): string {
  const r = d[key] as { [k: string]: Json } | null;
  return String(r?.['id'] ?? '');
}

/** `name (id)`: OSC looks the flavor and the image up to print their names. */
function named(items: ReadonlyArray<{ id: string; name: string }>, id: string): string {
  const x = items.find((i) => i.id === id);
  return x ? `${x.name} (${x.id})` : id;
}

function nameOf(items: ReadonlyArray<{ id: string; name: string }>, id: string): string {
  return items.find((i) => i.id === id)?.name ?? '';
}

/** `server show`/`create` rows: OSC's _prep_server_detail over the API's server. */
function serverShow(c: Cloud, d: JsonObject, extra: Array<[string, CellValue]>): Output {
  const groups = (d['security_groups'] ?? []) as Array<{ [k: string]: Json }>;
  const fields: Array<[string, CellValue]> = [
    ['OS-DCF:diskConfig', attr(d, 'OS-DCF:diskConfig')],
    ['OS-EXT-AZ:availability_zone', attr(d, 'OS-EXT-AZ:availability_zone')],
    ['OS-EXT-STS:power_state', powerStateCell(d)],
    ['OS-EXT-STS:task_state', attr(d, 'OS-EXT-STS:task_state')],
    ['OS-EXT-STS:vm_state', attr(d, 'OS-EXT-STS:vm_state')],
    ['OS-SRV-USG:launched_at', attr(d, 'OS-SRV-USG:launched_at')],
    ['OS-SRV-USG:terminated_at', attr(d, 'OS-SRV-USG:terminated_at')],
    ['accessIPv4', attr(d, 'accessIPv4')],
    ['accessIPv6', attr(d, 'accessIPv6')],
    ['addresses', addressesCell(d)],
    ['config_drive', attr(d, 'config_drive')],
    ['created', attr(d, 'created')],
    ['flavor', named(c.flavors, refId(d, 'flavor'))],
    ['hostId', attr(d, 'hostId')],
    ['id', attr(d, 'id')],
    ['image', named(c.images, refId(d, 'image'))],
    ['key_name', attr(d, 'key_name')],
    ['name', attr(d, 'name')],
    ['project_id', attr(d, 'tenant_id')],
    ['properties', propertiesCell(d)],
    ['security_groups', formatted(groups.map((g) => `name='${String(g['name'])}'`).join('\n'), groups.map((g) => ({ name: g['name'] ?? null })))],
    ['status', attr(d, 'status')],
    ['updated', attr(d, 'updated')],
    ['user_id', attr(d, 'user_id')],
    // No volumes in Stacklab: OSC's ListDictColumn of none.
    ['volumes_attached', formatted('', [])],
    ...extra,
  ];
  // Nova gives progress only while a server is running or building (as sim/api/nova/rest.ts answers).
  if (d['status'] === 'ACTIVE' || d['status'] === 'BUILD') fields.push(['progress', attr(d, 'progress')]);
  for (const k of ['OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname', 'OS-EXT-SRV-ATTR:instance_name']) {
    if (k in d) fields.push([k, attr(d, k)]);
  }
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function createRequest(c: Cloud, a: Args): ServerCreate {
  const flavor = findFlavor(c, req(a, 'flavor'));
  const imageArg = str(a, 'image');
  if (imageArg === undefined) {
    throw new CliError('An image (--image, --image-property) or bootable volume (--volume, --snapshot, --block-device) is required');
  }
  const image = findImage(c, imageArg);
  const nics: NicRequest[] = [];
  let nicNone = false;
  const rawNics = (a['nics'] as Array<string | Record<string, string>> | undefined) ?? [];
  for (const n of rawNics) {
    if (n === 'none' || n === 'auto') {
      if (rawNics.length > 1) {
        throw new CliError('Specifying a --nic of auto or none cannot be used with any other --nic, --network or --port value.');
      }
      nicNone = n === 'none';
      continue;
    }
    if (typeof n === 'string') continue;
    // OSC's --network and --port arrive here too, as net-id/port-id dicts holding names.
    if (n['port-id'] !== undefined) {
      nics.push({ kind: 'port', portId: findPort(c, n['port-id']).id });
    } else if (n['net-id'] !== undefined) {
      const net = findNetwork(c, n['net-id']);
      nics.push({
        kind: 'network',
        networkId: net.id,
        ...(n['v4-fixed-ip'] !== undefined ? { v4FixedIp: n['v4-fixed-ip'] } : {}),
        ...(n['v6-fixed-ip'] !== undefined ? { v6FixedIp: n['v6-fixed-ip'] } : {}),
      });
    }
  }
  const r: ServerCreate = { name: req(a, 'server_name'), flavorId: flavor.id, imageId: image.id };
  if (nics.length > 0 || nicNone) r.nics = nics;
  const key = str(a, 'key_name');
  if (key !== undefined) r.keyName = key;
  const groups = strs(a, 'security_group');
  if (groups.length > 0) r.securityGroups = groups;
  if (a['config_drive'] === true || (typeof a['config_drive'] === 'string' && a['config_drive'] !== 'False')) r.configDrive = true;
  const az = str(a, 'availability_zone');
  if (az !== undefined) r.availabilityZone = az;
  const props: Record<string, string> = {};
  // Merged key by key as own keys (Object.assign would give `__proto__=x` to the prototype).
  for (const d of (a['properties'] as Array<Record<string, string>> | undefined) ?? []) for (const [k, v] of Object.entries(d)) setOwn(props, k, v);
  if (Object.keys(props).length > 0) r.properties = props;
  const userData = str(a, 'user_data');
  if (userData !== undefined) r.userData = readUserData(userData);
  return r;
}

/** OSC opens the --user-data file on the machine it runs on (the laptop), before any request. */
function readUserData(path: string): string {
  const f = laptopFile(path);
  if (f !== null) return f;
  const why = laptopDirectory(path) ? '[Errno 21] Is a directory' : '[Errno 2] No such file or directory';
  throw new CliError(`Can't open '${path}': ${why}: '${path}'`);
}

/**
 * OSC's start/stop loop: each server in turn, stopping at the first error (those before it
 * stay changed), printed as novaclient prints it.
 */
function powerEach(c: Cloud, a: Args, action: (c: Cloud, id: string) => void): Output {
  for (const t of strs(a, 'server')) {
    try {
      action(c, findServer(c, t).id);
    } catch (e) {
      return { kind: 'text', stdout: '', stderr: `${errorLine(c, e, 'nova')}\n`, exitCode: 1 };
    }
  }
  return none;
}

function serverCreate(c: Cloud, a: Args): Output {
  const d = createServer(c, createRequest(c, a));
  return serverShow(c, d, [['adminPass', attr(d, 'adminPass')]]);
}

/**
 * Nova matches --name, --ip and --ip6 as regular expressions; here they run in linear time
 * (re2js), and a pattern it cannot compile (or too large to compile quickly) matches nothing.
 */
function matcher(a: Args, k: string): Matcher | undefined {
  const v = str(a, k);
  if (v === undefined) return undefined;
  const re = linearPattern(v);
  return re === null ? () => false : (text) => re.test(text);
}

function listQuery(c: Cloud, a: Args): ServerQuery {
  const q: ServerQuery = { allTenants: flag(a, 'all_projects') };
  const name = matcher(a, 'name');
  if (name) q.name = name;
  const status = str(a, 'status');
  if (status !== undefined) q.status = status.toUpperCase();
  const flavor = str(a, 'flavor');
  if (flavor !== undefined) q.flavorId = findFlavor(c, flavor).id;
  const image = str(a, 'image');
  if (image !== undefined) q.imageId = findImage(c, image).id;
  const host = str(a, 'host');
  if (host !== undefined) q.host = host;
  const ip = matcher(a, 'ip');
  if (ip) q.ip = ip;
  const ip6 = matcher(a, 'ip6');
  if (ip6) q.ip6 = ip6;
  if (typeof a['limit'] === 'number') q.limit = a['limit'];
  // Nova refuses all_tenants to a non-admin (the flavor and image were looked up first).
  if (q.allTenants) checkAllTenants(c, true);
  return q;
}

/**
 * The columns `-c` adds to `server list` (OSC 6.0 appends one for each -c naming it, by header or
 * attribute name, even when --long already has it): the header and the value for a server.
 */
const EXTRA_COLUMNS: Array<[names: string[], header: string, value: (c: Cloud, d: JsonObject) => CellValue]> = [
  [['Project ID', 'project_id'], 'Project ID', (_c, d) => attr(d, 'tenant_id')],
  [['User ID', 'user_id'], 'User ID', (_c, d) => attr(d, 'user_id')],
  [['Created At', 'created_at'], 'Created At', (_c, d) => attr(d, 'created')],
  [['Security Groups', 'security_groups'], 'Security Groups', (_c, d) => listCol(((d['security_groups'] ?? []) as Array<{ [k: string]: Json }>).map((g) => String(g['name'])))],
  [['Task State', 'task_state'], 'Task State', (_c, d) => attr(d, 'OS-EXT-STS:task_state')],
  [['Power State', 'power_state'], 'Power State', (_c, d) => powerStateCell(d)],
  [['Image ID', 'image_id'], 'Image ID', (_c, d) => refId(d, 'image')],
  [['Flavor ID', 'flavor_id'], 'Flavor ID', (_c, d) => refId(d, 'flavor')],
  [['Availability Zone', 'availability_zone'], 'Availability Zone', (_c, d) => attr(d, 'OS-EXT-AZ:availability_zone')],
  [['Host', 'host'], 'Host', (_c, d) => d['OS-EXT-SRV-ATTR:host'] ?? ''],
  // The metadata itself, without --long's DictColumn: Python's str() of the dict in tables too.
  [['Properties', 'properties'], 'Properties', (_c, d) => ({ ...((d['metadata'] ?? {}) as { [k: string]: Json }) })],
];

function serverList(c: Cloud, a: Args): Output {
  const servers = listServers(c, listQuery(c, a));
  let headers: string[];
  let rows: CellValue[][];
  if (flag(a, 'long')) {
    headers = ['ID', 'Name', 'Status', 'Task State', 'Power State', 'Networks', 'Image Name', 'Image ID', 'Flavor Name', 'Flavor ID', 'Availability Zone', 'Host', 'Properties'];
    rows = servers.map((d) => {
      const imageId = refId(d, 'image');
      const flavorId = refId(d, 'flavor');
      return [
        attr(d, 'id'), attr(d, 'name'), attr(d, 'status'), attr(d, 'OS-EXT-STS:task_state'),
        powerStateCell(d), addressesCell(d),
        nameOf(c.images, imageId), imageId, nameOf(c.flavors, flavorId), flavorId,
        attr(d, 'OS-EXT-AZ:availability_zone'), d['OS-EXT-SRV-ATTR:host'] ?? '', propertiesCell(d),
      ];
    });
  } else {
    headers = ['ID', 'Name', 'Status', 'Networks', 'Image', 'Flavor'];
    rows = servers.map((d) => [attr(d, 'id'), attr(d, 'name'), attr(d, 'status'), addressesCell(d), nameOf(c.images, refId(d, 'image')), nameOf(c.flavors, refId(d, 'flavor'))]);
  }
  for (const col of strs(a, 'columns')) {
    for (const [names, header, value] of EXTRA_COLUMNS) {
      if (!names.includes(col)) continue;
      headers.push(header);
      rows.forEach((r, i) => r.push(value(c, servers[i] as JsonObject)));
    }
  }
  // A header -c selects twice (--long and a -c naming one of its columns): the table formatter refuses.
  const selected = headers.filter((h) => strs(a, 'columns').includes(h));
  if ((str(a, 'formatter') ?? 'table') === 'table' && new Set(selected).size < selected.length) {
    return { kind: 'text', stdout: '', stderr: 'Field names must be unique\n', exitCode: 1 };
  }
  return { kind: 'list', data: { headers, rows } };
}

/**
 * OSC's AddFloatingIP (client-side): it lists the server's ports and asks Neutron to associate
 * the floating IP with each in turn (the one holding --fixed-ip-address if given) until one works.
 */
function addFloatingIp(c: Cloud, a: Args): Output {
  const s = findServer(c, req(a, 'server'));
  const fip = findFloatingIp(c, req(a, 'ip_address'));
  const fixed = str(a, 'fixed_ip_address');
  const ports = serverPortsOf(c, s.id);
  if (ports.length === 0) throw new CliError('No attached ports found to associate floating IP with');
  let last: unknown = null;
  for (const p of ports) {
    if (fixed !== undefined && !p.fixedIps.includes(fixed)) continue;
    try {
      associateFloatingIp(c, fip.id, { portId: p.id, ...(fixed !== undefined ? { fixedIpAddress: fixed } : {}) });
      return none;
    } catch (e) {
      last = e;
    }
  }
  if (last === null) throw new CliError(`No port found for fixed IP address ${fixed ?? ''}`);
  throw last;
}

function consoleLogShow(c: Cloud, a: Args): Output {
  const lines = typeof a['lines'] === 'number' ? (a['lines'] as number) : undefined;
  // OSC 6.0 reads the console through openstacksdk: its find_server, its messages.
  const text = consoleOutput(c, sdkFindServer(c, req(a, 'server')).id, lines);
  return { kind: 'text', stdout: text.endsWith('\n') ? text : `${text}\n` };
}

/**
 * `server reboot`: novaclient's reboot action on the server it found; `--wait` polls until the
 * server is ACTIVE again (at once here: the simulated guest reboots between two polls) and prints
 * the client's "Complete".
 */
function serverReboot(c: Cloud, a: Args): Output {
  const s = findServer(c, req(a, 'server'));
  rebootServer(c, s, a['reboot_type'] === 'HARD');
  return flag(a, 'wait') ? { kind: 'text', stdout: 'Complete\n' } : none;
}

/**
 * `server add|remove security group`: OSC 6.0 finds the group through Nova's security group proxy
 * (by id, else by name among the project's: "none found" when no group has it), then asks Nova to
 * add or remove it by its id, which Nova does on each of the server's ports.
 */
function groupAction(c: Cloud, a: Args, action: typeof addSecurityGroup): Output {
  const s = findServer(c, req(a, 'server'));
  const nameOrId = req(a, 'group');
  const mine = c.securityGroups.filter((g) => c.auth.admin || g.projectId === c.auth.projectId);
  const g = mine.find((x) => x.id === nameOrId) ?? singleByName(c, nameOrId);
  action(c, s, g.id);
  return none;
}

/** osc-lib's find_one over Nova's list of the project's groups: exactly one of that name (its NotFound prints its status). */
function singleByName(c: Cloud, name: string): { id: string } {
  const matches = c.securityGroups.filter((g) => g.projectId === c.auth.projectId && g.name === name);
  if (matches.length === 0) throw new CliError('none found (HTTP 404)');
  if (matches.length > 1) throw new CliError('many found');
  return matches[0] as { id: string };
}

export const serverCommands: OscCommand[] = [
  { name: 'server create', shares: true, style: 'nova', run: ({ cloud, args }) => serverCreate(cloud, args) },
  { name: 'server list', style: 'nova', run: ({ cloud, args }) => serverList(cloud, args) },
  { name: 'server show', style: 'nova', run: ({ cloud: c, args: a }) => serverShow(c, showServer(c, findServer(c, req(a, 'server')).id), []) },
  {
    name: 'server delete', shares: true,
    style: 'nova',
    run: ({ cloud: c, args: a }) => {
      for (const t of strs(a, 'server')) deleteServer(c, findServer(c, t).id);
      return none;
    },
  },
  { name: 'server add floating ip', style: 'sdk', run: ({ cloud, args }) => addFloatingIp(cloud, args) },
  {
    name: 'server remove floating ip',
    style: 'sdk',
    run: ({ cloud: c, args: a }) => {
      findServer(c, req(a, 'server'));
      disassociateFloatingIp(c, findFloatingIp(c, req(a, 'ip_address')).id);
      return none;
    },
  },
  { name: 'server stop', style: 'nova', run: ({ cloud, args }) => powerEach(cloud, args, stopServer) },
  { name: 'server start', style: 'nova', run: ({ cloud, args }) => powerEach(cloud, args, startServer) },
  { name: 'server reboot', style: 'nova', run: ({ cloud, args }) => serverReboot(cloud, args) },
  { name: 'server add security group', style: 'nova', run: ({ cloud, args }) => groupAction(cloud, args, addSecurityGroup) },
  { name: 'server remove security group', style: 'nova', run: ({ cloud, args }) => groupAction(cloud, args, removeSecurityGroup) },
  { name: 'console log show', style: 'sdk', run: ({ cloud, args }) => consoleLogShow(cloud, args) },
];
