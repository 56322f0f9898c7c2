/**
 * `openstack limits show --absolute|--rate`, as OSC 6.0 prints Nova's limits (Stacklab's cloud has
 * no Block Storage, whose limits the client would add): the absolute ones in Nova's order at
 * microversion 2.1, no rate limits. `--project` asks Keystone, then Nova for that project's, which
 * its policy gives admins only.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import { absoluteLimits } from '../../sim/api/nova/index.js';
import type { CellValue } from '../../render/pyvalue.js';
import { flag, str, type Args, type OscCommand, type Output } from './common.js';
import { findProject } from './project.js';

function show(c: Cloud, a: Args): Output {
  const project = str(a, 'project');
  const tenant = project === undefined ? undefined : findProject(c, project).id;
  // The client reads the limits before it looks at which ones it was asked for.
  const absolute = absoluteLimits(c, 1, tenant);
  if (flag(a, 'is_absolute')) {
    const rows = Object.entries(absolute).map(([name, value]): CellValue[] => [name, value]);
    return { kind: 'list', data: { headers: ['Name', 'Value'], rows } };
  }
  return { kind: 'list', data: { headers: ['Verb', 'URI', 'Value', 'Remain', 'Unit', 'Next Available'], rows: [] } };
}

export const limitsCommands: OscCommand[] = [{ name: 'limits show', style: 'nova', run: ({ cloud, args }) => show(cloud, args) }];
