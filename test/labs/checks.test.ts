import { describe, expect, it } from 'vitest';
import { labWith, session, one } from './helpers.js';
import { parseLab } from '../../server/labs/parse.js';
import type { ReachFn } from '../../server/labs/checks.js';

const NET = ['openstack network create mynetwork', 'openstack subnet create mysubnet --network mynetwork --subnet-pool poolv4-selfservice1 --prefix-length 28'];
const ROUTER = [...NET, 'openstack router create myrouter', 'openstack router add subnet myrouter mysubnet'];
const GW = [...ROUTER, 'openstack router set --external-gateway ext-provider1 myrouter'];

describe('resource', () => {
  const y = 'type: resource\nkind: subnet\nname: mysubnet\nwhere: { prefix_length: 28, subnet_pool: poolv4-selfservice1, enable_dhcp: true }';
  it('passes when the resource has the attributes', () => {
    expect(one(y, session('public-cloud', NET))).toMatchObject({ passed: true, earned: 1 });
  });
  it('says which resource is missing', () => {
    expect(one(y, session('public-cloud', []))).toMatchObject({ passed: false, earned: 0, why: 'there is no subnet named mysubnet' });
  });
  it('says which attribute differs', () => {
    const s = session('public-cloud', ['openstack network create mynetwork', 'openstack subnet create mysubnet --network mynetwork --subnet-pool poolv4-selfservice1 --prefix-length 29']);
    expect(one(y, s).why).toBe('subnet mysubnet has prefix_length 29, expected 28');
  });
  it('supports matchers (in, empty, not)', () => {
    const s = session('public-cloud', NET);
    expect(one('type: resource\nkind: subnet\nname: mysubnet\nwhere: { cidr: { in: 203.0.113.0/24 } }', s).passed).toBe(false);
    expect(one('type: resource\nkind: subnet\nname: mysubnet\nwhere: { gateway_ip: { in: 203.0.113.0/24 } }', s).passed).toBe(true);
    expect(one('type: resource\nkind: network\nname: mynetwork\nwhere: { subnets: { empty: true } }', s).why).toBe('network mynetwork has subnets mysubnet, expected empty true');
  });
  it('uses the instructor message when it fails', () => {
    expect(one(`${y}\nfail: make the subnet first`, session('public-cloud', [])).why).toBe('make the subnet first');
  });
});

describe('router-interface / router-gateway / router-snat', () => {
  it('interface: pass and fail', () => {
    expect(one('type: router-interface\nrouter: myrouter\nsubnet: mysubnet', session('public-cloud', ROUTER)).passed).toBe(true);
    const r = one('type: router-interface\nrouter: myrouter\nsubnet: mysubnet', session('public-cloud', [...NET, 'openstack router create myrouter']));
    expect(r).toMatchObject({ passed: false, why: 'router myrouter has no interface on subnet mysubnet (it has no interfaces)' });
  });
  it('not: true inverts an interface check', () => {
    expect(one('type: router-interface\nrouter: myrouter\nsubnet: mysubnet\nnot: true', session('public-cloud', ROUTER)).passed).toBe(false);
    expect(one('type: router-interface\nrouter: myrouter\nsubnet: mysubnet\nnot: true', session('public-cloud', [...NET, 'openstack router create myrouter'])).passed).toBe(true);
  });
  it('gateway: on the right network, or why not', () => {
    expect(one('type: router-gateway\nrouter: myrouter\nnetwork: ext-provider1', session('public-cloud', GW)).passed).toBe(true);
    expect(one('type: router-gateway\nrouter: myrouter\nnetwork: ext-provider1', session('public-cloud', ROUTER)).why).toBe('router myrouter has no external gateway');
    expect(one('type: router-gateway\nrouter: myrouter\nnetwork: ext-floating1', session('public-cloud', GW)).why).toBe('router myrouter has its gateway on ext-provider1, not on ext-floating1');
  });
  it('snat: on, off, no gateway', () => {
    expect(one('type: router-snat\nrouter: myrouter', session('public-cloud', GW)).passed).toBe(true);
    expect(one('type: router-snat\nrouter: my-router', session('broken-public', [])).why).toBe('router my-router has SNAT disabled');
    expect(one('type: router-snat\nrouter: myrouter', session('public-cloud', ROUTER)).why).toBe('router myrouter has no external gateway, so it cannot do SNAT');
  });
});

