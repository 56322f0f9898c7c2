/**
 * explainPath (sim/api/packet-path.ts): the reach query's path, hop by hop, on the fixtures: where
 * each fault of the troubleshooting lab drops the packet and why, the NAT rules a router applies
 * (as its iptables-save prints them), address scopes, BGP, forwarding, and ends that do not resolve.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { runSetup } from '../../server/shell/script.js';
import { PUBLIC_VM, publicCloudAfter, SCOPED_ROUTER } from '../support/public-cloud.js';
import { explainPath, resolveEnd, type PacketPath, type PathStep } from '../../server/sim/api/packet-path.js';
import { trace, type Endpoint, type ReachStep } from '../../server/sim/reach.js';
import { namespaces } from '../../server/sim/dataplane/index.js';
import { labSession, loadLabs } from '../../server/labs/cli.js';
import { labFor } from '../../server/labs/parse.js';

const broken = (lines: readonly string[] = []): SessionState => runSetup(createSession({ fixture: 'broken-public', seed: 606 }), lines);
/** Lab 06's second fix: web-router's gateway, and a floating IP on vm2. */
const FIP_FIX = [
  'openstack router remove subnet web-router public_subnet',
  'openstack router set --external-gateway my-public web-router',
  'FIP=$(openstack floating ip create my-public -f value -c floating_ip_address)',
  'openstack server add floating ip vm2 $FIP',
];
const SSH_RULE = 'openstack security group rule create --protocol tcp --dst-port 22 default';

const id = (s: SessionState, kind: 'router' | 'server', name: string): string =>
  (kind === 'router' ? s.cloud.routers : s.cloud.servers).find((x) => x.name === name)?.id ?? `no ${kind} ${name}`;
const last = (p: PacketPath): PathStep => p.steps[p.steps.length - 1] as PathStep;
const dropAt = (p: PacketPath): PathStep | undefined => p.steps.find((x) => x.verdict === 'drop');

