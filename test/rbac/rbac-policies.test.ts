/**
 * RBAC policies on subnet pools, address scopes and security groups, and the API's own checks.
 * The legacy client shares networks only and OSC's `--target-project` needs Keystone, which the
 * oracle lacks, so these go through the API (sim/api/neutron/rbac) on a session's cloud; the
 * network cases are golden (test/transcripts/40-neutron-rbac-policies).
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { transact } from '../../server/sim/clone.js';
import type { Cloud } from '../../server/sim/model/cloud.js';
import type { JsonObject } from '../../server/sim/api/json.js';
import { SimError } from '../../server/sim/errors.js';
import { listRbacPolicies, postRbacPolicy, putRbacPolicy, removeRbacPolicy } from '../../server/sim/api/neutron/rbac.js';
import { replay } from '../support/replay.js';

const P = '22222222222222222222222222222222';
const Q = '33333333333333333333333333333333';

class Lab {
  state: SessionState = createSession({ fixture: 'empty', seed: 1 });
  private readonly admin = this.state.cloud.auth;

  as(projectId: string | null): this {
    const auth = projectId === null ? this.admin : { ...this.admin, projectId, admin: false, roles: ['member'] };
    const projects = projectId === null || this.state.cloud.projects.some((p) => p.id === projectId) ? this.state.cloud.projects : [...this.state.cloud.projects, { id: projectId, name: projectId }];
    this.state = { ...this.state, cloud: { ...this.state.cloud, auth, projects } };
    return this;
  }

  run(line: string): { stdout: string; stderr: string; exitCode: number } {
    const r = runLine(this.state, line);
    this.state = r.state;
    return r.result;
  }

  id(line: string): string {
    return this.run(`${line} -f value -c id`).stdout.trim();
  }

  /** One API call as one transaction; its error (a SimError) is returned, not thrown. */
  api<T>(fn: (c: Cloud) => T): T | SimError {
    const out = transact(this.state.cloud, fn);
    this.state = { ...this.state, cloud: out.cloud };
    if (out.ok) return out.value;
    if (out.error instanceof SimError) return out.error;
    throw out.error;
  }

  share(objectType: string, objectId: string, target: string, action = 'access_as_shared'): JsonObject | SimError {
    return this.api((c) => postRbacPolicy(c, { object_type: objectType, object_id: objectId, action, target_tenant: target }));
  }
}

function message(e: unknown): string {
  return e instanceof SimError ? `${e.status} ${e.message}` : `no error: ${JSON.stringify(e)}`;
}

describe('a subnet pool and its address scope shared with one project', () => {
  const lab = new Lab();
  const scope = lab.id('openstack address scope create --ip-version 4 byoip');
  const pool = lab.id(`openstack subnet pool create --pool-prefix 198.51.100.0/24 --default-prefix-length 26 --address-scope ${scope} customer`);

  it('needs the scope to be reachable by the project first', () => {
    expect(message(lab.share('subnetpool', pool, P))).toBe(
      `400 Invalid input for operation: Callback neutron.objects.subnetpool.RbacNeutronDbObjectMixin.validate_rbac_policy_change-8774568881881 failed with "Failed to create RBAC policy on object ${pool} because target project doesn't have access to associated address scope..".`,
    );
  });

  it('is hidden from the project until shared, then listed and usable for its subnets', () => {
    lab.as(P);
    expect(lab.run('openstack subnet pool list -f value -c Name').stdout).toBe('');
    lab.as(null);
    expect(lab.share('address_scope', scope, P)).toMatchObject({ object_type: 'address_scope', target_tenant: P, action: 'access_as_shared' });
    expect(lab.share('subnetpool', pool, P)).toMatchObject({ object_type: 'subnetpool', object_id: pool, target_tenant: P });
    lab.as(P);
    expect(lab.run('openstack subnet pool list -f value -c Name').stdout).toBe('customer\n');
    expect(lab.run('openstack address scope list -f value -c Name').stdout).toBe('byoip\n');
    lab.run('openstack network create mine');
    expect(lab.run('openstack subnet create --network mine --subnet-pool customer mine-v4 -f value -c cidr').stdout).toBe('198.51.100.0/26\n');
  });

  it('shows the project none of the policies that target it (only the ones it owns)', () => {
    expect(lab.api((c) => listRbacPolicies(c))).toEqual([]);
  });

  it('refuses a duplicate, and refuses removing or retargeting the pool policy while the project has a subnet from it', () => {
    lab.as(null);
    expect(message(lab.share('subnetpool', pool, P))).toBe('409 An RBAC policy already exists with those values.');
    const id = (lab.api((c) => listRbacPolicies(c, { filters: { object_type: 'subnetpool' } })) as JsonObject[])[0]?.['id'] as string;
    const inUse = `409 RBAC policy on object ${pool} cannot be removed because other objects depend on it.\nDetails: Callback neutron.objects.subnetpool.RbacNeutronDbObjectMixin.validate_rbac_policy_change-8774568881881 failed with "RBAC policy on object ${pool} cannot be removed because other objects depend on it.\nDetails: project_id=${P}"`;
    expect(message(lab.api((c) => removeRbacPolicy(c, id)))).toBe(inUse);
    expect(message(lab.api((c) => putRbacPolicy(c, id, { target_tenant: Q })))).toBe(inUse);
  });

  it('lets the policy go once a wildcard still lets the project in', () => {
    const id = (lab.api((c) => listRbacPolicies(c, { filters: { object_type: 'subnetpool', target_tenant: P } })) as JsonObject[])[0]?.['id'] as string;
    lab.run('openstack address scope set --share byoip');
    lab.share('subnetpool', pool, '*');
    expect(lab.run('openstack subnet pool show customer -f value -c shared').stdout).toBe('True\n');
    expect(lab.api((c) => removeRbacPolicy(c, id))).toBeUndefined();
    expect((lab.api((c) => listRbacPolicies(c, { filters: { object_type: 'subnetpool' } })) as JsonObject[]).map((p) => p['target_tenant'])).toEqual(['*']);
  });
});

