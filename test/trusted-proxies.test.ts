/**
 * STACKLAB_TRUSTED_PROXIES: behind a proxy it trusts, the server counts each learner under the
 * address the proxy forwards (X-Forwarded-For), so the per-address limits hold per learner again;
 * from anyone else the header is ignored. Bad settings stop the server in words, not a trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../server/http/app.js';
import { clientAddresses, MAX_FORWARDED_CHARS, parseTrustedProxies } from '../server/http/client-address.js';
import { loadConfig } from '../server/http/config.js';
import { REPO_ROOT } from './support/server-process.js';
import { testConfig } from './support/server-config.js';

describe('parseTrustedProxies', () => {
  it('takes addresses and ranges, separated by commas, as ADDRESS/BITS', () => {
    expect(parseTrustedProxies('')).toEqual([]);
    expect(parseTrustedProxies(' 10.0.0.2 , 192.168.10.0/24,2001:db8::/32, ::1,')).toEqual([
      '10.0.0.2/32',
      '192.168.10.0/24',
      '2001:db8::/32',
      '::1/128',
    ]);
    // IPv4-mapped IPv6 is the IPv4 address or range (Node reports peers that way on a dual-stack socket).
    expect(parseTrustedProxies('::ffff:10.0.0.2,::ffff:172.16.0.0/108')).toEqual(['10.0.0.2/32', '172.16.0.0/12']);
  });

  it('refuses anything else, naming the setting and the entry', () => {
    const cases: Array<[string, RegExp]> = [
      ['haproxy', /"haproxy" is not an IPv4 or IPv6 address/],
      ['10.0.0.256', /is not an IPv4/],
      ['0x7f.1', /is not an IPv4/],
      ['10.0.0.2:8080', /is not an IPv4/],
      ['10.0.0.0/33', /prefix length outside 0 to 32/],
      ['10.0.0.0/-1', /prefix length/],
      ['10.0.0.0/', /prefix length/],
      ['2001:db8::/129', /outside 0 to 128/],
      ['10.0.0.1/8', /bits set past its prefix \(the range is 10\.0\.0\.0\/8\)/],
      ['0.0.0.0/0', /trusts every address/],
      ['::/0', /trusts every address/],
      ['10.0.0.2 10.0.0.3', /is not an IPv4/],
      ['10.0.0.2;rm -rf /', /is not an IPv4/],
      ['fe80::1%eth0', /is not an IPv4 or IPv6 address/],
    ];
    for (const [value, message] of cases) {
      expect(() => parseTrustedProxies(value), value).toThrow(message);
      expect(() => parseTrustedProxies(value), value).toThrow(/^STACKLAB_TRUSTED_PROXIES: /);
    }
  });

  it('is read by loadConfig (default: nobody trusted)', () => {
    const data = mkdtempSync(join(tmpdir(), 'stacklab-tp-'));
    expect(loadConfig({ STACKLAB_DATA: data }).trustedProxies).toEqual([]);
    expect(loadConfig({ STACKLAB_DATA: data, STACKLAB_TRUSTED_PROXIES: '172.31.250.2' }).trustedProxies).toEqual(['172.31.250.2/32']);
    expect(() => loadConfig({ STACKLAB_DATA: data, STACKLAB_TRUSTED_PROXIES: '172.31.250.2/16' })).toThrow(/STACKLAB_TRUSTED_PROXIES/);
  });

  it('a bad value stops `stacklab serve` with one line saying why, not a stack', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', 'serve'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', STACKLAB_DATA: mkdtempSync(join(tmpdir(), 'stacklab-tp-')), STACKLAB_TRUSTED_PROXIES: '10.0.0.1/8,haproxy' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^stacklab: STACKLAB_TRUSTED_PROXIES: "10\.0\.0\.1\/8" has bits set past its prefix/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('serving');
  }, 40_000);
});

describe('clientAddresses', () => {
  const none = clientAddresses([]);
  const proxy = clientAddresses(parseTrustedProxies('10.0.0.2,10.1.0.0/16'));

  it('never reads the header from a peer it does not trust', () => {
    expect(none.of('203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
    expect(proxy.of('203.0.113.7', '198.51.100.1')).toBe('203.0.113.7');
    expect(proxy.of('::ffff:203.0.113.7', '10.0.0.2')).toBe('203.0.113.7');
    expect(none.of(undefined, '198.51.100.1')).toBe('?');
  });

  it('from a trusted peer: the right-most address that is not itself a trusted proxy', () => {
    expect(proxy.of('10.0.0.2', '198.51.100.1')).toBe('198.51.100.1');
    expect(proxy.of('::ffff:10.0.0.2', '198.51.100.1')).toBe('198.51.100.1');
    // What the client wrote is to the left of what the proxy saw: only the latter counts.
    expect(proxy.of('10.0.0.2', '1.2.3.4, 198.51.100.1')).toBe('198.51.100.1');
    expect(proxy.of('10.0.0.2', 'not an address, 198.51.100.1')).toBe('198.51.100.1');
    // A chain of trusted proxies is walked through; two header lines are one list.
    expect(proxy.of('10.0.0.2', '198.51.100.1, 10.1.4.4')).toBe('198.51.100.1');
    expect(proxy.of('10.0.0.2', ['1.2.3.4', '198.51.100.1'])).toBe('198.51.100.1');
    expect(proxy.of('10.0.0.2', '2001:DB8:0:0::5')).toBe('2001:db8::5');
    expect(proxy.of('10.0.0.2', '::ffff:198.51.100.1')).toBe('198.51.100.1');
    // Nothing but trusted proxies: the first of them.
    expect(proxy.of('10.0.0.2', '10.1.0.9, 10.1.4.4')).toBe('10.1.0.9');
  });

  it('a malformed, empty or oversized header from a trusted peer gives the peer', () => {
    for (const bad of ['', ' ', 'garbage', '198.51.100.1, garbage', '198.51.100.1:4431', '[2001:db8::5]', '198.51.100.1,', 'unknown', '0x7f.0.0.1', 'fe80::1%eth0', '2001:db8::/64'])
      expect(proxy.of('10.0.0.2', bad), bad).toBe('10.0.0.2');
    const big = `${'1.2.3.4, '.repeat(MAX_FORWARDED_CHARS / 9)}198.51.100.1`;
    expect(big.length).toBeGreaterThan(MAX_FORWARDED_CHARS);
    expect(proxy.of('10.0.0.2', big)).toBe('10.0.0.2');
    expect(proxy.of('10.0.0.2', undefined)).toBe('10.0.0.2');
  });

  it('counts IPv6 clients by their /64, IPv4 by their address', () => {
    expect(none.limitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(none.limitKey('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(none.limitKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(none.limitKey('198.51.100.1')).toBe('198.51.100.1');
    expect(none.limitKey('?')).toBe('?');
  });
});

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function serve(env: Record<string, string>): Promise<string> {
  const s = await startServer(testConfig('trusted-proxies', env));
  running.push(s);
  return s.url;
}

/** A new visitor's request (no cookie), from this test over loopback, with this X-Forwarded-For. */
async function visit(url: string, forwardedFor?: string): Promise<number> {
  const r = await fetch(`${url}/api/me`, forwardedFor === undefined ? {} : { headers: { 'X-Forwarded-For': forwardedFor } });
  await r.arrayBuffer();
  return r.status;
}

