/**
 * The core is pure: a command returns a new cloud and never changes the one it was given.
 * Every golden script (openstack, neutron, nova and host commands) is replayed through a
 * learner's session, and after each line the previous state must serialize exactly as before.
 * Copy-on-write drafts share untouched collections between states, so an op that changed a
 * shared object in place would show up here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, runLine, serializeSession } from '../server/shell/session.js';

const ROOT = import.meta.dirname;

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

const CASES: Array<{ file: string; fixture: string; host?: string }> = [
  ...readdirSync(join(ROOT, 'transcripts'))
    .filter((f) => f.endsWith('.cmds'))
    .map((f) => ({ file: join(ROOT, 'transcripts', f), fixture: 'empty' })),
  ...readdirSync(join(ROOT, 'legacy', 'captures'))
    .filter((f) => f.endsWith('.cmds'))
    .map((f) => ({ file: join(ROOT, 'legacy', 'captures', f), fixture: 'empty' })),
  { file: join(ROOT, 'dataplane', 'blog-usecase.cmds'), fixture: 'network-node', host: 'network' },
  { file: join(ROOT, 'dataplane', 'blog-laptop.cmds'), fixture: 'network-node', host: 'laptop' },
  { file: join(ROOT, 'dataplane', 'public-cloud.cmds'), fixture: 'public-cloud', host: 'laptop' },
  { file: join(ROOT, 'dataplane', 'sysctl.cmds'), fixture: 'network-node', host: 'network' },
];

describe('no command changes the state it was given', () => {
  it('has scripts to replay', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  for (const c of CASES) {
    it(c.file.slice(ROOT.length + 1), () => {
      let s = createSession({ fixture: c.fixture, seed: 3, ...(c.host ? { host: c.host } : {}) });
      let changed = 0;
      for (const line of lines(c.file)) {
        const before = serializeSession(s);
        const r = runLine(s, line);
        expect(serializeSession(s), `after: ${line}`).toBe(before);
        if (serializeSession(r.state) !== before) changed++;
        s = r.state;
      }
      // The check means something only if the scripts do change their clouds.
      expect(changed).toBeGreaterThan(0);
    });
  }
});
