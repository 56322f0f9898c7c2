/** The headless entry point as other tools call it: `stacklab run` (text and json), `--host`, bad options. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
function stacklab(args: string[], input: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: ROOT, input, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('stacklab run', () => {
  it('prints the transcript with exit codes, starting on the fixture host', () => {
    const r = stacklab(['run', '--fixture', 'network-node', '-'], 'hostname\nX=$(hostname)\necho "on $X"\ncat /nope\n');
    expect(r.stdout).toBe('$ hostname\nnetwork\n$ X=$(hostname)\n$ echo "on $X"\non network\n$ cat /nope\ncat: /nope: No such file or directory\n[exit 1]\n');
    expect(r.status).toBe(0);
  });
  it('--host picks the starting host; json output', () => {
    const r = stacklab(['run', '--fixture', 'network-node', '--host', 'laptop', '--format', 'json', '-'], 'hostname\nssh root@network\nhostname\n');
    expect(JSON.parse(r.stdout)).toEqual([
      { command: 'hostname', stdout: 'laptop\n', stderr: '', exitCode: 0 },
      { command: 'ssh root@network', stdout: '', stderr: '', exitCode: 0 },
      { command: 'hostname', stdout: 'network\n', stderr: '', exitCode: 0 },
    ]);
  });
  it('a host the fixture does not have is refused', () => {
    const r = stacklab(['run', '--fixture', 'public-cloud', '--host', 'network', '-'], 'hostname\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("stacklab: fixture 'public-cloud' has no host 'network' (hosts: laptop)");
  });
});
