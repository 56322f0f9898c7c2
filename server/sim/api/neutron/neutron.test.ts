/** The Neutron API module: dictionaries, policy, list queries, errors and the writes it owns. */
import { describe, expect, it } from 'vitest';
import type { Cloud } from '../../model/cloud.js';
import { bareCloud } from '../../fixtures/build.js';
import { createNetwork } from '../../ops/network.js';
import { createRouter } from '../../ops/router.js';
import { SimError } from '../../errors.js';
import { transact } from '../../clone.js';
import { requestId } from '../request-id.js';
import { addTags, associateFloatingIp, changeTags, listNetworks, listRouters, networkDict, PROVIDER_KEYS, routerDict, updateQuota } from './index.js';

const base = bareCloud(7);
createNetwork(base, { name: 'b-net', networkType: 'vxlan' });
createNetwork(base, { name: 'a-net', shared: true });
createRouter(base, { name: 'r1' });
const asMember = (c: Cloud): Cloud => ({ ...c, auth: { ...c.auth, admin: false } });

describe('sim/api/neutron', () => {
  it('lists in id order, filters, sorts and cuts to fields', () => {
    const all = listNetworks(base);
    expect(all.map((n) => n['id'])).toEqual([...all.map((n) => n['id'])].sort());
    expect(listNetworks(base, { filters: { shared: 'True' } }).map((n) => n['name'])).toEqual(['a-net']);
    expect(listNetworks(base, { sort: [{ key: 'name', dir: 'asc' }], fields: ['name'] })).toEqual([{ name: 'a-net' }, { name: 'b-net' }]);
  });

  it('refuses a filter on an attribute networks do not have', () => {
    expect(() => listNetworks(base, { filters: { nosuch: 'x' } })).toThrowError(/\['nosuch'\] is invalid attribute for filtering/);
  });

  it('hides the admin-only keys from a member; provider filters still match (as Neutron filters before policy), router ones are a 400', () => {
    const net = base.networks.find((n) => n.name === 'a-net');
    if (!net) throw new Error('no network');
    const m = asMember(base);
    for (const k of PROVIDER_KEYS) expect(networkDict(m, net)).not.toHaveProperty(k);
    expect(networkDict(base, net)).toHaveProperty('provider:network_type', 'vxlan');
    const visible = listNetworks(m).map((d) => d['id']);
    const vxlan = base.networks.filter((n) => n.networkType === 'vxlan' && visible.includes(n.id)).map((n) => n.id).sort();
    expect(listNetworks(m, { filters: { 'provider:network_type': 'vxlan' } }).map((d) => String(d['id'])).sort()).toEqual(vxlan);
    expect(listNetworks(m, { filters: { 'provider:network_type': 'flat-nothing' } })).toEqual([]);
    const r = base.routers[0];
    if (!r) throw new Error('no router');
    expect(routerDict(m, r)).not.toHaveProperty('distributed');
    expect(routerDict(base, r)).toHaveProperty('ha', false);
    expect(() => listRouters(m, { filters: { distributed: 'False' } })).toThrow(SimError);
  });

  it('changes tags as OSC sends them, each once', () => {
    const r = { tags: ['a'] };
    addTags(r, ['b', 'a', 'b']);
    expect(r.tags).toEqual(['a', 'b']);
    changeTags(r, { clear: true, add: ['c'] });
    expect(r.tags).toEqual(['c']);
    changeTags(r, { remove: ['c', 'x'] });
    expect(r.tags).toEqual([]);
  });

  it('raises the API errors itself', () => {
    expect(() => associateFloatingIp(base, 'nosuch', { portId: 'not-a-uuid' })).toThrowError(SimError);
    expect(() => associateFloatingIp(base, 'nosuch', { portId: '00000000-0000-4000-8000-000000000000' })).toThrowError(/Floating IP nosuch could not be found/);
    expect(() => updateQuota(base, base.auth.projectId, { network: 5, vip: '1' })).toThrowError(/Unrecognized attribute\(s\) 'vip'/);
  });
});

describe('transact and requestId', () => {
  it('keeps the new cloud on success and the original on error', () => {
    const ok = transact(base, (c) => {
      c.networks = [];
      return 1;
    });
    expect(ok.ok && ok.cloud.networks).toEqual([]);
    expect(base.networks.length).toBe(2);
    const bad = transact(base, (c) => {
      c.networks = [];
      throw new Error('boom');
    });
    expect(bad.ok).toBe(false);
    expect(bad.cloud).toBe(base);
  });

  it('derives request ids from the clock without drawing from the RNG', () => {
    const rng = JSON.stringify(base.rng);
    const id = requestId(base, 'message', 'length');
    expect(id).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(requestId(base, 'message', 'length')).toBe(id);
    expect(requestId(base, 'message', 'hash')).not.toBe(id);
    expect(JSON.stringify(base.rng)).toBe(rng);
  });
});
