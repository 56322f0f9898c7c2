/** Tab completion (server side): what the terminal offers after each kind of word. */
import { describe, expect, it } from 'vitest';
import { complete, createSession, runLine, type SessionState } from '../server/shell/session.js';

const ROUTER_NS = 'qrouter-46c7c61a-1989-4f00-8ad9-30f3f9eb75fb';

function node(lines: string[] = []): SessionState {
  let s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
  for (const l of lines) s = runLine(s, l).state;
  return s;
}

describe('Tab completion', () => {
  it('completes commands, then openstack sub-commands, options, choices and names', () => {
    const s = node();
    expect(complete(s, 'ovs-v')).toEqual({ candidates: ['ovs-vsctl'], replacement: 'ovs-vsctl ' });
    expect(complete(s, 'openstack network ag').replacement).toBe('openstack network agent ');
    expect(complete(s, 'openstack network agent ').candidates).toEqual(['list', 'show']);
    expect(complete(s, 'openstack network agent list --ro').replacement).toBe('openstack network agent list --router ');
    expect(complete(s, 'openstack network agent list --agent-type d').replacement).toBe('openstack network agent list --agent-type dhcp ');
    expect(complete(s, 'openstack router show my').replacement).toBe('openstack router show my-router ');
    expect(complete(s, 'openstack server show ').candidates).toEqual(['vm1', 'vm2']);
    // The next positional: a router first, then a subnet; a list positional keeps offering names.
    expect(complete(s, 'openstack router add subnet ').candidates).toEqual(['my-router']);
    expect(complete(s, 'openstack router add subnet my-router ').candidates).toEqual(['subnet1', 'subnet2']);
    expect(complete(s, 'openstack router add subnet my-router subnet1 ').candidates).toEqual([]);
    expect(complete(s, 'openstack server delete vm1 ').candidates).toEqual(['vm1', 'vm2']);
    expect(complete(s, 'openstack port list --network ').candidates).toEqual(['net1', 'net2']);
  });

  it('completes neutron sub-commands, their options and the names they take', () => {
    const s = node();
    expect(complete(s, 'neutron l3-').replacement).toBe('neutron l3-agent-list-hosting-router ');
    expect(complete(s, 'neutron l3-agent-list-hosting-router ').candidates).toEqual(['my-router']);
    expect(complete(s, 'neutron net-show ').candidates).toEqual(['net1', 'net2']);
    expect(complete(s, 'neutron router-interface-add my-router ').candidates).toEqual(['subnet1', 'subnet2']);
    expect(complete(s, 'neutron subnet-create --enable').candidates).toContain('--enable-dhcp');
    expect(complete(s, 'neutron bogus ').candidates).toEqual([]);
    expect(complete(s, 'nova sec').replacement).toBe('nova secgroup-add-rule ');
    expect(complete(s, 'nova secgroup-add-rule d').replacement).toBe('nova secgroup-add-rule default ');
  });

  it('completes namespace names after ip netns exec, and the commands and words inside', () => {
    const s = node();
    expect(complete(s, 'ip netns e').replacement).toBe('ip netns exec ');
    expect(complete(s, 'ip netns exec qr').replacement).toBe(`ip netns exec ${ROUTER_NS} `);
    expect(complete(s, 'ip netns exec qdhcp-').candidates).toHaveLength(2);
    expect(complete(s, `ip netns exec ${ROUTER_NS} iptables-s`).replacement).toBe(`ip netns exec ${ROUTER_NS} iptables-save `);
    expect(complete(s, `ip netns exec ${ROUTER_NS} iptables-save -t n`).replacement).toBe(`ip netns exec ${ROUTER_NS} iptables-save -t nat `);
    expect(complete(s, `ip netns exec ${ROUTER_NS} sysctl net.ipv4.conf.qr`).candidates).toEqual([
      'net.ipv4.conf.qr-99a68c9d-55.forwarding',
      'net.ipv4.conf.qr-ae6972f1-95.forwarding',
    ]);
    expect(complete(s, 'sudo ip netns exec qr').replacement).toBe(`sudo ip netns exec ${ROUTER_NS} `);
    expect(complete(s, 'sudo -E -u root ip netns exec qr').replacement).toBe(`sudo -E -u root ip netns exec ${ROUTER_NS} `);
  });

  it('completes ovs-vsctl commands and bridges, sysctl keys on the node, addresses to ping and ssh', () => {
    const s = node(['openstack network create --external --provider-network-type flat --provider-physical-network default public',
      'openstack subnet create --network public --subnet-range 180.180.180.0/24 --no-dhcp public-subnet',
      'openstack floating ip create --floating-ip-address 180.180.180.3 public']);
    expect(complete(s, 'ovs-vsctl list-p').replacement).toBe('ovs-vsctl list-ports ');
    expect(complete(s, 'ovs-vsctl add-port br-e').replacement).toBe('ovs-vsctl add-port br-ex ');
    expect(complete(s, 'ovs-vsctl --may').replacement).toBe('ovs-vsctl --may-exist ');
    expect(complete(s, 'sysctl net.ipv4.ip_').replacement).toBe('sysctl net.ipv4.ip_forward ');
    expect(complete(s, 'ping 180').replacement).toBe('ping 180.180.180.3 ');
    expect(complete(s, 'ssh cirros@180').replacement).toBe('ssh cirros@180.180.180.3 ');
    expect(complete(s, 'ssh cirros@10.10').replacement).toBe('ssh cirros@10.10.10.2 ');
  });

  it('completes file names for cd (directories), ls and cat, from the working directory, as bash does', () => {
    const s = node();
    // A directory keeps its slash and gets no space; a file gets the space.
    expect(complete(s, 'cd /e')).toEqual({ candidates: ['/etc/'], replacement: 'cd /etc/' });
    expect(complete(s, 'cd /etc/')).toEqual({ candidates: ['/etc/neutron/'], replacement: 'cd /etc/neutron/' });
    expect(complete(s, 'cat /etc/neutron/l')).toEqual({ candidates: ['/etc/neutron/l3_agent.ini'], replacement: 'cat /etc/neutron/l3_agent.ini ' });
    expect(complete(s, 'cat /etc/h')).toEqual({ candidates: ['/etc/hostname', '/etc/hosts'], replacement: 'cat /etc/host' });
    expect(complete(s, 'ls /etc/neutron/').candidates).toEqual(['/etc/neutron/dhcp_agent.ini', '/etc/neutron/l3_agent.ini', '/etc/neutron/plugins/']);
    const there = node(['cd /etc/neutron']);
    expect(complete(there, 'cat ').candidates).toEqual(['dhcp_agent.ini', 'l3_agent.ini', 'plugins/']);
    expect(complete(there, 'sudo cat l').replacement).toBe('sudo cat l3_agent.ini ');
    expect(complete(there, 'cd ').candidates).toEqual(['plugins/']);
    expect(complete(there, 'ls ../h').candidates).toEqual(['../hostname', '../hosts']);
    // Dotfiles when a dot is typed; nothing in a directory that is not there.
    expect(complete(node(), 'ls .').candidates).toEqual(['.bashrc', '.profile']);
    expect(complete(node(), 'cat /nope/').candidates).toEqual([]);
  });

  it('offers nothing odd on the laptop', () => {
    const s = createSession({ fixture: 'public-cloud', seed: 1 });
    expect(complete(s, 'sysctl net').candidates).toEqual([]);
    expect(complete(s, 'ip ').candidates).toEqual(['address', 'link', 'route']);
  });
});
