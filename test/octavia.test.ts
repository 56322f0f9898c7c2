/**
 * Golden transcripts from the real Octavia 11 (Zed) oracle with python-octaviaclient 3.1.0
 * (../shared/octavia-oracle), replayed through Stacklab on the `empty` fixture with Octavia's
 * no-op drivers (as the oracle runs) and compared command by command after normalising only what
 * is random. Directives (`#@ oracle-sub`, `#@ skip <reason>`, `#@ run <line>`): see
 * test/support/golden.ts and test/octavia/README.md.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from './support/replay.js';
import { describeGoldens } from './support/golden.js';

describe('golden transcripts from the Octavia oracle', () => {
  const scripts = describeGoldens(join(import.meta.dirname, 'octavia'), (s) => {
    // A capture made with the oracle's worker delay (`# start-env: ORACLE_WORKER_DELAY=S`) sees
    // PENDING_* states last until its `oracle_wait_lb`.
    const slow = /^# start-env: ORACLE_WORKER_DELAY=\d+/m.test(s.text);
    return replay(s.runs, { octavia: slow ? { drivers: 'noop', workerTicks: 1000 } : { drivers: 'noop' } });
  });
  it('has the five oracle captures and more', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(5);
  });
});
