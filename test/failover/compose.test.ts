/**
 * The cluster's files agree with each other: docker-compose.yml's `cluster` profile (read with the
 * `yaml` package, as there is no Docker engine to ask here) runs the nodes deploy/haproxy.cfg
 * balances over, with one secret and one database; HAProxy accepts the file (haproxy -c), and the
 * test harness's rewrite of it too.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findHaproxy, HAPROXY_TEMPLATE, testHaproxyConfig } from '../support/haproxy.js';
import { REPO_ROOT } from '../support/server-process.js';
import ipaddr from 'ipaddr.js';
import { clientAddresses } from '../../server/http/client-address.js';
import { loadConfig } from '../../server/http/config.js';

const run = promisify(execFile);

interface Service {
  profiles?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  image?: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  entrypoint?: string[];
  command?: string[];
}

const compose = parseYaml(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } } | null>;
};
const haproxyCfg = readFileSync(HAPROXY_TEMPLATE, 'utf8');
const services = compose.services;
const cluster = Object.entries(services).filter(([, s]) => s.profiles?.includes('cluster'));
const nodes = cluster.filter(([, s]) => s.environment?.['STACKLAB_DATABASE_URL'] !== undefined);
/** `server NAME HOST:PORT …` lines of the backend. */
const servers = [...haproxyCfg.matchAll(/^\s+server\s+(\S+)\s+([^:\s]+):(\d+)/gm)].map((m) => ({ name: m[1], host: m[2], port: m[3] }));

describe('docker-compose.yml', () => {
  it('keeps the single-node service as it was: no profile, port 3000, SQLite in /data', () => {
    const s = services['stacklab'];
    expect(s?.profiles).toBeUndefined();
    expect(s?.ports).toEqual(['3000:3000']);
    expect(s?.environment).toEqual({ PORT: '3000', STACKLAB_DATA: '/data' });
    expect(s?.environment?.['STACKLAB_DATABASE_URL']).toBeUndefined();
  });

  it('the cluster profile: HAProxy 2.6, PostgreSQL 15 and three nodes of one image', () => {
    expect(cluster.map(([n]) => n).sort()).toEqual(['haproxy', 'postgres', 'stacklab-1', 'stacklab-2', 'stacklab-3']);
    expect(services['postgres']?.image).toMatch(/^postgres:15/);
    expect(services['haproxy']?.image).toMatch(/^haproxy:2\.6/);
    expect(services['haproxy']?.volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(new Set(nodes.map(([, s]) => `${s.build} ${s.image}`)).size).toBe(1);
    expect(nodes.map(([, s]) => s.command)).toEqual(nodes.map(() => ['node', '--import', 'tsx', 'server/main.ts', 'serve']));
  });

  it('every node shares the secret, instructor token and database, and keeps its own data volume', () => {
    const shared = (k: string) => new Set(nodes.map(([, s]) => s.environment?.[k]));
    for (const k of ['STACKLAB_SECRET', 'STACKLAB_INSTRUCTOR_TOKEN', 'STACKLAB_DATABASE_URL']) expect(shared(k).size).toBe(1);
    const pg = services['postgres']?.environment ?? {};
    const url = new URL((nodes[0]?.[1].environment?.['STACKLAB_DATABASE_URL'] ?? '').replace('${STACKLAB_DB_PASSWORD:-}', 'x'));
    expect([url.hostname, url.port, url.username, url.pathname]).toEqual(['postgres', '5432', pg['POSTGRES_USER'], `/${pg['POSTGRES_DB']}`]);
    const dataVolumes = nodes.map(([, s]) => s.volumes?.find((v) => v.endsWith(':/data')));
    expect(new Set(dataVolumes).size).toBe(nodes.length);
    for (const [, s] of nodes) expect(s.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('a node without the shared secret refuses to start, saying why', async () => {
    const entry = nodes[0]?.[1].entrypoint ?? [];
    expect(entry.slice(0, 2)).toEqual(['sh', '-c']);
    // Compose turns $$ into $; `echo started` stands in for the server.
    const script = (entry[2] ?? '').replaceAll('$$', '$');
    const sh = (env: Record<string, string>) =>
      run('sh', ['-c', script, 'stacklab-node', 'echo', 'started'], { env: { PATH: process.env['PATH'] ?? '', ...env } }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    expect(await sh({ STACKLAB_SECRET: 's', STACKLAB_INSTRUCTOR_TOKEN: 't' })).toEqual({ code: 0, out: 'started\n', err: '' });
    const refused = await sh({ STACKLAB_SECRET: 's' });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('set STACKLAB_SECRET and STACKLAB_INSTRUCTOR_TOKEN');
  });

  it("the nodes trust HAProxy's fixed address on their network, and keep the per-address limit on", () => {
    const haproxy = services['haproxy']?.networks;
    expect(haproxy && !Array.isArray(haproxy)).toBe(true);
    const [[netName, attach]] = Object.entries(haproxy as Record<string, { ipv4_address?: string } | null>) as [[string, { ipv4_address?: string } | null]];
    const address = attach?.ipv4_address ?? '';
    expect(ipaddr.IPv4.isValidFourPartDecimal(address)).toBe(true);
    // The address is in the network's declared range, and every service of the profile is on it.
    const subnet = compose.networks?.[netName]?.ipam?.config?.[0]?.subnet ?? '';
    expect(ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parseCIDR(subnet))).toBe(true);
    for (const [name, s] of cluster) {
      const on = Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {});
      expect(on, name).toEqual([netName]);
    }
    // Each node's environment, read by the server's own configuration: HAProxy, and only it, trusted.
    for (const [name, s] of nodes) {
      // Compose's ${VAR:-default}, with what an operator sets (the secrets) or the default.
      const given: Record<string, string> = { STACKLAB_DB_PASSWORD: 'pw', STACKLAB_SECRET: 's', STACKLAB_INSTRUCTOR_TOKEN: 't' };
      const env = Object.fromEntries(
        Object.entries(s.environment ?? {}).map(([k, v]) => [k, v.replace(/\$\{(\w+):-([^}]*)\}/g, (_m, name: string, dflt: string) => given[name] ?? dflt)]),
      );
      const config = loadConfig({ ...env, STACKLAB_DATA: mkdtempSync(join(tmpdir(), 'stacklab-compose-')) });
      expect(config.trustedProxies, name).toEqual([`${address}/32`]);
      expect(config.newLearnersPerAddress, name).toBeGreaterThan(0);
      const addresses = clientAddresses(config.trustedProxies);
      expect(addresses.of(address, '198.51.100.1')).toBe('198.51.100.1');
      expect(addresses.of('172.31.250.9', '198.51.100.1')).toBe('172.31.250.9');
    }
  });

  it('every named volume is declared', () => {
    const used = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0] ?? '')
      .filter((v) => !v.startsWith('.') && !v.startsWith('/'));
    for (const v of used) expect(Object.keys(compose.volumes)).toContain(v);
  });
});

