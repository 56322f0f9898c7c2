/** `neutron rbac-list / rbac-show`: the policies Neutron made for shared and external objects (see sim/api/neutron/rbac). */
import { listRbacPolicies, showRbacPolicy } from '../../sim/api/neutron/rbac.js';
import { dictTable, s, show, specFilters, type Handler } from './common.js';

export const rbacCommands: Record<string, Handler> = {
  'rbac-list': (c, a, extra) => dictTable(a, ['id', 'object_type', 'object_id'], listRbacPolicies(c, specFilters(extra))),
  // The client looks policies up by ID only: the server's 404 names no type.
  'rbac-show': (c, a) => show(a, showRbacPolicy(c, s(a, 'id') ?? '')),
};
