/** The metadata service's answers as bytes on the wire: its JSON documents dumped as Python's json.dumps does. */
import type { Cloud } from '../../sim/model/cloud.js';
import type { Server } from '../../sim/model/compute.js';
import { metadataAnswer } from '../../sim/api/nova/metadata.js';
import { pyJsonDumps } from '../../render/pyvalue.js';

export function metadataBody(cloud: Cloud, vm: Server, path: string): { body: string; status: 200 | 404 } {
  const r = metadataAnswer(cloud, vm, path);
  return 'json' in r ? { body: pyJsonDumps(r.json), status: r.status } : r;
}
