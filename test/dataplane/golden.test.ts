/** Golden transcripts of the data-plane commands (exact text), replayed on fresh fixtures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from './transcript.js';

const DIR = import.meta.dirname;
const CASES: Array<{ name: string; fixture: string; host: string }> = [
  { name: 'blog-usecase', fixture: 'network-node', host: 'network' },
  { name: 'public-cloud', fixture: 'public-cloud', host: 'laptop' },
  { name: 'blog-laptop', fixture: 'network-node', host: 'laptop' },
  { name: 'sysctl', fixture: 'network-node', host: 'network' },
  { name: 'multi-nic', fixture: 'network-node', host: 'network' },
  { name: 'guest-routes', fixture: 'network-node', host: 'network' },
  { name: 'two-routers', fixture: 'network-node', host: 'network' },
  { name: 'host-routes', fixture: 'network-node', host: 'network' },
  { name: 'on-link', fixture: 'network-node', host: 'network' },
  { name: 'on-link-by-hand', fixture: 'network-node', host: 'network' },
];

function script(name: string): string[] {
  return readFileSync(join(DIR, `${name}.cmds`), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('data-plane golden transcripts', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const want = readFileSync(join(DIR, `${c.name}.golden.txt`), 'utf8');
      expect(replay(c.fixture, script(c.name), c.host)).toBe(want);
    });
  }
});
