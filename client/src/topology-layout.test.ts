import { describe, expect, it } from 'vitest';
import { clip, detailsKey, endpointOf, layoutTopology, pathMarks, topologySvg, topologyTables, traceCommand, type Layout, type Rect } from './topology-layout.js';
import type { TopoLoadBalancer, TopoNetwork, TopoRouter, TopoServer, Topology } from './topology-types.js';

const net = (id: string, name: string, cidrs: string[], more: Partial<TopoNetwork> = {}): TopoNetwork => ({
  id,
  name,
  external: false,
  shared: false,
  status: 'ACTIVE',
  own: true,
  subnets: cidrs.map((cidr, i) => ({ id: `${id}-s${i}`, name: `${name}-s${i}`, cidr, ipVersion: cidr.includes(':') ? 6 : 4, gatewayIp: null })),
  ...more,
});

const router = (id: string, name: string, more: Partial<TopoRouter> = {}): TopoRouter => ({ id, name, status: 'ACTIVE', gateway: null, interfaces: [], ...more });
const server = (id: string, name: string, ports: TopoServer['ports']): TopoServer => ({ id, name, status: 'ACTIVE', ports });

/** The public cloud after a private network, a router with a gateway, a VM with a floating IP. */
function cloud(): Topology {
  return {
    networks: [
      net('ext', 'ext-floating1', ['192.0.2.128/25', '2001:1600:20:300::/64'], { external: true, own: false }),
      net('shared', 'ext-net1', ['192.0.2.0/25'], { shared: true, own: false }),
      net('priv', 'private', ['10.0.0.0/24']),
    ],
    routers: [router('r1', 'myrouter', { gateway: { networkId: 'ext', ips: ['192.0.2.140'], snat: true }, interfaces: [{ portId: 'p-r1', networkId: 'priv', ips: ['10.0.0.1'] }] })],
    servers: [server('vm1', 'vm1', [{ portId: 'p-vm1', networkId: 'priv', ips: ['10.0.0.5'], floatingIps: ['192.0.2.150'] }])],
    loadBalancers: [],
    namespaces: [],
    details: {},
  };
}

const lb = (id: string, members: TopoLoadBalancer['members']): TopoLoadBalancer => ({
  id,
  name: `lb-${id}`,
  vipAddress: '10.0.0.50',
  vipNetworkId: 'priv',
  vipPortId: `vip-${id}`,
  provisioningStatus: 'ACTIVE',
  operatingStatus: 'ONLINE',
  floatingIps: [],
  members,
});

/** Every placed element by id: bars by their x, boxes by their rectangle. */
function places(l: Layout): Map<string, Rect | number> {
  const m = new Map<string, Rect | number>();
  for (const b of l.bars) m.set(b.id, b.x);
  for (const d of l.devices) {
    m.set(d.id, { x: d.x, y: d.y, w: d.w, h: d.h });
    for (const r of d.rows) m.set(r.id, r.y);
  }
  for (const n of l.nodes) for (const ns of n.namespaces) m.set(ns.name, ns.y);
  m.set('laptop', l.laptop);
  m.set('internet', l.internet);
  return m;
}

/** Each element of `before` is where it was in `after`. */
function expectUnmoved(before: Topology, after: Topology): void {
  const a = places(layoutTopology(before));
  const b = places(layoutTopology(after));
  expect(b.size).toBeGreaterThan(a.size);
  for (const [id, where] of a) expect(b.get(id), id).toEqual(where);
}

