/** Keystone lookups OSC makes for `--project` options and `quota show`. */
import type { Cloud, Project } from '../../sim/model/cloud.js';
import { CliError } from '../errors.js';

/** osc-lib identity find: `No project with a name or ID of 'x' exists.` */
export function findProject(c: Cloud, nameOrId: string): Project {
  const p = c.projects.find((x) => x.id === nameOrId) ?? c.projects.find((x) => x.name === nameOrId);
  if (!p || (!c.auth.admin && p.id !== c.auth.projectId)) {
    throw new CliError(`No project with a name or ID of '${nameOrId}' exists.`);
  }
  return p;
}