describe('floating-ip', () => {
  const base = ['openstack router create r', 'openstack router set --external-gateway my-public r'];
  it('passes when a floating IP is associated with the server', () => {
    const s = session('network-node', ['neutron net-create my-public --router:external=True', 'neutron subnet-create my-public 180.180.180.0/24 --name pub --enable-dhcp=False', 'neutron router-gateway-set my-router my-public', 'FIP=$(openstack floating ip create my-public -f value -c floating_ip_address)', 'openstack server add floating ip vm2 $FIP']);
    expect(one('type: floating-ip\nserver: vm2\nnetwork: my-public', s).passed).toBe(true);
    expect(one('type: floating-ip\nserver: vm1', s).why).toBe('server vm1 has no floating IP');
  });
  it('mentions an allocated but unassociated address', () => {
    const s = session('broken-public', [...base, 'openstack floating ip create my-public']);
    expect(one('type: floating-ip\nserver: vm2', s).why).toMatch(/^server vm2 has no floating IP \(floating IP 180\.180\.180\.\d+ is allocated but not associated\)$/);
    expect(one('type: floating-ip\nserver: nope', s).why).toBe('there is no server named nope');
  });
});

describe('server-address and port-fixed-ip', () => {
  const v6 = [
    'openstack network create n2',
    'openstack subnet create s6 --ip-version 6 --network n2 --use-default-subnet-pool --ipv6-ra-mode dhcpv6-stateful --ipv6-address-mode dhcpv6-stateful',
    'P=$(openstack subnet show s6 -c cidr -f value | cut -d/ -f1)',
    'openstack port create --network n2 --fixed-ip subnet=s6,ip-address=${P}beef p1',
    'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "CirrOS 5.2" --port p1 vm',
  ];
  it('server has an IPv6 address from a pool', () => {
    const s = session('public-cloud', v6);
    expect(one('type: server-address\nserver: vm\nversion: 6\npool: poolv6-selfservice1', s).passed).toBe(true);
    expect(one('type: server-address\nserver: vm\nversion: 4', s).why).toMatch(/^server vm has no such address \(its addresses: 2001:1600:11:[0-9a-f:]*:beef\)$/);
  });
  it('port has a fixed IP with a host part', () => {
    const s = session('public-cloud', v6);
    expect(one('type: port-fixed-ip\nport: p1\nhost: "::beef"', s).passed).toBe(true);
    expect(one('type: port-fixed-ip\nport: p1\nhost: "::cafe"', s).why).toMatch(/^port p1 has fixed IPs 2001:1600:11:[0-9a-f:]*:beef, not the one asked for$/);
    expect(one('type: port-fixed-ip\nport: p2\naddress: 10.0.0.1', s).why).toBe('there is no port named p2');
  });
});

describe('reach', () => {
  const s = session('broken-public', ['openstack router remove subnet web-router public_subnet', 'openstack router set --external-gateway my-public web-router', 'FIP=$(openstack floating ip create my-public -f value -c floating_ip_address)', 'openstack server add floating ip vm2 $FIP']);
  const calls: unknown[][] = [];
  const reach: ReachFn = (_c, from, to, proto, port) => {
    calls.push([from, to, proto, port]);
    return port === 22 ? { verdict: 'blocked', reason: 'security group default of vm2 drops tcp/22' } : { verdict: 'ok', reason: '' };
  };
  it('asks the reach query for the floating IP and reports its verdict', () => {
    const fip = s.cloud.floatingIps[0]?.floatingIpAddress ?? '';
    expect(one('type: reach\nfrom: laptop\nto: vm2', s, { reach })).toMatchObject({ passed: true, title: 'laptop can ping vm2 through its floating IP' });
    expect(calls[0]).toEqual(['laptop', fip, 'icmp', undefined]);
    expect(one('type: reach\nfrom: laptop\nto: vm2\nproto: tcp\nport: 22', s, { reach }).why).toBe(`laptop cannot reach vm2 (${fip}): security group default of vm2 drops tcp/22`);
  });
  it('fails without a floating IP, and without a reach query', () => {
    expect(one('type: reach\nfrom: laptop\nto: vm1', s, { reach }).why).toBe('server vm1 has no floating IP');
    expect(one('type: reach\nfrom: laptop\nto: vm2', s, { reach: null }).why).toBe('reachability cannot be checked: this build has no reach query');
  });
});

