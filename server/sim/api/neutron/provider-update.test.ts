/**
 * Updating a network's provider attributes, as ML2 in Zed answers (each answer below was taken
 * from the Neutron oracle on 2026-12-05): a VLAN network's segmentation ID changes (its revision
 * does not), within 1–4094 and not to an ID in use on its physical network — its own included;
 * another network type or physical network, or a new ID on a VXLAN network, is refused; 0 asks
 * for nothing; the attributes are the admin's. The same through `openstack network set`.
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../../shell/session.js';
import type { Cloud } from '../../model/cloud.js';
import type { ApiCall } from '../request.js';
import { neutronService } from './rest-write.js';

function start(): SessionState {
  let s = createSession({ fixture: 'network-node', seed: 1 });
  const r = runLine(s, 'openstack network create --provider-network-type vxlan --provider-segment 100 vx');
  expect(r.result.exitCode, r.result.stderr).toBe(0);
  s = r.state;
  return s;
}

const idOf = (c: Cloud, name: string) => c.networks.find((n) => n.name === name)?.id as string;

function put(cloud: Cloud, name: string, network: unknown) {
  const call: ApiCall = { service: 'network', method: 'PUT', path: ['v2.0', 'networks', idOf(cloud, name)], query: [], body: JSON.stringify({ network }) };
  const { answer, cloud: after } = neutronService.handle(cloud, call, { base: 'http://stacklab.test/openstack/network' });
  const body = JSON.parse(answer.body) as { network?: Record<string, unknown>; NeutronError?: { type: string; message: string } };
  return { status: answer.status, network: body.network, error: body.NeutronError, cloud: after ?? cloud };
}

const refused = (type: string, message: string) => ({ type, message: `Invalid input for operation: ${message}`, detail: '' });

describe('PUT /v2.0/networks/ID with provider attributes', () => {
  it("changes a VLAN network's segmentation ID, and not its revision", () => {
    const { cloud } = start();
    const before = put(cloud, 'net1', {}).network ?? {};
    const r = put(cloud, 'net1', { 'provider:segmentation_id': 2500 });
    expect(r.status).toBe(200);
    expect(r.network).toMatchObject({ 'provider:network_type': 'vlan', 'provider:physical_network': 'default', 'provider:segmentation_id': 2500, revision_number: before['revision_number'], updated_at: before['updated_at'] });
    // The same physical network and type given again are no change; with a name the revision moves.
    const again = put(r.cloud, 'net1', { 'provider:physical_network': 'default', 'provider:network_type': 'vlan', 'provider:segmentation_id': 2600, name: 'renamed' });
    expect(again.status).toBe(200);
    expect(again.network).toMatchObject({ name: 'renamed', 'provider:segmentation_id': 2600, revision_number: (before['revision_number'] as number) + 1 });
    // 0 asks for no ID: nothing changes.
    expect(put(again.cloud, 'renamed', { 'provider:segmentation_id': 0 }).network).toMatchObject({ 'provider:segmentation_id': 2600 });
  });

  it('refuses what ML2 refuses, in its words', () => {
    const { cloud } = start();
    const net2 = cloud.networks.find((n) => n.name === 'net2')?.segmentationId;
    const net1 = cloud.networks.find((n) => n.name === 'net1')?.segmentationId;
    const cases: Array<[string, unknown, number, unknown]> = [
      ['net1', { 'provider:segmentation_id': net2 }, 409, { type: 'VlanIdInUse', message: `Unable to create the network. The VLAN ${net2} on physical network default is in use.`, detail: '' }],
      // Its own ID is "in use" too.
      ['net1', { 'provider:segmentation_id': net1 }, 409, { type: 'VlanIdInUse', message: `Unable to create the network. The VLAN ${net1} on physical network default is in use.`, detail: '' }],
      ['net1', { 'provider:segmentation_id': 4095 }, 400, refused('InvalidInput', 'segmentation_id out of range (1 through 4094).')],
      ['net1', { 'provider:segmentation_id': -1 }, 400, refused('InvalidInput', 'segmentation_id out of range (1 through 4094).')],
      ['net1', { 'provider:network_type': 'vxlan' }, 400, refused('InvalidInput', 'Plugin does not support updating the following provider network attributes: provider:physical_network, provider:network_type.')],
      ['net1', { 'provider:physical_network': 'physnet2' }, 400, refused('InvalidInput', 'Plugin does not support updating the following provider network attributes: provider:physical_network, provider:network_type.')],
      ['net1', { 'provider:segmentation_id': 'x', 'provider:network_type': 'vxlan' }, 400, refused('InvalidInput', "'x' is not an integer.")],
      ['net1', { 'provider:segmentation_id': '0x10' }, 400, refused('InvalidInput', "'0x10' is not an integer.")],
      ['net1', { 'provider:network_type': null }, 400, { type: 'HTTPBadRequest', message: "Invalid input for provider:network_type. Reason: 'None' is not a valid string.", detail: '' }],
      ['vx', { 'provider:segmentation_id': 7 }, 400, refused('InvalidInput', 'Only VLAN type networks can be updated..')],
      ['vx', { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 1000 }, 400, refused('InvalidInput', 'Only VLAN type networks can be updated..')],
    ];
    for (const [name, body, status, error] of cases) {
      const r = put(cloud, name, body);
      expect({ body, status: r.status, error: r.error }).toEqual({ body, status, error });
    }
    expect(put(cloud, 'vx', { 'provider:segmentation_id': 0 }).network).toMatchObject({ 'provider:segmentation_id': 100 });
  });

  it("are the admin's: a member is refused by policy, the attributes named in the map's order", () => {
    const { cloud } = start();
    const member: Cloud = { ...cloud, auth: { ...cloud.auth, admin: false } };
    const mine = runLine({ ...createSession({ fixture: 'network-node', seed: 1 }), cloud: member }, 'openstack network create mine').state.cloud;
    expect(put(mine, 'mine', { 'provider:segmentation_id': 5 })).toMatchObject({ status: 403, error: { type: 'PolicyNotAuthorized', message: '(rule:update_network and rule:update_network:provider:segmentation_id) is disallowed by policy' } });
    expect(put(mine, 'mine', { 'provider:segmentation_id': 5, shared: true, 'provider:network_type': 'vlan', is_default: false, 'router:external': false }).error?.message).toBe(
      '(((((rule:update_network and rule:update_network:shared) and rule:update_network:router:external) and rule:update_network:provider:network_type) and rule:update_network:provider:segmentation_id) and rule:update_network:is_default) is disallowed by policy',
    );
  });
});

describe('openstack network set --provider-segment', () => {
  it('changes the segment, or says why not as openstacksdk prints it', () => {
    let s = start();
    const out: string[] = [];
    for (const l of [
      'openstack network set --provider-segment 2500 net1; echo $?',
      'openstack network show net1 -c provider:segmentation_id -f value',
      'openstack network set --provider-segment 2500 net1',
      'openstack network set --provider-network-type vxlan net1',
      'openstack network set --provider-segment 7 vx',
    ]) {
      const r = runLine(s, l);
      s = r.state;
      out.push(r.result.stdout + r.result.stderr);
    }
    const url = `http://controller:9696/v2.0/networks/${idOf(s.cloud, 'net1')}`;
    expect(out).toEqual([
      '0\n',
      '2500\n',
      `ConflictException: 409: Client Error for url: ${url}, Unable to create the network. The VLAN 2500 on physical network default is in use.\n`,
      `BadRequestException: 400: Client Error for url: ${url}, Invalid input for operation: Plugin does not support updating the following provider network attributes: provider:physical_network, provider:network_type.\n`,
      `BadRequestException: 400: Client Error for url: http://controller:9696/v2.0/networks/${idOf(s.cloud, 'vx')}, Invalid input for operation: Only VLAN type networks can be updated..\n`,
    ]);
  });
});
