/**
 * Golden transcripts captured from the real neutron CLI on our own oracle (port 9705), replayed on
 * the `empty` fixture and compared command by command after normalising ids and timestamps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../support/replay.js';
import { normaliseTranscript, parseCapture, type Entry } from '../support/normalise.js';

const DIR = join(import.meta.dirname, 'captures');

function block(e: Entry): string {
  const err = e.stderr === '' ? '' : e.stderr.replace(/\n$/, '').split('\n').map((l) => `[stderr] ${l}\n`).join('');
  return `$ ${e.command}\n${e.stdout}${err}[exit ${e.exitCode}]\n`;
}

/**
 * Deliberate differences, compared by exit code only: the rules embedded in a new group's create
 * response carry Neutron's `standard_attr_id` (a database-wide counter), `description: null` and
 * `tags`, which the simulator does not model.
 */
const EXIT_ONLY: Record<string, string> = {
  'neutron security-group-create web --description w': 'embedded rules carry standard_attr_id',
};

const scripts = readdirSync(DIR).filter((f) => f.endsWith('.cmds')).sort();

describe('legacy neutron golden transcripts', () => {
  it('has captures', () => expect(scripts.length).toBeGreaterThan(0));
  for (const script of scripts) {
    const base = script.replace(/\.cmds$/, '');
    describe(base, () => {
      const lines = readFileSync(join(DIR, script), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
      const text = lines.join('\n');
      const oracle = normaliseTranscript(parseCapture(readFileSync(join(DIR, `${base}.oracle.txt`), 'utf8')).entries, text);
      const ours = normaliseTranscript(replay(lines), text);
      oracle.forEach((expected, i) => {
        const why = EXIT_ONLY[expected.command];
        it(`${String(i + 1).padStart(2, '0')} ${expected.command}${why ? ` (exit code only: ${why})` : ''}`, () => {
          const got = ours[i];
          expect(got).toBeDefined();
          if (!got) return;
          if (why) expect(got.exitCode).toBe(expected.exitCode);
          else expect(block(got)).toBe(block(expected));
        });
      });
    });
  }
});
