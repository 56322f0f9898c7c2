/**
 * `openstack network rbac …` (OSC 6.0): RBAC policies (see sim/ops/rbac). Projects are found in
 * Keystone (`--target-project`, `--project`: projectRef); policies have no name, so they are found
 * by ID only.
 */
import type { Cloud } from '../../sim/model/cloud.js';
import type { JsonObject } from '../../sim/api/json.js';
import type { CellValue } from '../../render/pyvalue.js';
import { listRbacPolicies, postRbacPolicy, putRbacPolicy, removeRbacPolicy, showRbacPolicy } from '../../sim/api/neutron/rbac.js';
import type { FilterValue } from '../../sim/api/neutron/index.js';
import { errorLine, extraProperties, findQosPolicy, flag, none, NotFoundError, req, str, strs, type Args, type OscCommand, type Output } from './common.js';
import { attr } from './format.js';
import { findNetwork } from './network.js';
import { findProject } from './project.js';
import { findSecurityGroup } from './security-group.js';
import { findAddressGroup } from './address-group.js';
import { findAddressScope, findSubnetPool } from './subnet-pool.js';

/** The object `<rbac-object>` names, looked up as openstacksdk finds its type. */
function rbacObjectId(c: Cloud, type: string, ref: string): string {
  switch (type) {
    case 'network':
      return findNetwork(c, ref).id;
    case 'subnetpool':
      return findSubnetPool(c, ref).id;
    case 'address_scope':
      return findAddressScope(c, ref).id;
    case 'security_group':
      return findSecurityGroup(c, ref).id;
    case 'qos_policy':
      // The SDK's lookup by name reaches the QoS API, which this cloud does not load.
      return findQosPolicy(ref);
    default:
      return findAddressGroup(c, ref).id;
  }
}

/**
 * OSC's identity_common.find_project for `--target-project`/`--project`: an admin's Keystone finds
 * the project by ID or name (else "No project with a name or ID of 'x' exists."); a member may
 * not look projects up (Keystone's 403), so OSC sends what was typed as the project's ID.
 */
function projectRef(c: Cloud, ref: string): string {
  return c.auth.admin ? findProject(c, ref).id : ref;
}

/** openstacksdk find_rbac_policy: by ID only. */
function findPolicy(c: Cloud, ref: string): JsonObject {
  const p = listRbacPolicies(c, { filters: { id: ref } })[0];
  if (!p) throw new NotFoundError(`No RBACPolicy found for ${ref}`);
  return p;
}

/** `show`/`create` rows: the API's `target_tenant` is the SDK's `target_project_id`. */
function policyShow(d: JsonObject): Output {
  const fields: Array<[string, CellValue]> = [
    ['action', attr(d, 'action')],
    ['id', attr(d, 'id')],
    ['object_id', attr(d, 'object_id')],
    ['object_type', attr(d, 'object_type')],
    ['project_id', attr(d, 'project_id')],
    ['target_project_id', attr(d, 'target_tenant')],
  ];
  return { kind: 'show', data: { fields } };
}

function create(c: Cloud, a: Args): Output {
  const type = req(a, 'type');
  const objectId = rbacObjectId(c, type, req(a, 'rbac_object'));
  const target = flag(a, 'target_all_projects') ? '*' : projectRef(c, req(a, 'target_project'));
  const project = str(a, 'project');
  const body: JsonObject = { object_id: objectId, object_type: type, action: req(a, 'action'), target_tenant: target };
  if (project !== undefined) body['project_id'] = projectRef(c, project);
  return policyShow(postRbacPolicy(c, { ...body, ...extraProperties(a) }));
}

function list(c: Cloud, a: Args): Output {
  const q: Record<string, FilterValue> = {};
  const type = str(a, 'type');
  if (type !== undefined) q['object_type'] = type;
  const action = str(a, 'action');
  if (action !== undefined) q['action'] = action;
  const long = flag(a, 'long');
  const cols = long ? ['id', 'object_type', 'object_id', 'action'] : ['id', 'object_type', 'object_id'];
  const headers = long ? ['ID', 'Object Type', 'Object ID', 'Action'] : ['ID', 'Object Type', 'Object ID'];
  return { kind: 'list', data: { headers, rows: listRbacPolicies(c, { filters: q }).map((p) => cols.map((k) => attr(p, k))) } };
}

/** `set` with neither `--target-project` nor an extra property sends nothing. */
function set(c: Cloud, a: Args): Output {
  const p = findPolicy(c, req(a, 'rbac_policy'));
  const target = str(a, 'target_project');
  const body: JsonObject = { ...(target === undefined ? {} : { target_tenant: projectRef(c, target) }), ...extraProperties(a) };
  if (Object.keys(body).length > 0) putRbacPolicy(c, p['id'] as string, body);
  return none;
}

/** OSC's delete loop for policies names them "with ID". */
function remove(c: Cloud, a: Args): Output {
  const refs = strs(a, 'rbac_policy');
  const errors: string[] = [];
  for (const ref of refs) {
    try {
      removeRbacPolicy(c, findPolicy(c, ref)['id'] as string);
    } catch (e) {
      errors.push(`Failed to delete RBAC policy with ID '${ref}': ${errorLine(c, e, 'sdk')}`);
    }
  }
  if (errors.length === 0) return none;
  errors.push(`${errors.length} of ${refs.length} RBAC policies failed to delete.`);
  return { kind: 'text', stdout: '', stderr: `${errors.join('\n')}\n`, exitCode: 1 };
}

export const rbacCommands: OscCommand[] = [
  { name: 'network rbac create', run: ({ cloud, args }) => create(cloud, args) },
  { name: 'network rbac list', run: ({ cloud, args }) => list(cloud, args) },
  { name: 'network rbac show', run: ({ cloud: c, args: a }) => policyShow(showRbacPolicy(c, findPolicy(c, req(a, 'rbac_policy'))['id'] as string)) },
  { name: 'network rbac set', run: ({ cloud, args }) => set(cloud, args) },
  { name: 'network rbac delete', run: ({ cloud, args }) => remove(cloud, args) },
];
