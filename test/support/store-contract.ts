/**
 * One contract, run against every CloudStore implementation (memory, SQLite in
 * test/store-contract.test.ts; PostgreSQL in test/store-postgres.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { StoreConflict, type CloudStore, type NewEntry } from '../../server/store/types.js';

export function runStoreContract(name: string, newStore: () => CloudStore | Promise<CloudStore>, reopen?: (s: CloudStore) => CloudStore | Promise<CloudStore>): void {
  describe(`CloudStore contract: ${name}`, () => {
    it('creates and finds learners', async () => {
      const s = await newStore();
      expect(await s.getLearner('a')).toBeNull();
      await s.createLearner('a', 'Ada', 1);
      expect(await s.getLearner('a')).toEqual({ id: 'a', name: 'Ada', createdAt: 1 });
      await s.renameLearner('a', 'Ada L.');
      expect((await s.getLearner('a'))?.name).toBe('Ada L.');
      await s.close();
    });
    it('stores a snapshot and the history together, numbered in order', async () => {
      const s = await newStore();
      await s.createLearner('a', 'Ada', 1);
      expect(await s.loadSession('a', 'sandbox:empty')).toBeNull();
      const e1 = await s.saveStep('a', 'sandbox:empty', '{"v":1}', { kind: 'command', line: 'openstack network list', stdout: '\n', stderr: '', exitCode: 0, at: 2 });
      const e2 = await s.saveStep('a', 'sandbox:empty', '{"v":2}', { kind: 'command', line: 'x', stdout: '', stderr: 'x: command not found\n', exitCode: 127, at: 3 });
      expect([e1.seq, e2.seq]).toEqual([1, 2]);
      expect(await s.loadSession('a', 'sandbox:empty')).toEqual({ snapshot: '{"v":2}', seq: 2 });
      await s.saveStep('a', 'sandbox:empty', null, { kind: 'command', line: 'y', stdout: '', stderr: '', exitCode: 0, at: 4 });
      expect(await s.loadSession('a', 'sandbox:empty')).toEqual({ snapshot: '{"v":2}', seq: 2 });
      expect((await s.historySince('a', 'sandbox:empty', 2)).map((h) => [h.seq, h.line])).toEqual([[3, 'y']]);
      expect((await s.history('a', 'sandbox:empty')).map((h) => h.line)).toEqual(['openstack network list', 'x', 'y']);
      expect((await s.history('a', 'sandbox:empty', 1)).map((h) => h.seq)).toEqual([3]);
      await s.close();
    });
    it('keeps workspaces and learners apart', async () => {
      const s = await newStore();
      await s.createLearner('a', 'Ada', 1);
      await s.createLearner('b', 'Bob', 1);
      await s.saveStep('a', 'w1', 'A1', { kind: 'command', line: 'l', stdout: '', stderr: '', exitCode: 0, at: 1 });
      await s.saveStep('b', 'w1', 'B1', { kind: 'command', line: 'm', stdout: '', stderr: '', exitCode: 0, at: 1 });
      expect((await s.loadSession('a', 'w1'))?.snapshot).toBe('A1');
      expect((await s.loadSession('b', 'w1'))?.snapshot).toBe('B1');
      expect(await s.loadSession('a', 'w2')).toBeNull();
      expect(await s.learnersIn('w1')).toEqual(['a', 'b']);
      expect(await s.learnersIn('w2')).toEqual([]);
      await s.saveStep('a', 'w3', null, { kind: 'command', line: 'only history', stdout: '', stderr: '', exitCode: 0, at: 1 });
      expect(await s.learnersIn('w3')).toEqual(['a']);
      expect((await s.history('b', 'w1')).map((h) => h.line)).toEqual(['m']);
      await s.close();
    });
    it('resets a workspace but keeps its history with a marker', async () => {
      const s = await newStore();
      await s.createLearner('a', 'Ada', 1);
      await s.saveStep('a', 'w', 'S1', { kind: 'command', line: 'l', stdout: '', stderr: '', exitCode: 0, at: 1 });
      await s.resetSession('a', 'w', 'FRESH', 2);
      expect(await s.loadSession('a', 'w')).toEqual({ snapshot: 'FRESH', seq: 2 });
      expect((await s.history('a', 'w')).map((h) => h.line)).toEqual(['l', '#reset']);
      await s.close();
    });
    it('keeps typed entries: kinds and their fields', async () => {
      const s = await newStore();
      expect(await s.ensureLearner('a', 'Ada', 1)).toEqual({ id: 'a', name: 'Ada', createdAt: 1 });
      expect(await s.ensureLearner('a', 'other', 2)).toEqual({ id: 'a', name: 'Ada', createdAt: 1 });
      await s.saveStep('a', 'w', null, { kind: 'command', line: 'ip a', stdout: 'x', stderr: '', exitCode: 0, at: 1, cols: 132, prompt: 'root@node:~# ', ran: [['ip', 'a']], truncated: true });
      await s.saveStep('a', 'w', null, { kind: 'answer', line: '#answer q1 42', stdout: '', stderr: '', exitCode: 0, at: 2, check: 'q1', value: '42' });
      await s.saveStep('a', 'w', null, { kind: 'passed', line: '#passed s1', stdout: '', stderr: '', exitCode: 0, at: 3, step: 's1' });
      await s.saveStep('a', 'w', null, { kind: 'command', line: '# a comment', stdout: '', stderr: '', exitCode: 0, at: 4 });
      const h = await s.history('a', 'w');
      expect(h[0]).toEqual({ seq: 1, kind: 'command', line: 'ip a', stdout: 'x', stderr: '', exitCode: 0, at: 1, cols: 132, prompt: 'root@node:~# ', ran: [['ip', 'a']], truncated: true });
      expect(h[1]).toMatchObject({ kind: 'answer', check: 'q1', value: '42' });
      expect(h[2]).toMatchObject({ kind: 'passed', step: 's1' });
      expect(h[3]).toEqual({ seq: 4, kind: 'command', line: '# a comment', stdout: '', stderr: '', exitCode: 0, at: 4 });
      expect((await s.historyOfKind('a', 'w', 'passed')).map((e) => e.step)).toEqual(['s1']);
      expect(await s.storedOutputBytes('a', 'w')).toBe(1);
      expect(await s.lastSeqs('a', 'w')).toEqual({ last: 4, reset: 0 });
      const r = await s.resetSession('a', 'w', 'FRESH', 5);
      expect(r).toMatchObject({ seq: 5, kind: 'reset' });
      expect(await s.lastSeqs('a', 'w')).toEqual({ last: 5, reset: 5 });
      expect(await s.lastSeqs('a', 'nothing')).toEqual({ last: 0, reset: 0 });
      await s.close();
    });
    it('keeps an API write with its whole request, and returns a copy', async () => {
      const s = await newStore();
      await s.ensureLearner('a', 'Ada', 1);
      const request = { service: 'network', method: 'POST', path: ['v2.0', 'networks'], query: [['fields', 'id'] as [string, string]], body: '{"network": {"name": "n\u00e9t"}}', microversion: 'compute 2.79' };
      await s.saveStep('a', 'w', null, { kind: 'api', line: 'POST /network/v2.0/networks', stdout: '{}', stderr: '', exitCode: 0, at: 1, request });
      const [e] = await s.historySince('a', 'w', 0);
      expect(e).toEqual({ seq: 1, kind: 'api', line: 'POST /network/v2.0/networks', stdout: '{}', stderr: '', exitCode: 0, at: 1, request });
      e!.request!.path.push('x');
      e!.request!.query[0]![1] = 'y';
      expect((await s.history('a', 'w'))[0]!.request).toEqual(request);
      expect(await s.historyOfKind('a', 'w', 'api')).toHaveLength(1);
      await s.close();
    });
    it('reads entries without their output, and an attempt\'s distinct commands at their first entry', async () => {
      const s = await newStore();
      await s.createLearner('a', 'Ada', 1);
      const big = 'x'.repeat(20_000);
      const add = (e: Partial<NewEntry>) => s.saveStep('a', 'lab:w', null, { kind: 'command', line: 'l', stdout: big, stderr: 'e', exitCode: 0, at: 1, ...e });
      await add({ line: 'openstack network list', ran: [['openstack', 'network', 'list']], cols: 90, prompt: '$ ' });
      await add({ line: 'N=net; openstack network list', ran: [['openstack', 'network', 'list']] });
      await add({ line: 'echo $X' });
      await add({ line: 'echo $X' });
      await add({ kind: 'api', line: 'POST /network/v2.0/networks', request: { service: 'network', method: 'POST', path: ['v2.0', 'networks'], query: [], body: '{}' } });
      await add({ kind: 'answer', line: '#answer q 1', stdout: '', check: 'q', value: '1' });
      await add({ line: 'false && x', ran: [] });
      await add({ line: 'ip a', ran: [['ip', 'a'], ['true']] });
      await add({ line: 'ip a', ran: [['true'], ['ip', 'a']] });
      const heads = await s.headsSince('a', 'lab:w', 1);
      expect(heads.map((h) => [h.seq, h.kind, h.line])).toEqual((await s.historySince('a', 'lab:w', 1)).map((h) => [h.seq, h.kind, h.line]));
      expect(heads.some((h) => 'stdout' in h || 'stderr' in h)).toBe(false);
      expect((await s.headsSince('a', 'lab:w', 0))[0]).toEqual({ seq: 1, kind: 'command', line: 'openstack network list', exitCode: 0, at: 1, ran: [['openstack', 'network', 'list']], cols: 90, prompt: '$ ' });
      expect((await s.headsSince('a', 'lab:w', 4))[0]?.request?.path).toEqual(['v2.0', 'networks']);
      // The lines of the newest command entries in a range (seqs 5 and 6 are an API call and an answer).
      expect(await s.commandLines('a', 'lab:w', 0, 99, 1000, 4096)).toEqual(['openstack network list', 'N=net; openstack network list', 'echo $X', 'echo $X', 'false && x', 'ip a', 'ip a']);
      expect(await s.commandLines('a', 'lab:w', 1, 7, 1000, 4096)).toEqual(['N=net; openstack network list', 'echo $X', 'echo $X', 'false && x']);
      expect(await s.commandLines('a', 'lab:w', 0, 7, 2, 4096)).toEqual(['echo $X', 'false && x']);
      expect(await s.commandLines('a', 'lab:w', 0, 9, 0, 4096)).toEqual([]);
      expect(await s.commandLines('a', 'lab:w', 0, 9, -1, 4096)).toEqual([]);
      expect(await s.commandLines('a', 'lab:w', 9, 99, 10, 4096)).toEqual([]);
      expect(await s.commandLines('b', 'lab:w', 0, 99, 10, 4096)).toEqual([]);
      // Lines longer than maxLength characters (code points: '😀' is one) are left out, and lines with a NUL.
      for (const line of ['x'.repeat(21), '😀'.repeat(20), 'y'.repeat(20), `\u0000${'z'.repeat(100)}`]) {
        await s.saveStep('a', 'w2', null, { kind: 'command', line, stdout: '', stderr: '', exitCode: 0, at: 1 });
      }
      expect(await s.commandLines('a', 'w2', 0, 99, 10, 20)).toEqual(['😀'.repeat(20), 'y'.repeat(20)]);
      expect(await s.commandLines('a', 'w2', 0, 99, 1, 20)).toEqual(['y'.repeat(20)]);
      // The same `ran` under another line is the same command; lines matter only without `ran`.
      expect(await s.attemptCommands('a', 'lab:w')).toEqual([
        { line: 'openstack network list', ran: [['openstack', 'network', 'list']] },
        { line: 'echo $X' },
        { line: 'false && x', ran: [] },
        { line: 'ip a', ran: [['ip', 'a'], ['true']] },
        { line: 'ip a', ran: [['true'], ['ip', 'a']] },
      ]);
      // A reset starts a new attempt: its commands count from their first entry after it.
      await s.resetSession('a', 'lab:w', 'FRESH', 2);
      expect(await s.attemptCommands('a', 'lab:w')).toEqual([]);
      await add({ line: 'N=1; openstack network list', ran: [['openstack', 'network', 'list']] });
      await add({ line: 'echo $X' });
      await add({ line: 'openstack network list', ran: [['openstack', 'network', 'list']] });
      expect(await s.attemptCommands('a', 'lab:w')).toEqual([{ line: 'N=1; openstack network list', ran: [['openstack', 'network', 'list']] }, { line: 'echo $X' }]);
      expect(await s.attemptCommands('b', 'lab:w')).toEqual([]);
      await s.close();
    });
    it('stores a snapshot as of an existing entry', async () => {
      const s = await newStore();
      await s.ensureLearner('a', 'Ada', 1);
      await s.saveStep('a', 'w', null, { kind: 'command', line: 'l1', stdout: '', stderr: '', exitCode: 0, at: 1 });
      await s.saveStep('a', 'w', null, { kind: 'command', line: 'l2', stdout: '', stderr: '', exitCode: 0, at: 2 });
      await s.saveSnapshot('a', 'w', 'SNAP2', 2, 3);
      expect(await s.loadSession('a', 'w')).toEqual({ snapshot: 'SNAP2', seq: 2 });
      expect(await s.historySince('a', 'w', 2)).toEqual([]);
      await s.close();
    });
    it('refuses a write from a writer that did not see the last entry (the version is the last seq)', async () => {
      const s = await newStore();
      await s.ensureLearner('a', 'Ada', 1);
      const cmd = (line: string): NewEntry => ({ kind: 'command', line, stdout: 'out', stderr: '', exitCode: 0, at: 1 });
      expect((await s.saveStep('a', 'w', null, cmd('one'), 0)).seq).toBe(1);
      expect((await s.saveStep('a', 'w', 'S2', cmd('two'), 1)).seq).toBe(2);
      // A second writer still at entry 1: refused, and nothing of it is kept.
      const stale = await s.saveStep('a', 'w', 'STALE', cmd('late'), 1).then(
        () => null,
        (e: unknown) => e,
      );
      expect(stale).toBeInstanceOf(StoreConflict);
      expect(stale).toMatchObject({ learnerId: 'a', workspace: 'w', expected: 1, actual: 2 });
      expect((await s.history('a', 'w')).map((h) => h.line)).toEqual(['one', 'two']);
      expect(await s.loadSession('a', 'w')).toEqual({ snapshot: 'S2', seq: 2 });
      expect(await s.storedOutputBytes('a', 'w')).toBe(6);
      await expect(s.resetSession('a', 'w', 'FRESH', 2, 0)).rejects.toBeInstanceOf(StoreConflict);
      expect(await s.lastSeqs('a', 'w')).toEqual({ last: 2, reset: 0 });
      // A writer that names no version appends after whatever is there (one process, no sharing).
      expect((await s.saveStep('a', 'w', null, cmd('three'))).seq).toBe(3);
      expect((await s.resetSession('a', 'w', 'FRESH', 3, 3)).seq).toBe(4);
      // The first entry of a workspace is expected at 0.
      await expect(s.saveStep('a', 'other', null, cmd('x'), 5)).rejects.toBeInstanceOf(StoreConflict);
      expect(await s.lastSeqs('a', 'other')).toEqual({ last: 0, reset: 0 });
      await s.close();
    });
    it('never takes a snapshot back to an older entry', async () => {
      const s = await newStore();
      await s.ensureLearner('a', 'Ada', 1);
      for (const line of ['l1', 'l2', 'l3']) await s.saveStep('a', 'w', null, { kind: 'command', line, stdout: '', stderr: '', exitCode: 0, at: 1 });
      await s.saveSnapshot('a', 'w', 'SNAP3', 3, 5);
      await s.saveSnapshot('a', 'w', 'SNAP1', 1, 6);
      expect(await s.loadSession('a', 'w')).toEqual({ snapshot: 'SNAP3', seq: 3 });
      await s.close();
    });
    it('keeps the attempt of lab workspaces only, and counts output and resets per workspace', async () => {
      const s = await newStore();
      await s.ensureLearner('a', 'Ada', 1);
      await s.saveStep('a', 'sandbox:empty', null, { kind: 'command', line: 'ls', stdout: 'abc', stderr: 'de', exitCode: 0, at: 1, ran: [['ls']] });
      await s.saveStep('a', 'lab:x', null, { kind: 'command', line: 'ls', stdout: '\u00e9', stderr: '', exitCode: 0, at: 1, ran: [['ls']] });
      expect(await s.attemptCommands('a', 'sandbox:empty')).toEqual([]);
      expect(await s.attemptCommands('a', 'lab:x')).toEqual([{ line: 'ls', ran: [['ls']] }]);
      expect(await s.storedOutputBytes('a', 'sandbox:empty')).toBe(5);
      expect(await s.storedOutputBytes('a', 'lab:x')).toBe(1);
      await s.resetSession('a', 'lab:x', 'F', 2);
      expect(await s.lastSeqs('a', 'lab:x')).toEqual({ last: 2, reset: 2 });
      expect(await s.lastSeqs('a', 'sandbox:empty')).toEqual({ last: 1, reset: 0 });
      expect((await s.historyOfKind('a', 'lab:x', 'reset')).map((e) => e.seq)).toEqual([2]);
      expect((await s.historyOfKind('a', 'lab:x', 'command')).map((e) => e.line)).toEqual(['ls']);
      expect(await s.learnersIn('lab:x')).toEqual(['a']);
      await s.close();
    });
    it('saves many workspaces\' steps at once, each with its own answer', async () => {
      const s = await newStore();
      for (const l of ['a', 'b', 'c']) await s.createLearner(l, l, 1);
      const step = (line: string): NewEntry => ({ kind: 'command', line, stdout: line, stderr: '', exitCode: 0, at: 1 });
      // Asked together (as the commands of many learners finishing in one turn), not one after another.
      const answers = await Promise.allSettled([
        s.saveStep('a', 'lab:x', null, step('a1'), 0),
        s.saveStep('b', 'lab:x', 'B', step('b1'), 0),
        // A writer that did not see the last entry: refused alone.
        s.saveStep('c', 'lab:x', null, step('c1'), 7),
        s.saveStep('a', 'sandbox:empty', null, step('a2'), 0),
      ]);
      expect(answers.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((answers[2] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflict);
      expect((await s.history('a', 'lab:x')).map((e) => e.line)).toEqual(['a1']);
      expect((await s.history('a', 'sandbox:empty')).map((e) => e.line)).toEqual(['a2']);
      expect(await s.loadSession('b', 'lab:x')).toEqual({ snapshot: 'B', seq: 1 });
      expect(await s.history('c', 'lab:x')).toEqual([]);
      // Two writers of one workspace at once, both from version 0: one wins, the other is refused.
      const race = await Promise.allSettled([s.saveStep('c', 'lab:x', null, step('first'), 0), s.saveStep('c', 'lab:x', null, step('second'), 0)]);
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((race.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflict);
      expect(await s.history('c', 'lab:x')).toHaveLength(1);
      await s.close();
    });
    it("creates a learner's row with their first step, never renames one, and keeps the step whole", async () => {
      const s = await newStore();
      const step = (line: string): NewEntry => ({ kind: 'command', line, stdout: line, stderr: '', exitCode: 0, at: 5 });
      // Many learners' first steps at once, one of them with a snapshot (whose row refers to the learner).
      const firsts = await Promise.all([
        s.saveStep('n1', 'lab:x', null, step('one'), 0, { name: 'learner-n1' }),
        s.saveStep('n2', 'lab:x', 'SNAP', step('two'), 0, { name: 'learner-n2' }),
      ]);
      expect(firsts.map((e) => e.seq)).toEqual([1, 1]);
      expect(await s.getLearner('n1')).toEqual({ id: 'n1', name: 'learner-n1', createdAt: 5 });
      expect(await s.loadSession('n2', 'lab:x')).toEqual({ snapshot: 'SNAP', seq: 1 });
      // A learner who has a row keeps their name (they may have changed it).
      await s.renameLearner('n1', 'Ada');
      await s.saveStep('n1', 'sandbox:empty', null, step('again'), 0, { name: 'learner-n1' });
      expect((await s.getLearner('n1'))?.name).toBe('Ada');
      // Without newLearner, no row is made (a visit's own writes stay as they were).
      await s.saveStep('n3', 'lab:x', null, step('none'), 0);
      expect(await s.getLearner('n3')).toBeNull();
      // A refused step keeps nothing of its own: no entry, and no learner row either.
      await expect(s.saveStep('n1', 'lab:x', null, step('late'), 0, { name: 'x' })).rejects.toBeInstanceOf(StoreConflict);
      expect((await s.history('n1', 'lab:x')).map((e) => e.line)).toEqual(['one']);
      await expect(s.saveStep('n3', 'lab:x', 'S', step('late'), 0, { name: 'learner-n3' })).rejects.toBeInstanceOf(StoreConflict);
      expect(await s.getLearner('n3')).toBeNull();
      expect(await s.loadSession('n3', 'lab:x')).toBeNull();
      await s.close();
    });
    it('answers a ping while open', async () => {
      const s = await newStore();
      await expect(s.ping()).resolves.toBeUndefined();
      await s.close();
    });
    if (reopen) {
      it('keeps everything acknowledged across a reopen', async () => {
        const s = await newStore();
        await s.createLearner('a', 'Ada', 1);
        await s.saveStep('a', 'w', 'S1', { kind: 'command', line: 'l', stdout: 'o', stderr: '', exitCode: 0, at: 1 });
        const t = await reopen(s);
        expect(await t.loadSession('a', 'w')).toEqual({ snapshot: 'S1', seq: 1 });
        expect(await t.history('a', 'w')).toEqual([{ seq: 1, kind: 'command', line: 'l', stdout: 'o', stderr: '', exitCode: 0, at: 1 }]);
        await t.close();
      });
    }
  });
}

