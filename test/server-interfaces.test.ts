/**
 * Interface attach and detach: Nova's os-interface API (POST and DELETE, as nova 26's
 * attach_interfaces.py and its schema answer), `openstack server add|remove port|network|fixed
 * ip` (what OSC 6.0 prints is compared with the real client on Stacklab's API in
 * test/openstack-api/nova-real-client.test.ts), and the guest that sees the NICs: CirrOS brings
 * up eth0 only, a cloud image every NIC it boots with, and nobody a hot-plugged one until the
 * learner runs `sudo udhcpc -i eth1`.
 */
import { describe, expect, it } from 'vitest';
import type { Cloud } from '../server/sim/model/cloud.js';
import type { ApiCall } from '../server/sim/api/request.js';
import { novaService } from '../server/sim/api/nova/rest.js';
import { runScript } from '../server/shell/script.js';
import { createSession } from '../server/shell/session.js';
import { runLines } from './support/run-lines.js';
import { publicCloudAfter } from './support/public-cloud.js';
import { trace } from '../server/sim/reach.js';
import { guestChanges } from '../server/sim/ops/server.js';

const BOOT = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1';
const NETS = [
  'openstack network create net1',
  'openstack subnet create --network net1 --subnet-range 10.0.0.0/24 sub1',
  'openstack network create net2',
  'openstack subnet create --network net2 --subnet-range 10.0.2.0/24 sub2',
  'openstack network create empty',
];
const run = (lines: string[]) => runScript(lines, { fixture: 'public-cloud', seed: 5 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nova's documents, indexed freely
type Doc = any;

function nova(cloud: Cloud, method: string, path: string, body?: unknown, mv = '2.70'): { status: number; json: Doc; cloud: Cloud } {
  const call: ApiCall = { service: 'compute', method, path: path.split('/'), query: [], body: body === undefined ? '' : JSON.stringify(body), microversion: mv };
  const r = novaService.handle(cloud, call, { base: 'http://stacklab.test/openstack/compute', accept: 'application/json' });
  return { status: r.answer.status, json: r.answer.body === '' ? null : JSON.parse(r.answer.body), cloud: r.cloud };
}

describe('os-interface: the API', () => {
  const base = publicCloudAfter([...NETS, `${BOOT} --network net1 vm1`, 'openstack port create --network net2 p1', 'openstack server list']).cloud;
  const vm = base.servers[0]?.id ?? '';
  const net2 = base.networks.find((n) => n.name === 'net2')?.id ?? '';
  const p1 = base.ports.find((p) => p.name === 'p1')?.id ?? '';
  const path = `v2.1/servers/${vm}/os-interface`;

  it('attaches a port the project has: 200, the attachment in Nova’s key order, the tag from 2.70', () => {
    const r = nova(base, 'POST', path, { interfaceAttachment: { port_id: p1, tag: 'web' } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.interfaceAttachment)).toEqual(['net_id', 'port_id', 'mac_addr', 'port_state', 'fixed_ips', 'tag']);
    expect(r.json.interfaceAttachment).toMatchObject({ port_id: p1, net_id: net2, port_state: 'ACTIVE', tag: 'web' });
    const port = r.cloud.ports.find((p) => p.id === p1);
    expect(port).toMatchObject({ deviceId: vm, deviceOwner: 'compute:nova', bindingVifType: 'ovs' });
    // The list and a show agree; at 2.1 there is no tag.
    expect(nova(r.cloud, 'GET', path).json.interfaceAttachments.map((a: Doc) => a.port_id)).toContain(p1);
    expect(Object.keys(nova(r.cloud, 'GET', `${path}/${p1}`, undefined, '2.1').json.interfaceAttachment)).toEqual(['net_id', 'port_id', 'mac_addr', 'port_state', 'fixed_ips']);
    // The port is in use now.
    expect(nova(r.cloud, 'POST', path, { interfaceAttachment: { port_id: p1 } }).json).toEqual({ conflictingRequest: { code: 409, message: `Port ${p1} is still in use.` } });
  });

  it('a network: Nova makes the port (the project’s default group only), with the address asked for', () => {
    const r = nova(base, 'POST', path, { interfaceAttachment: { net_id: net2, fixed_ips: [{ ip_address: '10.0.2.50' }] } });
    expect(r.status).toBe(200);
    const port = r.cloud.ports.find((p) => p.id === r.json.interfaceAttachment.port_id);
    expect(port?.fixedIps.map((f) => f.ipAddress)).toEqual(['10.0.2.50']);
    expect(port?.securityGroupIds).toEqual([base.securityGroups.find((g) => g.name === 'default' && g.projectId === base.auth.projectId)?.id]);
    expect(nova(r.cloud, 'POST', path, { interfaceAttachment: { net_id: net2, fixed_ips: [{ ip_address: '10.0.2.50' }] } }).json)
      .toEqual({ conflictingRequest: { code: 409, message: 'Fixed IP 10.0.2.50 is already in use.' } });
    // An address off the network is Nova's unexpected error (InvalidInput raised through RPC).
    const off = nova(base, 'POST', path, { interfaceAttachment: { net_id: net2, fixed_ips: [{ ip_address: '192.0.2.9' }] } });
    expect(off.status).toBe(500);
    expect(off.json.computeFault.message).toContain("<class 'nova.exception_Remote.InvalidInput_Remote'>");
    // Detach: 202; the port Nova made is deleted.
    const d = nova(r.cloud, 'DELETE', `${path}/${port?.id ?? ''}`);
    expect(d.status).toBe(202);
    expect(d.cloud.ports.some((p) => p.id === port?.id)).toBe(false);
  });

  it('refuses bodies as the schema of the microversion does', () => {
    const msg = (body: unknown, mv = '2.70') => {
      const r = nova(base, 'POST', path, body, mv);
      return `${r.status} ${(Object.values(r.json ?? {})[0] as Doc)?.message ?? ''}`;
    };
    expect(msg(null)).toBe("400 None is not of type 'object'");
    expect(msg({ interfaceAttachment: { net_id: 'x' } })).toBe("400 Invalid input for field/attribute net_id. Value: x. 'x' is not a 'uuid'");
    expect(msg({ interfaceAttachment: { port_id: p1, tag: 'a/b' } })).toBe("400 Invalid input for field/attribute tag. Value: a/b. 'a/b' does not match '^[^,/]*$'");
    expect(msg({ interfaceAttachment: { port_id: p1, tag: 'a' } }, '2.48')).toMatch(/^400 Invalid input for field\/attribute interfaceAttachment\. Value: .*Additional properties are not allowed \('tag' was unexpected\)$/);
    expect(msg({ interfaceAttachment: { net_id: net2, fixed_ips: [] } })).toBe('400 Invalid input for field/attribute fixed_ips. Value: []. [] is too short');
    expect(msg({ interfaceAttachment: { net_id: net2, fixed_ips: [{ ip_address: '10.0.2.300' }] } })).toBe("400 Invalid input for field/attribute ip_address. Value: 10.0.2.300. '10.0.2.300' is not valid under any of the given schemas");
    expect(msg({ interfaceAttachment: { net_id: net2, port_id: p1 } })).toBe('400 Must not input both network_id and port_id');
    expect(msg({ interfaceAttachment: { fixed_ips: [{ ip_address: '10.0.2.9' }] } })).toBe('400 Must input network_id when request IP address');
    expect(msg({ interfaceAttachment: {}, other: 1 })).toBe("400 Additional properties are not allowed ('other' was unexpected)");
    // No network named: the project has several, Nova does not choose.
    expect(msg({})).toBe('400 Multiple possible networks found, use a Network ID to be more specific.');
    expect(msg({ interfaceAttachment: { port_id: '00000000-0000-0000-0000-000000000000' } })).toBe('404 Port id 00000000-0000-0000-0000-000000000000 could not be found.');
  });

  it('shows only the server’s own ports; a detach of a port it lacks is a 202 that changes nothing', () => {
    expect(nova(base, 'GET', `${path}/${p1}`).json.itemNotFound.message).toBe(`Instance ${vm} does not have a port with id ${p1}`);
    expect(nova(base, 'GET', `${path}/nosuch`).json.itemNotFound.message).toBe('Port id nosuch could not be found.');
    const d = nova(base, 'DELETE', `${path}/${p1}`);
    expect(d.status).toBe(202);
    expect(d.cloud.ports.find((p) => p.id === p1)).toEqual(base.ports.find((p) => p.id === p1));
  });

  it('another project reaches neither the server nor the port; an admin may not plug a port of another project', () => {
    const other: Cloud = { ...base, auth: { ...base.auth, projectId: 'f'.repeat(32), admin: false } };
    for (const [method, sub, body] of [['POST', '', { interfaceAttachment: { port_id: p1 } }], ['DELETE', `/${p1}`, undefined], ['GET', '', undefined]] as const) {
      const r = nova(other, method, `${path}${sub}`, body);
      expect([r.status, r.json?.itemNotFound?.message]).toEqual([404, `Instance ${vm} could not be found.`]);
      expect(r.cloud.ports).toEqual(base.ports);
    }
    // The admin's own port on the learner's server: Nova's PortNotUsable.
    const admin: Cloud = { ...base, auth: { ...base.auth, admin: true } };
    const withAdminPort: Cloud = { ...admin, ports: admin.ports.map((p) => (p.id === p1 ? { ...p, projectId: 'a'.repeat(32) } : p)) };
    expect(nova(withAdminPort, 'POST', path, { interfaceAttachment: { port_id: p1 } }).json.badRequest.message).toBe(`Port ${p1} not usable for instance ${vm}.`);
  });

  it('a server still building refuses both (409 naming the vm_state)', () => {
    const building: Cloud = { ...base, servers: base.servers.map((x) => ({ ...x, status: 'BUILD' as const })) };
    const id = vm;
    expect(nova(building, 'POST', `v2.1/servers/${id}/os-interface`, { interfaceAttachment: { net_id: net2 } }).json.conflictingRequest.message)
      .toBe(`Cannot 'attach_interface' instance ${id} while it is in vm_state building`);
  });
});

describe('server add|remove port|network|fixed ip', () => {
  it('a port the learner made comes back unbound; ports Nova made go, with the server too', () => {
    const t = run([
      ...NETS,
      `${BOOT} --network net1 vm1`,
      'openstack port create --network net2 mine',
      'openstack server add port vm1 mine',
      'openstack server add network vm1 net2',
      'openstack port list --server vm1 -f value -c Name | sort',
      'openstack server remove port vm1 mine',
      'openstack port show mine -f value -c device_id -c device_owner -c status',
      'openstack server add fixed ip vm1 net2 --fixed-ip-address 10.0.2.99 -f value -c "Fixed IPs"',
      'openstack server remove network vm1 net2',
      'openstack port list --server vm1 -f value -c Name',
      'openstack server add network vm1 empty',
      'openstack server add port vm1 nosuch',
      'openstack server remove fixed ip vm1 10.0.0.5',
    ]).slice(NETS.length + 1);
    expect(t.map((e) => e.exitCode)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(t[3]?.stdout).toBe('\n\nmine\n');
    expect(t[5]?.stdout).toBe('\n\nDOWN\n');
    expect(t[6]?.stdout).toMatch(/^\[\{'subnet_id': '[0-9a-f-]{36}', 'ip_address': '10\.0\.2\.99'\}\]\n$/);
    expect(t[8]?.stdout).toBe('\n');
    expect(t[9]?.stderr).toMatch(/^BadRequestException: 400: Client Error for url: \S+\/os-interface, Network requires port_security_enabled and subnet associated in order to apply security groups\.\n$/);
    expect(t[10]?.stderr).toBe('No Port found for nosuch\n');
    // OSC 6.0's remove fixed ip calls what novaclient 18 no longer has.
    expect(t[11]?.stderr).toBe('remove_fixed_ip\n');
  });
});

describe('the guest and its NICs', () => {
  const IN_ROUTER = 'ip netns exec qrouter-$(openstack router show my-router -f value -c id)';
  const ADDR = (net: string) => `$(openstack port list --server vm2 --network ${net} -f value -c "Fixed IP Addresses" | cut -d"'" -f8)`;

  /** A cloud-image VM vm2 (Ubuntu unless told) on ext-net1 (and net2 at boot, or hot-plugged), then `lines` in an ssh session on it. */
  function onCloudImage(netsAtBoot: string, after: string[], lines: string[], image = 'Ubuntu 22.04 LTS Jammy Jellyfish'): string[] {
    const user = image.startsWith('Ubuntu') ? 'ubuntu' : 'debian';
    const setup = runLines(createSession({ fixture: 'public-cloud', seed: 5 }), [
      'openstack network create net2',
      'openstack subnet create --network net2 --subnet-range 10.0.2.0/24 sub2',
      'openstack security group rule create --proto tcp --dst-port 22 default',
      `openstack server create --image "${image}" --flavor a1-ram2-disk20-perf1 --key-name mykeypair ${netsAtBoot} vm2`,
      'openstack server list',
      ...after,
    ]);
    const c = setup.state.cloud;
    const ext = c.networks.find((n) => n.name === 'ext-net1')?.id;
    const address = c.ports.find((p) => p.networkId === ext && p.deviceOwner.startsWith('compute:'))?.fixedIps.find((f) => !f.ipAddress.includes(':'))?.ipAddress ?? '';
    return runLines(setup.state, [`ssh ${user}@${address}`, ...lines]).out.slice(1);
  }

  it('CirrOS: a hot-plugged eth1 is DOWN and answers nothing until `sudo udhcpc -i eth1`; the next boot forgets it', () => {
    const s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
    const { out } = runLines(s, [
      'openstack security group rule create --proto icmp default',
      'openstack security group rule create --proto tcp --dst-port 22 default',
      'openstack server add network vm2 net1',
      `${IN_ROUTER} ping -c 1 ${ADDR('net1')}`,
      `${IN_ROUTER} ssh cirros@20.20.20.2`,
      'ip link',
      'udhcpc -i eth1',
      'sudo udhcpc -i eth9',
      'sudo udhcpc -i eth1',
      'ip route',
      'exit',
      `${IN_ROUTER} ping -c 1 ${ADDR('net1')}`,
      'openstack server reboot vm2',
      `${IN_ROUTER} ping -c 1 ${ADDR('net1')}`,
    ]);
    expect(out[3]).toContain('Destination Host Unreachable');
    expect(out[5]).toMatch(/\n3: eth1: <BROADCAST,MULTICAST> mtu \d+ qdisc noop qlen 1000\n    link\/ether fa:16:3e(:[0-9a-f]{2}){3} brd ff:ff:ff:ff:ff:ff\n$/);
    expect(out[6]).toBe('udhcpc: socket: Operation not permitted\n');
    expect(out[7]).toBe('udhcpc: SIOCGIFINDEX: No such device\n');
    expect(out[8]).toMatch(/^udhcpc: started, v1\.29\.3\nudhcpc: sending discover\nudhcpc: sending select for (10\.10\.10\.\d+)\nudhcpc: lease of \1 obtained, lease time 86400\n$/);
    expect(out[9]).toBe('default via 20.20.20.1 dev eth0 \ndefault via 10.10.10.1 dev eth1 \n'
      + `${/10\.10\.10\.0\/24 dev eth1 scope link  src 10\.10\.10\.\d+ \n/.exec(out[9] ?? '')?.[0] ?? 'missing 10.10.10.0/24'}`
      + '20.20.20.0/24 dev eth0 scope link  src 20.20.20.2 \n169.254.169.254 via 20.20.20.1 dev eth0 \n169.254.169.254 via 10.10.10.1 dev eth1 \n');
    expect(out[11]).toContain(' 0% packet loss');
    expect(out[13]).toContain('Destination Host Unreachable');
  });

  it('a cloud image brings up every NIC it boots with (ens3, ens4), each with its lease', () => {
    const out = ['', ...onCloudImage('--network ext-net1 --network net2', [], ['ip -4 addr', 'ip route'])];
    expect(out[1]).toMatch(/\n3: ens4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu \d+ qdisc fq_codel state UP group default qlen 1000\n    inet 10\.0\.2\.\d+\/24 brd 10\.0\.2\.255 scope global dynamic ens4\n/);
    // Both leases route (metric 100 each); the defaults first, the rest by destination. Neither
    // subnet has a Neutron router: with isolated metadata the DHCP agent points the metadata
    // route at its own port (.2), not at the gateway (neutron/agent/linux/dhcp.py, Zed).
    expect((out[2] ?? '').split('\n').map((l) => l.split(' ').slice(0, 5).join(' '))).toEqual([
      'default via 192.0.2.1 dev ens3', 'default via 10.0.2.1 dev ens4', '10.0.2.0/24 dev ens4 proto kernel', '10.0.2.1 dev ens4 proto dhcp',
      '169.254.169.254 via 192.0.2.2 dev ens3', '169.254.169.254 via 10.0.2.2 dev ens4', '192.0.2.0/25 dev ens3 proto kernel', '192.0.2.1 dev ens3 proto dhcp', '',
    ]);
  });

  it('a cloud image: the subnet’s host routes come with the lease (option 121), as systemd-networkd adds DHCP routes; route -n shows the kernel’s metrics', () => {
    const out = ['', ...onCloudImage('--network ext-net1 --network net2', ['openstack subnet set --host-route destination=10.9.0.0/16,gateway=10.0.2.254 --host-route destination=10.8.0.1/32,gateway=10.0.2.253 sub2'], ['ip route', 'route -n', 'ip route get 10.9.1.1'])];
    const lines = (out[1] ?? '').split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^10\.9\.0\.0\/16 via 10\.0\.2\.254 dev ens4 proto dhcp src 10\.0\.2\.\d+ metric 100 $/));
    expect(lines).toContainEqual(expect.stringMatching(/^10\.8\.0\.1 via 10\.0\.2\.253 dev ens4 proto dhcp src 10\.0\.2\.\d+ metric 100 $/));
    // route -n as net-tools 2.10 prints such a table (checked in a network namespace): the
    // metrics, and the gateway's host route as UH.
    expect(out[2]).toMatch(/\n0\.0\.0\.0 +10\.0\.2\.1 +0\.0\.0\.0 +UG +100 +0 +0 ens4\n/);
    expect(out[2]).toMatch(/\n10\.0\.2\.1 +0\.0\.0\.0 +255\.255\.255\.255 UH +100 +0 +0 ens4\n/);
    expect(out[2]).toMatch(/\n10\.8\.0\.1 +10\.0\.2\.253 +255\.255\.255\.255 UGH +100 +0 +0 ens4\n/);
    expect(out[2]).toMatch(/\n10\.9\.0\.0 +10\.0\.2\.254 +255\.255\.0\.0 +UG +100 +0 +0 ens4\n/);
    expect(out[3]).toMatch(/^10\.9\.1\.1 via 10\.0\.2\.254 dev ens4 src 10\.0\.2\.\d+ uid \d+ \n/);
  });

  it('a cloud image: another subnet of the network comes as an on-link route (option 121, gateway 0.0.0.0), as systemd-networkd adds it', () => {
    const after = ['openstack subnet create --network net2 --subnet-range 10.0.3.0/24 sub3', 'openstack server reboot vm2'];
    const out = ['', ...onCloudImage('--network ext-net1 --network net2', after, ['ip route', 'route -n', 'ip route get 10.0.3.9'])];
    const lines = (out[1] ?? '').split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^10\.0\.3\.0\/24 dev ens4 proto dhcp scope link src 10\.0\.2\.\d+ metric 100 $/));
    // Only on the network's other subnets: ens3's lease (ext-net1 has one IPv4 subnet) has none.
    expect(lines.filter((l) => / scope link /.test(l) && l.includes('dev ens3'))).toHaveLength(2);
    expect(out[2]).toMatch(/\n10\.0\.3\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U +100 +0 +0 ens4\n/);
    expect(out[3]).toMatch(/^10\.0\.3\.9 dev ens4 src 10\.0\.2\.\d+ uid \d+ \n/);
  });

  it("Debian: dhclient-script's routes (ip route add: no protocol, no metric, no host route to the gateway); a second NIC's default and metadata routes are refused as duplicates", () => {
    const after = ['openstack subnet create --network net2 --subnet-range 10.0.3.0/24 sub3', 'openstack server reboot vm2'];
    const out = ['', ...onCloudImage('--network ext-net1 --network net2', after, ['ip route', 'route -n', 'sudo ip route add default via 10.0.2.1'], 'Debian 11 bullseye')];
    expect(out[1]?.replace(/(10\.0\.2|192\.0\.2)\.\d+ \n/g, '$1.X \n')).toBe([
      'default via 192.0.2.1 dev ens3 ',
      '10.0.2.0/24 dev ens4 proto kernel scope link src 10.0.2.X ',
      '10.0.3.0/24 dev ens4 scope link ',
      '169.254.169.254 via 192.0.2.2 dev ens3 ',
      '192.0.2.0/25 dev ens3 proto kernel scope link src 192.0.2.X ',
      '',
    ].join('\n'));
    expect(out[2]).toMatch(/\n0\.0\.0\.0 +192\.0\.2\.1 +0\.0\.0\.0 +UG +0 +0 +0 ens3\n/);
    expect(out[2]).toMatch(/\n10\.0\.3\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U +0 +0 +0 ens4\n/);
    // The lease's default route has metric 0, as one added by hand would.
    expect(out[3]).toBe('RTNETLINK answers: File exists\n');
  });

  it("Debian: a host route through an address off the subnet is not installed (dhclient's ip route add: Nexthop has invalid gateway, silenced)", () => {
    const after = ['openstack subnet set --host-route destination=10.9.0.0/16,gateway=192.168.5.1 --host-route destination=10.8.0.0/16,gateway=10.0.2.254 sub2'];
    const out = ['', ...onCloudImage('--network ext-net1 --network net2', after, ['ip route'], 'Debian 11 bullseye')];
    expect(out[1]).toContain('10.8.0.0/16 via 10.0.2.254 dev ens4 \n');
    expect(out[1]).not.toContain('10.9.0.0/16');
  });

  it('a cloud image: a hot-plugged ens4 is DOWN until `sudo dhclient ens4` (ISC dhclient 4.4.1: silent, -v tells the exchange)', () => {
    const out = ['', ...onCloudImage('--network ext-net1', ['openstack server add network vm2 net2'], ['ip link show ens4', 'dhclient ens4', 'dhclient -v ens4', 'sudo dhclient ens9', 'sudo dhclient ens4', 'ip -4 addr show ens4', 'sudo dhclient -v ens4', 'udhcpc -i ens4', 'ip link set ens4 down', 'sudo ip route add 10.9.0.0/16 dev ens4', 'ip addr ens4', 'ip route get 10.0.2.9'])];
    expect(out[1]).toMatch(/^3: ens4: <BROADCAST,MULTICAST> mtu \d+ qdisc noop state DOWN mode DEFAULT group default qlen 1000\n/);
    expect(out[2]).toBe('RTNETLINK answers: Operation not permitted\n');
    expect(out[3]).toMatch(/^Internet Systems Consortium DHCP Client 4\.4\.1\n[^]*can't create \/var\/lib\/dhcp\/dhclient\.leases: Permission denied\nRTNETLINK answers: Operation not permitted\nOpen a socket for LPF: Operation not permitted\n[^]*\nexiting\.\n$/);
    expect(out[4]).toBe('Cannot find device "ens9"\n');
    expect(out[5]).toBe('');
    expect(out[6]).toMatch(/inet 10\.0\.2\.\d+\/24 brd 10\.0\.2\.255 scope global dynamic ens4/);
    expect(out[7]).toMatch(/\nDHCPDISCOVER on ens4 to 255\.255\.255\.255 port 67 interval 3 \(xid=0x[0-9a-f]{8}\)\nDHCPOFFER of (10\.0\.2\.\d+) from 10\.0\.2\.\d+\nDHCPREQUEST for \1 on ens4 to 255\.255\.255\.255 port 67 \(xid=0x[0-9a-f]{8}\)\nDHCPACK of \1 from 10\.0\.2\.\d+ \(xid=0x[0-9a-f]{8}\)\nbound to \1 -- renewal in \d+ seconds\.\n$/);
    expect(out[8]).toContain('command not found');
    // iproute2's refusal for a user; as root, an on-link route (dev only) is taken.
    expect(out[9]).toBe('RTNETLINK answers: Operation not permitted\n');
    expect(out[10]).toBe('');
    expect(out[11]).toBe('Command "ens4" is unknown, try "ip address help".\n');
    // The route the kernel picks: ens4's subnet now, the user's uid.
    expect(out[12]).toMatch(/^10\.0\.2\.9 dev ens4 src 10\.0\.2\.\d+ uid 1000 \n    cache \n$/);
  });

  it("Debian's dhclient -v: the same exchange without Ubuntu's transaction ids (ISC 4.4 as Debian builds it)", () => {
    const out = onCloudImage('--network ext-net1', ['openstack server add network vm2 net2'], ['sudo dhclient -v ens4'], 'Debian 11 bullseye');
    expect(out[0]).toMatch(/\nDHCPDISCOVER on ens4 to 255\.255\.255\.255 port 67 interval 3\nDHCPOFFER of (10\.0\.2\.\d+) from 10\.0\.2\.\d+\nDHCPREQUEST for \1 on ens4 to 255\.255\.255\.255 port 67\nDHCPACK of \1 from 10\.0\.2\.\d+\nbound to \1 -- renewal in \d+ seconds\.\n$/);
  });

  it('a cloud image by hand: ip link set up, ip addr add, ip route add default (iproute2 6.1\'s words for each refusal)', () => {
    const out = onCloudImage('--network ext-net1', ['openstack server add network vm2 net2'], [
      'sudo ip addr add 10.0.2.200/24 dev ens4',
      'sudo ip link set ens4 up',
      'ip -4 addr show ens4',
      'sudo ip addr add 10.0.2.200/24 dev ens4',
      'sudo ip addr del 10.0.2.9/24 dev ens4',
      'sudo ip route add default via 10.9.9.9',
      'sudo ip route add default via 10.0.2.1',
      'ip route',
      'sudo ip route add default via 10.0.2.1',
      'sudo ip route add default via 10.0.2.1 dev ens9',
      'sudo ip link set ens4 mtu 1400',
    ]);
    expect(out[0]).toBe('');
    expect(out[2]).toMatch(/^3: ens4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu \d+ qdisc fq_codel state UP group default qlen 1000\n    inet 10\.0\.2\.200\/24 scope global ens4\n       valid_lft forever preferred_lft forever\n$/);
    expect(out[3]).toBe('Error: ipv4: Address already assigned.\n');
    expect(out[4]).toBe('Error: ipv4: Address not found.\n');
    expect(out[5]).toBe('Error: Nexthop has invalid gateway.\n');
    expect(out[6]).toBe('');
    // Metric 0 by hand, before the lease's (100); the connected route of the address set by hand.
    expect(out[7]?.split('\n').slice(0, 2)).toEqual(['default via 10.0.2.1 dev ens4 ', expect.stringMatching(/^default via 192\.0\.2\.1 dev ens3 proto dhcp src 192\.0\.2\.\d+ metric 100 $/)]);
    expect(out[7]).toContain('10.0.2.0/24 dev ens4 proto kernel scope link src 10.0.2.200 \n');
    expect(out[8]).toBe('RTNETLINK answers: File exists\n');
    expect(out[9]).toBe('Cannot find device "ens9"\n');
    expect(out[10]).toBe('Error: either "dev" is duplicate, or "mtu" is a garbage.\n');
  });

  it('a cloud image: routes to other networks by hand (ip route add|del CIDR via GW), in iproute2 6.1\'s words', () => {
    const out = onCloudImage('--network ext-net1 --network net2', [], [
      'sudo ip route add 10.77.0.0/24 via 10.0.2.1',
      'sudo ip route add 10.77.0.0/24 via 10.0.2.1',
      'sudo ip route add 10.78.0.0/24 via 10.9.9.9',
      'sudo ip route add 10.79.0.1/24 via 10.0.2.1',
      'sudo ip route add 10.80.0.0/33 via 10.0.2.1',
      'sudo ip route add 10.81.0.7 via 10.0.2.1 dev ens4',
      'ip route',
      'ip route get 10.77.0.9',
      'sudo ip route del 10.82.0.0/24',
      'sudo ip route del 10.77.0.0/24 via 10.0.2.99',
      'sudo ip route del 10.77.0.0/24',
      'ip route add 10.83.0.0/24 via 10.0.2.1',
      'sudo ip route add blackhole 10.84.0.0/24',
    ]);
    expect(out.slice(0, 6)).toEqual([
      '',
      'RTNETLINK answers: File exists\n',
      'Error: Nexthop has invalid gateway.\n',
      'Error: Invalid prefix for given prefix length.\n',
      'Error: any valid prefix is expected rather than "10.80.0.0/33".\n',
      '',
    ]);
    // Listed among the others by destination, without protocol or metric; a /32 as its address.
    expect(out[6]).toContain('10.0.2.0/24 dev ens4 proto kernel scope link src 10.0.2.');
    expect(out[6]).toContain('\n10.77.0.0/24 via 10.0.2.1 dev ens4 \n10.81.0.7 via 10.0.2.1 dev ens4 \n');
    expect(out[7]).toMatch(/^10\.77\.0\.9 via 10\.0\.2\.1 dev ens4 src 10\.0\.2\.\d+ uid 1000 \n    cache \n$/);
    expect(out.slice(8, 12)).toEqual(['RTNETLINK answers: No such process\n', 'RTNETLINK answers: No such process\n', '', 'RTNETLINK answers: Operation not permitted\n']);
    expect(out[12]).toMatch(/^stacklab: ip route add is not simulated here/);
  });

  it('hostile: routes set by hand are bounded, through a gateway or on-link alike', () => {
    const adds = Array.from({ length: 70 }, (_, i) => `sudo ip route add 10.90.${i}.0/24 ${i % 2 === 0 ? 'via 10.0.2.1' : 'dev ens4'}`);
    const out = onCloudImage('--network ext-net1 --network net2', [], adds);
    expect(out.slice(0, 64).every((o) => o === '')).toBe(true);
    expect(out[64]).toBe('stacklab: at most 64 routes set by hand here\n');
  });

  it('hostile: addresses set by hand are bounded per NIC', () => {
    const adds = Array.from({ length: 70 }, (_, i) => `sudo ip addr add 10.0.2.${i + 10}/24 dev ens4`);
    const out = onCloudImage('--network ext-net1', ['openstack server add network vm2 net2'], adds);
    expect(out.slice(0, 64).every((o) => o === '')).toBe(true);
    expect(out[64]).toBe('stacklab: at most 64 addresses on a NIC here\n');
  });

  it('an address set by hand answers; off the subnet it needs a default route set by hand too', () => {
    const s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
    const { state } = runLines(s, [
      'openstack network create n3',
      'openstack subnet create --network n3 --subnet-range 30.30.30.0/24 --no-dhcp s3',
      'openstack router add subnet my-router s3',
      'openstack security group rule create --proto icmp default',
      'openstack server create --image cirros-0.5.2-x86_64-disk --flavor m1.tiny --nic net-id=n3,v4-fixed-ip=30.30.30.10 vm3',
      'openstack server list',
    ]);
    const vm = state.cloud.servers.find((x) => x.name === 'vm3');
    const id = vm?.id ?? '';
    const router = { kind: 'ns' as const, name: `qrouter-${state.cloud.routers[0]?.id ?? ''}` };
    expect(trace(state.cloud, router, '30.30.30.10', 'icmp', null).verdict).toBe('host-unreachable');
    const manual = guestChanges(state.cloud, id, { nic: { index: 0, addrs: ['30.30.30.10/24'] } });
    expect(trace(manual, router, '30.30.30.10', 'icmp', null).verdict).toBe('ok');
    const out = trace(manual, { kind: 'vm', serverId: id }, '10.10.10.2', 'icmp', null);
    expect([out.verdict, out.reason]).toEqual(['net-unreachable', 'the VM has no default route (its address was set by hand: ip route add default via 30.30.30.1)']);
    const routed = guestChanges(manual, id, { guestDefault: { via: '30.30.30.1', dev: 0 } });
    expect(trace(routed, { kind: 'vm', serverId: id }, '10.10.10.2', 'icmp', null).verdict).toBe('ok');
    const elsewhere = guestChanges(manual, id, { guestDefault: { via: '30.30.30.99', dev: 0 } });
    expect(trace(elsewhere, { kind: 'vm', serverId: id }, '10.10.10.2', 'icmp', null).verdict).toBe('host-unreachable');
  });

  it('traffic to an address on a NIC the guest brought up leaves by that NIC (on-link, no router)', () => {
    const s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
    const { out } = runLines(s, [
      'openstack security group rule create --proto icmp default',
      'openstack security group rule create --proto tcp --dst-port 22 default',
      'openstack server add network vm2 net1',
      `${IN_ROUTER} ssh cirros@20.20.20.2`,
      'ping -c 1 10.10.10.2',
      'sudo udhcpc -i eth1',
      'ping -c 1 10.10.10.2',
    ]);
    expect(out[4]).toContain('ttl=63');
    expect(out[6]).toContain('ttl=64');
  });
});
