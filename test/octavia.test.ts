/**
 * Golden transcripts from the real Octavia 11 (Zed) oracle with python-octaviaclient 3.1.0
 * (../shared/octavia-oracle), replayed through Stacklab on the `empty` fixture with Octavia's
 * no-op drivers (as the oracle runs) and compared command by command after normalising only what
 * is random. Directives (`#@ oracle-sub`, `#@ skip <reason>`) as in test/transcripts.test.ts; see
 * test/octavia/README.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from './support/replay.js';
import { normaliseTranscript, parseCapture, type Entry } from './support/normalise.js';

const DIR = join(import.meta.dirname, 'octavia');

interface Directives {
  subs: Array<{ re: RegExp; to: string }>;
  skip: string | null;
  /** `#@ run <line>`: what Stacklab runs instead (its shell has no awk or redirections), shown as the script's line. */
  run: string | null;
}

/** Script lines (as the transcript shows them), the lines Stacklab runs, and each command's directives. */
function readScript(file: string): { lines: string[]; runs: string[]; directives: Directives[] } {
  const lines: string[] = [];
  const runs: string[] = [];
  const directives: Directives[] = [];
  let pending: Directives = { subs: [], skip: null, run: null };
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const d = /^#@ (oracle-sub|skip|run)\s*(.*)$/.exec(raw);
    if (d) {
      if (d[1] === 'skip') pending.skip = d[2] ?? 'no reason';
      else if (d[1] === 'run') pending.run = d[2] ?? '';
      else {
        const m = /^\/(.*)\/(.*)\/\s*(?:#.*)?$/.exec(d[2] ?? '');
        if (!m) throw new Error(`${file}: bad directive ${raw}`);
        pending.subs.push({ re: new RegExp(m[1] as string, 'g'), to: (m[2] as string).replace(/\\n/g, '\n') });
      }
      continue;
    }
    lines.push(raw);
    runs.push(pending.run ?? raw);
    const t = raw.trim();
    if (t !== '' && !t.startsWith('#')) {
      directives.push(pending);
      pending = { subs: [], skip: null, run: null };
    }
  }
  return { lines, runs, directives };
}

function block(e: Entry): string {
  const err = e.stderr === '' ? '' : e.stderr.replace(/\n$/, '').split('\n').map((l) => `[stderr] ${l}\n`).join('');
  return `$ ${e.command}\n${e.stdout}${err}[exit ${e.exitCode}]\n`;
}

const scripts = readdirSync(DIR)
  .filter((f) => f.endsWith('.cmds'))
  .sort();

describe('golden transcripts from the Octavia oracle', () => {
  it('has the five oracle captures', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(5);
  });

  for (const script of scripts) {
    const base = script.replace(/\.cmds$/, '');
    describe(base, () => {
      const { lines, runs, directives } = readScript(join(DIR, script));
      const scriptText = lines.join('\n');
      const commandLines = lines.filter((l) => l.trim() !== '' && !l.startsWith('#'));
      const oracle = parseCapture(readFileSync(join(DIR, `${base}.oracle.txt`), 'utf8')).entries.map((e, i): Entry => {
        const subs = directives[i]?.subs ?? [];
        const apply = (s: string) => subs.reduce((acc, d) => acc.replace(d.re, d.to), s);
        return { ...e, stdout: apply(e.stdout), stderr: apply(e.stderr) };
      });
      const startEnv = /^# start-env: ORACLE_WORKER_DELAY=\d+/m.test(readFileSync(join(DIR, script), 'utf8'));
      const ours = replay(runs, { octavia: startEnv ? { drivers: 'noop', workerTicks: 1000 } : { drivers: 'noop' } }).map((e, i) => ({ ...e, command: commandLines[i] ?? e.command }));
      const skipped = new Set(directives.map((d, i) => (d.skip ? i : -1)).filter((i) => i >= 0));
      const a = normaliseTranscript(oracle, scriptText, skipped);
      const b = normaliseTranscript(ours, scriptText, skipped);

      it('runs the same commands', () => {
        expect(b.map((e) => e.command)).toEqual(a.map((e) => e.command));
      });

      a.forEach((expected, i) => {
        const skip = directives[i]?.skip;
        const title = `${String(i + 1).padStart(2, '0')} ${expected.command}`;
        it(skip ? `${title} (exit code only: ${skip})` : title, () => {
          const got = b[i];
          expect(got, 'Stacklab ran fewer commands').toBeDefined();
          if (!got) return;
          if (skip) {
            expect(got.exitCode).toBe(expected.exitCode);
            return;
          }
          expect(block(got)).toBe(block(expected));
        });
      });
    });
  }
});
