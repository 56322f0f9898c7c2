/** The legacy `neutron` CLI on the simulated cloud: success and failure per command, transaction rule. */
import { describe, expect, it } from 'vitest';
import { fixtureCloud } from '../../server/shell/fixtures.js';
import { DEPRECATION, runNeutron } from '../../server/cli/neutron/index.js';
import type { Cloud } from '../../server/sim/model/cloud.js';

function session(): (...argv: string[]) => { stdout: string; stderr: string; exitCode: number; cloud: Cloud } {
  let c = fixtureCloud('empty', 3);
  return (...argv) => {
    const r = runNeutron(c, argv);
    c = r.cloud;
    return r;
  };
}

const field = (out: string, name: string): string => new RegExp(`^\\| ${name.replace(/[:]/g, '\\$&')} +\\| (.*?) +\\|$`, 'm').exec(out)?.[1] ?? '<none>';

function base() {
  const n = session();
  n('net-create', 'public', '--router:external=True', '--provider:network_type', 'flat', '--provider:physical_network', 'physnet1');
  n('subnet-create', 'public', '172.24.4.0/24', '--name', 'public-subnet', '--enable_dhcp=False', '--allocation-pool', 'start=172.24.4.10,end=172.24.4.20', '--gateway', '172.24.4.1');
  n('net-create', 'private');
  n('subnet-create', 'private', '10.0.0.0/24', '--name', 'private-subnet');
  n('router-create', 'router1');
  return n;
}

describe('neutron networks and subnets', () => {
  it('creates an external flat network and a subnet without DHCP', () => {
    const n = session();
    const net = n('net-create', 'public', '--router:external=True', '--provider:network_type', 'flat', '--provider:physical_network', 'physnet1');
    expect(net.exitCode).toBe(0);
    expect(net.stderr).toBe(DEPRECATION);
    expect(net.stdout.startsWith('Created a new network:\n+---')).toBe(true);
    expect(field(net.stdout, 'router:external')).toBe('True');
    expect(field(net.stdout, 'provider:network_type')).toBe('flat');
    const sub = n('subnet-create', 'public', '172.24.4.0/24', '--name', 'pub', '--enable_dhcp=False', '--allocation-pool', 'start=172.24.4.10,end=172.24.4.20');
    expect(sub.exitCode).toBe(0);
    expect(field(sub.stdout, 'enable_dhcp')).toBe('False');
    expect(field(sub.stdout, 'allocation_pools')).toBe('{"start": "172.24.4.10", "end": "172.24.4.20"}');
    expect(field(sub.stdout, 'gateway_ip')).toBe('172.24.4.1');
  });

  it('accepts a bare --router:external and --disable-dhcp / --no-gateway', () => {
    const n = session();
    expect(field(n('net-create', 'ext', '--router:external').stdout, 'router:external')).toBe('True');
    const sub = n('subnet-create', 'ext', '10.9.0.0/24', '--disable-dhcp', '--no-gateway');
    expect(field(sub.stdout, 'enable_dhcp')).toBe('False');
    expect(field(sub.stdout, 'gateway_ip')).toBe('');
  });

  it('lists, shows, updates and deletes', () => {
    const n = base();
    expect(n('net-list').stdout).toMatch(/\| id +\| name +\| subnets +\|/);
    expect(n('subnet-list', '-f', 'value', '-c', 'name').stdout.split('\n').sort().join(' ').trim()).toBe('private-subnet public-subnet');
    expect(n('net-update', 'private', '--name', 'priv').stdout).toBe('Updated network: private\n');
    expect(n('subnet-update', 'private-subnet', '--name', 'ps').stdout).toBe('Updated subnet: private-subnet\n');
    expect(field(n('subnet-show', 'ps').stdout, 'name')).toBe('ps');
    expect(n('subnet-delete', 'ps').stdout).toBe('Deleted subnet(s): ps\n');
    expect(n('net-delete', 'priv').stdout).toBe('Deleted network(s): priv\n');
  });

  it('reports unknown names and server errors, leaving the cloud unchanged', () => {
    const n = base();
    const miss = n('net-show', 'nosuch');
    expect(miss).toMatchObject({ exitCode: 1, stdout: '', stderr: `${DEPRECATION}Unable to find network with name or id 'nosuch'\n` });
    const c0 = miss.cloud;
    const overlap = n('subnet-create', 'private', '10.0.0.0/25');
    expect(overlap.exitCode).toBe(1);
    expect(overlap.stderr).toMatch(/Neutron server returns request_ids: \['req-[0-9a-f-]{36}'\]\n$/);
    // Nothing changed but the generator: Neutron had drawn the subnet's id (see test/failed-create-ids).
    expect({ ...overlap.cloud, rng: null }).toEqual({ ...c0, rng: null });
    expect(overlap.cloud.subnets).toBe(c0.subnets);
    expect(n('subnet-update', 'nosuch', '--name', 'x').stderr).toContain("Unable to find subnet with name or id 'nosuch'");
  });

  it('prints argparse usage errors with exit 2', () => {
    const r = session()('subnet-create');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('usage: neutron subnet-create');
    expect(r.stderr).toContain('error: the following arguments are required');
  });
});

