/**
 * The topology derived from a cloud (issue #16): per fixture (a public cloud seen by a member,
 * the blog's network node with its namespaces, a cloud with a load balancer), only what the
 * learner's API calls would list, the same JSON for the same cloud, new resources appended,
 * and details rows that are exactly what `openstack … show` prints.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';
import { sessionTopology, topologyRows } from '../../server/workspace/topology.js';
import { topologyOf, type Topology } from '../../server/sim/api/topology.js';
import { publicCloudAfter } from '../support/public-cloud.js';
import { BIG, bigCloud } from './big-cloud.js';

const VM = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network priv';
/** A member's private network behind a router with a gateway, a VM with a floating IP. */
const PRIVATE = [
  'openstack network create priv',
  'openstack subnet create --network priv --subnet-range 10.1.0.0/24 priv-v4',
  'openstack router create r1',
  'openstack router add subnet r1 priv-v4',
  'openstack router set --external-gateway ext-floating1 r1',
  `${VM} vm1`,
  'openstack server list',
  'FIP=$(openstack floating ip create ext-floating1 -f value -c floating_ip_address)',
  'openstack server add floating ip vm1 $FIP',
];

const names = (xs: ReadonlyArray<{ name: string }>) => xs.map((x) => x.name);
const byName = <T extends { name: string }>(xs: readonly T[], name: string): T => {
  const x = xs.find((i) => i.name === name);
  if (!x) throw new Error(`no ${name} in ${names(xs).join(', ')}`);
  return x;
};

describe('the public cloud, as a project member sees it', () => {
  const s = publicCloudAfter(PRIVATE);
  const t = sessionTopology(s);

  it("draws the provider's networks as not the learner's, and the learner's own", () => {
    expect(names(t.networks)).toEqual(['ext-floating1', 'ext-provider1', 'ext-net1', 'ext-v6only1', 'priv']);
    expect(t.networks.filter((n) => n.own).map((n) => n.name)).toEqual(['priv']);
    const ext = byName(t.networks, 'ext-floating1');
    expect(ext).toMatchObject({ external: true, shared: false, status: 'ACTIVE' });
    // A member sees an external network that is not shared, but not its subnets.
    expect(ext.subnets).toEqual([]);
    expect(byName(t.networks, 'ext-net1').subnets.map((x) => [x.name, x.cidr, x.ipVersion])).toEqual([
      ['ext-net1-v4', '192.0.2.0/25', 4],
      ['ext-net1-v6', '2001:1600:20:100::/64', 6],
    ]);
    expect(byName(t.networks, 'priv').subnets).toEqual([
      { id: expect.any(String), name: 'priv-v4', cidr: '10.1.0.0/24', ipVersion: 4, gatewayIp: '10.1.0.1' },
    ]);
  });

  it('draws the router with its interface and its gateway, SNAT on', () => {
    const r = byName(t.routers, 'r1');
    const priv = byName(t.networks, 'priv');
    expect(r.interfaces).toEqual([{ portId: expect.any(String), networkId: priv.id, ips: ['10.1.0.1'] }]);
    expect(r.gateway?.networkId).toBe(byName(t.networks, 'ext-floating1').id);
    expect(r.gateway?.snat).toBe(true);
    expect(r.gateway?.ips).toEqual(s.cloud.routers[0]?.gateway?.externalFixedIps.map((f) => f.ipAddress));
    expect(r.gateway?.ips.length).toBeGreaterThan(0);
  });

  it('draws the VM with its fixed address and its floating IP on that port', () => {
    const vm = byName(t.servers, 'vm1');
    const fip = s.env['FIP'] ?? '';
    expect(vm.status).toBe('ACTIVE');
    expect(vm.ports).toHaveLength(1);
    expect(vm.ports[0]?.floatingIps).toEqual([fip]);
    expect(vm.ports[0]?.ips[0]).toMatch(/^10\.1\.0\.\d+$/);
    expect(t.details[`fip:${fip}`]?.command).toBe(`openstack floating ip show ${fip}`);
  });

  it('has no namespaces: the learner has no shell on the network node', () => {
    expect(t.namespaces).toEqual([]);
  });

  it("does not draw another project's router, its ports or its servers", () => {
    const admin = { ...s.cloud.auth, admin: true };
    let other: SessionState = { ...s, cloud: { ...s.cloud, auth: admin } };
    other = runSetup(other, [
      'openstack router create --project infomaniak-provider theirs',
      'openstack network create --project infomaniak-provider their-net',
    ]);
    const asMember = { ...other, cloud: { ...other.cloud, auth: s.cloud.auth } };
    const seen = sessionTopology(asMember);
    expect(names(seen.routers)).toEqual(['r1']);
    expect(names(seen.networks)).not.toContain('their-net');
    expect(JSON.stringify(seen)).not.toContain('theirs');
    // The same cloud as the admin sees it: both are there (the visibility is the API's).
    expect(names(sessionTopology(other).routers)).toEqual(['r1', 'theirs']);
    // Even with a root shell on the network node, whose `ip netns` lists every project's namespaces.
    const theirs = other.cloud.routers.find((r) => r.name === 'theirs');
    const onNode = topologyOf(asMember.cloud, ['network', 'laptop'], () => []);
    expect(runLine({ ...asMember, host: 'network' }, 'ip netns').result.stdout).toContain(`qrouter-${theirs?.id}`);
    const listed = onNode.namespaces.map((n) => n.name);
    expect(listed).toContain(`qrouter-${s.cloud.routers[0]?.id}`);
    expect(listed).not.toContain(`qrouter-${theirs?.id}`);
    const drawn = new Set([...onNode.networks, ...onNode.routers].map((x) => x.id));
    expect(onNode.namespaces.filter((n) => !drawn.has(n.ofId.replace(/^(router|net):/, '')))).toEqual([]);
  });
});

