/**
 * Calls of a learner's own client that once reached the simulation's internals (found by fuzzing
 * the REST handlers, 2026-12-05): a member action named as a function every object has, and a
 * query holding a lone surrogate (no HTTP request decodes to one; a recorded or in-process call may).
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine, type SessionState } from '../../shell/session.js';
import { runApiCall } from '../../workspace/openstack.js';
import type { ApiCall, ServiceType } from './request.js';

function session(lines: string[]): SessionState {
  let s = createSession({ fixture: 'network-node', seed: 1 });
  for (const l of lines) s = runLine(s, l).state;
  return s;
}

const CTX = { base: 'http://stacklab.test/openstack' };
const call = (service: ServiceType, method: string, path: string[], query: Array<[string, string]> = [], body = ''): ApiCall => ({ service, method, path, query, body });

describe('hostile calls of the REST APIs', () => {
  it("a member action named as an object's own function (toString, constructor, …) is Neutron's 404, and changes nothing", () => {
    const s = session(['openstack router create r1']);
    const router = s.cloud.routers.find((r) => r.name === 'r1')?.id as string;
    const unknown = runApiCall(s, call('network', 'PUT', ['v2.0', 'routers', router, 'nosuchaction'], [], '{}'), CTX);
    expect(unknown.answer.status).toBe(404);
    for (const name of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', 'toLocaleString', 'isPrototypeOf', '__defineGetter__']) {
      for (const [col, id] of [['routers', router], ['routers', 'no-such-router'], ['bgp-speakers', router]] as const) {
        const r = runApiCall(s, call('network', 'PUT', ['v2.0', col, id, name], [], '{}'), CTX);
        expect(r.answer.status, `${col}/${id}/${name}`).toBe(404);
        expect(r.answer.body, `${col}/${id}/${name}`).toBe(unknown.answer.body.replaceAll(router, id));
        expect(r.state.cloud.routers).toBe(s.cloud.routers);
      }
    }
  });

  it('a lone surrogate in a paged query is written as U+FFFD in the next link, not a thrown URIError', () => {
    const s = session([]);
    const servers = runApiCall(s, call('compute', 'GET', ['v2.1', 'servers', 'detail'], [['limit', '1'], ['\ud800', 'x\udc00']]), CTX);
    expect(servers.answer.status).toBeLessThan(500);
    const images = runApiCall(s, call('image', 'GET', ['v2', 'images'], [['limit', '1'], ['deleted', '\ud800']]), CTX);
    expect(images.answer.status).toBeLessThan(500);
    const ports = runApiCall(s, call('network', 'GET', ['v2.0', 'ports'], [['limit', '1'], ['name', '\udfff']]), CTX);
    expect(ports.answer.status).toBeLessThan(500);
    const paged = runApiCall(s, call('image', 'GET', ['v2', 'images'], [['limit', '1'], ['name', 'a\ud800']]), CTX);
    if (paged.answer.body.includes('next')) expect(paged.answer.body).toContain('%EF%BF%BD');
  });

  it("null for an attribute a load balancer's child needs is refused in real Octavia's words, and nothing is made (the octavia-oracle's answers)", () => {
    const s = session([
      'openstack network create lb-net',
      'openstack subnet create lb-sub --network lb-net --subnet-range 10.77.0.0/24',
      'openstack loadbalancer create --name lb1 --vip-subnet-id lb-sub',
      'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 lb1',
      'openstack loadbalancer pool create --name p1 --lb-algorithm ROUND_ROBIN --listener l1 --protocol HTTP',
      'openstack loadbalancer l7policy create --action REJECT --name pol1 l1',
    ]);
    const lb = s.cloud.octavia?.loadBalancers[0]?.id as string;
    const listener = s.cloud.octavia?.listeners[0]?.id as string;
    const pool = s.cloud.octavia?.pools[0]?.id as string;
    const policy = s.cloud.octavia?.l7Policies[0]?.id as string;
    const subnet = s.cloud.subnets.find((x) => x.name === 'lb-sub')?.id as string;
    const post = (path: string[], body: unknown) => runApiCall(s, call('load-balancer', 'POST', ['v2', 'lbaas', ...path], [], JSON.stringify(body)), CTX);
    const cases: Array<[string[], unknown, number, string]> = [
      [['listeners'], { listener: { loadbalancer_id: lb, protocol: 'UDP', protocol_port: null } }, 400, 'UDP is not a valid option for protocol'],
      [['listeners'], { listener: { loadbalancer_id: lb, protocol: null, protocol_port: 80 } }, 500, 'None'],
      [['listeners'], { listener: { loadbalancer_id: null, protocol: 'UDP', protocol_port: 80 } }, 404, 'Load Balancer None not found.'],
      [['pools'], { pool: { loadbalancer_id: lb, protocol: null, lb_algorithm: 'ROUND_ROBIN' } }, 500, 'Something unknown went wrong'],
      [['pools'], { pool: { loadbalancer_id: lb, protocol: 'HTTP', lb_algorithm: null } }, 500, 'Something unknown went wrong'],
      [['pools'], { pool: { listener_id: null, loadbalancer_id: null, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }, 400, 'Validation failure: Must provide at least one of: loadbalancer_id, listener_id'],
      [['pools', pool, 'members'], { member: { address: null, protocol_port: 80, subnet_id: subnet } }, 500, 'None does not appear to be an IPv4 or IPv6 address'],
      [['pools', pool, 'members'], { member: { address: '10.77.0.11', protocol_port: null, subnet_id: subnet } }, 500, 'Something unknown went wrong'],
      [['healthmonitors'], { healthmonitor: { pool_id: pool, type: null, delay: 5, timeout: 3, max_retries: 3 } }, 400, 'None is not a valid option for type'],
      [['healthmonitors'], { healthmonitor: { pool_id: pool, type: 'HTTP', delay: null, timeout: 3, max_retries: 3 } }, 400, 'None is not a valid option for delay'],
      [['healthmonitors'], { healthmonitor: { pool_id: pool, type: 'HTTP', delay: 5, timeout: null, max_retries: 3 } }, 400, 'None is not a valid option for timeout'],
      [['healthmonitors'], { healthmonitor: { pool_id: pool, type: 'HTTP', delay: 5, timeout: 3, max_retries: null } }, 400, 'None is not a valid option for max_retries'],
      [['healthmonitors'], { healthmonitor: { pool_id: null, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 } }, 404, 'Pool None not found.'],
      [['l7policies'], { l7policy: { listener_id: listener, action: null } }, 400, 'Invalid L7 Policy action specified: None'],
      [['l7policies'], { l7policy: { listener_id: null, action: 'REJECT' } }, 404, 'Listener None not found.'],
      [['l7policies', policy, 'rules'], { rule: { type: null, compare_type: 'EQUAL_TO', value: '/api' } }, 400, 'Error parsing L7Rule: Invalid L7 Rule: invalid rule type'],
      [['l7policies', policy, 'rules'], { rule: { type: 'PATH', compare_type: 'EQUAL_TO', value: null } }, 400, 'Error parsing L7Rule: Invalid L7 Rule: L7 rule type requires a value'],
      [['l7policies', policy, 'rules'], { rule: { type: 'PATH', compare_type: null, value: '/api' } }, 400, 'Error parsing L7Rule: Invalid L7 Rule: invalid comparison type for rule type'],
    ];
    for (const [path, body, status, message] of cases) {
      const r = post(path, body);
      expect({ status: r.answer.status, body: JSON.parse(r.answer.body) as unknown }, JSON.stringify(body)).toEqual({ status, body: { faultcode: status >= 500 ? 'Server' : 'Client', faultstring: message, debuginfo: null } });
      expect(r.state.cloud.octavia, JSON.stringify(body)).toEqual(s.cloud.octavia);
    }
    // Accepted as not given, as Octavia does: a member's null subnet, a pool's null listener.
    const member = post(['pools', pool, 'members'], { member: { address: '10.77.0.12', protocol_port: 80, subnet_id: null } });
    expect(member.answer.status).toBe(201);
    expect((JSON.parse(member.answer.body) as { member: { subnet_id: unknown } }).member.subnet_id).toBe(null);
    expect(post(['pools'], { pool: { listener_id: null, loadbalancer_id: lb, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }).answer.status).toBe(201);
    // And Neutron's lists and the terminal's status tree still answer.
    const after = post(['listeners'], { listener: { loadbalancer_id: lb, protocol: 'UDP', protocol_port: null } }).state;
    expect(runApiCall(after, call('network', 'GET', ['v2.0', 'security-groups']), CTX).answer.status).toBe(200);
    expect(runLine(member.state, 'openstack loadbalancer status show lb1').result.exitCode).toBe(0);
  });

  it("values of the wrong type in Neutron's bodies are refused in Neutron's words, quoted as Python writes them (the oracle's answers)", () => {
    const s = session([]);
    const post = (path: string, body: unknown) => runApiCall(s, call('network', 'POST', ['v2.0', path], [], JSON.stringify(body)), CTX).answer;
    const refused = (message: string) => ({ status: 400, body: JSON.stringify({ NeutronError: { type: 'HTTPBadRequest', message, detail: '' } }).replaceAll('":"', '": "').replaceAll('","', '", "').replaceAll('":{', '": {') });
    const cases: Array<[string, unknown, string]> = [
      ['networks', { network: { name: 'n', availability_zone_hints: [{ a: 1 }, 5, null, true] } }, "Invalid input for availability_zone_hints. Reason: '{'a': 1}' is not a valid string."],
      ['networks', { network: { name: 'n', availability_zone_hints: ['a', 'a'] } }, "Invalid input for availability_zone_hints. Reason: Duplicate items in the list: 'a'."],
      ['networks', { network: { name: 'n', availability_zone_hints: 'az1' } }, "Invalid input for availability_zone_hints. Reason: 'az1' is not a list."],
      ['networks', { network: { name: 'n', availability_zone_hints: [5] } }, "Invalid input for availability_zone_hints. Reason: '5' is not a valid string."],
      ['networks', { network: { name: 'n', availability_zone_hints: [null] } }, "Invalid input for availability_zone_hints. Reason: 'None' is not a valid string."],
      ['networks', { network: { name: 'n', availability_zone_hints: null } }, "Invalid input for availability_zone_hints. Reason: 'None' is not a list."],
      ['bgp-speakers', { bgp_speaker: { name: {}, local_as: 65001, ip_version: 4 } }, "Invalid input for name. Reason: '{}' is not a valid string."],
      ['bgp-speakers', { bgp_speaker: { name: [1, 2], local_as: 65001, ip_version: 4 } }, "Invalid input for name. Reason: '[1, 2]' is not a valid string."],
      ['bgp-speakers', { bgp_speaker: { name: 5, local_as: 65001, ip_version: 4 } }, "Invalid input for name. Reason: '5' is not a valid string."],
      ['bgp-speakers', { bgp_speaker: { name: null, local_as: 65001, ip_version: 4 } }, "Invalid input for name. Reason: 'None' is not a valid string."],
      ['bgp-speakers', { bgp_speaker: { name: 's1', local_as: { a: 1 }, ip_version: 4 } }, "Invalid input for local_as. Reason: '{'a': 1}' is not an integer."],
    ];
    for (const [path, body, message] of cases) {
      const a = post(path, body);
      expect({ status: a.status, body: a.body }, JSON.stringify(body)).toEqual(refused(message));
    }
    expect(post('bgp-speakers', { bgp_speaker: { name: 's1', local_as: '65001', ip_version: 4 } }).status).toBe(201);
  });

  it("tags and RBAC targets of the wrong type are quoted as Python writes them (the oracle's answers)", () => {
    const s = session([]);
    const net = s.cloud.networks[0]?.id as string;
    const put = (body: unknown) => runApiCall(s, call('network', 'PUT', ['v2.0', 'networks', net, 'tags'], [], JSON.stringify(body)), CTX).answer;
    const invalid = (message: string) => ({ status: 400, body: JSON.stringify({ NeutronError: { type: 'InvalidInput', message: `Invalid input for operation: ${message}`, detail: '' } }).replaceAll('":"', '": "').replaceAll('","', '", "').replaceAll('":{', '": {') });
    expect(put({ tags: { a: 1 } })).toMatchObject(invalid("'{'a': 1}' is not a list."));
    expect(put({ tags: [{ a: [1, true, null] }] })).toMatchObject(invalid("'{'a': [1, True, None]}' is not a valid string."));
    const rbac = runApiCall(s, call('network', 'POST', ['v2.0', 'rbac-policies'], [], JSON.stringify({ rbac_policy: { object_type: 'network', object_id: net, action: 'access_as_shared', target_tenant: { p: ['x'] } } })), CTX).answer;
    expect(rbac.body).toContain("Reason: '{'p': ['x']}' is not a valid string.");
  });

  it("a quota limit out of the quotas extension's range is refused, the value quoted exactly however large (the Neutron oracle's answers)", () => {
    const s = session([]);
    const put = (v: string) => runApiCall(s, call('network', 'PUT', ['v2.0', 'quotas', s.cloud.auth.projectId], [], `{"quota":{"network":${v}}}`), CTX).answer;
    const body = (type: string, message: string) => JSON.stringify({ NeutronError: { type, message, detail: '' } }).replaceAll('":"', '": "').replaceAll('","', '", "').replaceAll('":{', '": {');
    // A JSON number past 2^53 is read as the nearest double (Python keeps its digits): the same
    // refusal, quoting 10000000000000000000000 here.
    expect(put('9999999999999999999999')).toMatchObject({ status: 400, body: expect.stringContaining("is too large - must be no larger than '2147483647'.") as unknown });
    expect(put('"9999999999999999999999"')).toMatchObject({ status: 400, body: body('HTTPBadRequest', "Invalid input for network. Reason: '9999999999999999999999' is too large - must be no larger than '2147483647'.") });
    expect(put('2147483648')).toMatchObject({ status: 400, body: body('HTTPBadRequest', "Invalid input for network. Reason: '2147483648' is too large - must be no larger than '2147483647'.") });
    expect(put('-2')).toMatchObject({ status: 400, body: body('HTTPBadRequest', "Invalid input for network. Reason: '-2' is too small - must be at least '-1'.") });
    expect(put('"abc"')).toMatchObject({ status: 400, body: body('InvalidInput', "Invalid input for operation: 'abc' is not an integer.") });
    expect(put('2147483647').status).toBe(200);
    expect(runLine(s, 'neutron quota-update --network 9999999999999999999999').result.stderr).toContain("Reason: '9999999999999999999999' is too large");
    // openstackclient sends the integer argparse made: the same refusal, in openstacksdk's words.
    const osc = runLine(s, 'openstack quota set --networks 2147483648 admin').result;
    expect(osc.exitCode).toBe(1);
    expect(osc.stderr).toMatch(/^BadRequestException: 400: Client Error for url: http:\/\/controller:9696\/v2\.0\/quotas\/\w+, Invalid input for network\. Reason: '2147483648' is too large - must be no larger than '2147483647'\.\n$/);
  });
});
