/** `openstack floating ip …` */
import type { Cloud } from '../../sim/model/cloud.js';
import type { FloatingIp } from '../../sim/model/floating-ip.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { createFloatingIp, deleteFloatingIp, updateFloatingIp, type FloatingIpCreate } from '../../sim/ops/floating-ip.js';
import { byTags, deleteEach, findBy, flag, none, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { kvLine, listCol, sortFields } from './format.js';
import { findNetwork, sortedById } from './network.js';
import { findPort } from './port.js';
import { findProject } from './project.js';
import { findRouter } from './router.js';
import { findSubnet } from './subnet.js';
import { visibleFloatingIps } from '../../sim/visibility.js';

/** openstacksdk find_ip: by ID or by address. */
export function findFloatingIp(c: Cloud, idOrAddress: string): FloatingIp {
  return findBy(visibleFloatingIps(c), 'FloatingIP', idOrAddress, (f) => f.floatingIpAddress === idOrAddress);
}

/** port_details as Neutron returns it (key order of the API). */
function portDetails(c: Cloud, f: FloatingIp): Record<string, PyValue> | null {
  const p = f.portId ? c.ports.find((x) => x.id === f.portId) : undefined;
  if (!p) return null;
  return {
    name: p.name,
    network_id: p.networkId,
    mac_address: p.macAddress,
    admin_state_up: p.adminStateUp,
    status: p.status,
    device_id: p.deviceId,
    device_owner: p.deviceOwner,
  };
}

function pyDictRepr(d: Record<string, PyValue>): string {
  return `{${Object.entries(d)
    .map(([k, v]) => `'${k}': ${typeof v === 'string' ? `'${v}'` : v === true ? 'True' : v === false ? 'False' : String(v)}`)
    .join(', ')}}`;
}

export function floatingIpShow(c: Cloud, f: FloatingIp, phase: 'create' | 'show'): Output {
  const details = portDetails(c, f);
  let detailsCell: CellValue = null;
  if (details) {
    // `floating ip create` passes no formatter, so Python's dict repr shows through.
    detailsCell = phase === 'create' ? pyDictRepr(details) : formatted(kvLine(details), details);
  }
  const fields: Array<[string, CellValue]> = [
    ['created_at', f.createdAt],
    ['description', f.description],
    ['dns_domain', null],
    ['dns_name', null],
    ['fixed_ip_address', f.fixedIpAddress],
    ['floating_ip_address', f.floatingIpAddress],
    ['floating_network_id', f.floatingNetworkId],
    ['id', f.id],
    ['name', f.floatingIpAddress],
    ['port_details', detailsCell],
    ['port_id', f.portId],
    ['project_id', f.projectId],
    ['qos_policy_id', null],
    ['revision_number', f.revision],
    ['router_id', f.routerId],
    ['status', f.status],
    ['subnet_id', f.subnetId],
    // OSC 6.0 forgot the formatter here: the raw list shows.
    ['tags', [...f.tags]],
    ['updated_at', f.updatedAt],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function create(c: Cloud, a: Args): Output {
  const net = findNetwork(c, req(a, 'network'));
  const r: FloatingIpCreate = { networkId: net.id };
  const sub = str(a, 'subnet');
  if (sub !== undefined) r.subnetId = findSubnet(c, sub).id;
  const port = str(a, 'port');
  if (port !== undefined) r.portId = findPort(c, port).id;
  const addr = str(a, 'floating_ip_address');
  if (addr !== undefined) r.floatingIpAddress = addr;
  const fixed = str(a, 'fixed_ip_address');
  if (fixed !== undefined) r.fixedIpAddress = fixed;
  const d = str(a, 'description');
  if (d !== undefined) r.description = d;
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  const f = createFloatingIp(c, r);
  for (const t of strs(a, 'tags')) if (!f.tags.includes(t)) f.tags.push(t);
  return floatingIpShow(c, f, 'create');
}

function list(c: Cloud, a: Args): Output {
  let fips = byTags(a, sortedById(visibleFloatingIps(c)));
  const net = str(a, 'network');
  if (net !== undefined) {
    const n = findNetwork(c, net);
    fips = fips.filter((f) => f.floatingNetworkId === n.id);
  }
  const port = str(a, 'port');
  if (port !== undefined) {
    const p = findPort(c, port);
    fips = fips.filter((f) => f.portId === p.id);
  }
  const router = str(a, 'router');
  if (router !== undefined) {
    const r = findRouter(c, router);
    fips = fips.filter((f) => f.routerId === r.id);
  }
  const fixed = str(a, 'fixed_ip_address');
  if (fixed !== undefined) fips = fips.filter((f) => f.fixedIpAddress === fixed);
  const addr = str(a, 'floating_ip_address');
  if (addr !== undefined) fips = fips.filter((f) => f.floatingIpAddress === addr);
  const status = str(a, 'status');
  if (status !== undefined) fips = fips.filter((f) => f.status === status);
  const project = str(a, 'project');
  if (project !== undefined) {
    const pid = findProject(c, project).id;
    fips = fips.filter((f) => f.projectId === pid);
  }
  const headers = ['ID', 'Floating IP Address', 'Fixed IP Address', 'Port', 'Floating Network', 'Project'];
  const long = flag(a, 'long');
  if (long) headers.push('Router', 'Status', 'Description', 'Tags', 'DNS Name', 'DNS Domain');
  const rows = fips.map((f) => {
    const row: CellValue[] = [f.id, f.floatingIpAddress, f.fixedIpAddress, f.portId, f.floatingNetworkId, f.projectId];
    if (long) row.push(f.routerId, f.status, f.description, listCol(f.tags), null, null);
    return row;
  });
  return { kind: 'list', data: { headers, rows } };
}

export const floatingIpCommands: OscCommand[] = [
  { name: 'floating ip create', style: 'wrapped', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'floating ip list', run: ({ cloud, args }) => list(cloud, args) },
  {
    name: 'floating ip show',
    style: 'wrapped',
    run: ({ cloud: c, args: a }) => floatingIpShow(c, findFloatingIp(c, req(a, 'floating_ip')), 'show'),
  },
  {
    name: 'floating ip set',
    run: ({ cloud: c, args: a }) => {
      const f = findFloatingIp(c, req(a, 'floating_ip'));
      const port = str(a, 'port');
      const fixed = str(a, 'fixed_ip_address');
      const d = str(a, 'description');
      updateFloatingIp(c, f, {
        ...(port !== undefined ? { portId: findPort(c, port).id } : {}),
        ...(fixed !== undefined ? { fixedIpAddress: fixed } : {}),
        ...(d !== undefined ? { description: d } : {}),
      });
      if (flag(a, 'no_tag')) f.tags = [];
      for (const t of strs(a, 'tags')) if (!f.tags.includes(t)) f.tags.push(t);
      return none;
    },
  },
  {
    name: 'floating ip unset',
    run: ({ cloud: c, args: a }) => {
      const f = findFloatingIp(c, req(a, 'floating_ip'));
      if (flag(a, 'port')) updateFloatingIp(c, f, { portId: null });
      if (flag(a, 'all_tag')) f.tags = [];
      const tags = strs(a, 'tags');
      f.tags = f.tags.filter((t) => !tags.includes(t));
      return none;
    },
  },
  {
    name: 'floating ip delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'floating_ip'), { one: 'floating_ip', many: 'floating_ips' }, (t) => deleteFloatingIp(c, findFloatingIp(c, t))),
  },
];
