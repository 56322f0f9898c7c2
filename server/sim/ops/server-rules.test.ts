/** Neutron's server rules of issue 12 that goldens cannot pin alone: ids spent by failures, quotas per project, default groups, MAC spellings. */
import { describe, expect, it } from 'vitest';
import type { Cloud } from '../model/cloud.js';
import { bareCloud } from '../fixtures/build.js';
import { transact } from '../clone.js';
import { parseMac, validMac } from '../ipam.js';
import { listGroups } from '../api/neutron/index.js';
import { createNetwork, updateNetwork } from './network.js';
import { postNetwork } from '../api/neutron/requests/networks.js';
import { createPort } from './port.js';
import { createSubnet } from './subnet.js';
import { updateQuotas } from './quota.js';
import { createSecurityGroup, createSecurityGroupRule, deleteSecurityGroup, ensureDefaultGroup, type RuleCreate } from './security-group.js';

const fresh = (): Cloud => bareCloud(3);
const OTHER = '22222222222222222222222222222222';
const as = (c: Cloud, projectId: string, admin = false): Cloud => Object.assign(c, { auth: { ...c.auth, projectId, admin } });

describe('ids a failed create spends', () => {
  it('a network refused for its MTU spends an id: the next one gets another', () => {
    const c = fresh();
    const ok = transact(c, (d) => createNetwork(d, { name: 'n' }));
    const failed = transact(c, (d) => createNetwork(d, { name: 'n', mtu: 1451 }));
    expect(failed.ok).toBe(false);
    const after = transact(failed.cloud, (d) => createNetwork(d, { name: 'n' }));
    expect(ok.ok && after.ok && after.value.id !== ok.value.id).toBe(true);
  });

  it('a network refused by policy before Neutron draws its id spends none', () => {
    const c = as(fresh(), OTHER);
    // The API checks the policy before the plugin runs.
    const failed = transact(c, (d) => postNetwork(d, { name: 'n', shared: true }));
    expect(failed.ok).toBe(false);
    expect(failed.cloud.rng).toEqual(c.rng);
  });

  it('a subnet that overlaps another spends an id; one refused for its gateway does not', () => {
    const c = fresh();
    const net = createNetwork(c, { name: 'n' });
    createSubnet(c, { name: 's', networkId: net.id, ipVersion: 4, cidr: '10.0.0.0/24' });
    const overlap = transact(c, (d) => createSubnet(d, { name: 't', networkId: net.id, ipVersion: 4, cidr: '10.0.0.0/25' }));
    expect(overlap.ok).toBe(false);
    expect(overlap.cloud.rng).not.toEqual(c.rng);
    const badGateway = transact(c, (d) => createSubnet(d, { name: 't', networkId: net.id, ipVersion: 4, cidr: '10.1.0.0/24', gatewayIp: 'x' }));
    expect(badGateway.ok).toBe(false);
    expect(badGateway.cloud.rng).toEqual(c.rng);
  });

  it('a port whose MAC address is taken spends an id', () => {
    const c = fresh();
    const net = createNetwork(c, { name: 'n' });
    createPort(c, { networkId: net.id, macAddress: 'fa:16:3e:00:00:01' });
    const failed = transact(c, (d) => createPort(d, { networkId: net.id, macAddress: 'fa:16:3e:00:00:01' }));
    expect(failed.ok).toBe(false);
    expect(failed.cloud.rng).not.toEqual(c.rng);
    expect(failed.cloud.ports).toBe(c.ports);
  });
});

describe('network MTU', () => {
  it('refuses a set above the network type’s maximum and keeps the old value', () => {
    const c = fresh();
    const net = createNetwork(c, { name: 'n' });
    expect(() => updateNetwork(c, net, { mtu: 1451 })).toThrowError('Invalid input for operation: Requested MTU is too big, maximum is 1450.');
    const vlan = createNetwork(c, { name: 'v', networkType: 'vlan', physicalNetwork: 'physnet1' });
    expect(() => updateNetwork(c, vlan, { mtu: 1501 })).toThrowError('maximum is 1500.');
    expect(updateNetwork(c, vlan, { mtu: 1500 }).mtu).toBe(1500);
  });
});

describe('quotas set for another project', () => {
  it('hold when that project creates, and not for the admin’s own project', () => {
    const c = fresh();
    updateQuotas(c, OTHER, { network: 1 });
    createNetwork(c, { name: 'admin-1' });
    createNetwork(c, { name: 'admin-2' });
    as(c, OTHER);
    createNetwork(c, { name: 'mine' });
    expect(() => createNetwork(c, { name: 'two' })).toThrowError("Quota exceeded for resources: ['network'].");
  });

  it('count the default group against security_group once it is there', () => {
    const c = fresh();
    updateQuotas(c, OTHER, { security_group: 1 });
    as(c, OTHER);
    // The quota is checked before Neutron makes the default group, so the first group gets in.
    createSecurityGroup(c, { name: 'g' });
    expect(c.securityGroups.filter((g) => g.projectId === OTHER).map((g) => g.name)).toEqual(['default', 'g']);
    expect(() => createSecurityGroup(c, { name: 'h' })).toThrowError("Quota exceeded for resources: ['security_group'].");
  });
});

