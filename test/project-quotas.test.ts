/**
 * `openstack quota set … P` by an admin, then P at work: OSC's quota commands need Keystone, which
 * the oracle lacks, so this is checked here (the legacy client's side is in transcripts/31-…).
 */
import { describe, expect, it } from 'vitest';
import { replay } from './support/replay.js';

const P = '22222222222222222222222222222222';

describe('quotas an admin sets for another project', () => {
  const out = replay([
    `oracle_as_project ${P}`,
    'openstack network list',
    'oracle_as_admin',
    `openstack quota set --networks 1 --secgroups 2 ${P}`,
    `oracle_as_project ${P}`,
    'openstack quota show -f value -c networks -c secgroups -c project',
    'openstack network create a -f value -c name',
    'openstack network create b',
    'openstack security group create g1 -f value -c name',
    'openstack security group create g2',
    'oracle_as_admin',
    'openstack network create mine -f value -c name',
    'openstack quota show -f value -c networks',
  ]);

  it('shows them to that project', () => {
    expect(out[5]?.stdout).toBe(`1\n${P}\n2\n`);
  });

  it('enforces them when it creates, the default group counting as a group', () => {
    expect(out[6]?.stdout).toBe('a\n');
    expect(out[7]?.stderr).toBe("Error while executing command: ConflictException: 409, Quota exceeded for resources: ['network'].\n");
    expect(out[8]?.stdout).toBe('g1\n');
    expect(out[9]?.stderr).toBe("Error while executing command: ConflictException: 409, Quota exceeded for resources: ['security_group'].\n");
  });

  it('leaves the admin’s own project at its limits', () => {
    expect(out[11]?.stdout).toBe('mine\n');
    expect(out[12]?.stdout).toBe('100\n');
  });
});
