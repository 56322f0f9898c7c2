/** `openstack flavor list|show`: projects what sim/api/nova answers onto OSC 6.0's columns. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { JsonObject } from '../../sim/api/json.js';
import type { Flavor } from '../../sim/model/compute.js';
import { formatted, type CellValue } from '../../render/pyvalue.js';
import { listFlavors, showFlavor } from '../../sim/api/nova/index.js';
import { CliError } from '../errors.js';
import { findBy, flag, req, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';

/** novaclient's find: id, then name; its message when neither matches. */
export function findFlavor(c: Cloud, nameOrId: string): Flavor {
  const f = c.flavors.find((x) => x.id === nameOrId) ?? c.flavors.find((x) => x.name === nameOrId);
  if (!f) throw new CliError(`No flavor with a name or ID of '${nameOrId}' exists.`);
  return f;
}

/**
 * `flavor show` goes through openstacksdk (microversion 2.61): its find_flavor and message, the
 * flavor's description, and Nova's float rxtx_factor.
 */
function flavorShow(d: JsonObject): Output {
  return {
    kind: 'show',
    data: {
      floatFields: ['rxtx_factor'],
      fields: [
        ['OS-FLV-DISABLED:disabled', attr(d, 'OS-FLV-DISABLED:disabled')],
        ['OS-FLV-EXT-DATA:ephemeral', attr(d, 'OS-FLV-EXT-DATA:ephemeral')],
        ['access_project_ids', null],
        ['description', attr(d, 'description')],
        ['disk', attr(d, 'disk')],
        ['id', attr(d, 'id')],
        ['name', attr(d, 'name')],
        ['os-flavor-access:is_public', attr(d, 'os-flavor-access:is_public')],
        ['properties', formatted('', {})],
        ['ram', attr(d, 'ram')],
        ['rxtx_factor', attr(d, 'rxtx_factor')],
        ['swap', attr(d, 'swap')],
        ['vcpus', attr(d, 'vcpus')],
      ],
    },
  };
}

function flavorList(c: Cloud, long: boolean): Output {
  const headers = ['ID', 'Name', 'RAM', 'Disk', 'Ephemeral', 'VCPUs', 'Is Public'];
  if (long) headers.push('Swap', 'RXTX Factor', 'Properties');
  const rows = listFlavors(c).map((d) => {
    const row: CellValue[] = ['id', 'name', 'ram', 'disk', 'OS-FLV-EXT-DATA:ephemeral', 'vcpus', 'os-flavor-access:is_public'].map((k) => attr(d, k));
    if (long) row.push(attr(d, 'swap'), attr(d, 'rxtx_factor'), formatted('', {}));
    return row;
  });
  return { kind: 'list', data: { headers, rows } };
}

export const flavorCommands: OscCommand[] = [
  { name: 'flavor list', style: 'nova', run: ({ cloud: c, args: a }) => flavorList(c, flag(a, 'long')) },
  { name: 'flavor show', run: ({ cloud: c, args: a }) => flavorShow(showFlavor(c, findBy(c.flavors, 'Flavor', req(a, 'flavor')).id)) },
];