const dataIds = (svg: string) => [...svg.matchAll(/<g class="el [^"]*" data-id="([^"]*)" tabindex="0" role="button"><title>[^<]+<\/title>/g)].map((m) => m[1]);

describe('topology layout', () => {
  it('is deterministic: the same topology gives the same bytes', () => {
    expect(topologySvg(cloud())).toBe(topologySvg(structuredClone(cloud())));
  });

  it('draws every element focusable, with a title and its data-id', () => {
    const ids = dataIds(topologySvg(cloud()));
    expect(ids).toEqual([
      'laptop',
      'internet',
      'net:ext',
      'subnet:ext-s0',
      'subnet:ext-s1',
      'net:shared',
      'subnet:shared-s0',
      'net:priv',
      'subnet:priv-s0',
      'router:r1',
      'gateway:r1',
      'port:p-r1',
      'server:vm1',
      'port:p-vm1',
      'fip:192.0.2.150',
    ]);
    // No element is focusable without its title.
    const svg = topologySvg(cloud());
    expect(svg.split('tabindex="0"').length - 1).toBe(ids.length);
  });

  it('labels networks with their CIDRs, ports with their fixed IPs, the gateway with SNAT on or off', () => {
    const svg = topologySvg(cloud());
    expect(svg).toContain('>ext-floating1</text>');
    expect(svg).toContain('>2001:1600:20:300::/64</text>');
    expect(svg).toContain('>10.0.0.5</text>');
    expect(svg).toMatch(/data-id="gateway:r1"[^]*?>gateway, SNAT on<\/text><text [^>]*>192\.0\.2\.140<\/text>/);
    expect(svg).toContain('class="el port gateway" data-id="gateway:r1"');
    const off = cloud();
    (off.routers[0] as TopoRouter).gateway = { networkId: 'ext', ips: ['192.0.2.140'], snat: false };
    expect(topologySvg(off)).toContain('>gateway, SNAT off</text>');
    // Another project's network is drawn apart, an external one too.
    expect(svg).toContain('class="el net external foreign" data-id="net:ext"');
    expect(svg).toContain('class="el net" data-id="net:priv"');
  });

  it('links a port to the bar of its network, and the Internet to the external networks', () => {
    const l = layoutTopology(cloud());
    const priv = l.bars.find((b) => b.id === 'net:priv')?.x;
    const svg = topologySvg(cloud());
    const vmPort = /data-id="port:p-vm1"[^]*?<line class="link" x1="(\d+)" y1="(-?\d+)" x2="(\d+)"/.exec(svg);
    expect(Number(vmPort?.[3])).toBe(priv);
    const ext = l.bars.find((b) => b.id === 'net:ext')?.x;
    expect(svg).toMatch(new RegExp(`<line class="link upstream" x1="110" y1="-16" x2="${ext}" y2="-16"/>`));
  });

  it('puts a floating IP badge on its port, after the fixed IPs', () => {
    const svg = topologySvg(cloud());
    expect(svg).toMatch(/data-id="port:p-vm1"[^]*<\/g><g class="el fip" data-id="fip:192\.0\.2\.150" tabindex="0" role="button"><title>floating IP 192\.0\.2\.150 → 10\.0\.0\.5 \(vm1\)<\/title>/);
  });

  it('appending a network, a router, a server, a load balancer or a namespace moves nothing already drawn', () => {
    const base = cloud();
    const more = (f: (t: Topology) => void) => {
      const t = structuredClone(base);
      f(t);
      return t;
    };
    expectUnmoved(base, more((t) => t.networks.push(net('n4', 'net4', ['10.1.0.0/24']))));
    expectUnmoved(base, more((t) => t.routers.push(router('r2', 'second', { interfaces: [{ portId: 'p-r2', networkId: 'n4', ips: ['10.1.0.1'] }] }))));
    expectUnmoved(base, more((t) => t.servers.push(server('vm2', 'vm2', [{ portId: 'p-vm2', networkId: 'priv', ips: ['10.0.0.6'] , floatingIps: [] }]))));
    expectUnmoved(base, more((t) => t.loadBalancers.push(lb('lb1', [{ address: '10.0.0.5', serverId: 'vm1', poolName: 'pool1' }]))));
    expectUnmoved(base, more((t) => t.namespaces.push({ host: 'network', name: 'qrouter-r1', kind: 'qrouter', ofId: 'router:r1' })));
  });

  it('keeps everything inside the view box, routers above the networks and servers below', () => {
    const t = cloud();
    for (let i = 0; i < 5; i++) t.routers.push(router(`rx${i}`, `r${i}`, { interfaces: [{ portId: `px${i}`, networkId: 'priv', ips: [`10.0.0.${10 + i}`] }] }));
    t.loadBalancers.push(lb('lb1', [{ address: '10.0.0.5', serverId: 'vm1', poolName: 'pool1' }]));
    t.namespaces.push({ host: 'network', name: 'qdhcp-priv', kind: 'qdhcp', ofId: 'net:priv' });
    const l = layoutTopology(t);
    const inside = (r: Rect) => r.x >= l.bounds.x && r.y >= l.bounds.y && r.x + r.w <= l.bounds.x + l.bounds.w && r.y + r.h <= l.bounds.y + l.bounds.h;
    for (const r of [...l.devices, ...l.nodes, l.laptop, l.internet]) expect(inside(r)).toBe(true);
    for (const b of l.bars) expect(b.x).toBeLessThan(l.bounds.x + l.bounds.w);
    for (const d of l.devices) expect(d.kind === 'router' ? d.y + d.h < 0 : d.y > 0).toBe(true);
    // The load balancer is linked to its member server.
    expect(topologySvg(t)).toContain('<path class="member"');
  });

  it('escapes hostile names and cuts long ones (the whole name stays in the title)', () => {
    const t = cloud();
    (t.servers[0] as TopoServer).name = '<img src=x onerror=alert(1)>"&\'';
    (t.networks[2] as TopoNetwork).name = 'a'.repeat(4096);
    const svg = topologySvg(t);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&#60;img src=x onerror=alert(1)&#62;&#34;&#38;&#39;');
    expect(svg).toContain(`>${'a'.repeat(20)}…</text>`);
    expect(svg).toContain(`<title>network ${'a'.repeat(4096)} (internal, ACTIVE)`);
    expect(topologyTables(t)).not.toContain('<img');
    expect(clip('abcdef', 4)).toBe('abc…');
  });

  it('shows three CIDRs at most under a network name, then how many more', () => {
    const t = cloud();
    t.networks.push(net('many', 'many', ['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24', '10.4.0.0/24']));
    const svg = topologySvg(t);
    expect(svg).toContain('>10.2.0.0/24</text>');
    expect(svg).not.toContain('>10.3.0.0/24</text>');
    expect(svg).toContain('>+2 more subnets</text>');
  });

  it('draws a large cloud (50 networks, 20 routers, 200 servers) with every server in it', () => {
    const t: Topology = { networks: [], routers: [], servers: [], loadBalancers: [], namespaces: [], details: {} };
    for (let i = 0; i < 50; i++) t.networks.push(net(`n${i}`, `net${i}`, [`10.${i}.0.0/24`]));
    for (let i = 0; i < 20; i++) t.routers.push(router(`r${i}`, `router${i}`, { interfaces: [{ portId: `rp${i}`, networkId: `n${i}`, ips: [`10.${i}.0.1`] }] }));
    for (let i = 0; i < 200; i++) t.servers.push(server(`s${i}`, `vm${i}`, [{ portId: `sp${i}`, networkId: `n${i % 50}`, ips: [`10.${i % 50}.0.${10 + Math.floor(i / 50)}`], floatingIps: [] }]));
    const ids = dataIds(topologySvg(t));
    expect(ids.filter((x) => x?.startsWith('server:'))).toHaveLength(200);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('topology tables', () => {
  it('list the same resources as the picture, each a button to its details', () => {
    const t = cloud();
    t.loadBalancers.push(lb('lb1', [{ address: '10.0.0.5', serverId: 'vm1', poolName: 'pool1' }]));
    const html = topologyTables(t);
    for (const caption of ['Networks', 'Routers', 'Servers', 'Load balancers']) expect(html).toContain(`<caption>${caption}</caption>`);
    const refs = [...html.matchAll(/class="topo-ref" data-id="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(['net:ext', 'subnet:ext-s0', 'subnet:ext-s1', 'net:shared', 'subnet:shared-s0', 'net:priv', 'subnet:priv-s0', 'router:r1', 'server:vm1', 'lb:lb1']);
    expect(html).toContain('ext-floating1: 192.0.2.140, SNAT on');
    expect(html).toContain('private: 10.0.0.5 (floating IP 192.0.2.150)');
    expect(html).not.toContain('Namespaces');
    t.namespaces.push({ host: 'network', name: 'qrouter-r1', kind: 'qrouter', ofId: 'router:r1' });
    expect(topologyTables(t)).toContain('<caption>Namespaces</caption>');
  });

  it('say when a kind has none', () => {
    expect(topologyTables({ networks: [], routers: [], servers: [], loadBalancers: [], namespaces: [], details: {} })).toContain('<p class="topo-none">No routers.</p>');
  });
});

describe('trace endpoints', () => {
  it('names a picked element as stacklab trace takes it', () => {
    const t = cloud();
    expect(endpointOf(t, 'server:vm1')).toBe('vm1');
    expect(endpointOf(t, 'laptop')).toBe('laptop');
    expect(endpointOf(t, 'internet')).toBe('internet');
    expect(endpointOf(t, 'fip:192.0.2.150')).toBe('192.0.2.150');
    expect(endpointOf(t, 'port:p-vm1')).toBe('10.0.0.5');
    expect(endpointOf(t, 'port:p-r1')).toBe('10.0.0.1');
    expect(endpointOf(t, 'gateway:r1')).toBe('192.0.2.140');
    expect(endpointOf(t, 'net:priv')).toBeNull();
    expect(endpointOf(t, 'server:nope')).toBeNull();
    // Two servers of one name: the id names it.
    t.servers.push(server('0b6e-uuid', 'vm1', []));
    expect(endpointOf(t, 'server:0b6e-uuid')).toBe('0b6e-uuid');
  });

  it('quotes names the shell would split', () => {
    expect(traceCommand('vm1', 'internet')).toBe('stacklab trace vm1 internet');
    expect(traceCommand("my vm's", '10.0.0.5')).toBe(`stacklab trace 'my vm'\\''s' 10.0.0.5`);
  });

  it('marks the gateway line when a path crosses a router and its external network', () => {
    const t = cloud();
    expect([...pathMarks(t, ['server:vm1', 'router:r1', 'net:ext', 'internet'])]).toContain('gateway:r1');
    expect([...pathMarks(t, ['server:vm1', 'router:r1'])]).not.toContain('gateway:r1');
    expect(detailsKey('gateway:r1')).toBe('router:r1');
    expect(detailsKey('server:vm1')).toBe('server:vm1');
  });
});