describe('the troubleshooting lab, fault by fault', () => {
  it('SNAT off: vm1 leaves through its tap, group and qr- port, and dies in my-router\'s namespace', () => {
    const s = broken();
    const p = explainPath(s.cloud, 'vm1', 'internet', 'icmp', null);
    expect(p).toMatchObject({ from: 'vm1', to: 'internet', proto: 'icmp', verdict: 'dropped', reason: 'SNAT disabled and no floating IP' });
    expect(p.steps.map((x) => x.where)).toEqual([
      'vm1 (10.10.10.2)',
      expect.stringMatching(/^vm1 tap \(tap[0-9a-f]{8}-[0-9a-f]{2}\)$/),
      'security group default',
      'subnet subnet1 (10.10.10.0/24)',
      expect.stringMatching(/^qr-[0-9a-f]{8}-[0-9a-f]{2} \(router my-router, 10\.10\.10\.1\)$/),
      `qrouter-${id(s, 'router', 'my-router')}`,
    ]);
    expect(last(p)).toMatchObject({ element: `router:${id(s, 'router', 'my-router')}`, verdict: 'drop', what: 'dropped: SNAT disabled and no floating IP' });
    expect(p.steps.slice(0, -1).every((x) => x.verdict === 'pass')).toBe(true);
    expect(p.elements[0]).toBe(`server:${id(s, 'server', 'vm1')}`);
    expect(p.elements.at(-1)).toBe(`router:${id(s, 'router', 'my-router')}`);
  });

  it('SNAT on: the SNAT rule is the one the namespace\'s iptables-save prints, then qg-, the upstream gateway, the Internet', () => {
    const s = broken(['openstack router set --enable-snat --external-gateway my-public my-router']);
    const p = explainPath(s.cloud, 'vm1', 'internet', 'icmp', null);
    expect(p).toMatchObject({ verdict: 'delivered', reason: 'router SNAT' });
    const nat = p.steps.find((x) => x.verdict === 'nat');
    const rule = /\((-A neutron-l3-agent-snat .*)\)$/.exec(nat?.what ?? '')?.[1] ?? 'no rule';
    expect(nat?.what).toMatch(/^SNAT 10\.10\.10\.2 -> 180\.180\.180\.\d+ \(-A neutron-l3-agent-snat -o qg-\S+ -j SNAT --to-source 180\.180\.180\.\d+ --random-fully\)$/);
    const saved = runLine(s, `ip netns exec qrouter-${id(s, 'router', 'my-router')} iptables-save -t nat`).result.stdout;
    expect(saved.split('\n')).toContain(rule);
    expect(p.steps.slice(-3).map((x) => x.where)).toEqual([expect.stringMatching(/^qg-/), 'upstream gateway 180.180.180.1 on my-public', 'the Internet']);
    expect(last(p)).toMatchObject({ element: 'internet', what: 'delivers to 8.8.8.8' });
  });

  it('before vm2 has a floating IP, its fixed address is private: the Internet has no route to it', () => {
    const p = explainPath(broken().cloud, 'laptop', 'vm2', 'tcp', 22);
    expect(p.steps.map((x) => x.where)).toEqual(['laptop', 'the Internet']);
    expect(dropAt(p)?.what).toBe('dropped: 20.20.20.2 is not an address the laptop can reach (fixed IPs are private)');
  });

  it('a missing ingress rule: the drop names the group and the rule create line that lets ssh in', () => {
    const s = broken(FIP_FIX);
    const fip = s.cloud.floatingIps[0]?.floatingIpAddress ?? '';
    const p = explainPath(s.cloud, 'laptop', 'vm2', 'tcp', 22);
    expect(p.verdict).toBe('dropped');
    const drop = dropAt(p);
    expect(drop).toMatchObject({ where: 'security group default', fix: SSH_RULE });
    expect(drop?.what).toBe(`dropped: no ingress rule of security group default lets tcp/22 in from outside; this rule would: ${SSH_RULE}`);
    expect(drop).toBe(last(p));
    const vm2Port = s.cloud.servers.find((x) => x.name === 'vm2')?.nics[0]?.portId;
    expect(drop?.element).toBe(`port:${vm2Port}`);
    // The hop before it: DNAT by the floating IP's rule, on the floating IP's element.
    expect(p.steps.find((x) => x.verdict === 'nat')).toMatchObject({
      element: `fip:${fip}`,
      what: `DNAT ${fip} -> 20.20.20.2 (-A neutron-l3-agent-PREROUTING -d ${fip}/32 -j DNAT --to-destination 20.20.20.2)`,
    });
  });

  it('the fix it names works: the same trace is then delivered to vm2\'s tap', () => {
    const s = broken([...FIP_FIX, SSH_RULE]);
    const p = explainPath(s.cloud, 'laptop', 'vm2', 'tcp', 22);
    expect(p).toMatchObject({ verdict: 'delivered', reason: 'floating IP DNAT and security group ingress rule' });
    expect(p.steps.find((x) => x.where === 'security group default')?.what).toBe('allowed in by rule IPv4 tcp 22 from 0.0.0.0/0');
    expect(last(p).what).toBe('delivered to vm2 (20.20.20.2)');
    expect(p.elements.at(-1)).toBe(`server:${id(s, 'server', 'vm2')}`);
    expect(new Set(p.elements).size).toBe(p.elements.length);
  });

  it('a stopped VM: the packet gets as far as its tap, where nothing answers', () => {
    const s = broken([...FIP_FIX, SSH_RULE, 'openstack server stop vm2']);
    const p = explainPath(s.cloud, 'laptop', 'vm2', 'tcp', 22);
    expect(last(p)).toMatchObject({ verdict: 'drop', where: expect.stringMatching(/^vm2 tap /) });
    expect(last(p).what).toMatch(/^host unreachable: the VM vm2 is stopped \(SHUTOFF\)/);
  });
});

