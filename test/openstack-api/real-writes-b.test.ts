/**
 * Issue #17, Neutron writes part B through HTTP: the real python-openstackclient 6.0.0 and the
 * real legacy `neutron` client (8.1.0) create, change and delete ports, routers (interfaces,
 * gateway, extra routes), floating IPs, security groups and rules in a learner's cloud; what they
 * made is what the emulated CLI then shows in the same workspace, and a refused write prints
 * Neutron's words. Skipped, saying so, when the binaries are absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { testConfig } from '../support/server-config.js';
import { openTerminal, type Terminal } from '../support/terminal-client.js';
import { learnerClouds, onPath, runClient, type ClientRun } from '../support/real-clients.js';

const OPENSTACK = onPath('openstack');
const NEUTRON = onPath('neutron');
if (!OPENSTACK || !NEUTRON)
  console.warn('real-writes-b.test.ts skipped: no `openstack` or `neutron` binary on PATH');

const WORKSPACE = 'sandbox:empty';

describe.skipIf(!OPENSTACK || !NEUTRON)('Neutron writes (part B) from the real clients', () => {
  let app: RunningServer;
  let term: Terminal;
  let cloudsFile = '';

  beforeAll(async () => {
    app = await startServer(testConfig('real-writes-b'));
    const learner = await learnerClouds(app.url, WORKSPACE);
    cloudsFile = learner.cloudsFile;
    term = await openTerminal(app.url, learner.cookie, WORKSPACE);
  }, 60_000);
  afterAll(async () => {
    term?.close();
    await app?.close();
  });

  /** `openstack ARGS` or `neutron ARGS` (the real one): exit code, stdout, stderr. */
  function real(client: 'openstack' | 'neutron', args: string[]): Promise<ClientRun> {
    return runClient((client === 'openstack' ? OPENSTACK : NEUTRON) as string, cloudsFile, args);
  }

  async function emulated(line: string): Promise<string> {
    const r = await term.run(line);
    // The legacy CLI warns of its deprecation on stderr, as the real one does.
    if (line.startsWith('openstack ')) expect(r.stderr, line).toBe('');
    return r.stdout.replaceAll('\r\n', '\n');
  }

  const ok = async (client: 'openstack' | 'neutron', line: string) => {
    const r = await real(client, line.split(' '));
    expect(r.exitCode, `${client} ${line}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  it('openstack: ports, a router with interfaces, gateway and routes, a floating IP, groups and rules', async () => {
    await ok(
      'openstack',
      'network create --external --provider-network-type flat --provider-physical-network physnet1 public',
    );
    await ok(
      'openstack',
      'subnet create --network public --subnet-range 203.0.113.0/24 --no-dhcp public-sub',
    );
    await ok('openstack', 'network create net1');
    await ok('openstack', 'subnet create --network net1 --subnet-range 10.0.0.0/24 sub1');
    await ok(
      'openstack',
      'port create --network net1 --fixed-ip subnet=sub1,ip-address=10.0.0.10 --description mine p1',
    );
    await ok('openstack', 'port set --name p1b --disable p1');
    await ok('openstack', 'router create r1');
    await ok('openstack', 'router add subnet r1 sub1');
    await ok(
      'openstack',
      'router set --external-gateway public --fixed-ip subnet=public-sub,ip-address=203.0.113.5 r1',
    );
    await ok(
      'openstack',
      'router add route --route destination=192.168.0.0/24,gateway=10.0.0.20 r1',
    );
    await ok(
      'openstack',
      'floating ip create --floating-ip-address 203.0.113.50 --port p1b public',
    );
    await ok('openstack', 'security group create --description web web');
    await ok('openstack', 'security group rule create --protocol tcp --dst-port 22:23 web');
    await ok('openstack', 'security group set --name web2 web');
    for (const line of [
      'port show p1b',
      'router show r1',
      'floating ip show 203.0.113.50',
      'security group show web2',
      'security group rule list web2',
    ])
      expect(await ok('openstack', line), line).toBe(await emulated(`openstack ${line}`));
    const inUse = await real('openstack', ['router', 'delete', 'r1']);
    expect(inUse.exitCode).toBe(1);
    expect(inUse.stderr).toContain('has ports still attached');
    await ok('openstack', 'floating ip delete 203.0.113.50');
    await ok(
      'openstack',
      'router remove route --route destination=192.168.0.0/24,gateway=10.0.0.20 r1',
    );
    await ok('openstack', 'router unset --external-gateway r1');
    await ok('openstack', 'router remove subnet r1 sub1');
    await ok('openstack', 'router delete r1');
    await ok('openstack', 'port delete p1b');
    await ok('openstack', 'security group delete web2');
    expect(await emulated('openstack port list -f value -c Name')).toBe(
      await ok('openstack', 'port list -f value -c Name'),
    );
  }, 300_000);

  it('openstack: refused writes print Neutron’s error, as the emulated CLI does', async () => {
    await ok('openstack', 'network create lonely');
    await ok(
      'openstack',
      'subnet create --network lonely --subnet-range 10.9.0.0/24 --no-dhcp lonely-sub',
    );
    await ok('openstack', 'router create r9');
    const gw = await real('openstack', ['router', 'set', '--external-gateway', 'lonely', 'r9']);
    expect(gw.exitCode).toBe(1);
    expect(gw.stderr).toMatch(/Bad router request: Network \S+ is not an external network\./);
    await ok('openstack', 'router add subnet r9 lonely-sub');
    const twice = await real('openstack', ['router', 'add', 'subnet', 'r9', 'lonely-sub']);
    expect(twice.exitCode).toBe(1);
    expect(twice.stderr).toMatch(/Bad router request: Router already has a port on subnet \S+\./);
    await ok('openstack', 'security group create icmp');
    const icmp = await real('openstack', [
      'security',
      'group',
      'rule',
      'create',
      '--protocol',
      'icmp',
      '--icmp-type',
      '300',
      'icmp',
    ]);
    expect(icmp.exitCode).toBe(1);
    expect(icmp.stderr).toContain('It must be 0 to 255.');
  }, 120_000);

  it('neutron (legacy): port, router, floating IP and security group commands', async () => {
    await ok('neutron', 'net-create lnet');
    await ok('neutron', 'subnet-create --name lsub lnet 10.5.0.0/24');
    await ok('neutron', 'net-create --router:external lext');
    await ok('neutron', 'subnet-create --name lext-sub --disable-dhcp lext 198.51.100.0/24');
    await ok('neutron', 'port-create --name lport --fixed-ip ip_address=10.5.0.9 lnet');
    await ok('neutron', 'port-update --name lport2 lport');
    await ok('neutron', 'router-create lrouter');
    await ok('neutron', 'router-interface-add lrouter lsub');
    await ok('neutron', 'router-gateway-set lrouter lext');
    await ok('neutron', 'security-group-create lsg');
    await ok(
      'neutron',
      'security-group-rule-create --protocol udp --port-range-min 53 --port-range-max 53 lsg',
    );
    for (const line of [
      'port-show lport2',
      'router-show lrouter',
      'security-group-show -f json lsg',
    ])
      expect(await ok('neutron', line), line).toBe(await emulated(`neutron ${line}`));
    await ok('neutron', 'router-gateway-clear lrouter');
    await ok('neutron', 'router-interface-delete lrouter lsub');
    await ok('neutron', 'router-delete lrouter');
    await ok('neutron', 'port-delete lport2');
    await ok('neutron', 'security-group-delete lsg');
  }, 300_000);
});
