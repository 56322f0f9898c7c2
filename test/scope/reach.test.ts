/**
 * Reachability through a router with address scopes (public-cloud: ext-provider1 and the pool
 * poolv4-selfservice1 are in public-v4): same scope leaves with its own address, different scopes
 * on one router are dropped, and BGP decides whether the Internet routes back.
 */
import { describe, expect, it } from 'vitest';
import { PUBLIC_VM, publicCloudAfter, SCOPED_ROUTER } from '../support/public-cloud.js';
import type { SessionState } from '../../server/shell/session.js';
import type { BgpSpeaker } from '../../server/sim/model/bgp.js';
import { trace, type Endpoint } from '../../server/sim/reach.js';

const setup = publicCloudAfter;

const VM = PUBLIC_VM;
const laptop: Endpoint = { kind: 'laptop' };
const vm = (s: SessionState, name: string): Endpoint => ({ kind: 'vm', serverId: s.cloud.servers.find((x) => x.name === name)?.id ?? '' });
function ipOf(s: SessionState, name: string): string {
  const srv = s.cloud.servers.find((x) => x.name === name);
  return s.cloud.ports.find((p) => p.id === srv?.nics[0]?.portId)?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';
}

const BASE = SCOPED_ROUTER;

/** The provider's BGP speaker on ext-provider1 (public-cloud's): changed in the data, as its settings are admin-only. */
function speaker(s: SessionState, change: (sp: BgpSpeaker) => BgpSpeaker, agentSpeakers?: Record<string, string[]>): SessionState {
  const bgp = s.cloud.bgp!;
  return { ...s, cloud: { ...s.cloud, bgp: { ...bgp, speakers: bgp.speakers.map(change), agentSpeakers: agentSpeakers ?? bgp.agentSpeakers } } };
}
const notAdvertising = (s: SessionState) => speaker(s, (sp) => ({ ...sp, advertiseTenantNetworks: false }));

describe('same address scope through the gateway', () => {
  const s = setup(BASE);
  it('leaves without SNAT: no hop translates the VM address', () => {
    const t = trace(s.cloud, vm(s, 'vmp'), '8.8.8.8', 'icmp', null);
    expect(t).toMatchObject({ verdict: 'ok' });
    expect(t.reason).toMatch(/^same address scope: routed without NAT; /);
    expect(t.hops.every((h) => h.nat === undefined)).toBe(true);
    expect(t.hops.at(-1)?.address).toBe('8.8.8.8');
  });
  it('an unscoped subnet on the same router is still SNATed', () => {
    const t = trace(s.cloud, vm(s, 'vmq'), '8.8.8.8', 'icmp', null);
    expect(t).toMatchObject({ verdict: 'ok', reason: 'router SNAT' });
    expect(t.hops.some((h) => h.nat === 'SNAT -> router gateway')).toBe(true);
  });
});

describe('between scopes on one router', () => {
  const s = setup(BASE);
  it('is dropped both ways, and the reason names the scopes', () => {
    expect(trace(s.cloud, vm(s, 'vmq'), ipOf(s, 'vmp'), 'icmp', null)).toMatchObject({ verdict: 'dropped',
      reason: 'the router drops traffic between address scopes: from no address scope to address scope public-v4 (filter chain neutron-l3-agent-scope)' });
    expect(trace(s.cloud, vm(s, 'vmp'), ipOf(s, 'vmq'), 'icmp', null)).toMatchObject({ verdict: 'dropped',
      reason: 'the router drops traffic between address scopes: from address scope public-v4 to no address scope (filter chain neutron-l3-agent-scope)' });
  });
  it('the router still answers as the first hop (it drops when forwarding)', () => {
    const t = trace(s.cloud, vm(s, 'vmq'), ipOf(s, 'vmp'), 'icmp', null);
    expect(t.hops.map((h) => h.address)).toEqual(['10.42.0.1']);
  });
});

