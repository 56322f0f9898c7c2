/** The load balancer as a hop of the reach query: the VIP's security group, the listener, the members. */
import { describe, expect, it } from 'vitest';
import { trace, type Endpoint } from '../../server/sim/reach.js';
import { traceThroughLb } from '../../server/sim/dataplane/lb-reach.js';
import { objects, run, webCloud, withLb, type LbSpec } from './build.js';

const laptop: Endpoint = { kind: 'laptop' };

/** A load balancer with a floating IP on its VIP port. */
function withFip(spec: LbSpec = {}) {
  const s0 = withLb(webCloud(), spec);
  const s = run(s0, [`openstack floating ip create --port ${objects(s0.cloud).lb.vipPortId} ext-floating1`]);
  const fip = s.cloud.floatingIps.find((f) => f.portId === objects(s.cloud).lb.vipPortId)?.floatingIpAddress ?? '';
  return { s, fip, lb: objects(s.cloud).lb };
}

describe('reach to a load balancer VIP', () => {
  it('from the laptop through a floating IP: the listener port gets in, others are dropped by lb-<id>', () => {
    const { s, fip, lb } = withFip();
    const ok = trace(s.cloud, laptop, fip, 'tcp', 80);
    expect(ok).toMatchObject({ verdict: 'ok', hops: [{ address: fip, nat: `DNAT ${fip} -> ${lb.vipAddress}` }, { address: lb.vipAddress }] });
    expect(ok.reason).toBe(`floating IP DNAT; listener ${objects(s.cloud).listener?.id} of load balancer ${lb.id} on its VIP`);
    expect(trace(s.cloud, laptop, fip, 'tcp', 22)).toMatchObject({
      verdict: 'dropped',
      reason: `no listener of load balancer ${lb.id} on tcp/22: the VIP's security group lb-${lb.id} admits only listener ports`,
    });
    expect(trace(s.cloud, laptop, fip, 'icmp', null)).toMatchObject({ verdict: 'dropped', reason: `no listener of load balancer ${lb.id} on icmp: the VIP's security group lb-${lb.id} admits only listener ports` });
  });

  it('a disabled listener: its port is still open in lb-<id>, the amphora resets the connection', () => {
    const { s, fip, lb } = withFip({ listeners: [{ adminStateUp: false }] });
    expect(trace(s.cloud, laptop, fip, 'tcp', 80)).toMatchObject({ verdict: 'refused', reason: `floating IP DNAT; no enabled listener of load balancer ${lb.id} on tcp/80: the amphora resets the connection` });
  });

  it("allowed CIDRs: the group admits only them, and says so", () => {
    const { s, fip, lb } = withFip({ listeners: [{ allowedCidrs: ['192.0.2.0/24'] }] });
    expect(trace(s.cloud, laptop, fip, 'tcp', 80)).toMatchObject({ verdict: 'dropped', reason: `the VIP's security group lb-${lb.id} allows no tcp/80 from this source (the listener's allowed CIDRs)` });
  });

  it('from a VM on the VIP subnet: the VIP directly', () => {
    const s = withLb(webCloud());
    const vm: Endpoint = { kind: 'vm', serverId: s.cloud.servers[0]?.id ?? '' };
    const { lb } = objects(s.cloud);
    expect(trace(s.cloud, vm, lb.vipAddress, 'tcp', 80)).toMatchObject({ verdict: 'ok', hops: [{ address: lb.vipAddress }] });
    expect(trace(s.cloud, vm, lb.vipAddress, 'tcp', 8080).verdict).toBe('dropped');
  });

  it('from a VM on another subnet of the router: routed east-west to the VIP', () => {
    const s = run(withLb(webCloud()), [
      'openstack network create other',
      'openstack subnet create --network other --subnet-range 10.2.0.0/24 other-v4',
      'openstack router add subnet r1 other-v4',
      'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network other client',
    ]);
    const client: Endpoint = { kind: 'vm', serverId: s.cloud.servers.find((v) => v.name === 'client')?.id ?? '' };
    const { lb } = objects(s.cloud);
    expect(trace(s.cloud, client, lb.vipAddress, 'tcp', 80)).toMatchObject({ verdict: 'ok', hops: [{ address: '10.2.0.1' }, { address: lb.vipAddress }] });
    expect(trace(s.cloud, client, lb.vipAddress, 'tcp', 443).reason).toBe(`no listener of load balancer ${lb.id} on tcp/443: the VIP's security group lb-${lb.id} admits only listener ports`);
  });

  it('traceThroughLb explains a listener that cannot serve: no healthy member', () => {
    const { s, fip } = withFip();
    expect(traceThroughLb(s.cloud, laptop, fip, 'tcp', 80)).toEqual(trace(s.cloud, laptop, fip, 'tcp', 80));
    const down = run(s, ['openstack server stop web1', 'openstack server stop web2']);
    const pool = objects(down.cloud).pools[0]?.id ?? '';
    const t = traceThroughLb(down.cloud, laptop, fip, 'tcp', 80);
    expect(t.verdict).toBe('ok');
    expect(t.reason).toMatch(new RegExp(`; no healthy member in pool ${pool}: HAProxy answers 503 Service Unavailable$`));
  });

  it('traceThroughLb: no default pool; a TCP listener closes instead of answering 503', () => {
    const { s, fip, lb } = withFip({ listeners: [{ defaultPoolId: null, protocol: 'TCP' }] });
    const l = objects(s.cloud).listener?.id ?? '';
    expect(traceThroughLb(s.cloud, laptop, fip, 'tcp', 80).reason).toBe(`floating IP DNAT; listener ${l} of load balancer ${lb.id} on its VIP; listener ${l} has no default pool: HAProxy closes the connection`);
  });
});
