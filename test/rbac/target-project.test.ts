/**
 * `openstack network rbac create|set --target-project` (and `--project`) as OSC finds the project
 * (identity_common.find_project; the oracle has no Keystone, so this follows the client's code):
 * an admin's Keystone finds a project of the cloud by name or ID, or OSC says it does not exist;
 * a member may not look projects up (Keystone answers 403), so OSC sends what was typed as the ID.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';

function session(admin: boolean): { run: (line: string) => { stdout: string; stderr: string; exitCode: number }; state: () => SessionState } {
  let s = createSession({ fixture: 'public-cloud', seed: 1 });
  if (admin) s = { ...s, cloud: { ...s.cloud, auth: { ...s.cloud.auth, admin: true, roles: ['admin', 'member'] } } };
  return {
    run: (line) => {
      const r = runLine(s, line);
      s = r.state;
      return { stdout: r.result.stdout, stderr: r.result.stderr, exitCode: r.result.exitCode };
    },
    state: () => s,
  };
}

const projectId = (s: SessionState, name: string): string => s.cloud.projects.find((p) => p.name === name)?.id ?? '';

describe('--target-project as an admin', () => {
  const lab = session(true);
  lab.run('openstack network create n1');

  it('finds a project of the cloud by name or by ID', () => {
    const provider = projectId(lab.state(), 'infomaniak-provider');
    const byName = lab.run('openstack network rbac create --type network --action access_as_shared --target-project infomaniak-provider n1 -f value -c target_project_id');
    expect(byName).toEqual({ stdout: `${provider}\n`, stderr: '', exitCode: 0 });
    const pub1 = projectId(lab.state(), 'pub1');
    const byId = lab.run(`openstack network rbac create --type network --action access_as_shared --target-project ${pub1} --project pub1 n1 -f value -c target_project_id -c project_id`);
    expect(byId.stdout).toBe(`${pub1}\n${pub1}\n`);
  });

  it('refuses a name no project has, as osc-lib words it', () => {
    const r = lab.run('openstack network rbac create --type network --action access_as_shared --target-project nosuch n1');
    expect(r).toEqual({ stdout: '', stderr: "No project with a name or ID of 'nosuch' exists.\n", exitCode: 1 });
  });
});

describe('--target-project as a member', () => {
  const lab = session(false);
  lab.run('openstack network create mine');

  it('sends the name as typed, since Keystone lets the member look up no project', () => {
    const r = lab.run('openstack network rbac create --type network --action access_as_shared --target-project infomaniak-provider mine -f value -c target_project_id');
    expect(r).toEqual({ stdout: 'infomaniak-provider\n', stderr: '', exitCode: 0 });
  });

  it('retargets to what was typed too, even a name no project has', () => {
    const id = lab.run('openstack network rbac list -f value -c ID').stdout.trim();
    expect(lab.run(`openstack network rbac set --target-project nosuch ${id}`).exitCode).toBe(0);
    expect(lab.run(`openstack network rbac show ${id} -f value -c target_project_id`).stdout).toBe('nosuch\n');
  });
});