describe('neutron routers', () => {
  it('adds and removes interfaces, sets and clears the gateway', () => {
    const n = base();
    const add = n('router-interface-add', 'router1', 'private-subnet');
    expect(add.stdout).toMatch(/^Added interface [0-9a-f-]{36} to router router1\.\n$/);
    // Other formatters than table get the API's values: Python's repr of the list (checked on the oracle).
    expect(n('router-port-list', 'router1', '-f', 'value', '-c', 'fixed_ips').stdout).toContain("'ip_address': '10.0.0.1'}]");
    expect(n('router-gateway-set', '--disable-snat', 'router1', 'public').stdout).toBe('Set gateway for router router1\n');
    expect(field(n('router-show', 'router1').stdout, 'external_gateway_info')).toContain('"enable_snat": false');
    expect(n('router-update', 'router1', '--name', 'r1').stdout).toBe('Updated router: router1\n');
    expect(n('router-gateway-clear', 'r1').stdout).toBe('Removed gateway from router r1\n');
    expect(n('router-interface-delete', 'r1', 'subnet=private-subnet').stdout).toBe('Removed interface from router r1.\n');
    expect(n('router-delete', 'r1').stdout).toBe('Deleted router(s): r1\n');
  });

  it('fails to delete a subnet still used by a router interface', () => {
    const n = base();
    n('router-interface-add', 'router1', 'private-subnet');
    const r = n('subnet-delete', 'private-subnet');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Neutron server returns request_ids');
  });
});

