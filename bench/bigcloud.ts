/**
 * Big-cloud bench (issue #19): what a command costs as the cloud grows. ×1 is 500 ports, 100
 * routers and 1,000 floating IPs; the cloud is built at ×0.5, ×1, ×2 and ×4 through the same
 * command lines a learner types, and each command is timed in the namespace of the busiest
 * router. Target: every ×4 figure within 4× of the ×1 figure, building ×4 in under 5 s.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSession, runLine, serializeSession, type SessionState } from '../server/shell/session.js';
import { runSetup } from '../server/shell/script.js';
import { beginBatch, endBatch } from '../server/sim/clone.js';

/** The cloud at scale ×1. */
export const BIG_CLOUD = { routers: 100, ports: 500, floatingIps: 1000 };

/** The numbers of one scale (rounded: ×0.5 is 50 routers, 250 ports, 500 floating IPs). */
export function bigCloudSize(scale: number): { routers: number; ports: number; floatingIps: number } {
  return {
    routers: Math.round(BIG_CLOUD.routers * scale),
    ports: Math.round(BIG_CLOUD.ports * scale),
    floatingIps: Math.round(BIG_CLOUD.floatingIps * scale),
  };
}

/**
 * The command lines that build the cloud of one scale on the network-node fixture: an external
 * network, one router per tenant network (gateway and interface), ports spread over the networks
 * round-robin, a floating IP on each port and the rest of the floating IPs unassociated.
 */
export function bigCloudLines(scale: number): string[] {
  const n = bigCloudSize(scale);
  const lines = [
    `openstack quota set --networks ${n.routers + 10} --subnets ${n.routers + 10} --routers ${n.routers + 10} ` +
      `--ports ${n.ports + n.floatingIps + 3 * n.routers + 100} --floating-ips ${n.floatingIps + 10} admin`,
    'openstack network create --external --provider-network-type flat --provider-physical-network default public',
    'openstack subnet create --network public --subnet-range 100.64.0.0/16 --no-dhcp public-sub',
  ];
  for (let i = 0; i < n.routers; i++) {
    lines.push(
      `openstack network create n${i}`,
      `openstack subnet create --network n${i} --subnet-range 10.${i >> 8}.${i & 255}.0/24 s${i}`,
      `openstack router create r${i}`,
      `openstack router set --external-gateway public r${i}`,
      `openstack router add subnet r${i} s${i}`,
    );
  }
  for (let j = 0; j < n.ports; j++) lines.push(`openstack port create --network n${j % n.routers} p${j}`);
  for (let j = 0; j < n.floatingIps; j++) {
    lines.push(j < n.ports ? `openstack floating ip create --port p${j} public` : 'openstack floating ip create public');
  }
  return lines;
}

/**
 * The cloud of one scale, built by running its lines (every one must succeed). `batch` (the
 * default) runs them as a setup batch (sim/clone.ts): the same commands and the same cloud, but
 * changed in place instead of copied line after line; false runs them as a learner's session.
 */
export function bigCloudSession(scale: number, batch = true): SessionState {
  const start = createSession({ fixture: 'network-node', seed: 19 });
  if (!batch) return runSetup(start, bigCloudLines(scale));
  const s = runSetup({ ...start, cloud: beginBatch(start.cloud) }, bigCloudLines(scale));
  endBatch(s.cloud);
  return s;
}

