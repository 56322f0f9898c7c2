/**
 * `openstack network segment list|show` (the segments service plugin, as the oracle runs it):
 * the segments sim/agents.ts derives, one per network, admin only (a member lists none and
 * finds none, as on the oracle).
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { CellValue } from '../../render/pyvalue.js';
import { findSegment, listSegments } from '../../sim/api/neutron/index.js';
import { CliError } from '../errors.js';
import { flag, req, str, type Args, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';
import { findNetwork } from './network.js';

function list(c: Cloud, a: Args): Output {
  const net = str(a, 'network');
  const only = net === undefined ? undefined : findNetwork(c, net).id;
  const long = flag(a, 'long');
  const headers = ['ID', 'Name', 'Network', 'Network Type', 'Segment'];
  const keys = ['id', 'name', 'network_id', 'network_type', 'segmentation_id'];
  if (long) {
    headers.push('Physical Network');
    keys.push('physical_network');
  }
  const rows = listSegments(c, only).map((s) => keys.map((k): CellValue => attr(s, k)));
  return { kind: 'list', data: { headers, rows } };
}

function show(c: Cloud, id: string): Output {
  const s = findSegment(c, id);
  if (!s) throw new CliError(`No Segment found for ${id}`);
  const fields = ['description', 'id', 'name', 'network_id', 'network_type', 'physical_network', 'segmentation_id'].map((k): [string, CellValue] => [k, attr(s, k)]);
  return { kind: 'show', data: { fields } };
}

export const segmentCommands: OscCommand[] = [
  { name: 'network segment list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'network segment show', run: ({ cloud, args }) => show(cloud, req(args, 'network_segment')) },
];