describe('neutron ports, floating IPs and security groups', () => {
  it('creates, updates and lists ports', () => {
    const n = base();
    const p = n('port-create', 'private', '--name', 'p1', '--fixed-ip', 'ip_address=10.0.0.50');
    expect(p.stdout).toContain('Created a new port:');
    expect(field(p.stdout, 'fixed_ips')).toMatch(/"ip_address": "10\.0\.0\.50"/);
    expect(n('port-update', 'p1', '--name', 'p2').stdout).toBe('Updated port: p1\n');
    expect(n('port-list', '-c', 'name', '-f', 'value').stdout).toContain('p2\n');
    expect(n('port-show', 'p1').stderr).toContain("Unable to find port with name or id 'p1'");
    expect(n('port-delete', 'p2').stdout).toBe('Deleted port(s): p2\n');
  });

  it('creates, associates, disassociates and deletes a floating IP', () => {
    const n = base();
    n('router-interface-add', 'router1', 'private-subnet');
    n('router-gateway-set', 'router1', 'public');
    const port = n('port-create', 'private', '--name', 'vmport');
    const portId = field(port.stdout, 'id');
    const fip = n('floatingip-create', 'public');
    expect(fip.stdout).toContain('Created a new floatingip:');
    const id = field(fip.stdout, 'id');
    expect(n('floatingip-associate', id, portId).stdout).toBe(`Associated floating IP ${id}\n`);
    expect(field(n('floatingip-show', id).stdout, 'port_id')).toBe(portId);
    expect(n('floatingip-disassociate', id).stdout).toBe(`Disassociated floating IP ${id}\n`);
    expect(n('floatingip-delete', id).stdout).toBe(`Deleted floatingip(s): ${id}\n`);
    expect(n('floatingip-show', '172.24.4.99').stderr).toContain('Floating IP 172.24.4.99 could not be found\nNeutron server returns request_ids:');
  });

  it('manages security groups and rules', () => {
    const n = base();
    const g = n('security-group-create', 'web', '--description', 'w');
    expect(g.stdout.startsWith('Created a new security_group:\n')).toBe(true);
    const rule = n('security-group-rule-create', '--protocol', 'tcp', '--port-range-min', '22', '--port-range-max', '22', '--remote-ip-prefix', '0.0.0.0/0', 'web');
    expect(rule.stdout.startsWith('Created a new security_group_rule:\n')).toBe(true);
    const list = n('security-group-list', '-c', 'name', '-c', 'security_group_rules').stdout;
    expect(list).toContain('ingress, IPv4, 22/tcp, remote_ip_prefix: 0.0.0.0/0');
    expect(list).toContain('egress, IPv6');
    // Other formatters get the API's rules, not the table's summary (as neutronclient 8.1 does).
    expect(n('security-group-list', '-c', 'security_group_rules', '-f', 'value').stdout).toContain("'port_range_min': 22, 'port_range_max': 22");
    expect(n('security-group-rule-list', '-f', 'value', '-c', 'port/protocol').stdout).toContain('22/tcp');
    const dup = n('security-group-rule-create', '--protocol', 'tcp', '--port-range-min', '22', '--port-range-max', '22', '--remote-ip-prefix', '0.0.0.0/0', 'web');
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toMatch(/Security group rule already exists/);
    const ruleId = field(rule.stdout, 'id');
    expect(n('security-group-rule-delete', ruleId).stdout).toBe(`Deleted security_group_rule(s): ${ruleId}\n`);
    expect(n('security-group-rule-delete', ruleId).exitCode).toBe(1);
    expect(field(n('security-group-show', 'web').stdout, 'description')).toBe('w');
    expect(n('security-group-delete', 'web').stdout).toBe('Deleted security_group(s): web\n');
    expect(n('security-group-delete', 'web').stderr).toBe(`${DEPRECATION}Unable to find security_group(s) with id(s) 'web'.\n`);
  });

  it('bulk delete deletes what it finds and reports the rest (exit 1, deletions kept)', () => {
    const n = base();
    const r = n('net-delete', 'private', 'nosuch', 'other');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('Deleted network(s): private\n');
    expect(r.stderr).toBe(`${DEPRECATION}Unable to find network(s) with id(s) 'nosuch, other'.\n`);
    expect(r.cloud.networks.some((x) => x.name === 'private')).toBe(false);
  });

  it('shows the quotas', () => {
    const out = session()('quota-show', '-f', 'value').stdout;
    expect(out).toBe('50\n100\n500\n10\n10\n10\n100\n100\n-1\n');
  });

  it('lists subnet pools and address scopes', () => {
    const n = base();
    expect(n('subnetpool-list').exitCode).toBe(0);
    expect(n('address-scope-list').exitCode).toBe(0);
  });
});

describe("neutron and the project's default security group", () => {
  it('a first rule list makes the default group (again, after a delete) and names it in its rows', () => {
    const n = session();
    expect(n('security-group-delete', 'default').exitCode).toBe(0);
    const rows = n('security-group-rule-list', '-f', 'value', '-c', 'security_group').stdout.trim().split('\n');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows)).toEqual(new Set(['default']));
  });

  it('a first lookup by name (neutronclient lists by name) finds the default group it makes', () => {
    const n = session();
    expect(n('security-group-delete', 'default').exitCode).toBe(0);
    expect(n('security-group-show', 'default', '-f', 'value', '-c', 'name')).toMatchObject({ exitCode: 0, stdout: 'default\n' });
  });
});

