/**
 * Workspaces following a reload of the labs (Workspaces.labsChanged): a changed lab grades with its
 * new checks on the same history, a removed one leaves memory (or, with a terminal open, refuses
 * its lines in words), and the store keeps everything for when the lab comes back.
 */
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../server/labs/parse.js';
import type { Lab } from '../../server/labs/types.js';
import { fixtureHosts, fixtureNames } from '../../server/shell/session.js';
import { memoryStore } from '../../server/store/memory.js';
import { workspaces } from '../../server/workspace/index.js';
import { tinyLab } from './registry-labs.js';

const lab = (network: string): Lab => parseLab(tinyLab('alpha', { network }), 'labs/01-a.md', { fixtures: fixtureNames(), hostsOf: fixtureHosts });

function setup() {
  let labs: Lab[] = [lab('net-a')];
  const store = memoryStore();
  const spaces = workspaces({ store, labs: () => labs, now: () => 1_000, log: () => {} });
  const ref = spaces.parse('lab:alpha');
  if (!ref) throw new Error('lab:alpha does not parse');
  return { spaces, ref, store, setLabs: (l: Lab[]) => (labs = l) };
}

describe('workspaces after a reload of the labs', () => {
  it('a changed lab: the open workspace grades its history with the new checks', async () => {
    const { spaces, ref, setLabs } = setup();
    const w = await spaces.open('learner-1', ref);
    w.attach();
    await w.run('openstack network create net-z');
    expect((await w.grade())?.result.earned).toBe(0);
    setLabs([lab('net-z')]);
    spaces.labsChanged({ added: [], changed: ['alpha'], removed: [] });
    expect(w.lab?.steps[0]?.checks[0]?.params).toMatchObject({ name: 'net-z' });
    expect((await w.grade())?.result.earned).toBe(1);
    expect(await w.recentLines(10)).toEqual(['openstack network create net-z']);
  });

  it('a removed lab with no terminal open leaves memory; its history is in the store', async () => {
    const { spaces, ref, store, setLabs } = setup();
    await (await spaces.open('learner-1', ref)).run('openstack network create net-a');
    expect(spaces.liveCount()).toBe(1);
    setLabs([]);
    spaces.labsChanged({ added: [], changed: [], removed: ['alpha'] });
    expect(spaces.liveCount()).toBe(0);
    expect(spaces.parse('lab:alpha')).toBeNull();
    expect((await store.history('learner-1', 'lab:alpha', 10)).map((e) => e.line)).toEqual(['openstack network create net-a']);
  });

  it('a removed lab with a terminal open refuses lines, answers, solutions and API calls in words; back, it goes on', async () => {
    const { spaces, ref, setLabs } = setup();
    const w = await spaces.open('learner-1', ref);
    w.attach();
    await w.run('openstack network create net-a');
    setLabs([]);
    spaces.labsChanged({ added: [], changed: [], removed: ['alpha'] });
    const r = await w.run('openstack network list');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^stacklab: the lab 'alpha' was removed from this server/);
    expect((await w.reset()).stderr).toMatch(/was removed/);
    expect((await w.answer('x', 'y'))?.stderr).toMatch(/was removed/);
    expect(await w.reveal('create-it')).toBeNull();
    expect(await w.grade()).toBeNull();
    const answer = await w.api({ service: 'network', method: 'POST', path: ['v2.0', 'networks'], query: [], body: '{"network": {"name": "x"}}' }, { base: 'http://127.0.0.1/openstack/network' });
    expect(answer?.status).toBe(404);
    setLabs([lab('net-a')]);
    spaces.labsChanged({ added: ['alpha'], changed: [], removed: [] });
    expect((await w.run('openstack network list -f value -c Name')).stdout).toBe('net-a\n');
    expect((await w.grade())?.result.earned).toBe(1);
  });
});
