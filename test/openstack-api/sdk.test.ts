/**
 * Issue #17 with the other real clients a learner may bring: an openstacksdk script
 * (sdk-script.py: network, subnet, router with its gateway and an interface, port, server,
 * floating IP) whose results the emulated CLI then shows in the learner's terminal, and the legacy
 * `neutron` CLI (python-neutronclient), each line compared byte for byte with the emulated
 * `neutron` for the same line on the same workspace state (as replay.test.ts does). Skipped,
 * saying so, when the clients are not installed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { memoryStore } from '../../server/store/memory.js';
import type { CloudStore } from '../../server/store/types.js';
import { testConfig } from '../support/server-config.js';
import { openTerminal } from '../support/terminal-client.js';
import {
  argvOf,
  asEmulatedEndpoints,
  binary,
  block,
  ClientPool,
  emulatedNow,
  missingClients,
  newLearnerCloud,
  sameRequestIds,
} from './clients.js';

const WORKSPACE = 'sandbox:public-cloud';

/**
 * Lines where the real client shows a bug on one side, each expected to differ until it is fixed
 * (then the test fails and the line leaves this list). The learner here is a member.
 */
const KNOWN: Readonly<Record<string, string>> = {
  'neutron subnet-create --name lsub lnet 10.88.0.0/24':
    'the emulated neutron shows a segment_id row; the API (like Neutron: get_subnet:segment_id is admin-only) leaves it out of the POST answer, as subnet-show does on both',
  'neutron router-port-list lr':
    'the emulated neutron shows a member the router’s gateway port; the API (like Neutron, where that port has no project) leaves it out of GET /v2.0/ports?device_id=ROUTER',
};
const missing = missingClients();
if (missing) console.warn(`sdk.test.ts skipped: ${missing}`);

describe.skipIf(missing !== null)(
  'openstacksdk and the legacy neutron CLI against a learner’s cloud',
  () => {
    let app: RunningServer;
    let store: CloudStore;
    let pool: ClientPool;

    beforeAll(async () => {
      store = memoryStore();
      app = await startServer(testConfig('sdk', { STACKLAB_NEW_LEARNERS_PER_ADDRESS: '0', STACKLAB_CALLS_PER_SECOND: '1000' }), {
        store,
      });
      pool = new ClientPool(2);
    });
    afterAll(async () => {
      pool?.close();
      await app?.close();
    });

    it('an openstacksdk script’s network, subnet, router, port, server and floating IP are in the learner’s cloud', async () => {
      const cloud = await newLearnerCloud(app.url, WORKSPACE);
      const r = await binary(
        '/usr/bin/python3',
        [join(import.meta.dirname, 'sdk-script.py')],
        cloud.env,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const made = JSON.parse(r.stdout) as Record<string, string>;
      const term = await openTerminal(app.url, cloud.cookie, WORKSPACE);
      try {
        const value = async (line: string) => {
          const out = await term.run(line);
          expect(out.stderr, line).toBe('');
          return out.stdout.replaceAll('\r\n', '\n').replace(/\n$/, '');
        };
        const ext = await value('openstack network show ext-floating1 -f value -c id');
        expect(await value('openstack network show sdk-net -f value -c id')).toBe(made['network']);
        expect(await value('openstack subnet show sdk-subnet -f value -c network_id -c cidr')).toBe(
          `10.77.0.0/24\n${made['network']}`,
        );
        const router = JSON.parse(await value('openstack router show sdk-router -f json')) as {
          id: string;
          external_gateway_info: { network_id: string };
        };
        expect(router.id).toBe(made['router']);
        expect(router.external_gateway_info.network_id).toBe(ext);
        expect(made['gateway']).toBe(ext);
        expect(
          await value(
            'openstack port list --router sdk-router --device-owner network:router_interface -f value -c "Fixed IP Addresses"',
          ),
        ).toContain("'ip_address': '10.77.0.1'");
        expect(
          await value('openstack port show sdk-port -f value -c id -c device_id -c device_owner'),
        ).toBe(`${made['server']}\ncompute:nova\n${made['port']}`);
        expect(await value('openstack server show sdk-vm -f value -c id -c status')).toBe(
          `${made['server']}\nACTIVE`,
        );
        const addresses = JSON.parse(
          await value('openstack server show sdk-vm -f json -c addresses'),
        ) as {
          addresses: Record<string, string[]>;
        };
        expect(addresses.addresses).toEqual({ 'sdk-net': [made['port_ip'], made['fip']] });
        expect(
          await value(
            `openstack floating ip show ${made['fip']} -f value -c port_id -c fixed_ip_address`,
          ),
        ).toBe(`${made['port_ip']}\n${made['port']}`);
        expect(made['fip_port']).toBe(made['port']);
        expect(made['fip_fixed']).toBe(made['port_ip']);
      } finally {
        term.close();
      }
    }, 300_000);

    // A legacy `neutron` sequence: what the learner's own python-neutronclient prints, line by line.
    const LEGACY = [
      'neutron net-create lnet',
      'neutron subnet-create --name lsub lnet 10.88.0.0/24',
      'neutron router-create lr',
      'neutron router-gateway-set lr ext-floating1',
      'neutron router-interface-add lr lsub',
      'neutron port-create --name lport lnet',
      'neutron floatingip-create --port-id $PORT ext-floating1',
      'neutron net-list',
      'neutron subnet-show lsub',
      'neutron router-show lr',
      'neutron router-port-list lr',
      'neutron port-show lport',
      'neutron floatingip-list',
      'neutron security-group-list',
      'neutron net-update lnet --description legacy',
      'neutron net-show lnet -f json',
      'neutron subnet-delete lsub',
      'neutron router-interface-delete lr lsub',
      'neutron port-delete lport',
      'neutron net-delete lnet',
      'neutron net-list -c name',
    ];
    const legacy: Promise<Map<string, { real: string; emulated: string }>> = new Promise(
      (ok, fail) => {
        beforeAll(() => {
          // Started here, awaited by each line's test: the lines run in order on one workspace.
          void (async () => {
            const cloud = await newLearnerCloud(app.url, WORKSPACE);
            const vars: Record<string, string> = {};
            const out = new Map<string, { real: string; emulated: string }>();
            for (const line of LEGACY) {
              if (line.includes('$PORT'))
                vars['PORT'] = (await emulatedNow(
                  store,
                  WORKSPACE,
                  cloud.learner,
                  'openstack port show lport -f value -c id',
                )).stdout.trim();
              const mine = await emulatedNow(store, WORKSPACE, cloud.learner, line, vars);
              const env = { ...cloud.env, ...vars };
              const theirs = await pool.run(
                'neutron',
                await argvOf(line.replace(/^neutron /, ''), env),
                env,
              );
              out.set(line, {
                real: sameRequestIds(
                  block(line, asEmulatedEndpoints(app.url, theirs, mine.before)),
                ),
                emulated: sameRequestIds(block(line, mine)),
              });
            }
            return out;
          })().then(ok, fail);
        });
      },
    );
    for (const line of LEGACY) {
      const test = async () => {
        const got = (await legacy).get(line);
        expect(got?.real).toBe(got?.emulated);
      };
      const known = KNOWN[line];
      if (known) it.fails(`legacy: ${line} (known difference: ${known})`, test, 300_000);
      else it(`legacy: ${line}`, test, 300_000);
    }
  },
);