describe("the blog's network node", () => {
  const s = createSession({ fixture: 'network-node' });
  const t = sessionTopology(s);

  it('draws net1 and net2 joined by my-router, a VM on each', () => {
    expect(names(t.networks)).toEqual(['net1', 'net2']);
    const r = byName(t.routers, 'my-router');
    expect(r.gateway).toBeNull();
    expect(r.interfaces.map((i) => i.ips)).toEqual([['10.10.10.1'], ['20.20.20.1']]);
    expect(t.servers.map((v) => [v.name, v.ports.map((p) => p.ips)])).toEqual([
      ['vm1', [['10.10.10.2']]],
      ['vm2', [['20.20.20.2']]],
    ]);
  });

  it('lists the namespaces `ip netns` shows on the node, oldest first, each with what it belongs to', () => {
    const r = byName(t.routers, 'my-router');
    const [net1, net2] = t.networks;
    expect(t.namespaces).toEqual([
      { host: 'network', name: `qrouter-${r.id}`, kind: 'qrouter', ofId: `router:${r.id}` },
      { host: 'network', name: `qdhcp-${net1?.id}`, kind: 'qdhcp', ofId: `net:${net1?.id}` },
      { host: 'network', name: `qdhcp-${net2?.id}`, kind: 'qdhcp', ofId: `net:${net2?.id}` },
    ]);
    const listed = runLine(s, 'ip netns').result.stdout;
    for (const ns of t.namespaces) expect(listed).toContain(`${ns.name} (id: `);
  });

  it("draws a gateway set with SNAT off as such (an admin may), and the router's namespace stays", () => {
    const g = runSetup(s, [
      'openstack network create --external --provider-network-type flat --provider-physical-network default public',
      'openstack subnet create --network public --subnet-range 180.180.180.0/24 --no-dhcp public-subnet',
      'openstack router set --external-gateway public --disable-snat my-router',
    ]);
    const t2 = sessionTopology(g);
    const publicId = byName(t2.networks, 'public').id;
    expect(byName(t2.routers, 'my-router').gateway).toEqual({ networkId: publicId, ips: [expect.stringMatching(/^180\.180\.180\.\d+$/)], snat: false });
    expect(t2.namespaces.map((n) => n.kind)).toEqual(['qrouter', 'qdhcp', 'qdhcp']);
  });

  it('draws no namespaces for a session without the network node', () => {
    expect(topologyOf(s.cloud, ['laptop'], () => []).namespaces).toEqual([]);
  });
});

