/**
 * Golden transcripts from real OpenStack (Neutron 21 + python-openstackclient 6.0.0, the oracle in
 * ../shared/oracle), replayed through Stacklab's headless engine on the `empty` fixture and compared
 * command by command after normalising only what is random in a real cloud. See
 * test/transcripts/README.md for the directives that declare Stacklab's deliberate differences.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from './support/replay.js';
import { normaliseTranscript, parseCapture, type Entry } from './support/normalise.js';

const DIR = join(import.meta.dirname, 'transcripts');

interface Directives {
  subs: Array<{ re: RegExp; to: string }>;
  skip: string | null;
}

/** Script lines (what Stacklab runs) and, per command, the directives written above it. */
function readScript(file: string): { lines: string[]; directives: Directives[] } {
  const lines: string[] = [];
  const directives: Directives[] = [];
  let pending: Directives = { subs: [], skip: null };
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const d = /^#@ (oracle-sub|skip)\s*(.*)$/.exec(raw);
    if (d) {
      if (d[1] === 'skip') pending.skip = d[2] ?? 'no reason';
      else {
        const m = /^\/(.*)\/(.*)\/\s*(?:#.*)?$/.exec(d[2] ?? '');
        if (!m) throw new Error(`${file}: bad directive ${raw}`);
        pending.subs.push({ re: new RegExp(m[1] as string, 'g'), to: (m[2] as string).replace(/\\n/g, '\n') });
      }
      continue;
    }
    lines.push(raw);
    const t = raw.trim();
    if (t !== '' && !t.startsWith('#')) {
      directives.push(pending);
      pending = { subs: [], skip: null };
    }
  }
  return { lines, directives };
}

/** One command as run-script.sh writes it: stdout, `[stderr] ` lines, `[exit N]`. */
function block(e: Entry): string {
  const err = e.stderr === '' ? '' : e.stderr.replace(/\n$/, '').split('\n').map((l) => `[stderr] ${l}\n`).join('');
  return `$ ${e.command}\n${e.stdout}${err}[exit ${e.exitCode}]\n`;
}

const scripts = readdirSync(DIR)
  .filter((f) => f.endsWith('.cmds'))
  .sort();

describe('golden transcripts from real OpenStack', () => {
  it('has transcripts to replay', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(6);
  });

  for (const script of scripts) {
    const base = script.replace(/\.cmds$/, '');
    describe(base, () => {
      const { lines, directives } = readScript(join(DIR, script));
      const scriptText = lines.join('\n');
      const oracle = parseCapture(readFileSync(join(DIR, `${base}.oracle.txt`), 'utf8')).entries.map((e, i): Entry => {
        const subs = directives[i]?.subs ?? [];
        const apply = (s: string) => subs.reduce((acc, d) => acc.replace(d.re, d.to), s);
        return { ...e, stdout: apply(e.stdout), stderr: apply(e.stderr) };
      });
      const ours = replay(lines);
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
          // Compared as transcript text (the capture's own layout) so a mismatch prints a line diff.
          expect(block(got)).toBe(block(expected));
        });
      });
    });
  }
});