/**
 * A full collection, so that a figure does not pay for garbage an earlier one (or the build)
 * left behind: each starts from a collected heap, as in a process of its own.
 */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Milliseconds of CPU this process spent (all its threads: the collector's too). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Mean milliseconds of `f`, over at least `runs` runs and about `budget` ms, after a warm-up:
 * the CPU time (what the command costs; steady on a machine shared with other work) and the
 * wall time.
 */
function meanMs(f: () => void, runs = 5, budget = 1000): { cpu: number; wall: number } {
  collect();
  f();
  f();
  let n = 0;
  const c0 = cpuMs();
  const t0 = performance.now();
  while (n < runs || performance.now() - t0 < budget) {
    f();
    n++;
  }
  return { cpu: (cpuMs() - c0) / n, wall: (performance.now() - t0) / n };
}

const KEYS = ['build', 'netns', 'netnsCold', 'iptables', 'iptablesCold', 'ping', 'portCreate', 'portSet', 'fipSet', 'addSubnet', 'serverCreate', 'subnetDelete', 'snapshot'] as const;
type Key = (typeof KEYS)[number];

interface Row {
  scale: number;
  cpu: Record<Key, number>;
  wall: Record<Key, number>;
}

/**
 * Runs a line on the session (the session itself is left as it was); it must succeed, or with
 * `answered` at least print something (a ping that gets no reply exits 1 and is still measured).
 */
function must(s: SessionState, line: string, answered = false): string {
  const r = runLine(s, line);
  if (r.result.exitCode !== 0 && !(answered && r.result.stdout !== '')) throw new Error(`${line}: ${r.result.stderr}`);
  return r.result.stdout;
}

/**
 * The session as the first command after a write sees it: its collections are new arrays, so
 * the indexes the data plane keeps per collection (sim/memo.ts) are built again.
 */
function afterWrite(s: SessionState): SessionState {
  const c = s.cloud;
  return { ...s, cloud: { ...c, ports: c.ports.slice(), floatingIps: c.floatingIps.slice(), routers: c.routers.slice(), networks: c.networks.slice(), subnets: c.subnets.slice() } };
}

/** Mean milliseconds of `line` run once on each of 150 sessions fresh from a write (made beforehand, untimed). */
function coldMs(s: SessionState, line: string): { cpu: number; wall: number } {
  must(afterWrite(s), line);
  const fresh = Array.from({ length: 150 }, () => afterWrite(s));
  collect();
  const c0 = cpuMs();
  const t0 = performance.now();
  for (const f of fresh) must(f, line);
  return { cpu: (cpuMs() - c0) / fresh.length, wall: (performance.now() - t0) / fresh.length };
}

function measure(scale: number): Row {
  const c0 = cpuMs();
  const t0 = performance.now();
  const s = bigCloudSession(scale);
  const build = { cpu: cpuMs() - c0, wall: performance.now() - t0 };
  // Every router has as many interfaces, ports and floating IPs as r0 (the ports go round-robin),
  // so r0 is (one of) the busiest; p0's floating IP is in its namespace's NAT rules.
  const r0 = s.cloud.routers.find((r) => r.name === 'r0');
  const p0 = s.cloud.ports.find((p) => p.name === 'p0');
  const fip = s.cloud.floatingIps.find((f) => f.portId === p0?.id);
  if (!r0 || !fip) throw new Error('big cloud: r0 or the floating IP of p0 is missing');
  const ns = `qrouter-${r0.id}`;
  const iptables = `ip netns exec ${ns} iptables-save`;
  // Writes that change existing resources, each timed from the same state: a new subnet to plug
  // into r0, a port without a floating IP and an unassociated floating IP (made beforehand, untimed).
  const w = runSetup(s, ['openstack network create nw', 'openstack subnet create --network nw --subnet-range 10.254.0.0/24 sw', 'openstack port create --network n0 pw']);
  const free = w.cloud.floatingIps.find((f) => f.portId === null);
  if (!free) throw new Error('big cloud: no unassociated floating IP');
  const timed: Record<Exclude<Key, 'snapshot'>, { cpu: number; wall: number }> = {
    build,
    netns: meanMs(() => must(s, 'ip netns')),
    netnsCold: coldMs(s, 'ip netns'),
    iptables: meanMs(() => must(s, iptables)),
    iptablesCold: coldMs(s, iptables),
    ping: meanMs(() => must(s, `ip netns exec ${ns} ping -c 1 ${fip.floatingIpAddress}`, true)),
    portCreate: meanMs(() => must(s, 'openstack port create --network n0 extra')),
    portSet: meanMs(() => must(w, 'openstack port set --name renamed --description d p1')),
    fipSet: meanMs(() => must(w, `openstack floating ip set --port pw ${free.floatingIpAddress}`)),
    addSubnet: meanMs(() => must(w, 'openstack router add subnet r0 sw')),
    serverCreate: meanMs(() => must(w, 'openstack server create --image cirros-0.5.2-x86_64-disk --flavor m1.tiny --network n0 vm')),
    subnetDelete: meanMs(() => must(w, 'openstack subnet delete sw')),
  };
  const snapshot = Buffer.byteLength(serializeSession(s)) / 2 ** 20;
  const pick = (k: 'cpu' | 'wall') => Object.fromEntries(KEYS.map((key) => [key, key === 'snapshot' ? snapshot : timed[key][k]])) as Record<Key, number>;
  return { scale, cpu: pick('cpu'), wall: pick('wall') };
}

const COLUMNS: { key: Key; title: string; unit: string }[] = [
  { key: 'build', title: 'building', unit: 'ms' },
  { key: 'netns', title: 'ip netns', unit: 'ms' },
  { key: 'netnsCold', title: 'ip netns after a write', unit: 'ms' },
  { key: 'iptables', title: 'iptables-save (r0)', unit: 'ms' },
  { key: 'iptablesCold', title: 'iptables-save after a write', unit: 'ms' },
  { key: 'ping', title: 'ping -c 1 in r0', unit: 'ms' },
  { key: 'portCreate', title: 'port create', unit: 'ms' },
  { key: 'portSet', title: 'port set', unit: 'ms' },
  { key: 'fipSet', title: 'floating ip set --port', unit: 'ms' },
  { key: 'addSubnet', title: 'router add subnet', unit: 'ms' },
  { key: 'serverCreate', title: 'server create', unit: 'ms' },
  { key: 'subnetDelete', title: 'subnet delete', unit: 'ms' },
  { key: 'snapshot', title: 'snapshot', unit: 'MiB' },
];

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** `npm run bench -- bigcloud`; BIGCLOUD_SCALES=0.5,1 picks the scales (default 0.5,1,2,4). */
export function bigcloudBench(): void {
  const scales = (process.env['BIGCLOUD_SCALES'] ?? '0.5,1,2,4').split(',').map(Number);
  // A first small build warms up the JIT so that ×0.5's figures are not mostly compilation.
  bigCloudSession(0.1);
  const rows: Row[] = [];
  for (const scale of scales) {
    collect();
    const row = measure(scale);
    rows.push(row);
    const n = bigCloudSize(scale);
    console.log(
      `bigcloud ×${scale} (${n.ports} ports, ${n.routers} routers, ${n.floatingIps} floating IPs), CPU ms (wall): ` +
        COLUMNS.map((c) => (c.unit === 'MiB' ? `${c.title} ${fmt(row.cpu[c.key])} MiB` : `${c.title} ${fmt(row.cpu[c.key])} (${fmt(row.wall[c.key])})`)).join(', '),
    );
  }
  const x1 = rows.find((r) => r.scale === 1);
  const x4 = rows.find((r) => r.scale === 4);
  if (x1 && x4) {
    console.log(`bigcloud ×4/×1 of the CPU times (target ≤ 4; building ×4 < 5 s): ` + COLUMNS.map((c) => `${c.title} ${(x4.cpu[c.key] / x1.cpu[c.key]).toFixed(2)}`).join(', '));
  }
}
