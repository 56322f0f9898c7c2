/**
 * Workspace.workMs counts the server's own work for a workspace (what a learner's time budget pays),
 * not waiting; recentLines (↑ on a fresh page) reads the last lines without their outputs.
 */
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../server/labs/index.js';
import { memoryStore } from '../server/store/memory.js';
import type { CloudStore } from '../server/store/types.js';
import { workspaces } from '../server/workspace/index.js';

const LABS = loadLabs();

describe('Workspace.workMs', () => {
  it('grows with commands and grades, not with the store keeping them waiting', async () => {
    const base = memoryStore();
    // A store that answers every write 200 ms late (a busy database, other learners' turn).
    const slow: CloudStore = {
      ...base,
      saveStep: async (...a: Parameters<CloudStore['saveStep']>) => {
        await new Promise((r) => setTimeout(r, 200));
        return base.saveStep(...a);
      },
    };
    const ws = workspaces({ store: slow, labs: () => LABS, now: () => 1_000, log: () => {} });
    const ref = ws.parse('lab:troubleshooting');
    if (!ref) throw new Error('no lab');
    const w = await ws.open('learner-1', ref);
    const w0 = w.workMs();
    const t = performance.now();
    await w.run('openstack network list');
    const waited = performance.now() - t;
    const w1 = w.workMs();
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(w1).toBeGreaterThan(w0);
    expect(w1 - w0).toBeLessThan(waited - 150);
    await w.run('openstack router create extra');
    await w.grade();
    expect(w.workMs()).toBeGreaterThan(w1);
    w.complete('openstack netw');
    w.topology();
    expect(w.workMs()).toBeGreaterThan(w1);
  });

  it('recentLines gives the last command lines of the workspace, oldest first, without reading outputs', async () => {
    const base = memoryStore();
    let outputsRead = 0;
    const store: CloudStore = {
      ...base,
      history: async (...a: Parameters<CloudStore['history']>) => {
        outputsRead++;
        return base.history(...a);
      },
    };
    const ws = workspaces({ store, labs: () => LABS, now: () => 1_000, log: () => {} });
    const ref = ws.parse('sandbox:empty');
    if (!ref) throw new Error('no sandbox');
    const w = await ws.open('learner-1', ref);
    for (let i = 0; i < 12; i++) await w.run(`echo ${i}`);
    await w.reset();
    await w.run('echo after');
    expect(await w.recentLines(4)).toEqual(['echo 10', 'echo 11', 'echo after']);
    expect(await w.recentLines(100)).toEqual([...Array.from({ length: 12 }, (_, i) => `echo ${i}`), 'echo after']);
    expect(outputsRead).toBe(0);
  });
});