describe('the default security group', () => {
  it('is made on a project’s first list, and again after it was deleted', () => {
    const c = as(fresh(), OTHER);
    expect(listGroups(c).map((g) => g['name'])).toEqual(['default']);
    const first = c.securityGroups.find((g) => g.projectId === OTHER);
    as(c, OTHER, true);
    deleteSecurityGroup(c, first as NonNullable<typeof first>);
    as(c, OTHER);
    const again = listGroups(c);
    expect(again.map((g) => g['name'])).toEqual(['default']);
    expect(again[0]?.['id']).not.toBe(first?.id);
  });

  it('is never made by a member for another project', () => {
    const c = as(fresh(), OTHER);
    expect(ensureDefaultGroup(c, '33333333333333333333333333333333')).toBeNull();
    expect(c.securityGroups.some((g) => g.projectId === '33333333333333333333333333333333')).toBe(false);
  });
});

describe('duplicate security group rules', () => {
  const rule = (g: string, over: Partial<RuleCreate>): RuleCreate => ({
    securityGroupId: g,
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: 'tcp',
    portRangeMin: 22,
    portRangeMax: 22,
    remoteIpPrefix: null,
    remoteGroupId: null,
    ...over,
  });

  it('takes any-address prefixes as no prefix and protocol numbers as their names', () => {
    const c = fresh();
    const g = createSecurityGroup(c, { name: 'g' });
    const first = createSecurityGroupRule(c, rule(g.id, {}));
    const exists = `Security group rule already exists. Rule id is ${first.id}.`;
    expect(() => createSecurityGroupRule(c, rule(g.id, { remoteIpPrefix: '0.0.0.0/0' }))).toThrowError(exists);
    expect(() => createSecurityGroupRule(c, rule(g.id, { protocol: '6' }))).toThrowError(exists);
    const v6 = createSecurityGroupRule(c, rule(g.id, { ethertype: 'IPv6', protocol: 'ipv6-icmp', portRangeMin: null, portRangeMax: null }));
    for (const p of ['icmp', 'icmpv6', '58', '1']) {
      expect(() => createSecurityGroupRule(c, rule(g.id, { ethertype: 'IPv6', protocol: p, portRangeMin: null, portRangeMax: null, remoteIpPrefix: '::/0' }))).toThrowError(v6.id);
    }
    // For IPv4, icmpv6 (58) is not icmp (1).
    createSecurityGroupRule(c, rule(g.id, { protocol: 'icmp', portRangeMin: null, portRangeMax: null }));
    expect(createSecurityGroupRule(c, rule(g.id, { protocol: 'icmpv6', portRangeMin: null, portRangeMax: null })).protocol).toBe('icmpv6');
  });
});

describe('MAC addresses', () => {
  it('reads every spelling netaddr reads', () => {
    expect(parseMac('11:22:33')).toBe(0x001100220033n);
    expect(parseMac('aa-bb-cc-dd-ee-02')).toBe(0xaabbccddee02n);
    expect(parseMac('aabb.ccdd.ee03')).toBe(0xaabbccddee03n);
    expect(parseMac('112233-445566')).toBe(0x112233445566n);
    expect(parseMac('abbccddee05')).toBe(0x0abbccddee05n);
    expect(parseMac('1:2:3:4:5:6')).toBe(0x010203040506n);
  });

  it('refuses other spellings, whitespace, all zeros and broadcast', () => {
    for (const bad of ['', '11:22', '11:22:33:44', '00:11:22:33:44:55:66', '0x112233445566', 'zz:11:22:33:44:55', ' 11:22:33:44:55:aa', '11:22:33:44:55:aa\n', '12345-678', '0000.0000.0000', 'FF-FF-FF-FF-FF-FF']) {
      expect(validMac(bad)).toBe(false);
    }
  });

  it('stores an address as given and compares it as text', () => {
    const c = fresh();
    const net = createNetwork(c, { name: 'n' });
    expect(createPort(c, { networkId: net.id, macAddress: 'AA:BB:CC:DD:EE:01' }).macAddress).toBe('AA:BB:CC:DD:EE:01');
    expect(createPort(c, { networkId: net.id, macAddress: 'aa:bb:cc:dd:ee:01' }).macAddress).toBe('aa:bb:cc:dd:ee:01');
    expect(() => createPort(c, { networkId: net.id, macAddress: 'AA:BB:CC:DD:EE:01' })).toThrowError('The mac address AA:BB:CC:DD:EE:01 is in use.');
  });
});
