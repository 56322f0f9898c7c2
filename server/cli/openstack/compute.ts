/** `openstack server|keypair|image|flavor|quota …`: the Nova and Glance side, as OSC 6.0 prints it. */
import type { RE2JS } from 're2js';
import { linearPattern } from '../pattern.js';
import type { Cloud } from '../../sim/model/cloud.js';
import type { Flavor, Image, Keypair, Server } from '../../sim/model/compute.js';
import type { CellValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { createServer, deleteServer, serverPorts, type NicRequest, type ServerCreate } from '../../sim/ops/server.js';
import { updateFloatingIp } from '../../sim/ops/floating-ip.js';
import { hex, password } from '../../sim/rng.js';
import { novaError, SimError } from '../../sim/errors.js';
import { CliError } from '../errors.js';
import { DEFAULT_QUOTAS, NEUTRON_QUOTA_KEYS, neutronQuotas, updateQuotas, type NeutronQuotaKey } from '../../sim/ops/quota.js';
import { apiFixedIps } from '../../sim/ops/port.js';
import { findBy, flag, none, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { findFloatingIp } from './floating-ip.js';
import { findNetwork } from './network.js';
import { findPort } from './port.js';
import { findProject } from './project.js';
import { sortFields } from './format.js';
import { now } from '../../sim/ops/context.js';
import { consoleLog } from '../../sim/dataplane/guest.js';

// ---- lookups (novaclient-era messages for Nova, SDK ones for Glance) ----------------------

export function findServer(c: Cloud, nameOrId: string): Server {
  const visible = c.servers.filter((s) => c.auth.admin || s.projectId === c.auth.projectId);
  const byId = visible.find((s) => s.id === nameOrId);
  if (byId) return byId;
  const byName = visible.filter((s) => s.name === nameOrId);
  if (byName.length === 1) return byName[0] as Server;
  if (byName.length > 1) {
    throw new CliError(`More than one server exists with the name '${nameOrId}'.`);
  }
  throw new CliError(`No server with a name or ID of '${nameOrId}' exists.`);
}

export function findFlavor(c: Cloud, nameOrId: string): Flavor {
  const f = c.flavors.find((x) => x.id === nameOrId) ?? c.flavors.find((x) => x.name === nameOrId);
  if (!f) throw new CliError(`No flavor with a name or ID of '${nameOrId}' exists.`);
  return f;
}

export function findImage(c: Cloud, nameOrId: string): Image {
  return findBy(c.images, 'Image', nameOrId);
}

function findKeypair(c: Cloud, name: string): Keypair {
  const k = c.keypairs.find((x) => x.name === name);
  if (!k) throw new CliError(`No keypair with a name or ID of '${name}' exists.`);
  return k;
}

// ---- presentation ------------------------------------------------------------------------

/** `net1=10.0.0.5, 203.0.113.7; net2=…`: networks by name, addresses sorted as strings. */
export function addressesText(c: Cloud, s: Server): string {
  const byNet = new Map<string, string[]>();
  for (const p of serverPorts(c, s)) {
    const net = c.networks.find((n) => n.id === p.networkId);
    const name = net?.name ?? p.networkId;
    const ips = byNet.get(name) ?? [];
    ips.push(...apiFixedIps(p).map((f) => f.ipAddress));
    for (const f of c.floatingIps) if (f.portId === p.id) ips.push(f.floatingIpAddress);
    byNet.set(name, ips);
  }
  return [...byNet.keys()]
    .sort()
    .map((n) => `${n}=${[...(byNet.get(n) ?? [])].sort().join(', ')}`)
    .join('; ');
}

const POWER = ['NOSTATE', 'Running', '', 'Paused', 'Shutdown', '', 'Crashed', 'Suspended'];

function serverFields(c: Cloud, s: Server, extra: Array<[string, CellValue]>): Output {
  const flavor = c.flavors.find((f) => f.id === s.flavorId);
  const image = c.images.find((i) => i.id === s.imageId);
  const active = s.status === 'ACTIVE';
  const index = c.servers.indexOf(s) + 1;
  const fields: Array<[string, CellValue]> = [
    ['OS-DCF:diskConfig', 'MANUAL'],
    ['OS-EXT-AZ:availability_zone', active ? s.availabilityZone : ''],
    ['OS-EXT-STS:power_state', POWER[active ? 1 : 0] ?? ''],
    ['OS-EXT-STS:task_state', active ? null : 'scheduling'],
    ['OS-EXT-STS:vm_state', active ? 'active' : 'building'],
    ['OS-SRV-USG:launched_at', s.launchedAt === null ? null : `${s.launchedAt.replace('Z', '')}.000000`],
    ['OS-SRV-USG:terminated_at', null],
    ['accessIPv4', ''],
    ['accessIPv6', ''],
    ['addresses', formatted(addressesText(c, s), addressesText(c, s))],
    ['config_drive', s.configDrive ? 'True' : ''],
    ['created', s.createdAt],
    ['flavor', flavor ? `${flavor.name} (${flavor.id})` : s.flavorId],
    ['hostId', active ? s.hostId : ''],
    ['id', s.id],
    ['image', image ? `${image.name} (${image.id})` : s.imageId],
    ['key_name', s.keyName],
    ['name', s.name],
    ['progress', 0],
    ['project_id', s.projectId],
    ['properties', formatted(Object.keys(s.properties).sort().map((k) => `${k}='${s.properties[k] ?? ''}'`).join(', '), { ...s.properties })],
    ['security_groups', formatted(s.securityGroups.map((g) => `name='${g}'`).join('\n'), s.securityGroups.map((g) => ({ name: g })))],
    ['status', s.status],
    ['updated', s.updatedAt],
    ['user_id', s.userId],
    ['volumes_attached', ''],
    ...extra,
  ];
  if (c.auth.admin) {
    fields.push(
      ['OS-EXT-SRV-ATTR:host', active ? s.host : null],
      ['OS-EXT-SRV-ATTR:hypervisor_hostname', active ? `${s.host}.localdomain` : null],
      ['OS-EXT-SRV-ATTR:instance_name', `instance-${index.toString(16).padStart(8, '0')}`],
    );
  }
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

// ---- server ------------------------------------------------------------------------------

function serverCreate(c: Cloud, a: Args): Output {
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
  for (const d of (a['properties'] as Array<Record<string, string>> | undefined) ?? []) Object.assign(props, d);
  if (Object.keys(props).length > 0) r.properties = props;
  const s = createServer(c, r);
  return serverFields(c, s, [['adminPass', password(c.rng, 12)]]);
}

function serverList(c: Cloud, a: Args): Output {
  const visible = c.servers.filter((s) => c.auth.admin ? flag(a, 'all_projects') || s.projectId === c.auth.projectId : s.projectId === c.auth.projectId);
  let servers = [...visible].reverse();
  // Nova matches --name, --ip and --ip6 as regular expressions; a pattern it cannot compile (or
  // too large to compile quickly) matches nothing here.
  const regex = (k: string): RE2JS | null | undefined => {
    const v = str(a, k);
    return v === undefined ? undefined : linearPattern(v);
  };
  const name = regex('name');
  if (name !== undefined) servers = servers.filter((s) => name !== null && name.test(s.name));
  const status = str(a, 'status');
  if (status !== undefined) servers = servers.filter((s) => s.status === status.toUpperCase());
  const flavor = str(a, 'flavor');
  if (flavor !== undefined) {
    const id = findFlavor(c, flavor).id;
    servers = servers.filter((s) => s.flavorId === id);
  }
  const image = str(a, 'image');
  if (image !== undefined) {
    const id = findImage(c, image).id;
    servers = servers.filter((s) => s.imageId === id);
  }
  // --host is an admin filter: Nova drops it for other users.
  const host = str(a, 'host');
  if (host !== undefined && c.auth.admin) servers = servers.filter((s) => s.host === host);
  for (const [k, v] of [['ip', 4], ['ip6', 6]] as const) {
    const re = regex(k);
    if (re === undefined) continue;
    servers = servers.filter((s) => re !== null && serverPorts(c, s).some((p) => p.fixedIps.some((f) => (f.ipAddress.includes(':') ? 6 : 4) === v && re.test(f.ipAddress))));
  }
  const limit = a['limit'];
  if (typeof limit === 'number' && limit >= 0) servers = servers.slice(0, limit);
  const rows = servers.map((s) => {
    const image = c.images.find((i) => i.id === s.imageId);
    const flavor = c.flavors.find((f) => f.id === s.flavorId);
    return [s.id, s.name, s.status, formatted(addressesText(c, s), addressesText(c, s)), image?.name ?? '', flavor?.name ?? ''] as CellValue[];
  });
  if (flag(a, 'long')) {
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Status', 'Task State', 'Power State', 'Networks', 'Image Name', 'Image ID', 'Flavor Name', 'Flavor ID', 'Availability Zone', 'Host', 'Properties'],
        rows: servers.map((s) => {
          const image = c.images.find((i) => i.id === s.imageId);
          const flavor = c.flavors.find((f) => f.id === s.flavorId);
          const active = s.status === 'ACTIVE';
          return [
            s.id, s.name, s.status, active ? null : 'scheduling', active ? 'Running' : 'NOSTATE',
            formatted(addressesText(c, s), addressesText(c, s)), image?.name ?? '', s.imageId, flavor?.name ?? '', s.flavorId,
            active ? s.availabilityZone : '', c.auth.admin && active ? s.host : '', '',
          ] as CellValue[];
        }),
      },
    };
  }
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Status', 'Networks', 'Image', 'Flavor'], rows } };
}

function addFloatingIp(c: Cloud, a: Args): Output {
  const s = findServer(c, req(a, 'server'));
  const fip = findFloatingIp(c, req(a, 'ip_address'));
  const fixed = str(a, 'fixed_ip_address');
  const ports = serverPorts(c, s);
  if (ports.length === 0) throw new CliError('No attached ports found to associate floating IP with');
  let last: unknown = null;
  for (const p of ports) {
    if (fixed !== undefined && !p.fixedIps.some((f) => f.ipAddress === fixed)) continue;
    try {
      updateFloatingIp(c, fip, { portId: p.id, ...(fixed !== undefined ? { fixedIpAddress: fixed } : {}) });
      return none;
    } catch (e) {
      last = e;
    }
  }
  if (last === null) throw new CliError(`No port found for fixed IP address ${fixed ?? ''}`);
  throw last;
}

// ---- keypair, image, flavor, quota -------------------------------------------------------

function keypairCreate(c: Cloud, a: Args): Output {
  const name = req(a, 'name');
  if (c.keypairs.some((k) => k.name === name)) {
    throw new SimError(409, `Key pair '${name}' already exists.`, '/os-keypairs', 'compute');
  }
  const mine = c.keypairs.length;
  if (c.quotas.key_pairs >= 0 && mine + 1 > c.quotas.key_pairs) {
    throw novaError.forbidden('/os-keypairs', 'Quota exceeded, too many key pairs.');
  }
  const pub = str(a, 'public_key');
  const kp: Keypair = {
    name,
    fingerprint: (hex(c.rng, 32).match(/../g) ?? []).join(':'),
    publicKey: `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${hex(c.rng, 60)} Generated-by-Nova`,
    type: 'ssh',
    userId: c.auth.userId,
    createdAt: now(c),
  };
  c.keypairs.push(kp);
  if (pub !== undefined) {
    return { kind: 'show', data: { fields: [['fingerprint', kp.fingerprint], ['name', kp.name], ['type', kp.type], ['user_id', kp.userId]] } };
  }
  // Nova generates the key pair and returns the private key once.
  const body = Array.from({ length: 25 }, () => hex(c.rng, 64))
    .map((h) => h.replace(/[0-9a-f]{2}/g, (x) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[Number.parseInt(x, 16) % 64] ?? 'A'))
    .join('\n');
  return { kind: 'text', stdout: `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n` };
}

function imageShow(i: Image): Output {
  const fields: Array<[string, CellValue]> = [
    ['checksum', i.checksum],
    ['container_format', i.containerFormat],
    ['created_at', i.createdAt],
    ['disk_format', i.diskFormat],
    ['file', `/v2/images/${i.id}/file`],
    ['id', i.id],
    ['min_disk', i.minDisk],
    ['min_ram', i.minRam],
    ['name', i.name],
    ['owner', i.ownerId],
    ['properties', formatted(`os_hidden='False', os_distro='${i.osFamily}'`, { os_hidden: false, os_distro: i.osFamily })],
    ['protected', i.protected],
    ['schema', '/v2/schemas/image'],
    ['size', i.size],
    ['status', i.status],
    ['tags', formatted('', [])],
    ['updated_at', i.updatedAt],
    ['visibility', i.visibility],
  ];
  return { kind: 'show', data: { fields } };
}

function flavorShow(f: Flavor): Output {
  return {
    kind: 'show',
    data: {
      fields: [
        ['OS-FLV-DISABLED:disabled', false],
        ['OS-FLV-EXT-DATA:ephemeral', f.ephemeral],
        ['access_project_ids', null],
        ['disk', f.disk],
        ['id', f.id],
        ['name', f.name],
        ['os-flavor-access:is_public', f.isPublic],
        ['properties', ''],
        ['ram', f.ram],
        ['rxtx_factor', f.rxtxFactor],
        ['swap', f.swap === 0 ? '' : f.swap],
        ['vcpus', f.vcpus],
      ],
    },
  };
}

function quotaShow(c: Cloud, a: Args): Output {
  const projectArg = str(a, 'project');
  const project = projectArg !== undefined ? findProject(c, projectArg) : findProject(c, c.auth.projectId);
  // Neutron's limits for that project (set with `neutron quota-update`), Nova's for the learner's own.
  const q = neutronQuotas(c, project.id);
  const nova = project.id === c.auth.projectId ? c.quotas : DEFAULT_QUOTAS;
  const fields: Array<[string, CellValue]> = [
    ['cores', 20],
    ['fixed-ips', -1],
    ['floating-ips', q.floatingip],
    ['injected-file-size', 10240],
    ['injected-files', 5],
    ['injected-path-size', 255],
    ['instances', nova.instances],
    ['key-pairs', nova.key_pairs],
    ['networks', q.network],
    ['ports', q.port],
    ['project', project.id],
    ['project_name', project.name],
    ['properties', 128],
    ['ram', 51200],
    ['rbac_policies', q.rbac_policy],
    ['routers', q.router],
    ['secgroup-rules', q.security_group_rule],
    ['secgroups', q.security_group],
    ['server-group-members', 10],
    ['server-groups', 10],
    ['subnet_pools', q.subnetpool],
    ['subnets', q.subnet],
  ];
  return { kind: 'show', data: { fields } };
}

/**
 * `quota set PROJECT`: Nova's limits first, then Neutron's (`update_quota`, admin only, values of
 * at least -1). Stacklab keeps Nova's limits for the learner's own project only.
 */
function quotaSet(c: Cloud, a: Args): Output {
  const project = findProject(c, req(a, 'project'));
  const nova = (['instances', 'key_pairs'] as const).filter((k) => typeof a[k] === 'number');
  if (nova.length > 0) {
    if (!c.auth.admin) throw novaError.forbidden(`/os-quota-sets/${project.id}`, "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.");
    if (project.id === c.auth.projectId) c.quotas = Object.assign({}, c.quotas, Object.fromEntries(nova.map((k) => [k, a[k] as number])));
  }
  const changes: Partial<Record<NeutronQuotaKey, number>> = {};
  for (const k of NEUTRON_QUOTA_KEYS) if (typeof a[k] === 'number') changes[k] = a[k] as number;
  if (Object.keys(changes).length > 0) updateQuotas(c, project.id, changes);
  return none;
}

export const computeCommands: OscCommand[] = [
  { name: 'server create', style: 'nova', run: ({ cloud, args }) => serverCreate(cloud, args) },
  { name: 'server list', style: 'nova', run: ({ cloud, args }) => serverList(cloud, args) },
  { name: 'server show', style: 'nova', run: ({ cloud: c, args: a }) => serverFields(c, findServer(c, req(a, 'server')), []) },
  {
    name: 'server delete',
    style: 'nova',
    run: ({ cloud: c, args: a }) => {
      for (const t of strs(a, 'server')) deleteServer(c, findServer(c, t));
      return none;
    },
  },
  { name: 'server add floating ip', style: 'sdk', run: ({ cloud, args }) => addFloatingIp(cloud, args) },
  {
    name: 'server remove floating ip',
    style: 'sdk',
    run: ({ cloud: c, args: a }) => {
      findServer(c, req(a, 'server'));
      updateFloatingIp(c, findFloatingIp(c, req(a, 'ip_address')), { portId: null });
      return none;
    },
  },
  {
    name: 'console log show',
    style: 'nova',
    run: ({ cloud: c, args: a }) => {
      const text = consoleLog(c, findServer(c, req(a, 'server')));
      const lines = typeof a['lines'] === 'number' && a['lines'] > 0 ? text.split('\n').slice(-(a['lines'] as number) - 1).join('\n') : text;
      return { kind: 'text', stdout: lines.endsWith('\n') ? lines : `${lines}\n` };
    },
  },
  { name: 'keypair create', style: 'nova', run: ({ cloud, args }) => keypairCreate(cloud, args) },
  {
    name: 'keypair list',
    style: 'nova',
    run: ({ cloud: c }) => ({
      kind: 'list',
      data: { headers: ['Name', 'Fingerprint'], rows: [...c.keypairs].sort((x, y) => (x.name < y.name ? -1 : 1)).map((k) => [k.name, k.fingerprint]) },
    }),
  },
  {
    name: 'keypair show',
    style: 'nova',
    run: ({ cloud: c, args: a }) => {
      const k = findKeypair(c, req(a, 'name'));
      if (flag(a, 'public_key')) return { kind: 'text', stdout: `${k.publicKey}\n` };
      return {
        kind: 'show',
        data: {
          fields: [
            ['created_at', `${k.createdAt.replace('Z', '')}.000000`],
            ['deleted', false],
            ['deleted_at', null],
            ['fingerprint', k.fingerprint],
            ['id', k.name],
            ['name', k.name],
            ['type', k.type],
            ['updated_at', null],
            ['user_id', k.userId],
          ],
        },
      };
    },
  },
  {
    name: 'keypair delete',
    style: 'nova',
    run: ({ cloud: c, args: a }) => {
      const names = strs(a, 'name');
      const errors: string[] = [];
      for (const n of names) {
        const k = c.keypairs.find((x) => x.name === n);
        if (!k) errors.push(`Failed to delete key with name '${n}': Keypair ${n} not found for user ${c.auth.userId} (HTTP 404) (Request-ID: req-${hex(c.rng, 8)}-${hex(c.rng, 4)}-${hex(c.rng, 4)}-${hex(c.rng, 4)}-${hex(c.rng, 12)})`);
        else c.keypairs = c.keypairs.filter((x) => x !== k);
      }
      if (errors.length === 0) return none;
      errors.push(`${errors.length} of ${names.length} keys failed to delete.`);
      return { kind: 'text', stdout: '', stderr: `${errors.join('\n')}\n`, exitCode: 1 };
    },
  },
  {
    name: 'image list',
    run: ({ cloud: c, args: a }) => {
      const images = [...c.images].sort((x, y) => (x.name < y.name ? -1 : 1));
      if (flag(a, 'long')) {
        return {
          kind: 'list',
          data: {
            headers: ['ID', 'Name', 'Disk Format', 'Container Format', 'Size', 'Checksum', 'Status', 'Visibility', 'Protected', 'Project', 'Tags'],
            rows: images.map((i) => [i.id, i.name, i.diskFormat, i.containerFormat, i.size, i.checksum, i.status, i.visibility, i.protected, i.ownerId, formatted('', [])]),
          },
        };
      }
      return { kind: 'list', data: { headers: ['ID', 'Name', 'Status'], rows: images.map((i) => [i.id, i.name, i.status]) } };
    },
  },
  { name: 'image show', run: ({ cloud: c, args: a }) => imageShow(findImage(c, req(a, 'image'))) },
  {
    name: 'flavor list',
    style: 'nova',
    run: ({ cloud: c, args: a }) => {
      const headers = ['ID', 'Name', 'RAM', 'Disk', 'Ephemeral', 'VCPUs', 'Is Public'];
      const long = flag(a, 'long');
      if (long) headers.push('Swap', 'RXTX Factor', 'Properties');
      const flavors = [...c.flavors].sort((x, y) => (x.id < y.id ? -1 : 1));
      return {
        kind: 'list',
        data: {
          headers,
          rows: flavors.map((f) => {
            const row: CellValue[] = [f.id, f.name, f.ram, f.disk, f.ephemeral, f.vcpus, f.isPublic];
            if (long) row.push(f.swap === 0 ? '' : f.swap, f.rxtxFactor, '');
            return row;
          }),
        },
      };
    },
  },
  { name: 'flavor show', style: 'nova', run: ({ cloud: c, args: a }) => flavorShow(findFlavor(c, req(a, 'flavor'))) },
  { name: 'quota show', run: ({ cloud, args }) => quotaShow(cloud, args) },
  { name: 'quota set', style: 'nova', run: ({ cloud, args }) => quotaSet(cloud, args) },
];

