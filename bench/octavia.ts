/**
 * Load-balancer bench (issue #14): core commands/s replaying a scenario with a load balancer
 * (lab 07's, on public-cloud), `curl` through a load balancer's floating IP per second, and the
 * median core command time on a cloud with 20 load balancers × 10 members (target < 1 ms).
 */
import { performance } from 'node:perf_hooks';
import { createSession, runLine, type SessionState } from '../server/shell/session.js';
import { runSetup } from '../server/shell/script.js';

const VM = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network web-net --security-group web --user-data web-server.sh';

/** The network, router and web servers a load balancer goes in front of. */
const NEUTRON: string[] = [
  'openstack network create web-net',
  'openstack subnet create web-subnet --network web-net --subnet-range 10.42.0.0/24',
  'openstack router create web-router',
  'openstack router add subnet web-router web-subnet',
  'openstack router set --external-gateway ext-floating1 web-router',
  'openstack security group create web',
  'openstack security group rule create --protocol tcp --dst-port 80 --remote-ip 10.42.0.0/24 web',
];

/** Lab 07's work and a learner's looking around: 40 commands with a load balancer. */
export const LB_SCENARIO: string[] = [
  ...NEUTRON,
  `${VM} web-1`,
  `${VM} web-2`,
  'openstack server list',
  'openstack loadbalancer create --name web-lb --vip-subnet-id web-subnet',
  'openstack loadbalancer show web-lb',
  'openstack loadbalancer listener create --name web-listener --protocol HTTP --protocol-port 80 web-lb',
  'openstack loadbalancer pool create --name web-pool --lb-algorithm ROUND_ROBIN --listener web-listener --protocol HTTP',
  `IP1=$(openstack server show web-1 -f value -c addresses | cut -d"'" -f4)`,
  'openstack loadbalancer member create --name web-1 --subnet-id web-subnet --address $IP1 --protocol-port 80 web-pool',
  `IP2=$(openstack server show web-2 -f value -c addresses | cut -d"'" -f4)`,
  'openstack loadbalancer member create --name web-2 --subnet-id web-subnet --address $IP2 --protocol-port 80 web-pool',
  'openstack loadbalancer member list web-pool',
  'openstack loadbalancer healthmonitor create --name web-check --delay 5 --timeout 4 --max-retries 3 --type HTTP --url-path / web-pool',
  'openstack loadbalancer list',
  'VIP_PORT=$(openstack loadbalancer show web-lb -f value -c vip_port_id)',
  'FIP=$(openstack floating ip create --port $VIP_PORT ext-floating1 -f value -c floating_ip_address)',
  'curl http://$FIP',
  'curl -i http://$FIP',
  'openstack port list --device-owner Octavia',
  'openstack loadbalancer status show web-lb',
  'openstack loadbalancer listener show web-listener',
  'openstack loadbalancer pool show web-pool -f json',
  'openstack loadbalancer healthmonitor list',
  'openstack server stop web-2',
  'openstack loadbalancer status show web-lb',
  'curl -s http://$FIP',
  'openstack loadbalancer member list web-pool -f yaml',
  'openstack loadbalancer stats show web-lb',
  'openstack server start web-2',
  'openstack loadbalancer member list web-pool',
  'openstack loadbalancer delete --cascade web-lb',
  'openstack loadbalancer list',
];

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const build = runSetup;

function scenarioThroughput(): void {
  const replay = (seed: number) => {
    let s = createSession({ fixture: 'public-cloud', seed });
    let failures = 0;
    for (const line of LB_SCENARIO) {
      const r = runLine(s, line);
      s = r.state;
      if (r.result.exitCode !== 0) failures++;
    }
    return failures;
  };
  for (let i = 0; i < 10; i++) replay(i);
  let commands = 0;
  let failures = 0;
  let seed = 100;
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    failures += replay(seed++);
    commands += LB_SCENARIO.length;
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`octavia: core ${fmt(commands / secs)} commands/s (${LB_SCENARIO.length}-command load-balancer scenario on public-cloud, ${fmt(commands)} commands in ${fmt(secs, 2)} s, ${failures} failed commands)`);
}