describe('deploy/haproxy.cfg', () => {
  it('balances over exactly the compose nodes, on their port', () => {
    expect(servers.map((s) => s.host).sort()).toEqual(nodes.map(([n]) => n).sort());
    for (const [, s] of nodes) expect(servers.every((x) => x.port === s.environment?.['PORT'])).toBe(true);
    // HAProxy listens on the port compose publishes.
    const bind = /^\s+bind\s+:(\d+)/m.exec(haproxyCfg)?.[1];
    expect(services['haproxy']?.ports).toEqual([`${bind}:${bind}`]);
  });

  it('hashes the learner cookie the app sets, and checks the health endpoint the app answers', () => {
    expect(haproxyCfg).toMatch(/req\.cook\(stacklab_sid\)/);
    expect(haproxyCfg).toMatch(/^\s+balance hash var\(txn\.learner\)$/m);
    expect(haproxyCfg).toMatch(/^\s+hash-type consistent$/m);
    expect(haproxyCfg).toMatch(/^\s+option httpchk GET \/healthz$/m);
    expect(haproxyCfg).toMatch(/^\s+timeout tunnel 1h$/m);
    expect(haproxyCfg).toMatch(/^\s+option redispatch/m);
  });

  it('tells the nodes who the client is (X-Forwarded-For), and checks them within a 1 s answer', () => {
    expect(haproxyCfg).toMatch(/^\s+option forwardfor\s*$/m);
    // Nothing removes or rewrites the header the nodes read.
    expect(haproxyCfg).not.toMatch(/^\s*http-request\s+(del|set|replace)-header\s+X-Forwarded-For/im);
    // HAProxy's check waits `inter` (no `timeout check`): longer than /healthz's 1 s bound.
    const inter = /^\s+default-server\b.*\binter (\d+)s\b/m.exec(haproxyCfg)?.[1];
    expect(Number(inter)).toBeGreaterThan(1);
    expect(haproxyCfg).not.toMatch(/^\s+timeout check/m);
  });

  it('the test harness refuses a template it cannot rewrite', () => {
    expect(() => testHaproxyConfig('global\n', 1, [], '/tmp/x.sock')).toThrow(/one bind line and server lines/);
    const out = testHaproxyConfig(haproxyCfg, 8123, [{ name: 'a', port: 9001 }], '/tmp/x.sock');
    expect(out).toMatch(/^ {4}bind 127\.0\.0\.1:8123$/m);
    expect(out.match(/^\s+server /gm)).toEqual(['    server ']);
    expect(out).not.toMatch(/resolvers|127\.0\.0\.11/);
  });

  const found = findHaproxy();
  if ('reason' in found) console.warn(`compose.test.ts: haproxy -c skipped: ${found.reason}`);
  it.skipIf('reason' in found)('HAProxy accepts it, and the harness\'s rewrite of it (haproxy -c)', async () => {
    if (!('bin' in found)) return;
    const dir = mkdtempSync(join(tmpdir(), 'stacklab-haproxy-check-'));
    try {
      const rewritten = join(dir, 'test.cfg');
      writeFileSync(rewritten, testHaproxyConfig(haproxyCfg, 8123, [{ name: 'node1', port: 9001 }], join(dir, 'admin.sock')));
      for (const file of [HAPROXY_TEMPLATE, rewritten]) {
        const r = await run(found.bin, ['-c', '-f', file]);
        expect(r.stdout).toContain('Configuration file is valid');
      }
      // The only warnings about the real file: the compose names do not resolve outside Docker.
      const { stderr } = await run(found.bin, ['-c', '-f', HAPROXY_TEMPLATE]);
      const warnings = stderr.split('\n').filter((l) => l.includes('[WARNING]'));
      for (const w of warnings) expect(w).toMatch(/could not resolve address 'stacklab-\d'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
