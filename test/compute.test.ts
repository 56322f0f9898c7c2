/**
 * The Nova/Glance side, which the oracle cannot capture: behaviour from the reference
 * (../shared/reference/openstack-cli.md §2.8, §3.11) as OSC 6.0 with novaclient prints it.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../server/shell/script.js';

const run = (lines: string[], fixture = 'public-cloud') => runScript(lines, { fixture, seed: 5 });

describe('server create', () => {
  it('boots in BUILD, then ACTIVE with its address; the port becomes ACTIVE', () => {
    const t = run([
      'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --key-name mykeypair --network ext-net1 vm1 -f value -c status -c OS-EXT-STS:vm_state',
      'openstack server show vm1 -c status -c OS-EXT-STS:power_state -c key_name -f value',
      'openstack server list -c Name -c Status -c Networks -f value',
      'openstack port list --server vm1 -c Status -f value',
    ]);
    expect(t[0]?.stdout).toBe('building\nBUILD\n');
    // -f value: Nova's power state integer and the addresses as a dict (OSC 6.0's machine forms).
    expect(t[1]?.stdout).toBe('1\nmykeypair\nACTIVE\n');
    expect(t[2]?.stdout).toMatch(/^vm1 ACTIVE \{'ext-net1': \['192\.0\.2\.\d+', '2001:1600:20:100:[0-9a-f:]+'\]\}\n$/);
    expect(t[3]?.stdout).toBe('ACTIVE\n');
  });

  it('shows the create output with adminPass and the 2.1 shapes', () => {
    const out = run(['openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network ext-net1 vm1'])[0]?.stdout ?? '';
    expect(out).toMatch(/\| adminPass +\| [A-Za-z0-9]{12} +\|/);
    expect(out).toMatch(/\| flavor +\| a1-ram2-disk20-perf1 \(0a3e4c2f-3b2a-4b91-9d1f-6c1e5b0a7a01\) +\|/);
    expect(out).toMatch(/\| security_groups +\| name='default' +\|/);
    expect(out).toMatch(/\| OS-EXT-STS:task_state +\| scheduling +\|/);
    expect(out).not.toContain('OS-EXT-SRV-ATTR:host');
  });

  it('gives Nova errors in novaclient form', () => {
    const t = run([
      'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 vm1',
      'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network ext-provider1 vm1',
      'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network ext-net1 --key-name nokey vm1',
      'openstack server create --image nosuch --flavor a1-ram2-disk20-perf1 vm1',
      'openstack server create --image "CirrOS 5.2" --flavor nosuch vm1',
      'openstack server show nosuch',
    ]);
    expect(t[0]?.stderr).toMatch(/^Multiple possible networks found, use a Network ID to be more specific\. \(HTTP 409\) \(Request-ID: req-[0-9a-f-]{36}\)\n$/);
    expect(t[1]?.stderr).toMatch(/^It is not allowed to create an interface on external network [0-9a-f-]{36} \(HTTP 403\)/);
    expect(t[2]?.stderr).toMatch(/^Invalid key_name provided\. \(HTTP 400\)/);
    expect(t[3]?.stderr).toBe('No Image found for nosuch\n');
    expect(t[4]?.stderr).toBe("No flavor with a name or ID of 'nosuch' exists.\n");
    expect(t[5]?.stderr).toBe("No server with a name or ID of 'nosuch' exists.\n");
    expect(t.map((e) => e.exitCode)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('boots on a given port and keeps it when the server is deleted', () => {
    const t = run([
      'openstack network create n1',
      'openstack subnet create s1 --network n1 --subnet-range 10.1.0.0/24',
      'openstack port create --network n1 --fixed-ip subnet=s1,ip-address=10.1.0.50 p1',
      'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --port p1 vm1 -f value -c name',
      'openstack server show vm1 -c addresses -f value',
      'openstack server delete vm1',
      'openstack port show p1 -c device_owner -c status -f value',
    ]);
    expect(t[4]?.stdout).toBe("{'n1': ['10.1.0.50']}\n");
    expect(t[6]?.stdout).toBe('\nDOWN\n');
  });
});

describe('floating IPs on servers (private network, router, SNAT)', () => {
  it('adds and removes a floating IP, shown in Networks', () => {
    const t = run([
      'openstack network create private',
      'openstack subnet create private-sub --network private --subnet-range 10.0.0.0/24',
      'openstack router create r1',
      'openstack router add subnet r1 private-sub',
      'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1 --network private vm1 -f value -c name',
      'FIP=$(openstack floating ip create ext-floating1 -f value -c floating_ip_address)',
      'openstack server add floating ip vm1 $FIP',
      'openstack router set --external-gateway ext-floating1 r1',
      'openstack server add floating ip vm1 $FIP',
      'openstack server list -c Networks -f value',
      'openstack floating ip list --long -c Status -f value',
      'openstack server remove floating ip vm1 $FIP',
      'openstack floating ip list --long -c Status -c Port -f value',
    ]);
    expect(t[6]?.exitCode).toBe(1);
    expect(t[6]?.stderr).toMatch(/^ResourceNotFound: 404: Client Error for url: https:\/\/api\.pub1\.infomaniak\.cloud:9696\/v2\.0\/floatingips\/[0-9a-f-]{36}, External network [0-9a-f-]{36} is not reachable from subnet [0-9a-f-]{36}\.  Therefore, cannot associate Port [0-9a-f-]{36} with a Floating IP\.\n$/);
    expect(t[8]?.exitCode).toBe(0);
    expect(t[9]?.stdout).toMatch(/^\{'private': \['10\.0\.0\.\d+', '192\.0\.2\.\d+'\]\}\n$/);
    expect(t[10]?.stdout).toBe('ACTIVE\n');
    expect(t[12]?.stdout).toBe('None DOWN\n');
  });
});

describe('key pairs, images, flavors, quota', () => {
  it('lists and shows them', () => {
    const t = run([
      'openstack keypair list -f value',
      'openstack keypair create mykey2',
      'openstack keypair create mykey2',
      'openstack image list -c Name -c Status -f value',
      'openstack flavor list -c Name -c RAM -c VCPUs',
      'openstack quota show -c networks -c routers -c floating-ips -f value',
      'openstack keypair delete nosuch',
    ]);
    // Key pairs go through openstacksdk in OSC 6.0: a Type column, the SDK's error form.
    expect(t[0]?.stdout).toMatch(/^mykeypair ([0-9a-f]{2}:){15}[0-9a-f]{2} ssh\n$/);
    expect(t[1]?.stdout).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+-----END RSA PRIVATE KEY-----\n\n$/);
    expect(t[2]?.stderr).toBe(
      "ConflictException: 409: Client Error for url: https://api.pub1.infomaniak.cloud:8774/v2.1/os-keypairs, Key pair 'mykey2' already exists.\n",
    );
    expect(t[3]?.stdout).toBe('CirrOS 5.2 active\nDebian 11 bullseye active\nUbuntu 22.04 LTS Jammy Jellyfish active\ndebian-10.8-openstack-amd64.raw active\n');
    expect(t[4]?.stdout.split('\n')[3]).toBe('| a1-ram2-disk20-perf1 | 2048 |     1 |');
    expect(t[5]?.stdout).toBe('50\n100\n10\n');
    expect(t[6]?.stderr).toMatch(
      /^Failed to delete key with name 'nosuch': ResourceNotFound: 404: Client Error for url: https:\/\/api\.pub1\.infomaniak\.cloud:8774\/v2\.1\/os-keypairs\/nosuch, Keypair nosuch not found for user [0-9a-f]{32}\n1 of 1 keys failed to delete\.\n$/,
    );
  });
});

describe('a member of the public cloud', () => {
  it('sees provider networks without admin-only attributes, and may not create external ones', () => {
    const t = run([
      'openstack network show ext-net1 -c provider:network_type -c shared -c router:external -f value',
      'openstack network create --external x',
      'openstack port create --network ext-provider1 p',
    ]);
    expect(t[0]?.stdout).toBe('None\nFalse\nTrue\n');
    expect(t[1]?.stderr).toBe('Error while executing command: HttpException: 403, (rule:create_network and rule:create_network:router:external) is disallowed by policy\n');
    expect(t[2]?.stderr).toMatch(/^HttpException: 403: Client Error for url: .*\/v2\.0\/ports, Tenant [0-9a-f]{32} not allowed to create port on this network\n$/);
  });
});

describe('server list filters', () => {
  it('filters by name, address (regular expressions), flavor, image, host, and limits', () => {
    const out = run([
      'openstack server list --ip 10.10 -f value -c Name',
      "openstack server list --ip '^20\\.' -f value -c Name",
      'openstack server list --ip6 . -f value -c Name',
      "openstack server list --name 'vm[12]' -f value -c Name",
      "openstack server list --name '(' -f value -c Name",
      'openstack server list --flavor m1.tiny --limit 1 -f value -c Name',
      'openstack server list --host compute -f value -c Name',
      'openstack server list --host elsewhere -f value -c Name',
      'openstack server list --image nope',
    ], 'network-node');
    expect(out.map((e) => e.stdout)).toEqual(['vm1\n', 'vm2\n', '', 'vm2\nvm1\n', '', 'vm2\n', 'vm2\nvm1\n', '', '']);
    expect(out[8]).toMatchObject({ stderr: 'No Image found for nope\n', exitCode: 1 });
  });
});

describe('quota set', () => {
  it('sets Nova and Neutron limits for admins, which quota show and the API then apply', () => {
    const out = run([
      'openstack quota set --networks 1 --instances 4 admin',
      'openstack quota show -f value -c networks -c instances',
      'openstack network create a',
      'openstack network create b',
      'openstack quota set --networks -5 admin',
    ], 'empty');
    expect(out[0]).toMatchObject({ stdout: '', exitCode: 0 });
    expect(out[1]?.stdout).toBe('4\n1\n');
    expect(out[3]?.stderr).toContain("Quota exceeded for resources: ['network'].");
    expect(out[4]?.stderr).toContain("Invalid input for network. Reason: '-5' is too small - must be at least '-1'.");
  });

  it('is refused to a member by Nova or Neutron policy', () => {
    const out = run(['openstack quota set --networks 3 pub1', 'openstack quota set --instances 3 pub1']);
    expect(out[0]?.stderr).toContain('rule:update_quota is disallowed by policy');
    expect(out[1]?.stderr).toMatch(/^Policy doesn't allow os_compute_api:os-quota-sets:update to be performed\. \(HTTP 403\)/);
  });
});
