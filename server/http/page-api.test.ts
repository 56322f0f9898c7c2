/**
 * What the web page asks of the server for issue #13: the `options` message ("fit tables to the
 * terminal" as CLIFF_FIT_WIDTH in the session, not history), the scrollback a fresh page writes
 * (recent commands since the last reset, bounded, control characters visible), and a learner's
 * progress per lab from the steps the store records as passed.
 */
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from './protocol.js';
import { progressOf } from './routes.js';
import { memoryStore } from '../store/memory.js';
import type { CloudStore } from '../store/types.js';
import { loadLabs } from '../labs/index.js';
import { labKey, workspaces, type Workspaces } from '../workspace/index.js';

const LABS = loadLabs();

function manager(store: CloudStore): Workspaces {
  return workspaces({ store, labs: () => LABS, now: () => 1_000, log: () => {} });
}

async function sandbox(store = memoryStore(), learner = 'ada') {
  const spaces = manager(store);
  const ref = spaces.parse('sandbox:empty');
  if (!ref) throw new Error('no sandbox:empty');
  return { store, spaces, ref, w: await spaces.open(learner, ref) };
}

describe('the options message', () => {
  it('carries fitWidth as a boolean, and nothing else', () => {
    expect(parseClientMessage('{"t":"options","fitWidth":true}')).toEqual({
      t: 'options',
      fitWidth: true,
    });
    expect(parseClientMessage('{"t":"options","fitWidth":false}')).toEqual({
      t: 'options',
      fitWidth: false,
    });
    for (const bad of [
      '{"t":"options"}',
      '{"t":"options","fitWidth":"1"}',
      '{"t":"options","fitWidth":1}',
      '{"t":"options","fitWidth":null}',
    ])
      expect(parseClientMessage(bad), bad).toBeNull();
  });

  it('sets and unsets CLIFF_FIT_WIDTH=1 in the session, without recording anything', async () => {
    const { store, w } = await sandbox();
    w.fitWidth(true);
    expect((await w.run('echo "[$CLIFF_FIT_WIDTH]"')).stdout).toBe('[1]\n');
    w.fitWidth(false);
    expect((await w.run('echo "[$CLIFF_FIT_WIDTH]"')).stdout).toBe('[]\n');
    expect((await store.history('ada', 'sandbox:empty')).map((e) => e.line)).toEqual([
      'echo "[$CLIFF_FIT_WIDTH]"',
      'echo "[$CLIFF_FIT_WIDTH]"',
    ]);
  });

  it('fits a wide table to the terminal once on', async () => {
    const spaces = manager(memoryStore());
    const w = await spaces.open('ada', spaces.parse('sandbox:public-cloud') ?? (await sandbox()).ref);
    w.resize(60);
    const line = 'openstack network list --long';
    const widest = (s: string) => Math.max(...s.split('\n').map((l) => l.length));
    // Typed at the page's terminal (a tty, as the socket runs every line).
    const wide = widest((await w.run(line, { tty: true })).stdout);
    expect(wide).toBeGreaterThan(60);
    w.fitWidth(true);
    // As narrow as cliff can make it (each column keeps a minimum width).
    expect(widest((await w.run(line, { tty: true })).stdout)).toBeLessThan(wide);
  });
});