describe('reachable from the Internet only when announced', () => {
  it('a speaker that does not announce the prefix: neither in nor back out', () => {
    const s = notAdvertising(setup(BASE));
    const ip = ipOf(s, 'vmp');
    const why = `${ip} is routed without NAT, but no BGP speaker announces a prefix covering it: the Internet has no route back to it`;
    expect(trace(s.cloud, laptop, ip, 'icmp', null)).toEqual({ hops: [], verdict: 'dropped', reason: why });
    expect(trace(s.cloud, vm(s, 'vmp'), '8.8.8.8', 'icmp', null)).toMatchObject({ verdict: 'dropped', reason: why });
  });
  it('once the speaker announces the subnet, the VM is reached by its own address', () => {
    const s = setup(BASE);
    const ip = ipOf(s, 'vmp');
    const cidr = s.cloud.subnets.find((x) => x.name === 'pub-v4')?.cidr;
    const t = trace(s.cloud, laptop, ip, 'icmp', null);
    expect(t.verdict).toBe('ok');
    expect(t.reason).toMatch(new RegExp(`^same address scope: routed without NAT; ${cidr?.replace(/\./g, '\\.')} announced by BGP \\(next hop 198\\.51\\.100\\.\\d+\\)$`));
    expect(t.hops.at(-1)?.address).toBe(ip);
    expect(trace(s.cloud, vm(s, 'vmp'), '8.8.8.8', 'icmp', null).verdict).toBe('ok');
  });
  it('a speaker without a peer, or that no DR agent hosts, announces nothing upstream', () => {
    const base = setup(BASE);
    const ip = ipOf(base, 'vmp');
    const cidr = base.cloud.subnets.find((x) => x.name === 'pub-v4')?.cidr ?? '';
    const lonely = speaker(base, (sp) => ({ ...sp, peerIds: [] }));
    expect(trace(lonely.cloud, laptop, ip, 'icmp', null)).toMatchObject({ verdict: 'dropped',
      reason: `${ip} is routed without NAT, but BGP speaker ext-provider1-v4 advertises ${cidr} and has no peer to announce it to: the Internet has no route back to it` });
    const unhosted = speaker(base, (sp) => sp, {});
    expect(trace(unhosted.cloud, laptop, ip, 'icmp', null)).toMatchObject({ verdict: 'dropped',
      reason: `${ip} is routed without NAT, but BGP speaker ext-provider1-v4 advertises ${cidr} and no BGP dynamic routing agent hosts it: the Internet has no route back to it` });
  });
  it('an unscoped address stays private whatever is announced', () => {
    const s = setup(BASE);
    expect(trace(s.cloud, laptop, ipOf(s, 'vmq'), 'icmp', null)).toMatchObject({ verdict: 'dropped', reason: `${ipOf(s, 'vmq')} is not an address the laptop can reach (fixed IPs are private)` });
  });
});

describe('a scoped subnet behind a gateway of another scope', () => {
  it('is SNATed, and the laptop is told why its address is not reached', () => {
    const s = setup(['openstack network create pub', 'openstack subnet create --network pub --subnet-pool poolv4-selfservice1 pub-v4',
      'openstack router create rf', 'openstack router set --external-gateway ext-floating1 rf', 'openstack router add subnet rf pub-v4',
      `${VM} --network pub vmp`, 'openstack security group rule create --proto icmp default']);
    const ip = ipOf(s, 'vmp');
    expect(trace(s.cloud, laptop, ip, 'icmp', null)).toMatchObject({ verdict: 'dropped',
      reason: `${ip} is in address scope public-v4, but its router's gateway is in no address scope: the router SNATs it and the Internet has no route to it` });
    expect(trace(s.cloud, vm(s, 'vmp'), '8.8.8.8', 'icmp', null)).toMatchObject({ verdict: 'ok', reason: 'router SNAT' });
  });
});

describe('SNAT disabled', () => {
  const snatOff = (s: SessionState): SessionState => ({ ...s, cloud: { ...s.cloud,
    routers: s.cloud.routers.map((r) => (r.gateway ? { ...r, gateway: { ...r.gateway, enableSnat: false } } : r)) } });
  it('the same scope still leaves by its own address; another scope is dropped at the gateway', () => {
    const s = snatOff(setup(BASE));
    expect(trace(s.cloud, vm(s, 'vmp'), '8.8.8.8', 'icmp', null).verdict).toBe('ok');
    expect(trace(s.cloud, vm(s, 'vmq'), '8.8.8.8', 'icmp', null)).toMatchObject({ verdict: 'dropped',
      reason: 'SNAT disabled: the router drops traffic from no address scope to the external network in address scope public-v4 (filter chain neutron-l3-agent-scope)' });
  });
});