describe('a cloud with a load balancer', () => {
  const s = publicCloudAfter([
    ...PRIVATE.slice(0, 5),
    `${VM} web1`,
    `${VM} web2`,
    'openstack server list',
    'openstack loadbalancer create --name lb1 --vip-subnet-id priv-v4 --wait',
    'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 --wait lb1',
    'openstack loadbalancer pool create --name p1 --lb-algorithm ROUND_ROBIN --listener l1 --protocol HTTP --wait',
    'WEB1=$(openstack port list --server web1 -f value -c "Fixed IP Addresses" | grep -o "10\\.1\\.0\\.[0-9]*")',
    'openstack loadbalancer member create --subnet-id priv-v4 --address $WEB1 --protocol-port 80 --wait p1',
    'openstack loadbalancer member create --subnet-id priv-v4 --address 10.1.0.250 --protocol-port 80 --wait p1',
    'VIP_PORT=$(openstack loadbalancer show lb1 -f value -c vip_port_id)',
    'LB_FIP=$(openstack floating ip create --port $VIP_PORT ext-floating1 -f value -c floating_ip_address)',
  ]);
  const t = sessionTopology(s);

  it('draws it on its VIP network, with its floating IP and its members (a VM, or none at that address)', () => {
    const lb = byName(t.loadBalancers, 'lb1');
    const web1 = byName(t.servers, 'web1');
    expect(lb).toMatchObject({
      vipNetworkId: byName(t.networks, 'priv').id,
      vipPortId: s.env['VIP_PORT'],
      provisioningStatus: 'ACTIVE',
      floatingIps: [s.env['LB_FIP']],
    });
    expect(lb.vipAddress).toMatch(/^10\.1\.0\.\d+$/);
    expect(lb.members).toEqual([
      { address: s.env['WEB1'], serverId: web1.id, poolName: 'p1' },
      { address: '10.1.0.250', serverId: null, poolName: 'p1' },
    ]);
    expect(t.details[`lb:${lb.id}`]?.command).toBe('openstack loadbalancer show lb1');
  });

  it('never draws the service project: its lb-mgmt-net and the amphorae', () => {
    expect(s.cloud.networks.map((n) => n.name)).toContain('lb-mgmt-net');
    expect(s.cloud.octavia?.amphorae.length).toBeGreaterThan(0);
    expect(names(t.networks)).not.toContain('lb-mgmt-net');
    expect(names(t.servers)).toEqual(['web1', 'web2']);
    const drawn = JSON.stringify(t);
    for (const a of s.cloud.octavia?.amphorae ?? []) {
      expect(drawn).not.toContain(a.id);
      expect(drawn).not.toContain(a.computeId);
    }
  });
});

describe('determinism', () => {
  it('the same cloud gives the same JSON, and the same commands the same cloud', () => {
    const a = publicCloudAfter(PRIVATE);
    const b = publicCloudAfter(PRIVATE);
    expect(JSON.stringify(sessionTopology(a))).toBe(JSON.stringify(sessionTopology(a)));
    expect(JSON.stringify(sessionTopology(a))).toBe(JSON.stringify(sessionTopology(b)));
  });

  it('a new resource is appended: everything drawn before keeps its place', () => {
    const before = sessionTopology(publicCloudAfter(PRIVATE));
    const after = sessionTopology(
      publicCloudAfter([
        ...PRIVATE,
        'openstack network create aaa-first-by-name',
        'openstack subnet create --network aaa-first-by-name --subnet-range 10.9.0.0/24 aaa-v4',
        'openstack router create aaa-router',
        'openstack router add subnet aaa-router aaa-v4',
        'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network aaa-first-by-name aaa-vm',
      ]),
    );
    const prefix = <K extends 'networks' | 'routers' | 'servers'>(k: K) => {
      const now = after[k].slice(0, before[k].length).map((x) => x.id);
      expect(now, k).toEqual(before[k].map((x) => x.id));
      return names(after[k].slice(before[k].length));
    };
    expect(prefix('networks')).toEqual(['aaa-first-by-name']);
    expect(prefix('routers')).toEqual(['aaa-router']);
    expect(prefix('servers')).toEqual(['aaa-vm']);
  });
});

