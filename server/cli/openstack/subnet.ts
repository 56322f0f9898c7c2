/** `openstack subnet …` */
import type { Cloud } from '../../sim/model/cloud.js';
import type { HostRoute, Subnet } from '../../sim/model/subnet.js';
import type { CellValue } from '../../render/pyvalue.js';
import { formatted } from '../../render/pyvalue.js';
import { createSubnet, deleteSubnet, updateSubnet, type SubnetCreate, type SubnetUpdate } from '../../sim/ops/subnet.js';
import { CliError } from '../errors.js';
import { byTags, deleteEach, dicts, findBy, flag, none, num, pair, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { listCol, sortFields } from './format.js';
import { findNetwork, sortedById } from './network.js';
import { findProject } from './project.js';
import { findSubnetPool } from './subnet-pool.js';
import { visibleSubnets } from '../../sim/visibility.js';

export function findSubnet(c: Cloud, nameOrId: string): Subnet {
  return findBy(visibleSubnets(c), 'Subnet', nameOrId);
}

function pools(s: Subnet): CellValue {
  return formatted(
    s.allocationPools.map((p) => `${p.start}-${p.end}`).join(','),
    s.allocationPools.map((p) => ({ start: p.start, end: p.end })),
  );
}

function routes(rs: HostRoute[]): CellValue {
  return formatted(
    rs.map((r) => `destination='${r.destination}', gateway='${r.nexthop}'`).join('\n'),
    rs.map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
  );
}

export function subnetShow(c: Cloud, s: Subnet): Output {
  const fields: Array<[string, CellValue]> = [
    ['allocation_pools', pools(s)],
    ['cidr', s.cidr],
    ['created_at', s.createdAt],
    ['description', s.description],
    ['dns_nameservers', listCol(s.dnsNameservers)],
    ['dns_publish_fixed_ip', null],
    ['enable_dhcp', s.enableDhcp],
    ['gateway_ip', s.gatewayIp],
    ['host_routes', routes(s.hostRoutes)],
    ['id', s.id],
    ['ip_version', s.ipVersion],
    ['ipv6_address_mode', s.ipv6AddressMode],
    ['ipv6_ra_mode', s.ipv6RaMode],
    ['name', s.name],
    ['network_id', s.networkId],
    ['project_id', s.projectId],
    ['revision_number', s.revision],
    ['segment_id', s.segmentId],
    ['service_types', listCol(s.serviceTypes)],
    ['subnetpool_id', s.subnetpoolId],
    ['tags', listCol(s.tags)],
    ['updated_at', s.updatedAt],
  ];
  return { kind: 'show', data: { fields: sortFields(fields) } };
}

function hostRoutes(a: Args, k: string): HostRoute[] {
  return dicts(a, k).map((d) => ({ destination: d['destination'] ?? '', nexthop: d['gateway'] ?? '' }));
}

function allocationPools(a: Args, k: string): Array<{ start: string; end: string }> {
  return dicts(a, k).map((d) => ({ start: d['start'] ?? '', end: d['end'] ?? '' }));
}

function createReq(c: Cloud, a: Args): SubnetCreate {
  const net = findNetwork(c, req(a, 'network'));
  const r: SubnetCreate = { name: req(a, 'name'), networkId: net.id, ipVersion: (num(a, 'ip_version') ?? 4) as 4 | 6 };
  const range = str(a, 'subnet_range');
  if (range !== undefined) r.cidr = range;
  const pool = str(a, 'subnet_pool');
  if (pool !== undefined) r.subnetpoolId = findSubnetPool(c, pool).id;
  if (flag(a, 'use_default_subnet_pool')) r.useDefaultSubnetpool = true;
  const pl = str(a, 'prefix_length');
  if (pl !== undefined) r.prefixLength = Number(pl);
  const gw = str(a, 'gateway');
  if (gw !== undefined && gw.toLowerCase() !== 'auto') r.gatewayIp = gw.toLowerCase() === 'none' ? null : gw;
  const dhcp = pair(a, 'dhcp', 'no_dhcp');
  if (dhcp !== undefined) r.enableDhcp = dhcp;
  const ap = allocationPools(a, 'allocation_pools');
  if (ap.length > 0) r.allocationPools = ap;
  const dns = strs(a, 'dns_nameservers');
  if (dns.length > 0) r.dnsNameservers = dns;
  const hr = hostRoutes(a, 'host_routes');
  if (hr.length > 0) r.hostRoutes = hr;
  const ra = str(a, 'ipv6_ra_mode');
  if (ra !== undefined) r.ipv6RaMode = ra as SubnetCreate['ipv6RaMode'] & string;
  const am = str(a, 'ipv6_address_mode');
  if (am !== undefined) r.ipv6AddressMode = am as SubnetCreate['ipv6AddressMode'] & string;
  const d = str(a, 'description');
  if (d !== undefined) r.description = d;
  const st = strs(a, 'service_types');
  if (st.length > 0) r.serviceTypes = st;
  const project = str(a, 'project');
  if (project !== undefined) r.projectId = findProject(c, project).id;
  return r;
}

function listSubnets(c: Cloud, a: Args): Output {
  let subs = byTags(a, sortedById(visibleSubnets(c)));
  const netArg = str(a, 'network');
  if (netArg !== undefined) {
    const net = findNetwork(c, netArg);
    subs = subs.filter((s) => s.networkId === net.id);
  }
  const v = num(a, 'ip_version');
  if (v !== undefined) subs = subs.filter((s) => s.ipVersion === v);
  const dhcp = pair(a, 'dhcp', 'no_dhcp');
  if (dhcp !== undefined) subs = subs.filter((s) => s.enableDhcp === dhcp);
  const name = str(a, 'name');
  if (name !== undefined) subs = subs.filter((s) => s.name === name);
  const gw = str(a, 'gateway');
  if (gw !== undefined) subs = subs.filter((s) => s.gatewayIp === gw);
  const range = str(a, 'subnet_range');
  if (range !== undefined) subs = subs.filter((s) => s.cidr === range);
  const pool = str(a, 'subnet_pool');
  if (pool !== undefined) {
    const p = findSubnetPool(c, pool);
    subs = subs.filter((s) => s.subnetpoolId === p.id);
  }
  const project = str(a, 'project');
  if (project !== undefined) {
    const pid = findProject(c, project).id;
    subs = subs.filter((s) => s.projectId === pid);
  }
  if (flag(a, 'long')) {
    return {
      kind: 'list',
      data: {
        headers: ['ID', 'Name', 'Network', 'Subnet', 'Project', 'DHCP', 'Name Servers', 'Allocation Pools', 'Host Routes', 'IP Version', 'Gateway', 'Service Types', 'Tags'],
        rows: subs.map((s) => [
          s.id,
          s.name,
          s.networkId,
          s.cidr,
          s.projectId,
          s.enableDhcp,
          listCol(s.dnsNameservers),
          pools(s),
          routes(s.hostRoutes),
          s.ipVersion,
          s.gatewayIp,
          listCol(s.serviceTypes),
          listCol(s.tags),
        ]),
      },
    };
  }
  return { kind: 'list', data: { headers: ['ID', 'Name', 'Network', 'Subnet'], rows: subs.map((s) => [s.id, s.name, s.networkId, s.cidr]) } };
}

function setSubnet(c: Cloud, a: Args): Output {
  const s = findSubnet(c, req(a, 'subnet'));
  const u: SubnetUpdate = {};
  const name = str(a, 'name');
  if (name !== undefined) u.name = name;
  const d = str(a, 'description');
  if (d !== undefined) u.description = d;
  const dhcp = pair(a, 'dhcp', 'no_dhcp');
  if (dhcp !== undefined) u.enableDhcp = dhcp;
  const gw = str(a, 'gateway');
  if (gw !== undefined) {
    if (gw.toLowerCase() === 'auto') {
      throw new CliError('Auto option is not available for Subnet Set. Valid options are <ip-address> or none');
    }
    u.gatewayIp = gw.toLowerCase() === 'none' ? null : gw;
  }
  // Without --no-*, OSC appends the new values to the existing ones.
  const ap = allocationPools(a, 'allocation_pools');
  // OSC sends the new pools first, then the existing ones.
  if (ap.length > 0 || flag(a, 'no_allocation_pool')) u.allocationPools = [...ap, ...(flag(a, 'no_allocation_pool') ? [] : s.allocationPools)];
  const dns = strs(a, 'dns_nameservers');
  if (dns.length > 0 || flag(a, 'no_dns_nameservers')) u.dnsNameservers = [...(flag(a, 'no_dns_nameservers') ? [] : s.dnsNameservers), ...dns];
  const hr = hostRoutes(a, 'host_routes');
  if (hr.length > 0 || flag(a, 'no_host_route')) u.hostRoutes = [...(flag(a, 'no_host_route') ? [] : s.hostRoutes), ...hr];
  const st = strs(a, 'service_types');
  if (st.length > 0) u.serviceTypes = [...s.serviceTypes, ...st];
  updateSubnet(c, s, u);
  if (flag(a, 'no_tag')) s.tags = [];
  for (const t of strs(a, 'tags')) if (!s.tags.includes(t)) s.tags.push(t);
  return none;
}

function unsetSubnet(c: Cloud, a: Args): Output {
  const s = findSubnet(c, req(a, 'subnet'));
  const u: SubnetUpdate = {};
  const ap = allocationPools(a, 'allocation_pools');
  if (ap.length > 0) {
    const left = [...s.allocationPools];
    for (const p of ap) {
      const i = left.findIndex((x) => x.start === p.start && x.end === p.end);
      if (i < 0) throw new CliError(`Subnet does not contain allocation-pool {'start': '${p.start}', 'end': '${p.end}'}`);
      left.splice(i, 1);
    }
    u.allocationPools = left;
  }
  if (flag(a, 'gateway')) u.gatewayIp = null;
  const dns = strs(a, 'dns_nameservers');
  if (dns.length > 0) {
    for (const d of dns) if (!s.dnsNameservers.includes(d)) throw new CliError(`Subnet does not contain dns-nameserver ${d}`);
    u.dnsNameservers = s.dnsNameservers.filter((d) => !dns.includes(d));
  }
  const hr = hostRoutes(a, 'host_routes');
  if (hr.length > 0) {
    for (const r of hr) {
      if (!s.hostRoutes.some((x) => x.destination === r.destination && x.nexthop === r.nexthop)) {
        throw new CliError(`Subnet does not contain host-route {'destination': '${r.destination}', 'nexthop': '${r.nexthop}'}`);
      }
    }
    u.hostRoutes = s.hostRoutes.filter((x) => !hr.some((r) => r.destination === x.destination && r.nexthop === x.nexthop));
  }
  const st = strs(a, 'service_types');
  if (st.length > 0) {
    for (const t of st) if (!s.serviceTypes.includes(t)) throw new CliError(`Subnet does not contain service-type ${t}`);
    u.serviceTypes = s.serviceTypes.filter((t) => !st.includes(t));
  }
  if (Object.keys(u).length > 0) updateSubnet(c, s, u);
  if (flag(a, 'all_tag')) s.tags = [];
  const tags = strs(a, 'tags');
  s.tags = s.tags.filter((t) => !tags.includes(t));
  return none;
}

export const subnetCommands: OscCommand[] = [
  {
    name: 'subnet create',
    run: ({ cloud: c, args: a }) => {
      const s = createSubnet(c, createReq(c, a));
      for (const t of strs(a, 'tags')) if (!s.tags.includes(t)) s.tags.push(t);
      return subnetShow(c, s);
    },
  },
  { name: 'subnet list', run: ({ cloud, args }) => listSubnets(cloud, args) },
  { name: 'subnet show', run: ({ cloud: c, args: a }) => subnetShow(c, findSubnet(c, req(a, 'subnet'))) },
  { name: 'subnet set', run: ({ cloud, args }) => setSubnet(cloud, args) },
  { name: 'subnet unset', run: ({ cloud, args }) => unsetSubnet(cloud, args) },
  {
    name: 'subnet delete',
    run: ({ cloud: c, args: a }) =>
      deleteEach(c, strs(a, 'subnet'), { one: 'subnet', many: 'subnets' }, (t) => deleteSubnet(c, findSubnet(c, t))),
  },
];
