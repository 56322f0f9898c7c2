/**
 * Replays golden transcripts captured from a real oracle (`NN-topic.cmds` + `NN-topic.oracle.txt`)
 * through Stacklab and compares them command by command, after normalising only what is random.
 * Directives written above a command in the script:
 * - `#@ oracle-sub /RE/TO/`: a deliberate difference, applied to the oracle's output;
 * - `#@ skip REASON`: compare the exit code only;
 * - `#@ run LINE`: what Stacklab runs instead of the script's line (its shell lacks awk or
 *   redirections), shown as the script's line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseTranscript, parseCapture, type Entry } from './normalise.js';

interface Directives {
  subs: Array<{ re: RegExp; to: string }>;
  skip: string | null;
  run: string | null;
}

export interface Script {
  /** The script's lines, as the transcript shows them. */
  lines: string[];
  /** The lines Stacklab runs. */
  runs: string[];
  /** Per command: the directives written above it. */
  directives: Directives[];
  text: string;
}

export function readScript(file: string): Script {
  const lines: string[] = [];
  const runs: string[] = [];
  const directives: Directives[] = [];
  const text = readFileSync(file, 'utf8');
  let pending: Directives = { subs: [], skip: null, run: null };
  for (const raw of text.split('\n')) {
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
  return { lines, runs, directives, text };
}

/** One command as run-script.sh writes it: stdout, `[stderr] ` lines, `[exit N]`. */
function block(e: Entry): string {
  const err = e.stderr === '' ? '' : e.stderr.replace(/\n$/, '').split('\n').map((l) => `[stderr] ${l}\n`).join('');
  return `$ ${e.command}\n${e.stdout}${err}[exit ${e.exitCode}]\n`;
}

/** Declares one test per command of every script in `dir`; `run` replays a script through Stacklab. */
export function describeGoldens(dir: string, run: (script: Script) => Entry[]): string[] {
  const scripts = readdirSync(dir)
    .filter((f) => f.endsWith('.cmds'))
    .sort();
  for (const file of scripts) {
    const base = file.replace(/\.cmds$/, '');
    describe(base, () => {
      const script = readScript(join(dir, file));
      const { directives } = script;
      const scriptText = script.lines.join('\n');
      const commandLines = script.lines.filter((l) => l.trim() !== '' && !l.startsWith('#'));
      const oracle = parseCapture(readFileSync(join(dir, `${base}.oracle.txt`), 'utf8')).entries.map((e, i): Entry => {
        const subs = directives[i]?.subs ?? [];
        const apply = (s: string) => subs.reduce((acc, d) => acc.replace(d.re, d.to), s);
        return { ...e, stdout: apply(e.stdout), stderr: apply(e.stderr) };
      });
      const ours = run(script).map((e, i) => ({ ...e, command: commandLines[i] ?? e.command }));
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
  return scripts;
}