describe('an address scope shared with a project that made a pool in it', () => {
  const lab = new Lab();
  const scope = lab.id('openstack address scope create --ip-version 4 provider');
  lab.share('address_scope', scope, P);
  lab.as(P);
  lab.run(`openstack subnet pool create --pool-prefix 203.0.113.0/24 --address-scope ${scope} own`);
  lab.as(null);

  // As the oracle answered (the callback's number aside): DELETE and a PUT to another project alike.
  it('may not lose the policy while that pool is in the scope', () => {
    const id = (lab.api((c) => listRbacPolicies(c, { filters: { object_type: 'address_scope' } })) as JsonObject[])[0]?.['id'] as string;
    const head = `RBAC policy on object ${scope} cannot be removed because other objects depend on it.`;
    const inUse = `409 ${head}\nDetails: Callback neutron.objects.address_scope.RbacNeutronDbObjectMixin.validate_rbac_policy_change-8774568881881 failed with "${head}\nDetails: project_id=${P}"`;
    expect(message(lab.api((c) => removeRbacPolicy(c, id)))).toBe(inUse);
    expect(message(lab.api((c) => putRbacPolicy(c, id, { target_tenant: Q })))).toBe(inUse);
  });
});

describe('a security group shared with a project', () => {
  const lab = new Lab();
  const group = lab.id('openstack security group create web');

  it('is listed by that project once shared, and only a policy for it (no flag) stands for a wildcard', () => {
    lab.as(P);
    expect(lab.run('openstack security group list -f value -c Name').stdout).not.toContain('web');
    lab.as(null);
    expect(lab.share('security_group', group, P)).toMatchObject({ object_type: 'security_group', target_tenant: P });
    expect(lab.share('security_group', group, '*')).toMatchObject({ target_tenant: '*' });
    lab.as(P);
    expect(lab.run('openstack security group list -f value -c Name').stdout).toContain('web\n');
  });

  it('takes sharing only as its action', () => {
    lab.as(null);
    expect(message(lab.share('security_group', group, Q, 'access_as_external'))).toBe(
      "400 Invalid action 'access_as_external' for object type 'security_group'. Valid actions: ('access_as_shared',)",
    );
    expect(message(lab.share('network', lab.id('openstack network create n'), Q, 'bogus'))).toBe(
      "400 Invalid action 'bogus' for object type 'network'. Valid actions: ('access_as_shared', 'access_as_external')",
    );
  });
});

describe('what the API refuses', () => {
  const lab = new Lab();
  const net = lab.id('openstack network create n');

  const missing = '00000000-0000-4000-8000-000000000000';
  const notFound = (id: string) =>
    `400 Invalid input for operation: ${['neutron.plugins.ml2.plugin', 'neutron.services.network_ip_availability.plugin', 'neutron.services.network_ip_availability.plugin']
      .map((m) => `Callback ${m}.NeutronDbPluginV2.validate_network_rbac_policy_change-8774568881881 failed with "Network ${id} could not be found."`)
      .join(',')}.`;

  it('an unknown object type, an unknown attribute, an object id that is no UUID, a missing network', () => {
    expect(message(lab.share('router', net, P))).toBe("400 Invalid input for operation: 'router' is not a valid RBAC object type.");
    expect(message(lab.api((c) => postRbacPolicy(c, { object_type: 'network', object_id: net, action: 'access_as_shared', target_tenant: P, colour: 'red' })))).toBe(
      "400 Unrecognized attribute(s) 'colour'",
    );
    expect(message(lab.share('network', 'nosuch', P))).toBe("400 Invalid input for object_id. Reason: 'nosuch' is not a valid UUID.");
    expect(message(lab.share('network', missing, P))).toBe(notFound(missing));
  });

  // As the oracle answered each body.
  it('a target that is no string or longer than 255 characters, a missing attribute', () => {
    const post = (body: JsonObject) => message(lab.api((c) => postRbacPolicy(c, body)));
    const base = { object_type: 'network', object_id: net, action: 'access_as_shared' };
    expect(post({ ...base, target_tenant: 'x'.repeat(256) })).toBe(`400 Invalid input for target_tenant. Reason: '${'x'.repeat(256)}' exceeds maximum length of 255.`);
    expect(post({ ...base, target_tenant: 5 })).toBe("400 Invalid input for target_tenant. Reason: '5' is not a valid string.");
    expect(post(base)).toBe("400 Failed to parse request. Required attribute 'target_tenant' not specified");
    expect(post({ object_type: 'network', action: 'access_as_shared', target_tenant: P })).toBe("400 Failed to parse request. Required attribute 'object_id' not specified");
    expect(lab.api((c) => postRbacPolicy(c, { ...base, target_tenant: '' }))).toMatchObject({ target_tenant: '' });
  });

  it('an update of anything but the target', () => {
    const made = lab.share('network', net, P) as JsonObject;
    expect(message(lab.api((c) => putRbacPolicy(c, made['id'] as string, { action: 'access_as_external' })))).toBe('400 Cannot update read-only attribute action');
  });

  it('a policy on another project’s object from a member, which cannot see it', () => {
    lab.as(Q);
    expect(message(lab.share('network', net, Q))).toBe(notFound(net));
    lab.as(null);
  });

  it('forgets the policies of a deleted object', () => {
    lab.run('openstack network delete n');
    expect(lab.api((c) => listRbacPolicies(c))).toEqual([]);
  });
});