describe('reach through the data plane (server/sim/reach.ts)', () => {
  it('by default asks the real trace: VM to VM on one router passes, laptop to a private address fails with its reason', () => {
    const s = session('network-node', []);
    expect(one('type: reach\nfrom: vm1\nto: vm2\nvia: ipv4', s)).toMatchObject({ passed: true, why: 'vm1 reaches vm2 (20.20.20.2)' });
    const r = one('type: reach\nfrom: laptop\nto: vm2\nvia: ipv4', s);
    expect(r.passed).toBe(false);
    expect(r.why).toMatch(/^laptop cannot reach vm2 \(20\.20\.20\.2\): .+/);
    expect(one('type: reach\nfrom: nobody\nto: vm2\nvia: ipv4', s).why).toBe('nobody cannot reach vm2 (20.20.20.2): there is no host or server named nobody');
  });
  it("names what the learner knows instead of the reach query's ids (a port by its address)", () => {
    const s = session('broken-public', ['openstack router remove subnet web-router public_subnet', 'openstack router set --external-gateway my-public web-router',
      'FIP=$(openstack floating ip create my-public -f value -c floating_ip_address)', 'openstack server add floating ip vm2 $FIP']);
    const why = one('type: reach\nfrom: laptop\nto: vm2\nproto: tcp\nport: 22', s).why;
    expect(why).toMatch(/^laptop cannot reach vm2 \(.+\): security groups of port 20\.20\.20\.\d+ allow no tcp\/22 ingress from outside/);
    expect(why).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});

describe('ran', () => {
  it('matches either dialect', () => {
    const os = session('network-node', ['openstack router set --external-gateway x my-router']);
    const nt = session('network-node', ['neutron router-gateway-set my-router x']);
    for (const y of ['type: ran\ncommand: neutron router-gateway-set', 'type: ran\ncommand: openstack router set --external-gateway']) {
      expect(one(y, os).passed).toBe(true);
      expect(one(y, nt).passed).toBe(true);
    }
    expect(one('type: ran\ncommand: openstack router set --external-gateway', session('network-node', ['openstack router set --name y my-router'])).why).toBe(
      'you have not run `openstack router set --external-gateway` yet',
    );
  });
  it('checks the namespace of a named router', () => {
    const s0 = session('network-node', []);
    const id = s0.cloud.routers[0]?.id ?? '';
    const y = 'type: ran\ncommand: iptables-save\nnetns: router my-router';
    expect(one(y, session('network-node', [`sudo ip netns exec qrouter-${id} iptables-save -t nat`])).passed).toBe(true);
    expect(one(y, session('network-node', ['iptables-save'])).why).toBe('you have not run `iptables-save` inside the namespace of router my-router yet');
    expect(one('type: ran\ncommand: ip address\nnetns: any-router', session('network-node', [`ip -n qrouter-${id} a`])).passed).toBe(true);
  });
});

describe('security-group-allows', () => {
  const ssh = 'type: security-group-allows\ngroup: default\nprotocol: tcp\nport: 22';
  it('titles say what is let in from where', () => {
    const s = session('network-node', []);
    expect(one(ssh, s).title).toBe('the default group lets TCP port 22 in from anywhere');
    expect(one('type: security-group-allows\ngroup: default\nprotocol: icmp\nfrom: 203.0.113.0/24', s).title).toBe('the default group lets ping (ICMP echo request) in from 203.0.113.0/24');
  });
  it('passes on a rule that lets it in, and says which', () => {
    const s = session('network-node', ['openstack security group rule create --protocol tcp --dst-port 20:25 default']);
    expect(one(ssh, s)).toMatchObject({ passed: true, why: "the default group's rule IPv4 tcp 20-25 from 0.0.0.0/0 lets TCP port 22 in" });
  });
  it('lists the ingress rules when none lets it in', () => {
    const s = session('network-node', ['openstack security group rule create --protocol tcp --dst-port 2222 default']);
    expect(one(ssh, s).why).toBe(
      'the default group lets no TCP port 22 in from anywhere (its ingress rules: IPv4 any protocol from members of group default; IPv6 any protocol from members of group default; IPv4 tcp 2222 from 0.0.0.0/0)',
    );
    expect(one('type: security-group-allows\ngroup: web\nprotocol: tcp\nport: 22', s).why).toBe('there is no security group named web');
  });
  it('a narrower source prefix is enough when the check asks for that source', () => {
    const s = session('network-node', ['openstack security group rule create --protocol tcp --dst-port 22 --remote-ip 203.0.113.0/24 default']);
    expect(one(ssh, s).passed).toBe(false);
    expect(one(`${ssh}\nfrom: 203.0.113.10`, s).passed).toBe(true);
    expect(one(`${ssh}\nfrom: 203.0.0.0/16`, s).passed).toBe(false);
  });
  it("a rule whose remote is an address group admits a source within one of the group's addresses", () => {
    const s = session('network-node', [
      'openstack address group create office --address 203.0.113.0/24 --address 198.51.100.7',
      'openstack security group rule create --protocol tcp --dst-port 22 --remote-address-group office default',
    ]);
    expect(one(ssh, s).passed).toBe(false);
    expect(one(ssh, s).why).toContain('IPv4 tcp 22 from address group office');
    expect(one(`${ssh}\nfrom: 203.0.113.10`, s)).toMatchObject({ passed: true, why: "the default group's rule IPv4 tcp 22 from address group office lets TCP port 22 in" });
    expect(one(`${ssh}\nfrom: 198.51.100.7`, s).passed).toBe(true);
    expect(one(`${ssh}\nfrom: 198.51.100.8`, s).passed).toBe(false);
  });
  it('is validated when the lab loads', () => {
    expect(() => labWith('type: security-group-allows\ngroup: default\nprotocol: tcp')).toThrow(/tcp needs port/);
    expect(() => labWith('type: security-group-allows\ngroup: default\nprotocol: icmp\nport: 300')).toThrow(/from 0 to 255/);
    expect(() => labWith('type: security-group-allows\ngroup: default\nprotocol: icmp\nfrom: somewhere')).toThrow(/neither an address nor a CIDR/);
  });
  it('is validated with the lab parameters filled in (as the first learner gets them)', () => {
    const lab = (from: string) =>
      parseLab(
        `---\nid: t\ntitle: T\nsummary: S\nminutes: 1\nfixture: public-cloud\nparams:\n  octet: { range: [10, 99] }\n---\n\n## Step\n\n\`\`\`check\ntype: security-group-allows\ngroup: web\nprotocol: tcp\nport: 80\nfrom: "${from}"\n\`\`\`\n\n\`\`\`solution\ntrue\n\`\`\`\n`,
        'test.md',
      );
    expect(() => lab('10.{{octet}}.0.0/24')).not.toThrow();
    expect(() => lab('10.{{octet}}.0.0/33')).toThrow(/neither an address nor a CIDR/);
  });
  it('IPv6 sources need an IPv6 rule', () => {
    const s = session('network-node', ['openstack security group rule create --protocol tcp --dst-port 22 default']);
    expect(one(`${ssh}\nfrom: "::/0"`, s).passed).toBe(false);
    const s6 = session('network-node', ['openstack security group rule create --ethertype IPv6 --protocol tcp --dst-port 22 default']);
    expect(one(`${ssh}\nfrom: "::/0"`, s6).passed).toBe(true);
  });
});

describe('question', () => {
  const s = session('public-cloud', GW);
  const y = 'type: question\nid: q\nprompt: Which source address?\nanswer: { kind: router, name: myrouter, attribute: gateway_ip }';
  it('compares with the value computed from the cloud', () => {
    const gw = s.cloud.routers[0]?.gateway?.externalFixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';
    expect(one(y, s, { answers: { q: ` ${gw}/32 ` } })).toMatchObject({ passed: true });
    expect(one(y, s, { answers: { q: '1.2.3.4' } }).why).toBe('1.2.3.4 is not the right answer');
    expect(one(y, s).why).toBe('not answered yet');
  });
  it('fixed answers', () => {
    expect(one('type: question\nid: q\nprompt: How many?\nanswer: { value: 12 }', s, { answers: { q: '12' } }).passed).toBe(true);
  });
});

describe('regex matcher', () => {
  it('matches in linear time (an author’s pattern over a learner’s long value)', async () => {
    const { matchValue } = await import('../../server/labs/checks.js');
    expect(matchValue('web-1', { regex: '^web-' })).toBe(true);
    expect(matchValue('db-1', { regex: '^web-' })).toBe(false);
    // Catastrophic for a backtracking engine: 40 a's and no match.
    expect(matchValue(`${'a'.repeat(40)}!`, { regex: '^(a+)+$' })).toBe(false);
  });
});
