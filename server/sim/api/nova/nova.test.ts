/** The Nova and Glance API modules: dictionaries, list filters, errors and the writes they own. */
import { describe, expect, it } from 'vitest';
import type { Cloud } from '../../model/cloud.js';
import { bareCloud } from '../../fixtures/build.js';
import { createNetwork } from '../../ops/network.js';
import { createSubnet } from '../../ops/subnet.js';
import { settle } from '../../ops/server.js';
import { SimError } from '../../errors.js';
import { transact } from '../../clone.js';
import { listImages, showImage } from '../glance/index.js';
import {
  createKeypair,
  createSecurityGroupRule,
  createServer,
  deleteKeypair,
  importKeypair,
  listFlavors,
  listKeypairs,
  listServers,
  showQuotaSet,
  showServer,
  updateQuotaSet,
} from './index.js';

const base = bareCloud(7, {
  flavors: [{ id: '2', name: 'm1.small', ram: 2048, disk: 20, vcpus: 1 }, { id: '1', name: 'm1.tiny', ram: 512, disk: 1, vcpus: 1 }],
  images: [{ name: 'cirros', os: 'cirros', user: 'cirros', size: 1000 }],
});
const net = createNetwork(base, { name: 'net1' });
createSubnet(base, { name: 'sub1', networkId: net.id, cidr: '10.0.0.0/24', ipVersion: 4 } as Parameters<typeof createSubnet>[1]);
const asMember = (c: Cloud): Cloud => ({ ...c, auth: { ...c.auth, admin: false } });
const imageId = (base.images[0] as { id: string }).id;

function withServer(name: string): { cloud: Cloud; id: string } {
  const r = transact(base, (c) => String(createServer(c, { name, flavorId: '1', imageId })['id']));
  if (!r.ok) throw r.error;
  return { cloud: r.cloud, id: r.value };
}

describe('sim/api/nova', () => {
  it('boots a server: BUILD with an admin password, ACTIVE with its addresses once settled', () => {
    const r = transact(base, (c) => createServer(c, { name: 'vm1', flavorId: '1', imageId }));
    if (!r.ok) throw r.error;
    expect(r.value['status']).toBe('BUILD');
    expect(r.value['adminPass']).toMatch(/^[A-Za-z0-9]{12}$/);
    // A published cloud never changes (its ports are even frozen): the next tick runs on a draft.
    const next = transact(r.cloud, (w) => {
      w.tick += 1;
      settle(w);
    });
    if (!next.ok) throw next.error;
    const c = next.cloud;
    const d = showServer(c, String(r.value['id']));
    expect(d['status']).toBe('ACTIVE');
    expect(d['OS-EXT-STS:power_state']).toBe(1);
    const addrs = d['addresses'] as { [k: string]: Array<{ [k: string]: unknown }> };
    expect(Object.keys(addrs)).toEqual(['net1']);
    expect(addrs['net1']?.[0]).toMatchObject({ version: 4, 'OS-EXT-IPS:type': 'fixed' });
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('hides the OS-EXT-SRV-ATTR keys from a member', () => {
    const { cloud, id } = withServer('vm1');
    expect('OS-EXT-SRV-ATTR:host' in showServer(cloud, id)).toBe(true);
    expect(Object.keys(showServer(asMember(cloud), id)).filter((k) => k.startsWith('OS-EXT-SRV-ATTR'))).toEqual([]);
  });

  it('lists newest first and filters with the caller\'s matchers', () => {
    let c = withServer('web-1').cloud;
    const r = transact(c, (w) => createServer(w, { name: 'db-1', flavorId: '2', imageId }));
    if (!r.ok) throw r.error;
    c = r.cloud;
    expect(listServers(c).map((d) => d['name'])).toEqual(['db-1', 'web-1']);
    expect(listServers(c, { name: (s) => s.startsWith('web') }).map((d) => d['name'])).toEqual(['web-1']);
    expect(listServers(c, { flavorId: '2' }).map((d) => d['name'])).toEqual(['db-1']);
    expect(listServers(c, { ip: (s) => s.startsWith('10.0.0.') })).toHaveLength(2);
    expect(listServers(c, { ip6: () => true })).toEqual([]);
    expect(listServers(c, { limit: 1 })).toHaveLength(1);
  });

  it('creates, imports and deletes key pairs with the quota and Nova\'s errors', () => {
    const r = transact(base, (c) => {
      const made = createKeypair(c, 'k1');
      expect(String(made['private_key'])).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
      expect('private_key' in importKeypair(c, 'k2')).toBe(false);
      expect(() => createKeypair(c, 'k1')).toThrowError("Key pair 'k1' already exists.");
      expect(listKeypairs(c).map((k) => k['name'])).toEqual(['k1', 'k2']);
      deleteKeypair(c, 'k2');
      expect(() => deleteKeypair(c, 'k2')).toThrowError(new SimError(404, `Keypair k2 not found for user ${c.auth.userId}`, '/os-keypairs/k2', 'compute'));
      updateQuotaSet(c, c.auth.projectId, { key_pairs: 1 });
      expect(() => createKeypair(c, 'k3')).toThrowError('Quota exceeded, too many key pairs.');
      return showQuotaSet(c, c.auth.projectId);
    });
    if (!r.ok) throw r.error;
    expect(r.value['key_pairs']).toBe(1);
    expect(base.keypairs).toEqual([]);
  });

  it('refuses a quota update from a member', () => {
    const c = asMember(base);
    expect(() => updateQuotaSet(c, c.auth.projectId, { instances: 1 })).toThrowError(/os_compute_api:os-quota-sets:update/);
  });

  it('checks the security group proxy\'s ports and turns Neutron\'s duplicate into a 400', () => {
    const g = base.securityGroups[0];
    if (!g) throw new Error('no default group');
    const rule = { parentGroupId: g.id, ipProtocol: 'TCP', fromPort: '22', toPort: '22', cidr: '0.0.0.0/0' };
    expect(() => createSecurityGroupRule(base, { ...rule, fromPort: 'x' })).toThrowError('Invalid port range');
    const r = transact(base, (c) => {
      expect(createSecurityGroupRule(c, rule)).toMatchObject({ ip_protocol: 'tcp', from_port: 22, to_port: 22, ip_range: { cidr: '0.0.0.0/0' } });
      createSecurityGroupRule(c, rule);
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && (r.error as SimError).message).toBe(`This rule already exists in group ${g.id}`);
  });

  it('lists flavors by id with swap as "" when there is none', () => {
    expect(listFlavors(base).map((f) => [f['id'], f['swap']])).toEqual([['1', ''], ['2', '']]);
  });
});

describe('sim/api/glance', () => {
  it('returns images with their extra properties, and a 404', () => {
    expect(listImages(base).map((i) => i['name'])).toEqual(['cirros']);
    expect(showImage(base, imageId)).toMatchObject({ os_hidden: false, os_distro: 'cirros', file: `/v2/images/${imageId}/file` });
    expect(() => showImage(base, 'nosuch')).toThrowError('No image found with ID nosuch');
  });
});
