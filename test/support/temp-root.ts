/**
 * Vitest's global setup: every test file's temporary folders (mkdtemp under os.tmpdir()), and those
 * of the servers and clients the tests start, go under one folder of this run, removed when the run
 * ends. Tests that forget to remove theirs, or die before they can, no longer leave folders in /tmp
 * (a few hundred a run before).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'stacklab-test-run-'));
  // Others may pass through, as through /tmp: the PostgreSQL tests run `postgres` as its own user
  // in a folder of theirs in here (each test's folder stays 0700 from mkdtemp).
  chmodSync(root, 0o755);
  const before = process.env['TMPDIR'];
  // os.tmpdir() reads TMPDIR each call; the test workers and their children inherit it.
  process.env['TMPDIR'] = root;
  return () => {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
    rmSync(root, { recursive: true, force: true });
  };
}
