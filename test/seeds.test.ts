/**
 * Every `openstack` line of the Infomaniak document runs on the public-cloud fixture, in the
 * document's order. Addresses the copy lost are restored (the document's DNS servers), and
 * the `::beef` port uses the /64 this learner's cloud actually allocated.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../server/shell/script.js';

const DNS4 = '--dns-nameserver 83.166.143.51 --dns-nameserver 83.166.143.52';
const DNS6 = '--dns-nameserver 2001:1600:0:aaaa::53:5 --dns-nameserver 2001:1600:0:aaaa::53:6';

const LINES = [
  "openstack network list --long -c Name -c Status -c State -c Shared -c Subnets -c 'Router Type' --sort-column Shared",
  'openstack server create --image debian-10.8-openstack-amd64.raw --flavor cpu2-ram6-disk20 --key-name mykeypair --network ext-net1 --use-config-drive infomaniak-vm-1',
  'openstack server create --image debian-10.8-openstack-amd64.raw --flavor cpu2-ram6-disk20 --key-name mykeypair --network ext-v6only1 --use-config-drive infomaniak-vm-1',
  'openstack subnet pool list',
  'openstack network create mynetwork',
  `openstack subnet create mysubnet --network mynetwork --subnet-pool poolv4-selfservice1 --prefix-length 28 ${DNS4} --dhcp`,
  'openstack subnet show mysubnet -c Name -c cidr -c allocation_pools -c gateway_ip -c enable_dhcp -c dns_nameservers',
  'openstack router create myrouter',
  'openstack router add subnet myrouter mysubnet',
  'openstack router set --external-gateway ext-provider1 myrouter',
  'openstack network list --external',
  'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "Debian 11 bullseye" --network mynetwork myinstance-1',
  'openstack server show myinstance-1 -c name -c addresses -c image -c id -c status',
  "openstack port list --network mynetwork --long -c ID -c 'Fixed IP Addresses' -c Status -c 'Device Owner'",
  'openstack network create mynetwork-6',
  `openstack subnet create mysubnet-6 --ip-version 6 --network mynetwork-6 --use-default-subnet-pool ${DNS6} --ipv6-ra-mode dhcpv6-stateful --ipv6-address-mode dhcpv6-stateful`,
  'openstack router create myrouter-6',
  'openstack router add subnet myrouter-6 mysubnet-6',
  'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "Debian 11 bullseye" --network mynetwork-6 myinstance-2',
  'openstack server show myinstance-2 -c name -c addresses -c image -c id -c status',
  'openstack network create mynetwork-2',
  `openstack subnet create mysubnet-4 --ip-version 4 --network mynetwork-2 --use-default-subnet-pool --prefix-length 28 ${DNS4} --dhcp`,
  `openstack subnet create mysubnet-6b --ip-version 6 --network mynetwork-2 --use-default-subnet-pool ${DNS6} --ipv6-ra-mode dhcpv6-stateful --ipv6-address-mode dhcpv6-stateful`,
  'openstack network show mynetwork-2 -c name -c subnets -c status',
  'openstack subnet list --network mynetwork-2',
  'openstack router create myrouter-2',
  'openstack router add subnet myrouter-2 mysubnet-4',
  'openstack router add subnet myrouter-2 mysubnet-6b',
  'openstack router set --external-gateway ext-provider1 myrouter-2',
  'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "CirrOS 5.2" --network mynetwork-2 myinstance-3',
  'openstack server show myinstance-3 -c name -c addresses -c image -c id -c status',
  'openstack port create --network mynetwork-2 --fixed-ip subnet=mysubnet-6b,ip-address=BEEF v6-port1',
  'openstack server create --key-name mykeypair --flavor a1-ram2-disk20-perf1 --image "CirrOS 5.2" --port v6-port1 myinstance-4',
  'openstack server show myinstance-4 -c name -c addresses -c image -c id -c status',
  // Releasing the range fails while ports use it (the document's warning), then succeeds.
  'openstack subnet delete mysubnet',
];

/** The document's /64 was another project's; find the one this cloud allocates (same seed, same result). */
function beefAddress(): string {
  const upTo = LINES.slice(0, LINES.findIndex((l) => l.includes('ip-address=BEEF')));
  const probe = runScript([...upTo, 'openstack subnet show mysubnet-6b -f value -c cidr'], { fixture: 'public-cloud', seed: 1 });
  const cidr = probe[probe.length - 1]?.stdout.trim() ?? '';
  return cidr.replace(/::\/64$/, '::beef');
}

describe('the Infomaniak document on the public-cloud fixture', () => {
  const lines = LINES.map((l) => l.replace('ip-address=BEEF', `ip-address=${beefAddress()}`));
  const t = runScript(lines, { fixture: 'public-cloud', seed: 1 });
  const byCmd = (prefix: string) => t.find((e) => e.command.startsWith(prefix));

  it('runs every line', () => {
    const failures = t.filter((e) => e.exitCode !== 0 && !e.command.startsWith('openstack subnet delete'));
    expect(failures).toEqual([]);
  });

  it('shows the provider networks as the document does', () => {
    expect(t[0]?.stdout).toContain('| ext-net1 ');
    expect(t[0]?.stdout).toContain('| Router Type |');
  });

  it('reserves a /28 from poolv4-selfservice1 with the gateway and DHCP taking two addresses', () => {
    const show = byCmd('openstack subnet show mysubnet')?.stdout ?? '';
    expect(show).toMatch(/cidr\s+\| 203\.0\.113\.0\/28/);
    expect(show).toMatch(/gateway_ip\s+\| 203\.0\.113\.1 /);
    const ports = byCmd('openstack port list --network mynetwork')?.stdout ?? '';
    expect(ports).toContain('network:router_interface');
    expect(ports).toContain('network:dhcp');
    expect(ports).toContain('compute:nova');
  });

  it('gives myinstance-4 only the ::beef address', () => {
    expect(byCmd('openstack server show myinstance-4')?.stdout).toMatch(/addresses \| mynetwork-2=2001:1600:11:[0-9a-f:]*::beef/);
  });

  it('refuses to release a subnet that is still in use', () => {
    const del = t[t.length - 1];
    expect(del?.exitCode).toBe(1);
    expect(del?.stderr).toMatch(/One or more ports have an IP allocation from this subnet\./);
  });
});