function curlRate(): void {
  let s = build(createSession({ fixture: 'public-cloud', seed: 7 }), LB_SCENARIO.slice(0, LB_SCENARIO.indexOf('curl http://$FIP')));
  const line = 'curl -s http://$FIP';
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const r = runLine(s, line);
    s = r.state;
    seen.add(r.result.stdout.trim());
  }
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    s = runLine(s, line).state;
    n++;
  }
  const ms = (performance.now() - t0) / n;
  console.log(`octavia: curl through a load balancer's floating IP (2 members, ROUND_ROBIN, HTTP monitor): ${fmt(ms, 3)} ms each (${fmt(1000 / ms)}/s; answers: ${[...seen].sort().join(' | ')})`);
}

/** A cloud with `lbs` load balancers on web-subnet, each with a listener, a pool and `members` members. */
export function bigLbSession(lbs: number, members: number): SessionState {
  let s = build(createSession({ fixture: 'public-cloud', seed: 11 }), NEUTRON);
  const vms = Math.min(members, 10);
  s = build(s, [...Array.from({ length: vms }, (_, i) => `${VM} web-${i + 1}`), 'openstack server list']);
  const ips = s.cloud.servers.map((v) => s.cloud.ports.find((p) => p.deviceId === v.id)?.fixedIps[0]?.ipAddress ?? '');
  for (let i = 0; i < lbs; i++) {
    const lines = [
      `openstack loadbalancer create --name lb-${i} --vip-subnet-id web-subnet`,
      `openstack loadbalancer listener create --name listener-${i} --protocol HTTP --protocol-port 80 lb-${i}`,
      `openstack loadbalancer pool create --name pool-${i} --lb-algorithm ROUND_ROBIN --listener listener-${i} --protocol HTTP`,
      // Members on distinct ports when there are more members than VMs.
      ...Array.from({ length: members }, (_, m) => `openstack loadbalancer member create --subnet-id web-subnet --address ${ips[m % vms] ?? ''} --protocol-port ${80 + Math.floor(m / vms)} pool-${i}`),
      `openstack loadbalancer healthmonitor create --delay 5 --timeout 4 --max-retries 3 --type HTTP pool-${i}`,
    ];
    s = build(s, lines);
  }
  return build(s, ['VIP_PORT=$(openstack loadbalancer show lb-7 -f value -c vip_port_id)', 'FIP=$(openstack floating ip create --port $VIP_PORT ext-floating1 -f value -c floating_ip_address)']);
}

/** Core commands a learner types on such a cloud, each timed on its own. */
const BIG_COMMANDS = [
  'openstack loadbalancer list',
  'openstack loadbalancer show lb-7',
  'openstack loadbalancer status show lb-7',
  'openstack loadbalancer member list pool-7',
  'openstack loadbalancer pool list',
  'openstack loadbalancer listener list',
  'openstack loadbalancer healthmonitor list',
  'openstack loadbalancer member set --weight 2 pool-7 $(openstack loadbalancer member list pool-7 -f value -c id | head -1)',
  'openstack port list',
  'openstack network list',
  'openstack server list',
  'openstack security group rule list web',
  'curl -s http://$FIP',
];

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.floor(a.length / 2)] ?? 0;
}

function bigCloud(): void {
  const t0 = performance.now();
  let s = bigLbSession(20, 10);
  const buildMs = performance.now() - t0;
  const times: number[] = [];
  const per = new Map<string, number[]>();
  for (let round = 0; round < 30; round++) {
    for (const line of BIG_COMMANDS) {
      const t = performance.now();
      const r = runLine(s, line);
      const dt = performance.now() - t;
      if (r.result.exitCode !== 0) throw new Error(`${line}: ${r.result.stderr}`);
      s = r.state;
      if (round < 5) continue; // warm-up
      times.push(dt);
      per.set(line, [...(per.get(line) ?? []), dt]);
    }
  }
  const o = s.cloud.octavia;
  console.log(
    `octavia: cloud with ${o?.loadBalancers.length ?? 0} load balancers × ${(o?.members.length ?? 0) / Math.max(1, o?.loadBalancers.length ?? 1)} members (${s.cloud.ports.length} ports, built in ${fmt(buildMs)} ms): median core command ${fmt(median(times), 3)} ms (target < 1 ms), p95 ${fmt([...times].sort((a, b) => a - b)[Math.floor(times.length * 0.95)] ?? 0, 3)} ms`,
  );
  for (const [line, xs] of per) console.log(`  ${fmt(median(xs), 3)} ms  ${line}`);
}

export function octaviaBench(): void {
  scenarioThroughput();
  curlRate();
  bigCloud();
}
