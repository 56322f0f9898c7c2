/**
 * Issue #17, Octavia: the real `openstack loadbalancer …` (python-octaviaclient 3.1.0 in Debian's
 * python-openstackclient 6.0.0) against a learner's cloud through /openstack/load-balancer. The
 * learner builds part of a load balancer in the terminal and the rest with the real client (its
 * writes are API calls recorded in the workspace); then each read line must print what Stacklab's
 * emulated CLI prints for it in the same workspace, byte for byte, errors and exit codes too.
 * Skipped, saying so, when the binary or its loadbalancer plugin is absent.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { testConfig } from '../support/server-config.js';
import { openTerminal, type Terminal } from '../support/terminal-client.js';

const run = promisify(execFile);

function realClient(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const p = join(dir, 'openstack');
    if (dir !== '' && existsSync(p)) return p;
  }
  return null;
}

/** The client, if its octaviaclient plugin answers `loadbalancer --help`. */
function withPlugin(): string | null {
  const bin = realClient();
  if (!bin) return null;
  try {
    execFileSync(bin, ['loadbalancer', 'list', '--help'], {
      stdio: 'ignore',
      timeout: 60_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir() },
    });
    return bin;
  } catch {
    return null;
  }
}

const OPENSTACK = withPlugin();
if (!OPENSTACK)
  console.warn(
    'octavia-real-client.test.ts skipped: no `openstack` with python-octaviaclient on PATH (apt-get install python3-openstackclient python3-octaviaclient)',
  );

const WORKSPACE = 'sandbox:public-cloud';

describe.skipIf(!OPENSTACK)(
  'the real openstack loadbalancer client against a learner’s cloud',
  () => {
    let app: RunningServer;
    let term: Terminal;
    let cloudsFile = '';

    async function real(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
      try {
        const { stdout, stderr } = await run(
          OPENSTACK as string,
          ['--os-cloud', 'stacklab', ...args],
          {
            env: {
              PATH: process.env['PATH'] ?? '',
              HOME: tmpdir(),
              OS_CLIENT_CONFIG_FILE: cloudsFile,
              LANG: 'C.UTF-8',
            },
            timeout: 60_000,
          },
        );
        return { stdout, stderr, code: 0 };
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string; code?: number };
        return { stdout: x.stdout ?? '', stderr: x.stderr ?? '', code: x.code ?? -1 };
      }
    }

    async function emulated(
      line: string,
    ): Promise<{ stdout: string; stderr: string; code: number }> {
      const r = await term.run(`openstack ${line}`);
      return {
        stdout: r.stdout.replaceAll('\r\n', '\n'),
        stderr: r.stderr.replaceAll('\r\n', '\n'),
        code: r.exitCode,
      };
    }

    beforeAll(async () => {
      app = await startServer(testConfig('octavia-real-client'));
      const res = await fetch(`${app.url}/api/me/clouds.yaml?workspace=${WORKSPACE}`);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      cloudsFile = join(mkdtempSync(join(tmpdir(), 'stacklab-clouds-')), 'clouds.yaml');
      writeFileSync(cloudsFile, await res.text());
      term = await openTerminal(app.url, cookie, WORKSPACE);
      for (const line of [
        'openstack network create lbnet',
        'openstack subnet create lbsub --network lbnet --subnet-range 10.9.0.0/24',
        'openstack loadbalancer create --name lb1 --vip-subnet-id lbsub',
        'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 lb1',
      ]) {
        const r = await term.run(line);
        expect(r.exitCode, `${line}: ${r.stderr}`).toBe(0);
      }
    }, 120_000);
    afterAll(async () => {
      term?.close();
      await app?.close();
    });

    it('writes with the real client: a pool, two members, a health monitor, an L7 policy and rule', async () => {
      for (const args of [
        'loadbalancer pool create --name p1 --listener l1 --protocol HTTP --lb-algorithm ROUND_ROBIN',
        'loadbalancer member create --name m1 --address 10.9.0.11 --protocol-port 8080 --subnet-id lbsub p1',
        'loadbalancer member create --name m2 --address 10.9.0.12 --protocol-port 8080 --weight 5 p1',
        'loadbalancer healthmonitor create --name hm1 --delay 5 --timeout 3 --max-retries 2 --type HTTP p1',
        'loadbalancer l7policy create --name pol1 --action REDIRECT_TO_URL --redirect-url http://example.com/ l1',
        'loadbalancer l7rule create --type PATH --compare-type STARTS_WITH --value /api pol1',
        'loadbalancer set --description first lb1',
      ]) {
        const r = await real(args.split(' '));
        expect(r.stderr, args).toBe('');
        expect(r.code, args).toBe(0);
      }
    }, 180_000);

    for (const line of [
      'loadbalancer list',
      'loadbalancer show lb1',
      'loadbalancer show lb1 -f json',
      'loadbalancer status show lb1',
      'loadbalancer stats show lb1',
      'loadbalancer listener list',
      'loadbalancer listener show l1',
      'loadbalancer listener stats show l1',
      'loadbalancer pool list',
      'loadbalancer pool show p1',
      'loadbalancer member list p1',
      'loadbalancer member show p1 m1',
      'loadbalancer healthmonitor list',
      'loadbalancer healthmonitor show hm1',
      'loadbalancer l7policy list',
      'loadbalancer l7policy show pol1',
      'loadbalancer l7rule list pol1',
      'loadbalancer provider list',
      'loadbalancer provider capability list amphora',
      'loadbalancer flavor list',
      'loadbalancer availabilityzone list',
      'loadbalancer list --name lb1 -c name -c provisioning_status',
      'loadbalancer show nosuch',
      'loadbalancer amphora list',
      'loadbalancer quota defaults show',
    ])
      it(`${line}: the same output and exit status as the emulated CLI`, async () => {
        const mine = await emulated(line);
        const theirs = await real(line.split(' '));
        expect({
          ...theirs,
          stderr: theirs.stderr.replace(/\(Request-ID: req-[0-9a-f-]+\)/g, '(Request-ID)'),
        }).toEqual({
          ...mine,
          stderr: mine.stderr.replace(/\(Request-ID: req-[0-9a-f-]+\)/g, '(Request-ID)'),
        });
      }, 60_000);

    it('deletes with the real client, cascade included; the terminal sees it gone', async () => {
      expect((await real(['loadbalancer', 'delete', 'lb1'])).stderr).toMatch(
        /it has children \(HTTP 400\)/,
      );
      const r = await real(['loadbalancer', 'delete', '--cascade', 'lb1']);
      expect(r).toEqual({ stdout: '', stderr: '', code: 0 });
      expect((await emulated('loadbalancer list -f value')).stdout).toBe('');
    }, 60_000);
  },
);
