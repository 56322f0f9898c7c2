/** `neutron quota-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { deleteQuota, showQuota, updateQuota } from '../../sim/api/neutron/index.js';
import { CliError } from '../errors.js';
import { s, show, type Args, type Handler } from './common.js';

/** The project a quota command is about: --tenant-id, the positional id, or the learner's own (ids are taken as given). */
function quotaProject(c: Cloud, a: Args): string {
  return s(a, 'tenant_id') ?? s(a, 'pos_tenant_id') ?? c.auth.projectId;
}

const NEUTRON_KEYS = ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule', 'rbac_policy'] as const;
/** LBaaS v1 options neutronclient 8.1 still has: sent as given, and refused by the server. */
const LBAAS_KEYS = ['vip', 'pool', 'member', 'healthmonitor', 'loadbalancer', 'listener'] as const;

export const quotaCommands: Record<string, Handler> = {
  'quota-show': (c, a) => show(a, showQuota(c, quotaProject(c, a))),
  'quota-update': (c, a) => {
    const body: Record<string, number | string> = {};
    for (const k of NEUTRON_KEYS) {
      const v = s(a, k);
      if (v === undefined) continue;
      // neutronclient checks the value itself, as Python's int() would read it.
      if (!/^\s*[-+]?\d+\s*$/.test(v)) throw new CliError(`Quota limit for ${k} must be an integer`);
      body[k] = Number.parseInt(v, 10);
    }
    for (const k of LBAAS_KEYS) {
      const v = s(a, k);
      if (v !== undefined) body[k] = v;
    }
    if (Object.keys(body).length === 0) throw new CliError('Must specify a valid resource with new quota value');
    return show(a, updateQuota(c, quotaProject(c, a), body));
  },
  'quota-delete': (c, a) => {
    const project = quotaProject(c, a);
    deleteQuota(c, project);
    return { stdout: `Deleted quota: ${project}\n` };
  },
};
