import { describe, expect, it } from 'vitest';
import { runScript } from '../server/shell/script.js';
import { SCENARIO } from '../bench/scenario.js';

describe('determinism', () => {
  it('same fixture, seed and lines give byte-identical output', () => {
    const a = runScript(SCENARIO, { fixture: 'empty', seed: 7 });
    const b = runScript(SCENARIO, { fixture: 'empty', seed: 7 });
    expect(a).toEqual(b);
    expect(a.filter((e) => e.exitCode !== 0).map((e) => e.command)).toEqual([
      // net1 still has ports (router interface, p1, p2) when the scenario tries to delete it.
      'openstack network delete net1',
    ]);
  });

  it('another seed gives other ids but the same shapes', () => {
    const a = runScript(SCENARIO, { fixture: 'empty', seed: 1 });
    const b = runScript(SCENARIO, { fixture: 'empty', seed: 2 });
    expect(a.map((e) => e.exitCode)).toEqual(b.map((e) => e.exitCode));
    expect(a[2]?.stdout).not.toEqual(b[2]?.stdout);
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    expect(a[2]?.stdout.replace(uuid, 'X').split('\n').length).toEqual(b[2]?.stdout.replace(uuid, 'X').split('\n').length);
  });

  it('a failed command leaves the cloud unchanged', () => {
    const ok = runScript(['openstack network create n1', 'openstack network list -f value -c Name'], { fixture: 'empty' });
    const withFailure = runScript(
      [
        'openstack network create n1',
        'openstack subnet create s --network n1 --subnet-range 10.0.0.0/24 --allocation-pool start=10.0.0.10,end=10.0.1.20',
        'openstack network list -f value -c Name',
        'openstack subnet list -f value -c Name',
      ],
      { fixture: 'empty' },
    );
    expect(withFailure[1]?.exitCode).toBe(1);
    expect(withFailure[2]?.stdout).toBe(ok[1]?.stdout);
    expect(withFailure[3]?.stdout).toBe('');
  });
});
