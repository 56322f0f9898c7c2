/**
 * Issue #17, Neutron writes part A through HTTP: the real python-openstackclient 6.0.0 and the
 * real legacy `neutron` client (8.1.0) create, change and delete networks, subnets, subnet pools,
 * address scopes, RBAC policies, tags and quotas in a learner's cloud; what they made is what the
 * emulated CLI then shows in the same workspace. Skipped, saying so, when the binaries are absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { testConfig } from '../support/server-config.js';
import { openTerminal, type Terminal } from '../support/terminal-client.js';
import { learnerClouds, onPath, runClient, type ClientRun } from '../support/real-clients.js';

const OPENSTACK = onPath('openstack');
const NEUTRON = onPath('neutron');
if (!OPENSTACK || !NEUTRON)
  console.warn('real-writes-a.test.ts skipped: no `openstack` or `neutron` binary on PATH');

const WORKSPACE = 'sandbox:empty';

describe.skipIf(!OPENSTACK || !NEUTRON)('Neutron writes (part A) from the real clients', () => {
  let app: RunningServer;
  let term: Terminal;
  let cloudsFile = '';

  beforeAll(async () => {
    app = await startServer(testConfig('real-writes-a'));
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

  it('openstack: network, subnet, subnet pool, address scope, RBAC and tags, then shows what the emulated CLI shows', async () => {
    await ok('openstack', 'network create --description first net1');
    await ok(
      'openstack',
      'subnet create --network net1 --subnet-range 10.0.0.0/24 --allocation-pool start=10.0.0.50,end=10.0.0.60 --dns-nameserver 8.8.8.8 sub1',
    );
    await ok('openstack', 'network set --name net2 --mtu 1400 --tag red --tag blue net1');
    await ok(
      'openstack',
      'subnet set --allocation-pool start=10.0.0.70,end=10.0.0.80 --no-dns-nameservers sub1',
    );
    await ok('openstack', 'address scope create --ip-version 4 scope1');
    await ok(
      'openstack',
      'subnet pool create --pool-prefix 10.10.0.0/16 --address-scope scope1 --default-prefix-length 26 pool1',
    );
    await ok('openstack', 'subnet pool set --pool-prefix 10.11.0.0/16 --tag p pool1');
    await ok(
      'openstack',
      'network rbac create --type network --action access_as_shared --target-all-projects net2',
    );
    await ok('openstack', 'network unset --tag red net2');
    for (const line of [
      'network show net2',
      'subnet show sub1',
      'subnet pool show pool1',
      'address scope show scope1',
      'network rbac list',
    ])
      expect(await ok('openstack', line), line).toBe(await emulated(`openstack ${line}`));
    await ok('openstack', 'subnet delete sub1');
    await ok('openstack', 'subnet pool delete pool1');
    await ok('openstack', 'address scope delete scope1');
    await ok('openstack', 'network delete net2');
    expect(await emulated('openstack network list -f value -c Name')).toBe('');
  }, 300_000);

  it('openstack: a refused write prints Neutron’s error, as the emulated CLI does', async () => {
    await ok('openstack', 'network create dup');
    const r = await real('openstack', [
      'subnet',
      'create',
      '--network',
      'dup',
      '--subnet-range',
      '10.0.0.300/24',
      'bad',
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      'Invalid input for operation: 10.0.0.300/24 is not in a CIDR format.',
    );
    await ok('openstack', 'network delete dup');
  }, 120_000);

  it('neutron (legacy): net, subnet, pool, scope, RBAC, quota and tag commands', async () => {
    await ok('neutron', 'net-create lnet');
    await ok('neutron', 'subnet-create --name lsub lnet 10.5.0.0/24');
    await ok('neutron', 'net-update --description legacy lnet');
    await ok('neutron', 'subnet-update --name lsub2 lsub');
    await ok('neutron', 'tag-add --resource-type network --resource lnet --tag t1');
    await ok('neutron', 'tag-replace --resource-type network --resource lnet --tag t2 --tag t3');
    await ok('neutron', 'tag-remove --resource-type network --resource lnet --tag t2');
    await ok('neutron', 'address-scope-create lscope 4');
    await ok('neutron', 'subnetpool-create --pool-prefix 10.20.0.0/16 lpool');
    await ok('neutron', 'subnetpool-update --description x lpool');
    await ok('neutron', 'quota-update --network 7');
    expect(await ok('neutron', 'quota-show -f value -c network')).toBe('7\n');
    await ok('neutron', 'quota-delete');
    for (const line of [
      'net-show lnet',
      'subnet-show lsub2',
      'subnetpool-show lpool',
      'address-scope-show lscope',
      'quota-show',
    ])
      expect(await ok('neutron', line), line).toBe(await emulated(`neutron ${line}`));
    await ok('neutron', 'subnetpool-delete lpool');
    await ok('neutron', 'address-scope-delete lscope');
    await ok('neutron', 'net-delete lnet');
  }, 300_000);
});
