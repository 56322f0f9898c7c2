/** One contract, run against every CloudStore implementation. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CloudStore, NewEntry } from '../server/store/types.js';
import { memoryStore } from '../server/store/memory.js';
import { sqliteStore } from '../server/store/sqlite.js';

function runStoreContract(name: string, newStore: () => CloudStore, reopen?: (s: CloudStore) => CloudStore): void {
  describe(`CloudStore contract: ${name}`, () => {
    it('creates and finds learners', () => {
      const s = newStore();
      expect(s.getLearner('a')).toBeNull();
      s.createLearner('a', 'Ada', 1);
      expect(s.getLearner('a')).toEqual({ id: 'a', name: 'Ada', createdAt: 1 });
      s.renameLearner('a', 'Ada L.');
      expect(s.getLearner('a')?.name).toBe('Ada L.');
      s.close();
    });
    it('stores a snapshot and the history together, numbered in order', () => {
      const s = newStore();
      s.createLearner('a', 'Ada', 1);
      expect(s.loadSession('a', 'sandbox:empty')).toBeNull();
      const e1 = s.saveStep('a', 'sandbox:empty', '{"v":1}', { kind: 'command', line: 'openstack network list', stdout: '\n', stderr: '', exitCode: 0, at: 2 });
      const e2 = s.saveStep('a', 'sandbox:empty', '{"v":2}', { kind: 'command', line: 'x', stdout: '', stderr: 'x: command not found\n', exitCode: 127, at: 3 });
      expect([e1.seq, e2.seq]).toEqual([1, 2]);
      expect(s.loadSession('a', 'sandbox:empty')).toEqual({ snapshot: '{"v":2}', seq: 2 });
      s.saveStep('a', 'sandbox:empty', null, { kind: 'command', line: 'y', stdout: '', stderr: '', exitCode: 0, at: 4 });
      expect(s.loadSession('a', 'sandbox:empty')).toEqual({ snapshot: '{"v":2}', seq: 2 });
      expect(s.historySince('a', 'sandbox:empty', 2).map((h) => [h.seq, h.line])).toEqual([[3, 'y']]);
      expect(s.history('a', 'sandbox:empty').map((h) => h.line)).toEqual(['openstack network list', 'x', 'y']);
      expect(s.history('a', 'sandbox:empty', 1).map((h) => h.seq)).toEqual([3]);
      s.close();
    });
    it('keeps workspaces and learners apart', () => {
      const s = newStore();
      s.createLearner('a', 'Ada', 1);
      s.createLearner('b', 'Bob', 1);
      s.saveStep('a', 'w1', 'A1', { kind: 'command', line: 'l', stdout: '', stderr: '', exitCode: 0, at: 1 });
      s.saveStep('b', 'w1', 'B1', { kind: 'command', line: 'm', stdout: '', stderr: '', exitCode: 0, at: 1 });
      expect(s.loadSession('a', 'w1')?.snapshot).toBe('A1');
      expect(s.loadSession('b', 'w1')?.snapshot).toBe('B1');
      expect(s.loadSession('a', 'w2')).toBeNull();
      expect(s.learnersIn('w1')).toEqual(['a', 'b']);
      expect(s.learnersIn('w2')).toEqual([]);
      s.saveStep('a', 'w3', null, { kind: 'command', line: 'only history', stdout: '', stderr: '', exitCode: 0, at: 1 });
      expect(s.learnersIn('w3')).toEqual(['a']);
      expect(s.history('b', 'w1').map((h) => h.line)).toEqual(['m']);
      s.close();
    });
    it('resets a workspace but keeps its history with a marker', () => {
      const s = newStore();
      s.createLearner('a', 'Ada', 1);
      s.saveStep('a', 'w', 'S1', { kind: 'command', line: 'l', stdout: '', stderr: '', exitCode: 0, at: 1 });
      s.resetSession('a', 'w', 'FRESH', 2);
      expect(s.loadSession('a', 'w')).toEqual({ snapshot: 'FRESH', seq: 2 });
      expect(s.history('a', 'w').map((h) => h.line)).toEqual(['l', '#reset']);
      s.close();
    });
    it('keeps typed entries: kinds and their fields', () => {
      const s = newStore();
      expect(s.ensureLearner('a', 'Ada', 1)).toEqual({ id: 'a', name: 'Ada', createdAt: 1 });
      expect(s.ensureLearner('a', 'other', 2)).toEqual({ id: 'a', name: 'Ada', createdAt: 1 });
      s.saveStep('a', 'w', null, { kind: 'command', line: 'ip a', stdout: 'x', stderr: '', exitCode: 0, at: 1, cols: 132, prompt: 'root@node:~# ', ran: [['ip', 'a']], truncated: true });
      s.saveStep('a', 'w', null, { kind: 'answer', line: '#answer q1 42', stdout: '', stderr: '', exitCode: 0, at: 2, check: 'q1', value: '42' });
      s.saveStep('a', 'w', null, { kind: 'passed', line: '#passed s1', stdout: '', stderr: '', exitCode: 0, at: 3, step: 's1' });
      s.saveStep('a', 'w', null, { kind: 'command', line: '# a comment', stdout: '', stderr: '', exitCode: 0, at: 4 });
      const h = s.history('a', 'w');
      expect(h[0]).toEqual({ seq: 1, kind: 'command', line: 'ip a', stdout: 'x', stderr: '', exitCode: 0, at: 1, cols: 132, prompt: 'root@node:~# ', ran: [['ip', 'a']], truncated: true });
      expect(h[1]).toMatchObject({ kind: 'answer', check: 'q1', value: '42' });
      expect(h[2]).toMatchObject({ kind: 'passed', step: 's1' });
      expect(h[3]).toEqual({ seq: 4, kind: 'command', line: '# a comment', stdout: '', stderr: '', exitCode: 0, at: 4 });
      expect(s.historyOfKind('a', 'w', 'passed').map((e) => e.step)).toEqual(['s1']);
      expect(s.storedOutputBytes('a', 'w')).toBe(1);
      expect(s.lastSeqs('a', 'w')).toEqual({ last: 4, reset: 0 });
      const r = s.resetSession('a', 'w', 'FRESH', 5);
      expect(r).toMatchObject({ seq: 5, kind: 'reset' });
      expect(s.lastSeqs('a', 'w')).toEqual({ last: 5, reset: 5 });
      expect(s.lastSeqs('a', 'nothing')).toEqual({ last: 0, reset: 0 });
      s.close();
    });
    it('keeps an API write with its whole request, and returns a copy', () => {
      const s = newStore();
      s.ensureLearner('a', 'Ada', 1);
      const request = { service: 'network', method: 'POST', path: ['v2.0', 'networks'], query: [['fields', 'id'] as [string, string]], body: '{"network": {"name": "n\u00e9t"}}', microversion: 'compute 2.79' };
      s.saveStep('a', 'w', null, { kind: 'api', line: 'POST /network/v2.0/networks', stdout: '{}', stderr: '', exitCode: 0, at: 1, request });
      const [e] = s.historySince('a', 'w', 0);
      expect(e).toEqual({ seq: 1, kind: 'api', line: 'POST /network/v2.0/networks', stdout: '{}', stderr: '', exitCode: 0, at: 1, request });
      e!.request!.path.push('x');
      e!.request!.query[0]![1] = 'y';
      expect(s.history('a', 'w')[0]!.request).toEqual(request);
      expect(s.historyOfKind('a', 'w', 'api')).toHaveLength(1);
      s.close();
    });
    it('reads entries without their output, and an attempt\'s distinct commands at their first entry', () => {
      const s = newStore();
      s.createLearner('a', 'Ada', 1);
      const big = 'x'.repeat(20_000);
      const add = (e: Partial<NewEntry>) => s.saveStep('a', 'w', null, { kind: 'command', line: 'l', stdout: big, stderr: 'e', exitCode: 0, at: 1, ...e });
      add({ line: 'openstack network list', ran: [['openstack', 'network', 'list']], cols: 90, prompt: '$ ' });
      add({ line: 'N=net; openstack network list', ran: [['openstack', 'network', 'list']] });
      add({ line: 'echo $X' });
      add({ line: 'echo $X' });
      add({ kind: 'api', line: 'POST /network/v2.0/networks', request: { service: 'network', method: 'POST', path: ['v2.0', 'networks'], query: [], body: '{}' } });
      add({ kind: 'answer', line: '#answer q 1', stdout: '', check: 'q', value: '1' });
      add({ line: 'false && x', ran: [] });
      add({ line: 'ip a', ran: [['ip', 'a'], ['true']] });
      add({ line: 'ip a', ran: [['true'], ['ip', 'a']] });
      const heads = s.headsSince('a', 'w', 1);
      expect(heads.map((h) => [h.seq, h.kind, h.line])).toEqual(s.historySince('a', 'w', 1).map((h) => [h.seq, h.kind, h.line]));
      expect(heads.some((h) => 'stdout' in h || 'stderr' in h)).toBe(false);
      expect(s.headsSince('a', 'w', 0)[0]).toEqual({ seq: 1, kind: 'command', line: 'openstack network list', exitCode: 0, at: 1, ran: [['openstack', 'network', 'list']], cols: 90, prompt: '$ ' });
      expect(s.headsSince('a', 'w', 4)[0]?.request?.path).toEqual(['v2.0', 'networks']);
      // The same `ran` under another line is the same command; lines matter only without `ran`.
      expect(s.attemptCommands('a', 'w')).toEqual([
        { line: 'openstack network list', ran: [['openstack', 'network', 'list']] },
        { line: 'echo $X' },
        { line: 'false && x', ran: [] },
        { line: 'ip a', ran: [['ip', 'a'], ['true']] },
        { line: 'ip a', ran: [['true'], ['ip', 'a']] },
      ]);
      // A reset starts a new attempt: its commands count from their first entry after it.
      s.resetSession('a', 'w', 'FRESH', 2);
      expect(s.attemptCommands('a', 'w')).toEqual([]);
      add({ line: 'N=1; openstack network list', ran: [['openstack', 'network', 'list']] });
      add({ line: 'echo $X' });
      add({ line: 'openstack network list', ran: [['openstack', 'network', 'list']] });
      expect(s.attemptCommands('a', 'w')).toEqual([{ line: 'N=1; openstack network list', ran: [['openstack', 'network', 'list']] }, { line: 'echo $X' }]);
      expect(s.attemptCommands('b', 'w')).toEqual([]);
      s.close();
    });
    it('stores a snapshot as of an existing entry', () => {
      const s = newStore();
      s.ensureLearner('a', 'Ada', 1);
      s.saveStep('a', 'w', null, { kind: 'command', line: 'l1', stdout: '', stderr: '', exitCode: 0, at: 1 });
      s.saveStep('a', 'w', null, { kind: 'command', line: 'l2', stdout: '', stderr: '', exitCode: 0, at: 2 });
      s.saveSnapshot('a', 'w', 'SNAP2', 2, 3);
      expect(s.loadSession('a', 'w')).toEqual({ snapshot: 'SNAP2', seq: 2 });
      expect(s.historySince('a', 'w', 2)).toEqual([]);
      s.close();
    });
    if (reopen) {
      it('keeps everything acknowledged across a reopen', () => {
        const s = newStore();
        s.createLearner('a', 'Ada', 1);
        s.saveStep('a', 'w', 'S1', { kind: 'command', line: 'l', stdout: 'o', stderr: '', exitCode: 0, at: 1 });
        const t = reopen(s);
        expect(t.loadSession('a', 'w')).toEqual({ snapshot: 'S1', seq: 1 });
        expect(t.history('a', 'w')).toEqual([{ seq: 1, kind: 'command', line: 'l', stdout: 'o', stderr: '', exitCode: 0, at: 1 }]);
        t.close();
      });
    }
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runStoreContract('memory', memoryStore);
let file = '';
runStoreContract(
  'sqlite',
  () => {
    const d = mkdtempSync(join(tmpdir(), 'stacklab-store-'));
    dirs.push(d);
    file = join(d, 'stacklab.db');
    return sqliteStore(file);
  },
  (s) => {
    s.close();
    return sqliteStore(file);
  },
);