describe('neutron shell', () => {
  it('reports an unknown command with exit 1 (checked on the oracle)', () => {
    const c = fixtureCloud('empty', 3);
    expect(runNeutron(c, ['foo-bar'])).toEqual({ stdout: '', stderr: `${DEPRECATION}Unknown command ['foo-bar']\n`, exitCode: 1, cloud: c });
  });

  it('ends argparse errors with the help hint (checked on the oracle)', () => {
    const r = runNeutron(fixtureCloud('empty', 3), ['net-create']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.endsWith("neutron net-create: error: the following arguments are required: NAME\nTry 'neutron help net-create' for more information.\n")).toBe(true);
  });

  it('floating IP associate/disassociate send the id as given: a miss is the server 404', () => {
    const id = '0b1e8a2c-1111-2222-3333-444455556666';
    const r = runNeutron(fixtureCloud('empty', 3), ['floatingip-disassociate', id]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${DEPRECATION}Floating IP ${id} could not be found\\nNeutron server returns request_ids: \\['req-[0-9a-f-]{36}'\\]\\n$`));
  });
});

describe('neutron quotas (messages checked on the oracle)', () => {
  it('updates, enforces, shows and deletes quotas, also for other project ids', () => {
    const n = session();
    expect(n('quota-update', '--network', '1', '-f', 'value', '-c', 'network').stdout).toBe('1\n');
    expect(n('net-create', 'a').exitCode).toBe(0);
    expect(n('net-create', 'b').stderr).toContain("Quota exceeded for resources: ['network'].");
    expect(n('quota-update', '--network', 'abc')).toMatchObject({ stderr: `${DEPRECATION}Quota limit for network must be an integer\n`, exitCode: 1 });
    expect(n('quota-update', '--network', '-5').stderr).toContain("Invalid input for network. Reason: '-5' is too small - must be at least '-1'.");
    expect(n('quota-update', '--pool', '5').stderr).toContain("Unrecognized attribute(s) 'pool'");
    expect(n('quota-update').stderr).toBe(`${DEPRECATION}Must specify a valid resource with new quota value\n`);
    expect(n('quota-update', '--tenant-id', 'someone', '--rbac-policy', '20', '-f', 'value', '-c', 'rbac_policy').stdout).toBe('20\n');
    expect(n('quota-show', 'someone', '-f', 'value', '-c', 'rbac_policy', '-c', 'network').stdout).toBe('100\n20\n');
    expect(n('quota-delete', '--tenant-id', 'someone').stdout).toBe('Deleted quota: someone\n');
    expect(n('quota-show', '--tenant-id', 'someone', '-f', 'value', '-c', 'rbac_policy').stdout).toBe('10\n');
    expect(n('quota-delete').exitCode).toBe(0);
    expect(n('quota-show', '-f', 'value', '-c', 'network').stdout).toBe('100\n');
  });

  it('is admin only', () => {
    let c = fixtureCloud('public-cloud', 3);
    const n = (...argv: string[]) => {
      const r = runNeutron(c, argv);
      c = r.cloud;
      return r;
    };
    expect(n('quota-update', '--network', '5').stderr).toContain('rule:update_quota is disallowed by policy');
    expect(n('quota-delete').stderr).toContain('rule:delete_quota is disallowed by policy');
  });
});

describe('neutron purge', () => {
  it('writes its progress as the client does, each step after a carriage return', () => {
    const n = session();
    n('net-create', 'n1');
    const project = field(n('net-show', 'n1').stdout, 'tenant_id');
    const r = n('purge', project);
    expect(r.stdout).toBe('\rPurging resources: 50% complete.\rPurging resources: 100% complete.\nDeleted 1 network, 1 security_group.\n');
  });

  it('says when a project has nothing', () => {
    expect(session()('purge', 'nosuch').stdout).toBe('\nTenant has no supported resources.\n');
  });
});

describe("neutron with a learner's keys named like Object's own", () => {
  it('sends `--__proto__` and `--constructor` as attributes Neutron refuses, in a body and as filters', () => {
    const n = session();
    for (const key of ['__proto__', 'constructor']) {
      const create = n('net-create', 'n1', '--', `--${key}`, 'list=true', 'a', 'b');
      expect(create.exitCode).toBe(1);
      expect(create.stderr).toContain(`Unrecognized attribute(s) '${key}'`);
      for (const listed of ['net-list', 'subnet-list', 'port-list']) {
        const r = n(listed, '--', `--${key}`, 'x');
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain(`['${key}'] is invalid attribute for filtering`);
      }
    }
    const toString = n('net-list', '--', '--toString=1');
    expect(toString.stderr).toContain("['toString'] is invalid attribute for filtering");
  });
});
