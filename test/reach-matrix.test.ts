/** Reachability matrix over the Infomaniak scenarios (public-cloud fixture), through the one path query. */
import { describe, expect, it } from 'vitest';
import { PUBLIC_VM, publicCloudAfter } from './support/public-cloud.js';
import type { SessionState } from '../server/shell/session.js';
import { trace, type Endpoint, type Proto } from '../server/sim/reach.js';

const setup = publicCloudAfter;

function ipOf(s: SessionState, server: string, v: 4 | 6): string {
  const srv = s.cloud.servers.find((x) => x.name === server);
  const port = s.cloud.ports.find((p) => p.id === srv?.nics[0]?.portId);
  const ip = port?.fixedIps.find((f) => f.ipAddress.includes(':') === (v === 6))?.ipAddress;
  if (!ip) throw new Error(`no IPv${v} on ${server}`);
  return ip;
}

const VM = PUBLIC_VM;
const laptop: Endpoint = { kind: 'laptop' };
const verdict = (s: SessionState, from: Endpoint, to: string, proto: Proto, port: number | null) => trace(s.cloud, from, to, proto, port).verdict;

describe('scenario: VM on the shared provider network ext-net1', () => {
  const base = [`${VM} --network ext-net1 vm1`];
  it('default group: nothing gets in from outside', () => {
    const s = setup(base);
    expect(verdict(s, laptop, ipOf(s, 'vm1', 4), 'icmp', null)).toBe('dropped');
    expect(verdict(s, laptop, ipOf(s, 'vm1', 4), 'tcp', 22)).toBe('dropped');
  });
  it('an IPv4 icmp rule opens ping over IPv4 only', () => {
    const s = setup([...base, 'openstack security group rule create --proto icmp default']);
    expect(verdict(s, laptop, ipOf(s, 'vm1', 4), 'icmp', null)).toBe('ok');
    expect(verdict(s, laptop, ipOf(s, 'vm1', 6), 'icmp', null)).toBe('dropped');
    expect(verdict(s, laptop, ipOf(s, 'vm1', 4), 'tcp', 22)).toBe('dropped');
  });
  it('the VM reaches the internet over IPv4 and IPv6 through the provider router, without NAT', () => {
    const s = setup(base);
    const vm: Endpoint = { kind: 'vm', serverId: s.cloud.servers[0]?.id ?? '' };
    const t4 = trace(s.cloud, vm, '8.8.8.8', 'icmp', null);
    expect(t4.verdict).toBe('ok');
    expect(t4.hops.some((h) => h.nat !== undefined)).toBe(false);
    expect(verdict(s, vm, '2001:4860:4860::8888', 'icmp', null)).toBe('ok');
  });
  it('tcp/22 rule opens ssh', () => {
    const s = setup([...base, 'openstack security group rule create --proto tcp --dst-port 22 default']);
    expect(verdict(s, laptop, ipOf(s, 'vm1', 4), 'tcp', 22)).toBe('ok');
    expect(verdict(s, laptop, ipOf(s, 'vm1', 4), 'tcp', 80)).toBe('dropped');
  });
});

describe('scenario: private network behind a router with floating IPs', () => {
  const base = [
    'openstack network create priv',
    'openstack subnet create --network priv --subnet-range 10.1.0.0/24 priv-v4',
    'openstack router create r1',
    'openstack router add subnet r1 priv-v4',
    `${VM} --network priv vm1`,
  ];
  it('without an external gateway the VM cannot leave', () => {
    const s = setup(base);
    const vm: Endpoint = { kind: 'vm', serverId: s.cloud.servers[0]?.id ?? '' };
    expect(trace(s.cloud, vm, '8.8.8.8', 'icmp', null)).toMatchObject({ verdict: 'net-unreachable', reason: 'router has no external gateway' });
    expect(verdict(s, laptop, ipOf(s, 'vm1', 4), 'icmp', null)).toBe('dropped');
  });
  it('with a gateway the VM leaves through SNAT; the FIP needs an ingress rule', () => {
    const s = setup([...base, 'openstack router set --external-gateway ext-floating1 r1', 'openstack floating ip create --port vm1-port ext-floating1'].filter((l) => !l.includes('vm1-port')));
    const vm: Endpoint = { kind: 'vm', serverId: s.cloud.servers[0]?.id ?? '' };
    expect(trace(s.cloud, vm, '8.8.8.8', 'icmp', null)).toMatchObject({ verdict: 'ok', reason: 'router SNAT' });
    const port = s.cloud.servers[0]?.nics[0]?.portId ?? '';
    const s2 = setup([...base, 'openstack router set --external-gateway ext-floating1 r1', `openstack floating ip create --port ${port} ext-floating1`]);
    const fip = s2.cloud.floatingIps[0]?.floatingIpAddress ?? '';
    expect(verdict(s2, laptop, fip, 'icmp', null)).toBe('dropped');
    const s3 = setup([...base, 'openstack router set --external-gateway ext-floating1 r1', `openstack floating ip create --port ${port} ext-floating1`, 'openstack security group rule create --proto icmp default']);
    expect(verdict(s3, laptop, s3.cloud.floatingIps[0]?.floatingIpAddress ?? '', 'icmp', null)).toBe('ok');
    expect(verdict(s3, laptop, ipOf(s3, 'vm1', 4), 'icmp', null)).toBe('dropped');
  });
  it('SNAT disabled (admin-only, so set in the data) and no floating IP: the VM gets no replies', () => {
    const s0 = setup([...base, 'openstack router set --external-gateway ext-floating1 r1']);
    const s = { ...s0, cloud: { ...s0.cloud, routers: s0.cloud.routers.map((r) => (r.gateway ? { ...r, gateway: { ...r.gateway, enableSnat: false } } : r)) } };
    const vm: Endpoint = { kind: 'vm', serverId: s.cloud.servers[0]?.id ?? '' };
    expect(trace(s.cloud, vm, '8.8.8.8', 'icmp', null)).toMatchObject({ verdict: 'dropped', reason: 'SNAT disabled and no floating IP' });
  });
});

