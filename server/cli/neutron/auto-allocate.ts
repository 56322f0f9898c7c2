/** `neutron auto-allocated-topology-show / -delete` */
import { autoAllocatedNetwork, checkAutoAllocation, deleteAutoAllocatedTopology } from '../../sim/ops/auto-allocate.js';
import { renderShow } from '../../render/cliff.js';
import { CliError } from '../errors.js';
import { fmt, s, type Args, type Handler, type Out } from './common.js';

/** The project named by --tenant-id or the positional, else the caller's. */
const tenantOf = (a: Args): string | undefined => s(a, 'tenant_id') ?? s(a, 'pos_tenant_id');

/** The client prints the pairs it got, sorted (a dry run's answer as `dry-run | pass`). */
function pairs(a: Args, fields: [string, string][]): Out {
  const r = renderShow({ fields }, fmt(a));
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

export const autoAllocateCommands: Record<string, Handler> = {
  'auto-allocated-topology-show': (c, a, extra) => {
    // The client refuses value specs itself.
    const keys = Object.keys(extra);
    if (keys.length > 0) throw new CliError(`Invalid argument(s): --${keys.join(', --')}`);
    const project = tenantOf(a) ?? c.auth.projectId;
    if (a['dry_run'] === true) {
      checkAutoAllocation(c, project);
      return pairs(a, [['dry-run', 'pass']]);
    }
    const net = autoAllocatedNetwork(c, project);
    return pairs(a, [['id', net.id], ['project_id', project], ['tenant_id', project]]);
  },
  'auto-allocated-topology-delete': (c, a) => {
    const tenant = tenantOf(a);
    deleteAutoAllocatedTopology(c, tenant ?? c.auth.projectId);
    return { stdout: `Deleted topology for tenant ${tenant ?? 'None (i.e. yours)'}.\n` };
  },
};