describe('scrollback', () => {
  it('is each command after its prompt, with its output, oldest first', async () => {
    const { w } = await sandbox();
    const before = w.prompt();
    await w.run('echo one');
    await w.run('');
    await w.run('nosuchcommand');
    expect(await w.scrollback()).toBe(
      `${before}echo one\none\n${before}nosuchcommand\n${(await w.run('nosuchcommand')).stderr}`,
    );
  });

  it('starts after the last reset', async () => {
    const { w } = await sandbox();
    await w.run('echo gone');
    await w.reset();
    await w.run('echo kept');
    expect(await w.scrollback()).not.toContain('gone');
    expect(await w.scrollback()).toContain('echo kept\nkept\n');
  });

  it('shows control characters of a line and of stored output in caret notation', async () => {
    const store = memoryStore();
    const { w } = await sandbox(store);
    await w.run('echo \x1b[2J\x9b3J');
    // Output stored cut inside an escape sequence (as `cut` may leave it).
    await store.saveStep('ada', 'sandbox:empty', null, {
      kind: 'command',
      line: 'x',
      stdout: 'red \x1b[31mtext\x1b[3',
      stderr: '\x07',
      exitCode: 0,
      at: 1,
    });
    const text = await (await sandbox(store)).w.scrollback();
    expect(text).not.toMatch(/\x1b\[2J|\x9b|\x07/);
    expect(text).toContain('^[[2JM-^[3J');
    // Colour (SGR) stays; a cut sequence does not.
    expect(text).toContain('red \x1b[31mtext^[[3');
  });

  it('of commands from before the workspace was loaded keeps their prompts (the store has them)', async () => {
    const store = memoryStore();
    const first = (await sandbox(store)).w;
    const at = first.prompt();
    await first.run('echo earlier');
    expect(await (await manager(store).open('ada', (await sandbox()).ref)).scrollback()).toBe(`${at}echo earlier\nearlier\n`);
  });

  it('of a command stored without its prompt (before prompts were kept) has a bare one', async () => {
    const store = memoryStore();
    const { ref } = await sandbox(store);
    await store.saveStep('ada', ref.key, null, { kind: 'command', line: 'echo old', stdout: 'old\n', stderr: '', exitCode: 0, at: 1 });
    expect(await (await manager(store).open('ada', ref)).scrollback()).toBe('$ echo old\nold\n');
  });

  it('keeps the newest 200 commands, whole, within 256 KiB', async () => {
    const { w } = await sandbox();
    for (let i = 0; i < 210; i++) await w.run(`echo n${i}`);
    const text = await w.scrollback();
    expect(text).not.toContain('echo n9\n');
    expect(text.startsWith(`${w.prompt()}echo n10\n`)).toBe(true);
    const big = (await sandbox()).w;
    const word = 'x'.repeat(4000);
    for (let i = 0; i < 100; i++) await big.run(`echo ${i}-${word}`);
    const capped = await big.scrollback();
    expect(capped.length).toBeLessThanOrEqual(256 * 1024);
    expect(capped.length).toBeGreaterThan(200 * 1024);
    expect(capped.startsWith(big.prompt())).toBe(true);
    expect(capped.endsWith(`99-${word}\n`)).toBe(true);
  });
});

describe('progress per lab', () => {
  const lab = LABS.find((l) => l.id === 'direct-attach');
  if (!lab) throw new Error('no lab direct-attach');
  const points = (ids: string[]) =>
    lab.steps
      .filter((s) => ids.includes(s.id))
      .reduce((n, s) => n + s.checks.reduce((m, c) => m + c.points, 0), 0);
  const total = points(lab.steps.map((s) => s.id));

  it('is nothing before the learner has passed a step', async () => {
    expect(await progressOf(memoryStore(), 'ada', lab)).toEqual({
      lab: lab.id,
      steps: lab.steps.length,
      passed: 0,
      percent: 0,
    });
  });

  it("counts the points of the steps passed (each once), and only this learner's", async () => {
    const store = memoryStore();
    const passed = (learner: string, step: string) =>
      store.saveStep(learner, labKey(lab.id), null, {
        kind: 'passed',
        line: `#passed ${step}`,
        stdout: '',
        stderr: '',
        exitCode: 0,
        at: 1,
        step,
      });
    const [a, b] = lab.steps;
    if (!a || !b) throw new Error('the lab has fewer than two steps');
    await passed('ada', a.id);
    await passed('ada', a.id);
    await passed('bob', b.id);
    expect(await progressOf(store, 'ada', lab)).toEqual({
      lab: lab.id,
      steps: lab.steps.length,
      passed: 1,
      percent: Math.floor((100 * points([a.id])) / total),
    });
    for (const s of lab.steps) await passed('ada', s.id);
    expect((await progressOf(store, 'ada', lab)).percent).toBe(100);
  });

  it('starts again after a reset: only the steps passed since count', async () => {
    const store = memoryStore();
    const passed = (step: string) =>
      store.saveStep('ada', labKey(lab.id), null, { kind: 'passed', line: `#passed ${step}`, stdout: '', stderr: '', exitCode: 0, at: 1, step });
    const [a, b] = lab.steps;
    if (!a || !b) throw new Error('the lab has fewer than two steps');
    await passed(a.id);
    await passed(b.id);
    await store.resetSession('ada', labKey(lab.id), '{}', 2);
    expect((await progressOf(store, 'ada', lab)).passed).toBe(0);
    await passed(b.id);
    expect(await progressOf(store, 'ada', lab)).toMatchObject({ passed: 1, percent: Math.floor((100 * points([b.id])) / total) });
  });
});