describe('the rbac_policy quota', () => {
  const lab = new Lab();
  const net = lab.id('openstack network create --share n');

  it('counts the policies a project owns, its objects’ flags among them', () => {
    lab.run('neutron quota-update --rbac-policy 2');
    expect(lab.share('network', net, P)).toMatchObject({ target_tenant: P });
    expect(message(lab.share('network', net, Q))).toBe("409 Quota exceeded for resources: ['rbac_policy'].");
  });
});

/**
 * OSC's `--target-project` is found in Keystone, which the oracle lacks (test/transcripts/41-…
 * shares with every project only): here the customer's side of the source's scenario 5.
 */
describe('openstack network rbac with a target project', () => {
  const out = replay([
    `oracle_as_project ${P}`,
    'oracle_as_admin',
    'openstack address scope create --share --ip-version 4 byoip',
    'openstack subnet pool create --pool-prefix 198.51.100.0/24 --default-prefix-length 26 --address-scope byoip customer',
    `openstack network rbac create --type subnetpool --action access_as_shared --target-project ${P} customer -f value -c target_project_id -c object_type`,
    `oracle_as_project ${P}`,
    'openstack network create mine',
    'openstack subnet create --network mine --subnet-pool customer mine-v4 -f value -c cidr',
    'oracle_as_admin',
    'openstack network rbac list --type subnetpool --long -f value -c "Object Type" -c Action',
    'P_ID=$(openstack network rbac list --type subnetpool -f value -c ID)',
    'openstack network rbac delete $P_ID',
    `openstack network rbac set --target-project nosuch $P_ID`,
  ]);

  it('shares the pool with that project, which makes its subnet from it', () => {
    expect(out[4]?.stdout).toBe(`subnetpool\n${P}\n`);
    expect(out[7]?.stdout).toBe('198.51.100.0/26\n');
    expect(out[9]?.stdout).toBe('subnetpool access_as_shared\n');
  });

  it('refuses the delete while the subnet is there, in the SDK’s words', () => {
    expect(out[11]?.stderr).toMatch(
      /^Failed to delete RBAC policy with ID '[0-9a-f-]{36}': ConflictException: 409: Client Error for url: http:\/\/controller:9696\/v2\.0\/rbac-policies\/[0-9a-f-]{36}, RBAC policy on object [0-9a-f-]{36} cannot be removed because other objects depend on it\.\nDetails: Callback neutron\.objects\.subnetpool\.RbacNeutronDbObjectMixin\.validate_rbac_policy_change-8774568881881 failed with "RBAC policy on object [0-9a-f-]{36} cannot be removed because other objects depend on it\.\nDetails: project_id=2{32}"\n1 of 1 RBAC policies failed to delete\.\n$/,
    );
    expect(out[12]?.stderr).toBe("No project with a name or ID of 'nosuch' exists.\n");
  });
});

describe('a network shared with one project', () => {
  const lab = new Lab();
  const net = lab.id('openstack network create n2');
  lab.run('openstack subnet create s2 --network n2 --subnet-range 10.2.0.0/24');
  it('reads as shared to that project only (as the oracle shows), and Nova boots on it', () => {
    expect(message(lab.share('network', net, P))).toMatch(/^no error/);
    expect(lab.run('openstack network show n2 -f value -c shared').stdout).toBe('False\n');
    lab.as(P);
    expect(lab.run('openstack network show n2 -f value -c shared').stdout).toBe('True\n');
    lab.run('openstack security group list');
    const boot = lab.run('openstack server create --image cirros-0.5.2-x86_64-disk --flavor m1.tiny --network n2 vm-p -f value -c name');
    expect([boot.exitCode, boot.stderr]).toEqual([0, '']);
    lab.as(Q);
    expect(lab.run('openstack network show n2').exitCode).toBe(1);
    lab.as(null);
  });
});
