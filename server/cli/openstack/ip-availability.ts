/**
 * `openstack ip availability list|show`, as OSC 6.0 prints them (checked on the oracle,
 * test/transcripts/77): the list is of IPv4 networks unless `--ip-version 6` (the client's
 * default is 4); show finds the network first, then its availability, which Zed's policy gives
 * admins only (a member reads "No NetworkIPAvailability found for <network id>").
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { JsonObject } from '../../sim/api/json.js';
import { ipAvailabilityDict, listIpAvailabilities } from '../../sim/api/neutron/ip-availability.js';
import type { FilterValue } from '../../sim/api/neutron/index.js';
import { SimError } from '../../sim/errors.js';
import type { CellValue, PyValue } from '../../render/pyvalue.js';
import { NotFoundError, req, str, type Args, type OscCommand, type Output } from './common.js';
import { attr, dictLines } from './format.js';
import { findNetwork } from './network.js';
import { findProject } from './project.js';

function list(c: Cloud, a: Args): Output {
  const filters: Record<string, FilterValue> = {};
  const v = a['ip_version'];
  if (typeof v === 'number' && v !== 0) filters['ip_version'] = v;
  const project = str(a, 'project');
  if (project !== undefined) filters['project_id'] = findProject(c, project).id;
  const keys = ['network_id', 'network_name', 'total_ips', 'used_ips'];
  const rows = listIpAvailabilities(c, { filters }).map((d) => keys.map((k): CellValue => attr(d, k)));
  return { kind: 'list', data: { headers: ['Network ID', 'Network Name', 'Total IPs', 'Used IPs'], rows } };
}

/** The SDK's find: the availability by the network's id, else a list by that name (none). */
function availability(c: Cloud, networkId: string): JsonObject {
  const n = c.networks.find((x) => x.id === networkId);
  try {
    if (n) return ipAvailabilityDict(c, n);
  } catch (e) {
    if (!(e instanceof SimError && e.status === 404)) throw e;
  }
  const byName = listIpAvailabilities(c, { filters: { network_name: networkId } });
  if (byName.length === 1) return byName[0] as JsonObject;
  throw new NotFoundError(`No NetworkIPAvailability found for ${networkId}`);
}

function show(c: Cloud, a: Args): Output {
  const d = availability(c, findNetwork(c, req(a, 'network')).id);
  const subnets = (d['subnet_ip_availability'] ?? []) as Array<Record<string, PyValue>>;
  const fields: Array<[string, CellValue]> = [
    ['network_id', attr(d, 'network_id')],
    ['network_name', attr(d, 'network_name')],
    ['project_id', attr(d, 'project_id')],
    ['subnet_ip_availability', dictLines(subnets)],
    ['total_ips', attr(d, 'total_ips')],
    ['used_ips', attr(d, 'used_ips')],
  ];
  return { kind: 'show', data: { fields } };
}

export const ipAvailabilityCommands: OscCommand[] = [
  { name: 'ip availability list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'ip availability show', run: ({ cloud, args }) => show(cloud, args) },
];
