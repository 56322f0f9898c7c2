/**
 * A read that may write (listing security groups makes the project's default group the first
 * time, issue #19): when it wrote nothing, the new cloud shares every part with the old one, so
 * the topology view and the grader see no change; when it made the group, the change is kept.
 */
import { describe, expect, it } from 'vitest';
import { runOpenstack } from '../cli/openstack/index.js';
import { fixtureCloud } from '../shell/fixtures.js';
import { sameResources } from '../workspace/topology.js';
import { bareCloud } from './fixtures/build.js';
import { transact } from './clone.js';
import type { Cloud } from './model/cloud.js';

describe("transact: 'mostly' (a read that may write)", () => {
  it('listing groups and rules of a project that has its default group changes no part of the cloud', () => {
    const c = fixtureCloud('network-node', 7);
    for (const argv of [
      ['security', 'group', 'list'],
      ['security', 'group', 'rule', 'list', 'default'],
      ['security', 'group', 'show', 'default'],
    ]) {
      const r = runOpenstack(c, argv);
      expect(r.exitCode, argv.join(' ')).toBe(0);
      expect(r.cloud.securityGroups).toBe(c.securityGroups);
      expect(r.cloud.securityGroupRules).toBe(c.securityGroupRules);
      expect(sameResources(c, r.cloud), argv.join(' ')).toBe(true);
    }
  });

  it('the first listing of a project without its default group makes it, and keeps it', () => {
    // A project whose default group is not made yet (as a new project's is).
    const c: Cloud = { ...bareCloud(3), securityGroups: [], securityGroupRules: [] };
    expect(c.securityGroups.filter((g) => g.name === 'default')).toHaveLength(0);
    const r = runOpenstack(c, ['security', 'group', 'list', '-f', 'value', '-c', 'Name']);
    expect(r.stdout).toBe('default\n');
    expect(r.cloud.securityGroups.filter((g) => g.name === 'default')).toHaveLength(1);
    expect(r.cloud.securityGroupRules.length).toBeGreaterThan(0);
    expect(sameResources(c, r.cloud)).toBe(false);
    // The original is untouched (a published cloud never changes).
    expect(c.securityGroups.filter((g) => g.name === 'default')).toHaveLength(0);
    // Listed again: nothing more to make, every part shared.
    const again = runOpenstack(r.cloud, ['security', 'group', 'list']);
    expect(again.cloud.securityGroups).toBe(r.cloud.securityGroups);
    expect(sameResources(r.cloud, again.cloud)).toBe(true);
  });

  it('a part changed deep inside is kept as changed; only equal parts are shared again', () => {
    const c = fixtureCloud('network-node', 7);
    const r = transact(c, (d) => {
      const g = d.securityGroups[0];
      if (g) g.description = `${g.description} (edited)`;
      return d.networks.length;
    }, 'mostly');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cloud.securityGroups).not.toBe(c.securityGroups);
    expect(r.cloud.securityGroups[0]?.description).toMatch(/\(edited\)$/);
    // Read, not changed: the original again.
    expect(r.cloud.networks).toBe(c.networks);
    expect(c.securityGroups[0]?.description).not.toMatch(/\(edited\)$/);
  });
});
