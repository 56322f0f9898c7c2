/** The sandbox guides (client/src/guides/*.md): every command they offer runs, in order, on its fixture. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '../server/shell/script.js';

const DIR = join(import.meta.dirname, '..', 'client', 'src', 'guides');

function commands(md: string): string[] {
  return [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').split('\n').filter((l) => l.trim() !== ''));
}

describe('sandbox guides', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.md'))) {
    it(`${file}: every command succeeds on the ${file.replace(/\.md$/, '')} fixture`, () => {
      const lines = commands(readFileSync(join(DIR, file), 'utf8'));
      expect(lines.length).toBeGreaterThan(0);
      const failed = runScript(lines, { fixture: file.replace(/\.md$/, ''), seed: 1 }).filter((e) => e.exitCode !== 0);
      expect(failed.map((e) => `${e.command}: ${e.stderr}`)).toEqual([]);
    });
  }
});
