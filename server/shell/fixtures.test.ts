import { describe, expect, it } from 'vitest';
import { createSession, deserializeSession, runLine, serializeSession } from './session.js';

const names = (s: ReturnType<typeof createSession>) => runLine(s, 'openstack network list -f value -c Name').result.stdout.split('\n').filter(Boolean).sort();

describe("a fixture's cloud, shared by the sessions that start on it", () => {
  it('is one frozen object for every session on the same fixture and seed', () => {
    const a = createSession({ fixture: 'broken-public', seed: 606, host: 'network' });
    const b = createSession({ fixture: 'broken-public', seed: 606, host: 'network' });
    // No copy per learner: a class on one lab keeps one cloud until each changes theirs.
    expect(b.cloud).toBe(a.cloud);
    expect(Object.isFrozen(a.cloud)).toBe(true);
    expect(Object.isFrozen(a.cloud.networks)).toBe(true);
    expect(Object.isFrozen(a.cloud.networks[0])).toBe(true);
    // Another seed is another cloud.
    expect(createSession({ fixture: 'broken-public', seed: 607, host: 'network' }).cloud).not.toBe(a.cloud);
  });

  it("keeps one learner's changes out of every other session on it", () => {
    const a = createSession({ fixture: 'broken-public', seed: 606, host: 'network' });
    const b = createSession({ fixture: 'broken-public', seed: 606, host: 'network' });
    const before = names(b);
    const created = runLine(a, 'openstack network create mine -f value -c name');
    expect(created.result).toMatchObject({ exitCode: 0, stdout: 'mine\n' });
    const port = runLine(created.state, 'openstack port create --network net1 p1 -f value -c name');
    expect(port.result).toMatchObject({ exitCode: 0, stdout: 'p1\n' });
    const renamed = runLine(port.state, 'openstack router set --name renamed my-router');
    expect(renamed.result.exitCode).toBe(0);
    expect(names(renamed.state)).toContain('mine');
    // The other session, and a session started afterwards, see the fixture as it was.
    expect(names(b)).toEqual(before);
    const c = createSession({ fixture: 'broken-public', seed: 606, host: 'network' });
    expect(names(c)).toEqual(before);
    expect(runLine(c, 'openstack port list -f value -c Name').result.stdout).not.toContain('p1');
    expect(runLine(c, 'openstack router show my-router -f value -c name').result.stdout).toBe('my-router\n');
  });

  it('refuses a write in place (a bug) instead of letting it reach the other sessions', () => {
    const a = createSession({ fixture: 'broken-public', seed: 606, host: 'network' });
    expect(() => (a.cloud.networks as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (a.cloud.networks[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (a.cloud as { clock: number }).clock += 1;
    }).toThrow(TypeError);
    expect(names(createSession({ fixture: 'broken-public', seed: 606, host: 'network' }))).not.toContain('changed');
  });

  it('serializes a fresh session as before, and a loaded one is its own to change', () => {
    const a = createSession({ fixture: 'broken-public', seed: 606, host: 'network' });
    const text = serializeSession(a);
    // The fixture's keys in the order snapshots always had (the parts no op changes last).
    expect(Object.keys(JSON.parse(text).cloud).slice(-4)).toEqual(['flavors', 'images', 'config', 'projects']);
    const loaded = deserializeSession(text);
    expect(Object.isFrozen(loaded.cloud.networks)).toBe(false);
    expect(serializeSession(loaded)).toBe(text);
  });
});