describe('details', () => {
  const s = createSession({ fixture: 'network-node' });
  const t = sessionTopology(s, true);

  /** The rows of a show table as printed (single-line values; wrapped ones continue on the next row). */
  function printedRows(command: string): Array<[string, string]> {
    const out = runLine(s, command).result.stdout;
    return out
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Field'))
      .map((l) => l.split('|').map((c) => c.trim()))
      .map((cells): [string, string] => [cells[1] ?? '', cells[2] ?? '']);
  }

  it('are the rows the command prints, for every element that has them', () => {
    const ids = [
      ...t.networks.flatMap((n) => [`net:${n.id}`, ...n.subnets.map((x) => `subnet:${x.id}`)]),
      ...t.routers.flatMap((r) => [`router:${r.id}`, ...r.interfaces.map((i) => `port:${i.portId}`)]),
      ...t.servers.flatMap((v) => [`server:${v.id}`, ...v.ports.map((p) => `port:${p.portId}`)]),
    ];
    expect(Object.keys(t.details).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const d = t.details[id];
      if (!d) throw new Error(`no details for ${id}`);
      const printed = printedRows(`${d.command} --max-width 0`);
      // Multi-line values print over several table rows: compare each value's first line.
      const expected = (d.rows ?? []).map(([f, v]): [string, string] => [f, v.split('\n')[0] ?? '']);
      expect(printed.filter(([f]) => f !== ''), d.command).toEqual(expected);
    }
  });

  it("come without rows for the socket, one element's rows on request, and none for what is not drawn", () => {
    const lazy = sessionTopology(s);
    expect(Object.keys(lazy.details)).toEqual(Object.keys(t.details));
    expect(Object.values(lazy.details).every((d) => d.rows === undefined)).toBe(true);
    const router = `router:${s.cloud.routers[0]?.id ?? ''}`;
    expect(topologyRows(s, lazy, router)).toEqual(t.details[router]?.rows);
    expect(topologyRows(s, lazy, 'router:00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(topologyRows(s, lazy, 'toString')).toBeNull();
    expect(topologyRows(s, lazy, '__proto__')).toBeNull();
  });

  it('name a resource with a control character in its name by id (a command line cannot carry it)', () => {
    const net1 = s.cloud.networks[0];
    if (!net1) throw new Error('no net1');
    const cloud = { ...s.cloud, networks: s.cloud.networks.map((n) => (n === net1 ? { ...n, name: 'a\nb' } : n)) };
    expect(topologyOf(cloud, [], () => []).details[`net:${net1.id}`]?.command).toBe(`openstack network show ${net1.id}`);
  });

  it('name a resource by its name, by its id when the name is not unique or empty, quoted for the shell', () => {
    const s2 = runSetup(s, [
      "openstack network create \"it's mine\"",
      'openstack network create twin',
      'openstack network create twin',
      'openstack network create ""',
      'openstack network create -- --help',
      "openstack network create '$HOME `id`'",
    ]);
    const t2 = sessionTopology(s2);
    const commands = t2.networks.map((n) => t2.details[`net:${n.id}`]?.command);
    const [, , mine, twin1, twin2, empty, option, dollar] = t2.networks;
    expect(commands.slice(2)).toEqual([
      `openstack network show 'it'\\''s mine'`,
      `openstack network show ${twin1?.id}`,
      `openstack network show ${twin2?.id}`,
      `openstack network show ${empty?.id}`,
      `openstack network show ${option?.id}`,
      "openstack network show '$HOME `id`'",
    ]);
    // Each command, run in the learner's shell, shows that resource.
    for (const n of [mine, twin1, empty, option, dollar]) {
      const r = runLine(s2, `${t2.details[`net:${n?.id}`]?.command} -f value -c id`).result;
      expect(r.stdout).toBe(`${n?.id}\n`);
    }
  });
});

describe('scale', () => {
  it(`draws a cloud of ${BIG.networks} networks, ${BIG.routers} routers and ${BIG.servers} VMs whole`, () => {
    const t: Topology = sessionTopology(bigCloud());
    expect([t.networks.length, t.routers.length, t.servers.length]).toEqual([BIG.networks, BIG.routers, BIG.servers]);
    expect(t.routers.every((r) => r.interfaces.length === 2)).toBe(true);
    expect(new Set(Object.keys(t.details)).size).toBe(BIG.networks * 2 + BIG.routers * 3 + BIG.servers * 2);
  });
});
