/**
 * The commands a learner's own client could already run against Stacklab's APIs and the terminal
 * could not: server reboot, server add/remove security group, limits show, availability zone
 * list, extension list/show, ip availability list/show. Their output is checked against the real
 * client on Stacklab's API in test/openstack-api/nova-real-client.test.ts and, for Neutron's side,
 * against the oracle in test/transcripts/77 and test/legacy/azs; here, what they do to the cloud
 * and the cases those do not reach.
 */
import { describe, expect, it } from 'vitest';
import { runScript } from '../server/shell/script.js';

const run = (lines: string[], fixture = 'public-cloud') => runScript(lines, { fixture, seed: 5 });
const BOOT = 'openstack server create --image "CirrOS 5.2" --flavor a1-ram2-disk20-perf1';
const NET = [
  'openstack network create net1',
  'openstack subnet create --network net1 --subnet-range 10.0.0.0/24 sub1',
  `${BOOT} --network net1 vm1`,
];

describe('server reboot', () => {
  it('soft needs a running server; hard starts a stopped one; --wait prints Complete', () => {
    const t = run([
      ...NET,
      'openstack server reboot vm1',
      'openstack server stop vm1',
      'openstack server reboot --soft vm1',
      'openstack server show vm1 -f value -c status',
      'openstack server reboot --hard --wait vm1',
      'openstack server show vm1 -f value -c status -c OS-EXT-STS:power_state',
      'openstack server reboot nosuch',
      'openstack server reboot',
    ]).slice(3);
    expect(t.map((e) => e.exitCode)).toEqual([0, 0, 1, 0, 0, 0, 1, 2]);
    expect(t[2]?.stderr).toMatch(/^Cannot 'reboot' instance [0-9a-f-]{36} while it is in vm_state stopped \(HTTP 409\) \(Request-ID: req-[0-9a-f-]{36}\)\n$/);
    expect(t[3]?.stdout).toBe('SHUTOFF\n');
    expect(t[4]?.stdout).toBe('Complete\n');
    expect(t[5]?.stdout).toBe('1\nACTIVE\n');
    expect(t[6]?.stderr).toBe("No server with a name or ID of 'nosuch' exists.\n");
    expect(t[7]?.stderr).toContain('openstack server reboot: error: the following arguments are required: <server>');
  });
});

