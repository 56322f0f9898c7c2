/**
 * The REST APIs given the names every JavaScript object has (constructor, __proto__, toString…)
 * in a path, a query or a body: each answers them as it answers any other unknown word, never
 * with a fault of its own or a different refusal.
 */
import { describe, expect, it } from 'vitest';
import { createSession } from '../../server/shell/session.js';
import { runApiCall, type ApiCall, type ServiceType } from '../../server/workspace/openstack.js';

const NAMES = Object.getOwnPropertyNames(Object.prototype);
const PLAIN = 'plainword';

describe("names like Object's own, through every service", () => {
  it('get the answer a plain word gets, in a path, a query and a body', () => {
    const s = createSession({ fixture: 'network-node', seed: 3, host: 'network' });
    const net = s.cloud.networks[0]?.id as string;
    const prefixes: Record<ServiceType, string[][]> = {
      network: [[], ['v2.0'], ['v2.0', 'networks'], ['v2.0', 'networks', net], ['v2.0', 'networks', net, 'tags'], ['v2.0', 'routers'], ['v2.0', 'quotas'], ['v2.0', 'ports'], ['v2.0', 'security-group-rules']],
      compute: [[], ['v2.1'], ['v2.1', 'servers'], ['v2.1', 'flavors'], ['v2.1', 'os-quota-sets']],
      image: [[], ['v2'], ['v2', 'images']],
      'load-balancer': [[], ['v2'], ['v2', 'lbaas'], ['v2', 'lbaas', 'loadbalancers'], ['v2', 'lbaas', 'pools'], ['v2', 'lbaas', 'quotas']],
    };
    const answer = (c: ApiCall, word: string): string => {
      try {
        const r = runApiCall(s, c, { base: `http://stacklab/openstack/${c.service}` });
        // The word, echoed (maybe lower-cased), and request ids are the only differences allowed.
        const body = String(r.answer.body).replace(new RegExp(word.replace(/\$/g, '\\$&'), 'gi'), PLAIN).replace(/req-[0-9a-f-]+/g, 'req-id');
        return `${r.answer.status} ${body}`;
      } catch (e) {
        return `threw ${String(e)}`;
      }
    };
    const differences: string[] = [];
    for (const [service, paths] of Object.entries(prefixes) as Array<[ServiceType, string[][]]>) {
      for (const path of paths) {
        for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
          const calls = (n: string): ApiCall[] => [
            { service, method, path: [...path, n], query: [], body: '' },
            { service, method, path: [...path, n, n], query: [], body: '' },
            ...([[n, n], ['fields', n], ['sort_key', n], ['sort_dir', n], ['tags', n]] as Array<[string, string]>).map((q) => ({ service, method, path, query: [q], body: '' })),
            { service, method, path, query: [], body: JSON.stringify({ [n]: { [n]: n } }) },
            { service, method, path, query: [], body: JSON.stringify({ network: { [n]: 1, name: n }, router: { [n]: {} }, port: { network_id: net, [n]: 1 }, server: { [n]: 1 }, loadbalancer: { [n]: 1 }, quota: { [n]: 1 } }) },
          ];
          for (const n of NAMES) {
            const plain = calls(PLAIN);
            calls(n).forEach((c, i) => {
              const got = answer(c, n);
              const want = answer(plain[i] as ApiCall, PLAIN);
              if (got !== want) differences.push(`${method} /${service}/${c.path.join('/')} ${JSON.stringify(c.query)} ${c.body.slice(0, 60)}: ${got.slice(0, 160)} (a plain word: ${want.slice(0, 160)})`);
            });
          }
        }
      }
    }
    expect(differences.slice(0, 5)).toEqual([]);
  });
});
