/**
 * The real OpenStack clients (Debian's python-openstackclient 6.0.0, neutronclient 8.1) pointed
 * at a test server's APIs, as a learner points them: their own clouds.yaml from the page's
 * download, each command a process of the real binary.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A binary on PATH, or null. */
export function onPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir !== '' && existsSync(p)) return p;
  }
  return null;
}

/** A new learner's cookie and their clouds.yaml for a workspace, written to a file of its own. */
export async function learnerClouds(url: string, workspace: string): Promise<{ cookie: string; cloudsFile: string }> {
  const res = await fetch(`${url}/api/me/clouds.yaml?workspace=${workspace}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const cloudsFile = join(mkdtempSync(join(tmpdir(), 'stacklab-clouds-')), 'clouds.yaml');
  writeFileSync(cloudsFile, await res.text());
  return { cookie, cloudsFile };
}

export interface ClientRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `BIN --os-cloud stacklab ARGS` with that clouds.yaml and nothing else of this machine's environment. */
export async function runClient(bin: string, cloudsFile: string, args: readonly string[]): Promise<ClientRun> {
  try {
    const { stdout, stderr } = await run(bin, ['--os-cloud', 'stacklab', ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), OS_CLIENT_CONFIG_FILE: cloudsFile, LANG: 'C.UTF-8' },
      timeout: 60_000,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}