describe('routers', () => {
  const VM = PUBLIC_VM;
  const PRIV = ['openstack network create priv', 'openstack subnet create --network priv --subnet-range 10.1.0.0/24 priv-v4', 'openstack router create r1', 'openstack router add subnet r1 priv-v4', `${VM} --network priv vm1`];

  it('no external gateway: network unreachable at the router', () => {
    const s = publicCloudAfter(PRIV);
    const p = explainPath(s.cloud, 'vm1', '8.8.8.8', 'icmp', null);
    expect(last(p)).toMatchObject({ element: `router:${id(s, 'router', 'r1')}`, verdict: 'drop', what: 'network unreachable: router has no external gateway' });
  });

  it('SNAT disabled (admin-only, so set in the data): dropped at the router', () => {
    const s0 = publicCloudAfter([...PRIV, 'openstack router set --external-gateway ext-floating1 r1']);
    const s = { ...s0, cloud: { ...s0.cloud, routers: s0.cloud.routers.map((r) => (r.gateway ? { ...r, gateway: { ...r.gateway, enableSnat: false } } : r)) } };
    expect(dropAt(explainPath(s.cloud, 'vm1', 'internet', 'icmp', null))).toMatchObject({ where: `qrouter-${id(s, 'router', 'r1')}`, what: 'dropped: SNAT disabled and no floating IP' });
  });

  it('forwarding off in the namespace: dropped at the router, before any qr- port out', () => {
    const base = createSession({ fixture: 'network-node' });
    const r = base.cloud.routers[0]?.id ?? '';
    const s = runSetup(base, [`ip netns exec qrouter-${r} sysctl -w net.ipv4.ip_forward=0`]);
    const p = explainPath(s.cloud, 'vm1', 'vm2', 'icmp', null);
    expect(last(p)).toMatchObject({ element: `router:${r}`, what: 'dropped: the router namespace does not forward (sysctl forwarding is 0)' });
    expect(p.steps.filter((x) => x.where.startsWith('qr-'))).toHaveLength(1);
    expect(explainPath(base.cloud, 'vm1', 'vm2', 'udp', 53).steps.filter((x) => x.where.startsWith('qr-'))).toHaveLength(2);
  });
});

describe('address scopes and BGP (public-cloud: ext-provider1 and poolv4-selfservice1 share the scope public-v4)', () => {
  const s = publicCloudAfter(SCOPED_ROUTER);

  it('between scopes: the router drops, and says which scopes', () => {
    const p = explainPath(s.cloud, 'vmq', 'vmp', 'icmp', null);
    expect(last(p)).toMatchObject({ element: `router:${id(s, 'router', 'rp')}`, verdict: 'drop' });
    expect(last(p).what).toBe('dropped: the router drops traffic between address scopes: from no address scope to address scope public-v4 (filter chain neutron-l3-agent-scope)');
  });

  it('same scope: no SNAT, by the connmark ACCEPT rule of the nat table', () => {
    const p = explainPath(s.cloud, 'vmp', 'internet', 'icmp', null);
    expect(p.steps.some((x) => x.verdict === 'nat')).toBe(false);
    expect(p.steps.find((x) => x.where === 'nat table of router rp')?.what).toMatch(
      /^no SNAT: \S+ stays in the external network's address scope \(-A neutron-l3-agent-snat -o qg-\S+ -m connmark --mark \S+ -j ACCEPT\)$/,
    );
  });

  it('BGP not announcing the prefix: from outside, the Internet has no route; from inside, the replies are lost upstream', () => {
    const bgp = s.cloud.bgp;
    if (!bgp) throw new Error('public-cloud has a BGP speaker');
    const quiet = { ...s.cloud, bgp: { ...bgp, speakers: bgp.speakers.map((sp) => ({ ...sp, advertiseTenantNetworks: false })) } };
    const ip = quiet.servers.find((x) => x.name === 'vmp')?.nics[0]?.portId;
    const addr = quiet.ports.find((x) => x.id === ip)?.fixedIps[0]?.ipAddress ?? '';
    const inbound = explainPath(quiet, 'laptop', addr, 'icmp', null);
    expect(last(inbound)).toMatchObject({ element: 'internet', verdict: 'drop' });
    expect(last(inbound).what).toContain('no BGP speaker announces a prefix covering it');
    const outbound = explainPath(quiet, 'vmp', 'internet', 'icmp', null);
    expect(last(outbound)).toMatchObject({ where: expect.stringMatching(/^upstream gateway /), verdict: 'drop' });
  });
});

