/** `neutron quota-*` */
import type { Cloud } from '../../sim/model/cloud.js';
import { defaultQuota, listQuotas, showQuota } from '../../sim/api/neutron/index.js';
import { putQuota, removeQuota } from '../../sim/api/neutron/requests/quotas.js';
import { CliError } from '../errors.js';
import { renderList } from '../../render/cliff.js';
import { pyRepr } from '../../render/pyvalue.js';
import { fmt, list, s, show, type Args, type Handler } from './common.js';

/** The project a quota command is about: --tenant-id, the positional id, or the learner's own (ids are taken as given). */
function quotaProject(c: Cloud, a: Args): string {
  return s(a, 'tenant_id') ?? s(a, 'pos_tenant_id') ?? c.auth.projectId;
}

const NEUTRON_KEYS = ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule', 'rbac_policy'] as const;
/** LBaaS v1 options neutronclient 8.1 still has: sent as given, and refused by the server. */
const LBAAS_KEYS = ['vip', 'pool', 'member', 'healthmonitor', 'loadbalancer', 'listener'] as const;

export const quotaCommands: Record<string, Handler> = {
  // A plain cliff Lister: the first row's keys, sorted, and cliff's own -c (that order kept).
  'quota-list': (c, a) => {
    const quotas = listQuotas(c);
    const headers = Object.keys(quotas[0] ?? {}).sort();
    const wanted = list(a, 'columns');
    // neutronclient hands cliff its columns as a list, so cliff's error prints a list.
    if (wanted.length > 0 && !wanted.some((w) => headers.includes(w))) {
      return { stdout: '', stderr: `No recognized column names in ${pyRepr(wanted)}. Recognized columns are ${pyRepr(headers)}.\n`, exitCode: 1 };
    }
    const r = renderList({ headers, rows: quotas.map((q) => headers.map((k) => q[k] ?? null)) }, fmt(a));
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  },
  'quota-show': (c, a) => show(a, showQuota(c, quotaProject(c, a))),
  'quota-default-show': (c, a) => show(a, defaultQuota(c)),
  'quota-update': (c, a) => {
    const body: Record<string, number | string> = {};
    for (const k of NEUTRON_KEYS) {
      const v = s(a, k);
      if (v === undefined) continue;
      // neutronclient checks the value itself, as Python's int() would read it.
      if (!/^\s*[-+]?\d+\s*$/.test(v)) throw new CliError(`Quota limit for ${k} must be an integer`);
      // int() of any size: the text goes on, for the server's range check to quote it exactly.
      body[k] = v.trim();
    }
    for (const k of LBAAS_KEYS) {
      const v = s(a, k);
      if (v !== undefined) body[k] = v;
    }
    if (Object.keys(body).length === 0) throw new CliError('Must specify a valid resource with new quota value');
    return show(a, putQuota(c, quotaProject(c, a), body));
  },
  'quota-delete': (c, a) => {
    const project = quotaProject(c, a);
    removeQuota(c, project);
    return { stdout: `Deleted quota: ${project}\n` };
  },
};
