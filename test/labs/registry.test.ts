/**
 * The lab registry (server/labs/registry.ts) as an author uses it on a running server: labs added,
 * changed, removed, broken, colliding, huge; a deleted folder; the watcher hearing a save.
 */
import { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labRegistry, MAX_LAB_BYTES, type LabRegistry, type ReloadReport } from '../../server/labs/registry.js';
import { tinyLab } from './registry-labs.js';

const open: LabRegistry[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function setup(files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-registry-'));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const logged: string[] = [];
  let clock = 1_000;
  const registry = labRegistry({ dir, now: () => (clock += 1000), log: (m) => logged.push(m), debounceMs: 50 });
  open.push(registry);
  return { dir, registry, logged };
}

/** Polls until `ok()` holds, failing after `ms` (no fixed sleep: a slow machine waits longer, a fast one not at all). */
async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lab registry', () => {
  it('reads each lab, in file name order, and README.md is not a lab', () => {
    const { registry } = setup({ '02-b.md': tinyLab('bravo'), '01-a.md': tinyLab('alpha'), 'README.md': '# not a lab', 'notes.txt': 'x' });
    expect(registry.all().map((l) => l.id)).toEqual(['alpha', 'bravo']);
    expect(registry.problems()).toEqual([]);
    expect(registry.last().added).toEqual(['alpha', 'bravo']);
  });

  it('reports added, changed and removed labs, and tells its listeners', () => {
    const { dir, registry } = setup({ '01-a.md': tinyLab('alpha'), '02-b.md': tinyLab('bravo') });
    const heard: ReloadReport[] = [];
    registry.onChange((r) => heard.push(r));
    const same = registry.reload();
    expect([same.added, same.changed, same.removed]).toEqual([[], [], []]);
    expect(heard).toEqual([]);
    writeFileSync(join(dir, '01-a.md'), tinyLab('alpha', { network: 'net-z' }));
    rmSync(join(dir, '02-b.md'));
    writeFileSync(join(dir, '03-c.md'), tinyLab('charlie'));
    const r = registry.reload();
    expect({ added: r.added, changed: r.changed, removed: r.removed }).toEqual({ added: ['charlie'], changed: ['alpha'], removed: ['bravo'] });
    expect(heard).toHaveLength(1);
    expect(registry.all().map((l) => l.id)).toEqual(['alpha', 'charlie']);
    expect(registry.all()[0]?.steps[0]?.checks[0]?.params).toMatchObject({ name: 'net-z' });
    expect(registry.last()).toBe(r);
  });

  it('leaves a broken lab out and reports it as file:line: message; the others stay', () => {
    const { dir, registry, logged } = setup({ '01-a.md': tinyLab('alpha'), '02-b.md': tinyLab('bravo') });
    writeFileSync(join(dir, '02-b.md'), tinyLab('bravo').replace('fixture: empty', 'fixture: nowhere'));
    writeFileSync(join(dir, '03-c.md'), '---\nid: [unclosed\n---\n');
    writeFileSync(join(dir, '04-d.md'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    const r = registry.reload();
    expect(registry.all().map((l) => l.id)).toEqual(['alpha']);
    expect(r.removed).toEqual(['bravo']);
    const files = r.problems.map((p) => p.file);
    expect(files.some((f) => f.endsWith('02-b.md'))).toBe(true);
    expect(files.some((f) => f.endsWith('03-c.md'))).toBe(true);
    const bravo = r.problems.find((p) => p.file.endsWith('02-b.md'));
    expect(bravo?.line).toBe(6);
    expect(bravo?.message).toMatch(/nowhere/);
    expect(logged.some((l) => /^lab problem: .*02-b\.md:6: /.test(l))).toBe(true);
    // Fixed again: back in the catalogue.
    writeFileSync(join(dir, '02-b.md'), tinyLab('bravo'));
    expect(registry.reload().added).toEqual(['bravo']);
  });

  it('a second file with the same id is left out (the first keeps it) and reported at its id line', () => {
    const { dir, registry } = setup({ '01-a.md': tinyLab('alpha', { title: 'First' }) });
    writeFileSync(join(dir, '02-copy.md'), tinyLab('alpha', { title: 'Copy' }));
    const r = registry.reload();
    expect(registry.all().map((l) => l.title)).toEqual(['First']);
    expect(r.changed).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 2 });
    expect(r.problems[0]?.file).toMatch(/02-copy\.md$/);
    expect(r.problems[0]?.message).toMatch(/id 'alpha' is already the id of .*01-a\.md/);
  });

  it('refuses a file over 1 MiB without reading it whole', () => {
    const { dir, registry } = setup({ '01-a.md': tinyLab('alpha') });
    writeFileSync(join(dir, '02-huge.md'), tinyLab('huge') + 'x'.repeat(MAX_LAB_BYTES));
    const r = registry.reload();
    expect(registry.all().map((l) => l.id)).toEqual(['alpha']);
    expect(r.problems[0]?.file).toMatch(/02-huge\.md$/);
    expect(r.problems[0]?.message).toMatch(/at most 1048576 bytes/);
  });

  it('a deleted folder is reported and the labs read before stay; a folder back is read again', () => {
    const { dir, registry } = setup({ '01-a.md': tinyLab('alpha') });
    const away = `${dir}-away`;
    renameSync(dir, away);
    const r = registry.reload();
    expect(r.removed).toEqual([]);
    expect(registry.all().map((l) => l.id)).toEqual(['alpha']);
    expect(r.problems[0]?.message).toMatch(/cannot read the labs folder: .*the 1 labs read before stay/);
    renameSync(away, dir);
    writeFileSync(join(dir, '02-b.md'), tinyLab('bravo'));
    expect(registry.reload()).toMatchObject({ added: ['bravo'], problems: [] });
  });

  it('a folder missing from the start gives no labs and one problem', () => {
    const registry = labRegistry({ dir: join(tmpdir(), 'stacklab-no-such-folder-xyz'), now: () => 0, log: () => {} });
    open.push(registry);
    expect(registry.all()).toEqual([]);
    expect(registry.problems()[0]?.message).toMatch(/cannot read the labs folder/);
    registry.watch();
  });

  it('a listener that throws is logged; the reload and the other listeners go on', () => {
    const { dir, registry, logged } = setup({ '01-a.md': tinyLab('alpha') });
    const heard: string[] = [];
    registry.onChange(() => {
      throw new Error('listener bug');
    });
    registry.onChange((r) => heard.push(...r.added));
    writeFileSync(join(dir, '02-b.md'), tinyLab('bravo'));
    expect(registry.reload().added).toEqual(['bravo']);
    expect(heard).toEqual(['bravo']);
    expect(logged.some((l) => l.includes('listener bug'))).toBe(true);
  });

  it('watch() hears a saved file, an editor-style rename and a deletion; close() stops it', async () => {
    const { dir, registry } = setup({ '01-a.md': tinyLab('alpha') });
    const heard: ReloadReport[] = [];
    registry.onChange((r) => heard.push(r));
    registry.watch();
    writeFileSync(join(dir, '02-b.md'), tinyLab('bravo'));
    await until(() => registry.all().some((l) => l.id === 'bravo'));
    // An editor writes a temporary file, then renames it over the lab.
    writeFileSync(join(dir, '.01-a.md.swp'), tinyLab('alpha', { title: 'Edited' }));
    renameSync(join(dir, '.01-a.md.swp'), join(dir, '01-a.md'));
    await until(() => registry.all()[0]?.title === 'Edited');
    rmSync(join(dir, '02-b.md'));
    await until(() => registry.all().length === 1);
    expect(heard.flatMap((r) => r.removed)).toEqual(['bravo']);
    registry.close();
    writeFileSync(join(dir, '03-c.md'), tinyLab('charlie'));
    await new Promise((r) => setTimeout(r, 300));
    expect(registry.all().map((l) => l.id)).toEqual(['alpha']);
  });

  it('watching a folder that is deleted and created again picks up its labs', async () => {
    const { dir, registry, logged } = setup({ '01-a.md': tinyLab('alpha') });
    registry.watch();
    rmSync(dir, { recursive: true });
    // The registry notices (the watcher or the next reload) and keeps the labs it had.
    registry.reload();
    expect(registry.all().map((l) => l.id)).toEqual(['alpha']);
    mkdirSync(dir);
    writeFileSync(join(dir, '01-a.md'), tinyLab('alpha', { title: 'Back' }));
    await until(() => registry.all()[0]?.title === 'Back', 10_000);
    expect(logged.some((l) => /cannot read the labs folder/.test(l) || /lab problem/.test(l))).toBe(true);
  });
});