describe('ends', () => {
  const s = broken();
  it('resolves servers by name or ID, the fixed ends, addresses; refuses what is not an end', () => {
    const vm1 = id(s, 'server', 'vm1');
    expect(resolveEnd(s.cloud, vm1, 'from')).toMatchObject({ kind: 'server' });
    expect(explainPath(s.cloud, vm1, '8.8.8.8', 'icmp', null).from).toBe('vm1');
    expect(resolveEnd(s.cloud, 'nope', 'from')).toBe("unknown endpoint 'nope'");
    expect(resolveEnd(s.cloud, '8.8.8.8', 'from')).toBe("'8.8.8.8' cannot be a source: use a server, laptop, internet or network");
    expect(resolveEnd(s.cloud, 'network', 'to')).toMatch(/^'network' can only be a source/);
    expect(resolveEnd(s.cloud, 'network', 'from', { hosts: ['laptop'] })).toBe("unknown endpoint 'network' (this cloud gives you no network node)");
    expect(resolveEnd(s.cloud, 'network', 'from', { hosts: ['laptop', 'network'] })).toEqual({ kind: 'network' });
  });
  it('a namespace of the node is a source when the learner has the node', () => {
    const ns = namespaces(s.cloud)[0]?.name ?? '';
    expect(resolveEnd(s.cloud, ns, 'from', { hosts: ['network'] })).toEqual({ kind: 'ns', name: ns });
    expect(resolveEnd(s.cloud, ns, 'from', { hosts: ['laptop'] })).toBe(`unknown endpoint '${ns}'`);
  });
  it('an end that does not resolve gives an empty dropped path that says why', () => {
    expect(explainPath(s.cloud, 'vm1', 'x'.repeat(4096), 'icmp', null)).toMatchObject({ steps: [], elements: [], verdict: 'dropped', reason: `unknown endpoint '${'x'.repeat(48)}… (4096 characters)'` });
  });
  it('two servers of one name: ambiguous, use an ID', () => {
    const twice = broken(['openstack server create --image cirros-0.5.2-x86_64-disk --flavor m1.tiny --network net1 vm1']);
    expect(resolveEnd(twice.cloud, 'vm1', 'from')).toBe("ambiguous endpoint 'vm1': 2 servers have that name; use an ID");
  });
});

describe('the step collector', () => {
  it('changes nothing the query returns', () => {
    for (const s of [broken(), broken(FIP_FIX), publicCloudAfter([])]) {
      const froms: Endpoint[] = [{ kind: 'laptop' }, ...s.cloud.servers.map((v): Endpoint => ({ kind: 'vm', serverId: v.id }))];
      const tos = ['8.8.8.8', '127.0.0.1', ...s.cloud.ports.flatMap((p) => p.fixedIps.map((f) => f.ipAddress)), ...s.cloud.floatingIps.map((f) => f.floatingIpAddress)];
      for (const from of froms) {
        for (const to of tos) {
          const steps: ReachStep[] = [];
          expect(trace(s.cloud, from, to, 'tcp', 22, steps)).toEqual(trace(s.cloud, from, to, 'tcp', 22));
        }
      }
    }
  });
});

describe('load balancers and other projects', () => {
  it('a VIP: delivered to the load balancer\'s amphora; a port without a listener is dropped by the VIP\'s group, with no rule to add', () => {
    const raw = loadLabs().find((l) => l.id === 'load-balancing');
    if (!raw) throw new Error('lab 07 is missing');
    const lab = labFor(raw, 'trace');
    let s = labSession(lab);
    for (const step of lab.steps) for (const line of step.solution) s = runLine(s, line).state;
    const lb = s.cloud.octavia?.loadBalancers.find((x) => x.name === 'web-lb');
    const fip = s.cloud.floatingIps.find((f) => f.portId === lb?.vipPortId)?.floatingIpAddress ?? 'no fip';
    const ok = explainPath(s.cloud, 'laptop', fip, 'tcp', 80);
    expect(ok.verdict).toBe('delivered');
    expect(last(ok)).toMatchObject({ element: `lb:${lb?.id}`, where: `load balancer web-lb VIP ${lb?.vipAddress}` });
    const no = explainPath(s.cloud, 'laptop', fip, 'tcp', 81);
    expect(last(no)).toMatchObject({ verdict: 'drop', where: `security group lb-${lb?.id}` });
    expect(last(no).fix).toBeUndefined();
    expect(last(no).what).toMatch(/^dropped: no listener of load balancer \S+ on tcp\/81/);
  });

  it('another project\'s VM is neither named nor given an element', () => {
    const s = broken([...FIP_FIX, SSH_RULE]);
    const vm2 = s.cloud.servers.find((x) => x.name === 'vm2');
    const theirs = { ...s.cloud, auth: { ...s.cloud.auth, admin: false }, servers: s.cloud.servers.map((x) => (x === vm2 ? { ...x, projectId: 'someone-else' } : x)) };
    const p = explainPath(theirs, 'laptop', s.cloud.floatingIps[0]?.floatingIpAddress ?? '', 'tcp', 22);
    expect(p.verdict).toBe('delivered');
    expect(last(p).where).toMatch(/^a VM tap /);
    expect(p.elements).not.toContain(`server:${vm2?.id}`);
    expect(resolveEnd(theirs, 'vm2', 'to')).toBe("unknown endpoint 'vm2'");
  });
});