describe('the new-learner limit per address', () => {
  it('ignores X-Forwarded-For from an untrusted peer: the limit holds for the peer however the header varies', async () => {
    const url = await serve({ STACKLAB_NEW_LEARNERS_PER_ADDRESS: '2' });
    expect(await visit(url, '198.51.100.1')).toBe(200);
    expect(await visit(url, '198.51.100.2')).toBe(200);
    expect(await visit(url, '198.51.100.3')).toBe(429);
    expect(await visit(url)).toBe(429);
  });

  it('behind a trusted proxy: each forwarded address has its own budget, and is limited', async () => {
    const url = await serve({ STACKLAB_NEW_LEARNERS_PER_ADDRESS: '2', STACKLAB_TRUSTED_PROXIES: '127.0.0.1,::1' });
    expect(await visit(url, '198.51.100.1')).toBe(200);
    expect(await visit(url, '198.51.100.1')).toBe(200);
    expect(await visit(url, '198.51.100.1')).toBe(429);
    // A client cannot pick another address by writing one: HAProxy appends the one it saw.
    expect(await visit(url, '203.0.113.99, 198.51.100.1')).toBe(429);
    expect(await visit(url, '198.51.100.2')).toBe(200);
    expect(await visit(url, '198.51.100.2')).toBe(200);
    expect(await visit(url, '198.51.100.2')).toBe(429);
    // One IPv6 host's /64 is one budget.
    expect(await visit(url, '2001:db8:1:2::1')).toBe(200);
    expect(await visit(url, '2001:db8:1:2::2')).toBe(200);
    expect(await visit(url, '2001:db8:1:2::3')).toBe(429);
  });

  it('behind a trusted proxy, a malformed or oversized header is charged to the proxy itself', async () => {
    const url = await serve({ STACKLAB_NEW_LEARNERS_PER_ADDRESS: '2', STACKLAB_TRUSTED_PROXIES: '127.0.0.1,::1' });
    expect(await visit(url, 'garbage')).toBe(200);
    expect(await visit(url, `${'9'.repeat(MAX_FORWARDED_CHARS)}, 198.51.100.7`)).toBe(200);
    expect(await visit(url, '198.51.100.8:5555')).toBe(429);
    expect(await visit(url)).toBe(429);
    // … while well-formed forwarded addresses keep their own budgets.
    expect(await visit(url, '198.51.100.7')).toBe(200);
  });
});

describe('the OpenStack API limit for calls without a token', () => {
  /** Sends `n` anonymous calls at once, the i-th with header(i); how many were refused. */
  async function refused(url: string, n: number, header: (i: number) => string): Promise<number> {
    const statuses = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const r = await fetch(`${url}/openstack/identity/`, { headers: { 'X-Forwarded-For': header(i) } });
        await r.arrayBuffer();
        return r.status;
      }),
    );
    // 300: keystone's version list (Multiple Choices) answers every admitted call.
    expect(statuses.filter((s) => s !== 300 && s !== 429)).toEqual([]);
    return statuses.filter((s) => s === 429).length;
  }

  // The clock stands still (Date only: sockets and timers run) so no token comes back during the
  // test: past the burst of 300, calls from one address are refused whatever the machine's speed.
  beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => void vi.useRealTimers());

  it('is per forwarded address behind a trusted proxy, and per peer otherwise', async () => {
    const behind = await serve({ STACKLAB_TRUSTED_PROXIES: '127.0.0.1,::1' });
    expect(await refused(behind, 400, () => '198.51.100.1')).toBeGreaterThanOrEqual(100);
    expect(await refused(behind, 50, () => '198.51.100.2')).toBe(0);
    // Untrusted: a different made-up address on every call changes nothing.
    const direct = await serve({});
    expect(await refused(direct, 400, (i) => `198.51.${i >> 8}.${i & 255}`)).toBeGreaterThanOrEqual(100);
  }, 30_000);
});
