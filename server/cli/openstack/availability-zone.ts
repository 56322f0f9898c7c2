/**
 * `openstack availability zone list`, as OSC 6.0 builds it: Nova's zones (the detailed list when
 * policy allows, an admin's, with a row per host and service under `--long`), then Cinder's (none
 * in Stacklab's cloud: the client warns only when `--volume` asked for them), then Neutron's (the
 * zones of its DHCP and L3 agents, checked on the oracle: test/legacy/azs).
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { JsonObject } from '../../sim/api/json.js';
import { availabilityZoneInfo } from '../../sim/api/nova/index.js';
import { listAvailabilityZones } from '../../sim/api/neutron/availability-zone.js';
import type { CellValue } from '../../render/pyvalue.js';
import { flag, type Args, type OscCommand, type Output } from './common.js';

type Row = Record<string, string>;

const LONG = ['Zone Name', 'Zone Status', 'Zone Resource', 'Host Name', 'Service Name', 'Service Status'];
const KEYS: Record<string, string> = {
  'Zone Name': 'zone_name',
  'Zone Status': 'zone_status',
  'Zone Resource': 'zone_resource',
  'Host Name': 'host_name',
  'Service Name': 'service_name',
  'Service Status': 'service_status',
};

/** Nova's zones: one row each, or under --long one per host and service (a zone without hosts keeps one, empty). */
function computeRows(c: Cloud, long: boolean): Row[] {
  const rows: Row[] = [];
  for (const z of availabilityZoneInfo(c, c.auth.admin)) {
    const state = z['zoneState'] as JsonObject;
    const zone: Row = { zone_status: state['available'] === true ? 'available' : 'not available', zone_name: String(z['zoneName']), zone_resource: '' };
    if (!long) {
      rows.push(zone);
      continue;
    }
    const hosts = z['hosts'] as Record<string, Record<string, JsonObject>> | null;
    if (!hosts || Object.keys(hosts).length === 0) {
      rows.push({ ...zone, host_name: '', service_name: '', service_status: '' });
      continue;
    }
    for (const [host, services] of Object.entries(hosts)) {
      for (const [name, s] of Object.entries(services)) {
        const status = `${s['active'] === true ? 'enabled' : 'disabled'} ${s['available'] === true ? ':-)' : 'XXX'} ${String(s['updated_at'])}`;
        rows.push({ ...zone, host_name: host, service_name: name, service_status: status });
      }
    }
  }
  return rows;
}

function networkRows(c: Cloud): Row[] {
  return listAvailabilityZones(c).map((z) => {
    const state = String(z['state'] ?? '');
    return { zone_name: String(z['name'] ?? ''), zone_status: state === 'unavailable' ? 'not available' : state, zone_resource: String(z['resource'] ?? '') };
  });
}

function list(c: Cloud, a: Args): Output {
  const long = flag(a, 'long');
  const headers = long ? LONG : LONG.slice(0, 2);
  const every = !flag(a, 'compute') && !flag(a, 'volume') && !flag(a, 'network');
  const rows: Row[] = [];
  if (every || flag(a, 'compute')) rows.push(...computeRows(c, long));
  if (every || flag(a, 'network')) rows.push(...networkRows(c));
  return { kind: 'list', data: { headers, rows: rows.map((r) => headers.map((h): CellValue => r[KEYS[h] as string] ?? '')) } };
}

export const availabilityZoneCommands: OscCommand[] = [
  {
    name: 'availability zone list',
    run: ({ cloud, args }) => list(cloud, args),
    // Cinder's zones: Stacklab's cloud has no Block Storage; the client says so when asked for them.
    warns: (a) => (flag(a, 'volume') ? 'Availability zones list not supported by Block Storage API' : undefined),
  },
];
