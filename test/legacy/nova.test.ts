/** `nova secgroup-add-rule` and `nova list` as python-novaclient 7 printed them (reference §4.2). */
import { describe, expect, it } from 'vitest';
import { fixtureCloud } from '../../server/shell/fixtures.js';
import { runNova, SECGROUP_DEPRECATION } from '../../server/cli/nova/index.js';
import { runOpenstack } from '../../server/cli/openstack/index.js';
import type { Cloud } from '../../server/sim/model/cloud.js';

const fresh = (): Cloud => fixtureCloud('public-cloud', 5);

describe('nova secgroup-add-rule', () => {
  it('adds a tcp rule, prints novaclient table and the deprecation warning', () => {
    const c = fresh();
    const before = c.securityGroupRules.length;
    const r = runNova(c, ['secgroup-add-rule', 'default', 'tcp', '22', '22', '0.0.0.0/0']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(SECGROUP_DEPRECATION);
    expect(r.stdout).toBe(
      '+-------------+-----------+---------+-----------+--------------+\n' +
        '| IP Protocol | From Port | To Port | IP Range  | Source Group |\n' +
        '+-------------+-----------+---------+-----------+--------------+\n' +
        '| tcp         | 22        | 22      | 0.0.0.0/0 |              |\n' +
        '+-------------+-----------+---------+-----------+--------------+\n',
    );
    expect(r.cloud.securityGroupRules.length).toBe(before + 1);
    expect(c.securityGroupRules.length).toBe(before);
    const rule = r.cloud.securityGroupRules.at(-1);
    expect(rule).toMatchObject({ protocol: 'tcp', portRangeMin: 22, portRangeMax: 22, remoteIpPrefix: '0.0.0.0/0', direction: 'ingress' });
  });

  it('maps icmp -1 -1 onto any type and code', () => {
    const r = runNova(fresh(), ['secgroup-add-rule', 'default', 'icmp', '-1', '-1', '0.0.0.0/0']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('| icmp        | -1        | -1      | 0.0.0.0/0 |              |');
    expect(r.cloud.securityGroupRules.at(-1)).toMatchObject({ protocol: 'icmp', portRangeMin: null, portRangeMax: null });
  });

  it('refuses a duplicate rule and leaves the cloud unchanged', () => {
    const once = runNova(fresh(), ['secgroup-add-rule', 'default', 'tcp', '22', '22', '0.0.0.0/0']).cloud;
    const r = runNova(once, ['secgroup-add-rule', 'default', 'tcp', '22', '22', '0.0.0.0/0']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^WARNING: Command secgroup-add-rule is deprecated.*\nERROR \(BadRequest\): This rule already exists in group [0-9a-f-]{36} \(HTTP 400\) \(Request-ID: req-[0-9a-f-]{36}\)\n$/);
    expect(r.cloud).toBe(once);
  });

  it('reports an unknown group', () => {
    const c = fresh();
    const r = runNova(c, ['secgroup-add-rule', 'nosuch', 'tcp', '22', '22', '0.0.0.0/0']);
    expect(r).toMatchObject({ exitCode: 1, stdout: '', cloud: c });
    expect(r.stderr).toBe(`${SECGROUP_DEPRECATION}ERROR (CommandError): Secgroup ID or name 'nosuch' not found.\n`);
  });

  it('is an argparse error with too few arguments', () => {
    const r = runNova(fresh(), ['secgroup-add-rule', 'default', 'tcp']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error: too few arguments');
  });
});

describe('nova list', () => {
  it('prints an empty table header when there are no servers', () => {
    const r = runNova(fresh(), ['list']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('+----+------+--------+------------+-------------+----------+\n| ID | Name | Status | Task State | Power State | Networks |\n+----+------+--------+------------+-------------+----------+\n+----+------+--------+------------+-------------+----------+\n');
  });

  it('lists a booted server with its network and addresses', () => {
    const c = runOpenstack(fresh(), ['server', 'create', '--image', 'CirrOS 5.2', '--flavor', 'a1-ram2-disk20-perf1', '--network', 'ext-net1', 'vm1']).cloud;
    const r = runNova(c, ['list']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/\| [0-9a-f-]{36} \| vm1  \| (BUILD|ACTIVE) +\| (spawning|-) +\| (NOSTATE|Running) +\| ext-net1=192\.0\.2\.\d+, 2001:[0-9a-f:]+ +\|/);
  });

  it('rejects unknown subcommands', () => {
    const r = runNova(fresh(), ['boot-it']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("invalid choice: 'boot-it'");
  });
});
