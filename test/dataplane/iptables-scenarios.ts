/** Clouds whose router and DHCP namespaces were loaded into the real iptables 1.8.9 to capture its listings. */
import { createSession, runLine, type SessionState } from '../../server/shell/session.js';
import { dhcpTables, routerTables, type Table } from '../../server/sim/dataplane/iptables.js';

export interface Scenario { name: string; fixture: string; lines: string[]; pick: (s: SessionState) => Table[] }

const router = (name: string) => (s: SessionState): Table[] => {
  const r = s.cloud.routers.find((x) => x.name === name);
  if (!r) throw new Error(`no router ${name}`);
  return routerTables(s.cloud, r);
};

const BLOG = [
  'openstack network create --external --provider-network-type flat --provider-physical-network default public',
  'openstack subnet create --network public --subnet-range 180.180.180.0/24 --no-dhcp --gateway 180.180.180.1 --allocation-pool start=180.180.180.2,end=180.180.180.100 public-subnet',
  'openstack router set --external-gateway public my-router',
  'openstack floating ip create --floating-ip-address 180.180.180.3 public',
  'openstack server add floating ip vm2 180.180.180.3',
];

const SCOPED = [
  'openstack network create pub',
  'openstack subnet create --network pub --subnet-pool poolv4-selfservice1 pub-v4',
  'openstack network create priv',
  'openstack subnet create --network priv --subnet-range 10.42.0.0/24 priv-v4',
  'openstack router create rp',
  'openstack router add subnet rp priv-v4',
  'openstack router set --external-gateway ext-provider1 rp',
  'openstack router add subnet rp pub-v4',
  'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "Debian 11 bullseye" --network priv web-1',
  'FIP1=$(openstack floating ip create ext-provider1 -f value -c floating_ip_address)',
  'openstack server add floating ip web-1 $FIP1',
];

/** The provider's admin routes a customer's range without NAT: one scope for the external and the customer's subnets. */
const BYOIP = [
  'openstack address scope create --share byoip',
  'openstack subnet pool create --address-scope byoip --pool-prefix 180.180.180.0/24 provider-pool',
  'openstack subnet pool create --address-scope byoip --pool-prefix 203.0.113.0/24 --share customer-pool',
  'openstack network create --external --provider-network-type flat --provider-physical-network default public',
  'openstack subnet create --network public --subnet-pool provider-pool --subnet-range 180.180.180.0/24 --no-dhcp --gateway 180.180.180.1 --allocation-pool start=180.180.180.2,end=180.180.180.100 public-subnet',
  'openstack network create customer',
  'openstack subnet create --network customer --subnet-pool customer-pool --prefix-length 24 customer-subnet',
  'openstack router set --external-gateway public --disable-snat my-router',
  'openstack router add subnet my-router customer-subnet',
];

export const SCENARIOS: Scenario[] = [
  { name: 'blog-router', fixture: 'network-node', lines: BLOG, pick: router('my-router') },
  { name: 'blog-router-snat-off', fixture: 'network-node', lines: [...BLOG, 'openstack router set --external-gateway public --disable-snat my-router'], pick: router('my-router') },
  { name: 'broken-public-router', fixture: 'broken-public', lines: [], pick: (s) => routerTables(s.cloud, s.cloud.routers[0]!) },
  {
    name: 'two-floating-ips', fixture: 'public-cloud', lines: [
      'openstack network create private-net',
      'openstack subnet create private-subnet --network private-net --subnet-range 10.42.0.0/24',
      'openstack router create private-router',
      'openstack router add subnet private-router private-subnet',
      'openstack router set --external-gateway ext-floating1 private-router',
      'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "Debian 11 bullseye" --network private-net web-1',
      'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "Debian 11 bullseye" --network private-net web-2',
      // A member may not choose the address (Neutron's default policy): take what Neutron picks.
      'FIP1=$(openstack floating ip create ext-floating1 -f value -c floating_ip_address)',
      'FIP2=$(openstack floating ip create ext-floating1 -f value -c floating_ip_address)',
      'openstack server add floating ip web-1 $FIP1',
      'openstack server add floating ip web-2 $FIP2',
    ], pick: router('private-router'),
  },
  { name: 'dhcp', fixture: 'network-node', lines: [], pick: () => dhcpTables() },
  // Address scopes: a router with an unscoped and a public-v4 interface, its gateway on
  // ext-provider1 (public-v4/public-v6), and a floating IP for a VM of the unscoped subnet.
  { name: 'scope-public-cloud', fixture: 'public-cloud', lines: SCOPED, pick: router('rp') },
  { name: 'scope-snat-off', fixture: 'network-node', lines: BYOIP, pick: router('my-router') },
];

/** The listings captured per table. */
/** When the captured rules were saved (the header and footer of iptables-save print it). */
export const SAVED_AT = Date.UTC(2026, 11, 3, 10, 18, 41) / 1000;

export const LISTINGS: string[][] = ['raw', 'nat', 'mangle', 'filter'].flatMap((t) => [
  ['-t', t, '-L'], ['-t', t, '-L', '-n'], ['-t', t, '-L', '-v'], ['-t', t, '-nvL', '--line-numbers'], ['-t', t, '-S'],
]);

export function buildScenario(sc: Scenario): { state: SessionState; tables: Table[] } {
  let s = createSession({ fixture: sc.fixture, seed: 1 });
  for (const l of sc.lines) {
    const r = runLine(s, l);
    if (r.result.exitCode !== 0) throw new Error(`${sc.name}: ${l}: ${r.result.stderr}`);
    s = r.state;
  }
  return { state: s, tables: sc.pick(s) };
}