describe('server add / remove security group', () => {
  it("puts the group on every port of the server, and takes it off; the server lists its ports' groups", () => {
    const t = run([
      ...NET,
      'openstack network create net2',
      'openstack subnet create --network net2 --subnet-range 10.0.2.0/24 sub2',
      `${BOOT} --network net1 --network net2 vm2`,
      'openstack security group create web',
      'openstack server add security group vm2 web',
      'openstack port show $(openstack port list --server vm2 -f value -c ID | head -1) -f value -c security_group_ids; openstack port show $(openstack port list --server vm2 -f value -c ID | tail -1) -f value -c security_group_ids',
      'openstack server show vm2 -f value -c security_groups',
      'openstack server add security group vm2 web',
      'openstack server remove security group vm2 default',
      'openstack server show vm2 -f value -c security_groups',
      'openstack server remove security group vm2 default',
    ]).slice(3);
    const web = t[3]?.stdout ?? '';
    expect(t.map((e) => e.exitCode)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // Both ports of the server hold the group, beside the default one.
    const groups = (t[5]?.stdout ?? '').trim().split('\n');
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g).toMatch(/^\['[0-9a-f-]{36}', '[0-9a-f-]{36}'\]$/);
    expect(web).not.toBe('');
    expect(t[6]?.stdout).toBe("[{'name': 'default'}, {'name': 'web'}]\n");
    // Adding it again changes nothing and is no error, as in Nova.
    expect(t[7]?.stderr).toBe('');
    expect(t[9]?.stdout).toBe("[{'name': 'web'}]\n");
    expect(t[10]?.stderr).toMatch(/^Security group [0-9a-f-]{36} not associated with the instance [0-9a-f-]{36} \(HTTP 404\) \(Request-ID: req-[0-9a-f-]+\)\n$/);
  });

  it("finds the group as Nova's proxy does: by id, else one of the project's by name", () => {
    const t = run([
      ...NET,
      'openstack security group create dup',
      'openstack security group create dup',
      `openstack network create --disable-port-security nps`,
      'openstack subnet create --network nps --subnet-range 10.0.9.0/24 npssub',
      `${BOOT} --network nps vm2`,
      `${BOOT} --nic none vm3`,
      'openstack server add security group vm1 nosuch',
      'openstack server add security group vm1 dup',
      'G=$(openstack security group list -f value -c ID -c Name | grep dup | head -1 | cut -d" " -f1)',
      'openstack server add security group vm1 $G',
      'openstack server add security group vm2 default',
      'openstack server add security group vm3 default',
      'openstack server remove security group vm3 default',
      'openstack server add security group nosuch default',
    ]).slice(9);
    expect(t[0]?.stderr).toBe('none found (HTTP 404)\n');
    expect(t[1]?.stderr).toBe('many found\n');
    expect(t[3]?.exitCode).toBe(0);
    expect(t[4]?.stderr).toMatch(/^Network requires port_security_enabled and subnet associated in order to apply security groups\. \(HTTP 400\)/);
    expect(t[5]?.stderr).toMatch(/^instance_id [0-9a-f-]{36} could not be found as device id on any ports \(HTTP 404\)/);
    expect(t[6]?.stderr).toMatch(/^instance_id [0-9a-f-]{36} could not be found as device id on any ports \(HTTP 404\)/);
    expect(t[7]?.stderr).toBe("No server with a name or ID of 'nosuch' exists.\n");
  });

  it('the group opens the server: a rule on it lets ping through once it is added', () => {
    const t = run([
      'openstack router create r1',
      'openstack router set --external-gateway ext-floating1 r1',
      ...NET,
      'openstack router add subnet r1 sub1',
      'openstack server remove security group vm1 default',
      'openstack security group create icmp',
      'openstack security group rule create --protocol icmp icmp',
      'FIP=$(openstack floating ip create ext-floating1 -f value -c floating_ip_address)',
      'openstack server add floating ip vm1 $FIP',
      'ping -c 1 -W 1 $FIP',
      'openstack server add security group vm1 icmp',
      'ping -c 1 -W 1 $FIP',
    ]);
    expect(t.slice(0, -3).every((e) => e.exitCode === 0)).toBe(true);
    expect(t.at(-3)?.exitCode).toBe(1);
    expect(t.at(-1)?.exitCode).toBe(0);
  });
});

describe('limits show', () => {
  it("the project's absolute limits and usage; no rate limits; another project's is an admin's", () => {
    const t = run([
      ...NET,
      'openstack limits show --absolute -f value',
      'openstack limits show --rate -f json',
      'P=$(openstack limits show --absolute -f value -c Name | head -1)',
      'echo $P',
      'openstack limits show --absolute --project pub1',
      'openstack limits show --absolute --project nosuch',
      'openstack limits show',
    ]).slice(3);
    expect(t[0]?.stdout.split('\n')).toContain('totalInstancesUsed 1');
    expect(t[0]?.stdout.split('\n')).toContain('totalCoresUsed 1');
    expect(t[1]?.stdout).toBe('[]\n');
    expect(t[3]?.stdout).toBe('maxTotalInstances\n');
    expect(t[4]?.stderr).toMatch(/^Policy doesn't allow os_compute_api:limits:other_project to be performed\. \(HTTP 403\) \(Request-ID: req-[0-9a-f-]+\)\n$/);
    expect(t[5]?.stderr).toBe("No project with a name or ID of 'nosuch' exists.\n");
    expect(t[6]?.exitCode).toBe(2);
    expect(t[6]?.stderr).toContain('error: one of the arguments --absolute --rate is required');
  });

  it("an admin reads another project's", () => {
    const t = run(['openstack project list -f value -c Name', 'openstack limits show --absolute -f value -c Name -c Value'], 'empty');
    expect(t[1]?.stdout).toContain('totalInstancesUsed 0');
  });
});

describe('availability zone list', () => {
  it('as an admin: Nova lists its internal zone too and, with --long, each host and service; then Neutron', () => {
    const t = run(['openstack availability zone list', 'openstack availability zone list --compute --long -f value'], 'empty');
    expect(t[0]?.stdout).toBe(
      [
        '+-----------+-------------+',
        '| Zone Name | Zone Status |',
        '+-----------+-------------+',
        '| internal  | available   |',
        '| nova      | available   |',
        '| nova      | available   |',
        '| nova      | available   |',
        '+-----------+-------------+',
        '',
      ].join('\n'),
    );
    const rows = (t[1]?.stdout ?? '').trim().split('\n');
    expect(rows[0]).toBe('internal available  controller nova-conductor enabled :-) 2024-05-01T10:00:00.000000');
    expect(rows[1]).toBe('internal available  controller nova-scheduler enabled :-) 2024-05-01T10:00:00.000000');
    expect(rows.slice(2).every((r) => / nova-compute enabled :-\) /.test(r) && r.startsWith('nova available  '))).toBe(true);
  });

  it('--volume: no Block Storage in this cloud, the client says so and lists nothing', () => {
    const [t] = run(['openstack availability zone list --volume']);
    expect(t?.stdout).toBe('\n');
    expect(t?.stderr).toBe('Availability zones list not supported by Block Storage API\n');
    expect(t?.exitCode).toBe(0);
  });
});

