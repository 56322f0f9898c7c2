/**
 * `openstack network segment list|show` (the segments service plugin, as the oracle runs it):
 * the segments sim/agents.ts derives, one per network, admin only (a member lists none and
 * finds none, as on the oracle).
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { CellValue } from '../../render/pyvalue.js';
import { networkSegments } from '../../sim/agents.js';
import { CliError } from '../errors.js';
import { flag, req, str, type Args, type OscCommand, type Output } from './common.js';
import { findNetwork, sortedById } from './network.js';

function list(c: Cloud, a: Args): Output {
  const net = str(a, 'network');
  const only = net === undefined ? undefined : findNetwork(c, net).id;
  const long = flag(a, 'long');
  const headers = ['ID', 'Name', 'Network', 'Network Type', 'Segment'];
  if (long) headers.push('Physical Network');
  const rows = sortedById(networkSegments(c))
    .filter((s) => only === undefined || s.network.id === only)
    .map((s) => {
      const row: CellValue[] = [s.id, null, s.network.id, s.network.networkType, s.network.segmentationId];
      if (long) row.push(s.network.physicalNetwork);
      return row;
    });
  return { kind: 'list', data: { headers, rows } };
}

function show(c: Cloud, id: string): Output {
  const s = networkSegments(c).find((x) => x.id === id);
  if (!s) throw new CliError(`No Segment found for ${id}`);
  const fields: Array<[string, CellValue]> = [
    ['description', null],
    ['id', s.id],
    ['name', null],
    ['network_id', s.network.id],
    ['network_type', s.network.networkType],
    ['physical_network', s.network.physicalNetwork],
    ['segmentation_id', s.network.segmentationId],
  ];
  return { kind: 'show', data: { fields } };
}

export const segmentCommands: OscCommand[] = [
  { name: 'network segment list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'network segment show', run: ({ cloud, args }) => show(cloud, req(args, 'network_segment')) },
];
