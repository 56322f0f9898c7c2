/**
 * Golden transcripts from real OpenStack (Neutron 21 + python-openstackclient 6.0.0, the oracle in
 * ../shared/oracle), replayed through Stacklab's headless engine on the `empty` fixture and compared
 * command by command after normalising only what is random in a real cloud. See
 * test/transcripts/README.md for the directives that declare Stacklab's deliberate differences.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from './support/replay.js';
import { describeGoldens } from './support/golden.js';

describe('golden transcripts from real OpenStack', () => {
  const scripts = describeGoldens(join(import.meta.dirname, 'transcripts'), (s) => replay(s.runs));
  it('has transcripts to replay', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(6);
  });
});