describe('scenario: IPv6 self-service subnet routed without NAT', () => {
  it('the VM IPv6 address is reachable once an IPv6 rule exists', () => {
    const base = [
      'openstack network create priv6',
      'openstack subnet create --network priv6 --ip-version 6 --subnet-pool poolv6-selfservice1 --ipv6-ra-mode slaac --ipv6-address-mode slaac priv6-sub',
      'openstack router create r6',
      'openstack router set --external-gateway ext-provider1 r6',
      'openstack router add subnet r6 priv6-sub',
      `${VM} --network priv6 --config-drive true vm6`,
    ];
    const s = setup(base);
    expect(verdict(s, laptop, ipOf(s, 'vm6', 6), 'icmp', null)).toBe('dropped');
    const s2 = setup([...base, 'openstack security group rule create --proto ipv6-icmp --ethertype IPv6 default']);
    expect(trace(s2.cloud, laptop, ipOf(s2, 'vm6', 6), 'icmp', null)).toMatchObject({ verdict: 'ok', reason: 'IPv6 routed without NAT' });
  });
});

describe('scenario: public IPv4 subnet from the shared pool (same address scope)', () => {
  it('is routed without NAT; a private subnet is not', () => {
    const s = setup([
      'openstack network create pub',
      'openstack subnet create --network pub --subnet-pool poolv4-selfservice1 pub-v4',
      'openstack router create rp',
      'openstack router set --external-gateway ext-provider1 rp',
      'openstack router add subnet rp pub-v4',
      `${VM} --network pub vmp`,
      'openstack security group rule create --proto icmp default',
    ]);
    // public-cloud's BGP speaker on ext-provider1 announces the subnet to the upstream router.
    const cidr = s.cloud.subnets.find((x) => x.name === 'pub-v4')?.cidr ?? '';
    expect(trace(s.cloud, laptop, ipOf(s, 'vmp', 4), 'icmp', null)).toMatchObject({ verdict: 'ok',
      reason: expect.stringMatching(`^same address scope: routed without NAT; ${cidr} announced by BGP \\(next hop 198\\.51\\.100\\.\\d+\\)$`) });
  });
});

describe('scenario: addresses that never reach the VM', () => {
  it('--no-dhcp subnet: the VM has no address unless a config drive carries it', () => {
    const base = [
      'openstack network create nodhcp',
      'openstack subnet create --network nodhcp --subnet-range 10.9.0.0/24 --no-dhcp nodhcp-sub',
      'openstack router create rn',
      'openstack router set --external-gateway ext-floating1 rn',
      'openstack router add subnet rn nodhcp-sub',
    ];
    const s = setup([...base, `${VM} --network nodhcp vmn`]);
    const vm: Endpoint = { kind: 'vm', serverId: s.cloud.servers[0]?.id ?? '' };
    expect(trace(s.cloud, vm, '8.8.8.8', 'icmp', null)).toMatchObject({ verdict: 'net-unreachable', hops: [] });
    const s2 = setup([...base, `${VM} --network nodhcp --config-drive true vmn`]);
    const vm2: Endpoint = { kind: 'vm', serverId: s2.cloud.servers[0]?.id ?? '' };
    expect(trace(s2.cloud, vm2, '8.8.8.8', 'icmp', null).verdict).toBe('ok');
  });
  it('IPv6-only VM has no IPv4 path at all', () => {
    const s = setup([`${VM} --network ext-v6only1 v6`]);
    const vm: Endpoint = { kind: 'vm', serverId: s.cloud.servers[0]?.id ?? '' };
    expect(trace(s.cloud, vm, '8.8.8.8', 'icmp', null).verdict).toBe('net-unreachable');
  });
});

describe('scenario: two routers, each with its own private network', () => {
  const s = setup([
    'openstack network create a-net', 'openstack subnet create --network a-net --subnet-range 10.1.0.0/24 a-sub',
    'openstack network create b-net', 'openstack subnet create --network b-net --subnet-range 10.2.0.0/24 b-sub',
    'openstack router create ra', 'openstack router set --external-gateway ext-floating1 ra', 'openstack router add subnet ra a-sub',
    'openstack router create rb', 'openstack router set --external-gateway ext-floating1 rb', 'openstack router add subnet rb b-sub',
    `${VM} --network a-net vma`, `${VM} --network b-net vmb`,
    'openstack security group rule create --proto icmp default',
  ]);
  const vma: Endpoint = { kind: 'vm', serverId: s.cloud.servers.find((x) => x.name === 'vma')?.id ?? '' };
  it('a fixed IP behind the other router is not reached: the router sends it out of its gateway, where it is not routed', () => {
    const to = ipOf(s, 'vmb', 4);
    expect(trace(s.cloud, vma, to, 'icmp', null)).toMatchObject({ verdict: 'dropped',
      reason: `${to} is a fixed IP behind another router: ra has no interface on its network and sends it out of its gateway, where fixed IPs are not routed` });
  });
  it('the Internet still is', () => {
    expect(verdict(s, vma, '8.8.8.8', 'icmp', null)).toBe('ok');
  });
});
