/**
 * `neutron rbac-*`: RBAC policies (see sim/ops/rbac). The client shares networks only (its other
 * type, qos-policy, names a service Stacklab does not load); it looks policies up by ID only.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { JsonObject } from '../../sim/api/json.js';
import { listRbacPolicies, showRbacPolicy } from '../../sim/api/neutron/rbac.js';
import { postRbacPolicy, putRbacPolicy, removeRbacPolicy } from '../../sim/api/neutron/requests/rbac-policies.js';
import { visibleNetworks } from '../../sim/visibility.js';
import { CliError } from '../errors.js';
import { bulkDelete, dictTable, find, given, list, s, show, listQuery, type Handler } from './common.js';

/** The object the client names, by the resource its `--type` is (qos-policy: a QoS `policy`). */
function rbacObjectId(c: Cloud, type: string, ref: string): string {
  if (type === 'network') return find(visibleNetworks(c), 'network', ref).id;
  throw new CliError(`Unable to find policy with name or id '${ref}'`);
}

/** neutronclient's lookup of an object that has no name: by ID among those listed. */
function policyId(c: Cloud, ref: string): string {
  const p = listRbacPolicies(c, { filters: { id: ref } })[0];
  if (!p) throw new CliError(`Unable to find rbac_policy with id '${ref}'`);
  return ref;
}

export const rbacCommands: Record<string, Handler> = {
  'rbac-list': (c, a, extra) => dictTable(a, ['id', 'object_type', 'object_id'], listRbacPolicies(c, listQuery(a, extra))),
  // The client looks policies up by ID only: the server's 404 names no type.
  'rbac-show': (c, a) => show(a, showRbacPolicy(c, s(a, 'id') ?? '')),
  'rbac-create': (c, a, extra) => {
    const type = s(a, 'type') ?? '';
    const body: JsonObject = {
      ...given({ object_id: rbacObjectId(c, type, s(a, 'name') ?? ''), object_type: type, target_tenant: s(a, 'target_tenant'), action: s(a, 'action'), tenant_id: s(a, 'tenant_id') }),
      ...extra,
    };
    return show(a, postRbacPolicy(c, body), 'rbac_policy');
  },
  'rbac-update': (c, a, extra) => {
    const id = policyId(c, s(a, 'id') ?? '');
    putRbacPolicy(c, id, { target_tenant: s(a, 'target_tenant') ?? null, ...extra });
    return { stdout: `Updated rbac_policy: ${id}\n` };
  },
  'rbac-delete': (c, a) => bulkDelete('rbac_policy', list(a, 'id'), (id) => removeRbacPolicy(c, policyId(c, id))),
};
