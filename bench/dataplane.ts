/**
 * Data-plane bench: rendering `iptables-save` and `ip addr` in the namespace of a router with 10
 * interfaces and 50 floating IPs, and pings per second through the reach query.
 */
import { performance } from 'node:perf_hooks';
import { createSession, runLine, type SessionState } from '../server/shell/session.js';
import { runOnHost } from '../server/cli/linux/index.js';

export function bigRouterSession(): SessionState {
  let s = createSession({ fixture: 'network-node', seed: 7 });
  const run = (l: string) => {
    const r = runLine(s, l);
    if (r.result.exitCode !== 0) throw new Error(`${l}: ${r.result.stderr}`);
    s = r.state;
    return r.result.stdout;
  };
  run('openstack network create --external --provider-network-type flat --provider-physical-network default public');
  run('openstack subnet create --network public --subnet-range 180.180.0.0/16 --no-dhcp public-sub');
  run('openstack router create big');
  run('openstack router set --external-gateway public big');
  for (let i = 0; i < 10; i++) {
    run(`openstack network create n${i}`);
    run(`openstack subnet create --network n${i} --subnet-range 10.${i}.0.0/24 s${i}`);
    run(`openstack router add subnet big s${i}`);
  }
  for (let i = 0; i < 50; i++) {
    const id = run(`openstack port create --network n${i % 10} -f value -c id p${i}`).trim();
    run(`openstack floating ip create --port ${id} public`);
  }
  return s;
}

function rate(label: string, fn: () => void): void {
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) { fn(); n++; }
  const ms = (performance.now() - t0) / n;
  console.log(`dataplane: ${label}: ${ms.toFixed(3)} ms each (${Math.round(1000 / ms)}/s)`);
}

export function dataplaneBench(): void {
  const s = bigRouterSession();
  const router = s.cloud.routers.find((r) => r.name === 'big');
  const ns = `qrouter-${router?.id ?? ''}`;
  const ctx = { cloud: s.cloud, host: 'network', env: {}, columns: 80 };
  rate('iptables-save, router with 10 interfaces and 50 floating IPs', () => { runOnHost(ctx, ['ip', 'netns', 'exec', ns, 'iptables-save']); });
  rate('ip addr, same router', () => { runOnHost(ctx, ['ip', 'netns', 'exec', ns, 'ip', 'addr']); });
  const fip = s.cloud.floatingIps[0]?.floatingIpAddress ?? '';
  rate(`ping -c 1 ${fip} from the laptop (reach query)`, () => { runOnHost({ ...ctx, host: 'laptop' }, ['ping', '-c', '1', fip]); });
}