describe('extension list / show', () => {
  it("asks every service without an option: Neutron's are listed, the others say they have none", () => {
    const [all, net] = run(['openstack extension list -f value -c Alias', 'openstack extension list --network -f value -c Alias']);
    expect(all?.stdout).toBe(net?.stdout);
    expect(all?.stdout.split('\n')).toContain('router');
    expect(all?.stderr).toBe(
      'Extensions list not supported by Identity API\nExtensions list not supported by Compute API\nExtensions list not supported by Block Storage API\n',
    );
    expect(net?.stderr).toBe('');
  });

  it("shows the SDK's location: the cloud the client was given, its region and the token's project", () => {
    const t = run([
      'openstack extension show router -f json -c location',
      'openstack --os-region-name R2 --os-cloud empty extension show router -f json -c location',
      'OS_CLOUD=devstack-admin openstack --os-region-name Elsewhere extension show router -c location -f yaml',
      // The assignment was the command's environment only, as in bash.
      'echo $OS_CLOUD; openstack extension show router -c location -f value',
    ]);
    const loc = JSON.parse(t[0]?.stdout ?? '{}') as { location: { cloud: string; region_name: string; project: { name: string; domain_name: string } } };
    expect(loc.location.cloud).toBe('public-cloud');
    expect(loc.location.region_name).toBe('RegionOne');
    expect(loc.location.project.name).toBe('pub1');
    expect(loc.location.project.domain_name).toBe('Default');
    const given = (JSON.parse(t[1]?.stdout ?? '{}') as typeof loc).location;
    expect([given.cloud, given.region_name]).toEqual(['empty', 'R2']);
    expect(t[2]?.stdout).toContain('cloud: devstack-admin\n');
    expect(t[2]?.stdout).toContain('region_name: Elsewhere\n');
    expect(t[3]?.stdout).toMatch(/^public-cloud\nMunch\(\{'cloud': 'public-cloud', 'region_name': 'RegionOne', 'zone': None, 'project': Munch\(\{'id': '[0-9a-f]{32}', 'name': 'pub1', 'domain_id': None, 'domain_name': 'Default'\}\)\}\)\n$/);
  });
});

describe('ip availability', () => {
  it("an admin's count follows the ports; a member lists none", () => {
    const t = run(
      [
        'openstack network create n1',
        'openstack subnet create --network n1 --subnet-range 10.0.0.0/29 --no-dhcp s1',
        'openstack ip availability show n1 -f value -c total_ips -c used_ips',
        'openstack port create --network n1 p1',
        'openstack port create --network n1 p2',
        'openstack ip availability show n1 -f value -c used_ips',
        'openstack ip availability list -f value -c "Network Name" -c "Used IPs"',
      ],
      'empty',
    );
    expect(t[2]?.stdout).toBe('5\n0\n');
    expect(t[5]?.stdout).toBe('2\n');
    expect(t[6]?.stdout.split('\n')).toContain('n1 2');
    const member = run(['openstack ip availability list', 'openstack ip availability show ext-floating1']);
    expect(member[0]?.stdout).toBe('\n');
    expect(member[1]?.stderr).toMatch(/^No NetworkIPAvailability found for [0-9a-f-]{36}\n$/);
  });
});
