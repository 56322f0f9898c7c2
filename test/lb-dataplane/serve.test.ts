/** Requests to a VIP: listener, L7 policies, the pool's algorithm, HAProxy's own pages, counters. */
import { describe, expect, it } from 'vitest';
import { HAPROXY_403, HAPROXY_502, HAPROXY_503, serveVip } from '../../server/sim/dataplane/loadbalancer.js';
import type { HttpRequest } from '../../server/sim/dataplane/http.js';
import type { Cloud } from '../../server/sim/model/cloud.js';
import { objects, run, webCloud, withLb, type LbSpec } from './build.js';

const web = webCloud();
const lb = (spec: LbSpec = {}) => withLb(web, spec).cloud;

function request(c: Cloud, over: Partial<HttpRequest> = {}): HttpRequest {
  return { srcIp: '203.0.113.10', dstIp: objects(c).lb.vipAddress, port: 80, method: 'GET', path: '/', host: objects(c).lb.vipAddress, headers: {}, ...over };
}

/** The bodies of n requests in a row, the cloud threaded through. */
function bodies(c0: Cloud, n: number, over: Partial<HttpRequest> = {}): string[] {
  let c = c0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = serveVip(c, request(c, over));
    if (!r) throw new Error('not served');
    out.push(r.response.body.trim());
    c = r.cloud;
  }
  return out;
}

describe('serveVip', () => {
  it('is null for an address that is no VIP and for a port without an enabled listener', () => {
    const c = lb();
    expect(serveVip(c, request(c, { dstIp: '10.1.0.99' }))).toBeNull();
    expect(serveVip(c, request(c, { port: 8080 }))).toBeNull();
    expect(serveVip(lb({ listeners: [{ adminStateUp: false }] }), request(c))).toBeNull();
    expect(serveVip(lb({ lb: { adminStateUp: false } }), request(c))).toBeNull();
  });

  it('ROUND_ROBIN alternates between the members, the cursor kept in the cloud', () => {
    expect(bodies(lb(), 4)).toEqual(['Welcome to web1', 'Welcome to web2', 'Welcome to web1', 'Welcome to web2']);
  });

  it('weights: 1 and 2 give web2 twice as many requests', () => {
    expect(bodies(lb({ members: [{ vm: 'web1', weight: 1 }, { vm: 'web2', weight: 2 }] }), 6)).toEqual(['Welcome to web2', 'Welcome to web1', 'Welcome to web2', 'Welcome to web2', 'Welcome to web1', 'Welcome to web2']);
  });

  it('LEAST_CONNECTIONS rotates like round robin (no connection stays open)', () => {
    expect(bodies(lb({ pools: [{ lbAlgorithm: 'LEAST_CONNECTIONS' }] }), 2)).toEqual(['Welcome to web1', 'Welcome to web2']);
  });

  it('SOURCE_IP sticks a client to one member, and different clients spread', () => {
    const c = lb({ pools: [{ lbAlgorithm: 'SOURCE_IP' }] });
    const a = bodies(c, 3, { srcIp: '203.0.113.10' });
    expect(new Set(a).size).toBe(1);
    const seen = new Set(['203.0.113.10', '203.0.113.11', '203.0.113.12', '203.0.113.13', '198.51.100.7'].map((ip) => bodies(c, 1, { srcIp: ip })[0]));
    expect(seen).toEqual(new Set(['Welcome to web1', 'Welcome to web2']));
  });

  it('only healthy members get requests; none healthy: HAProxy 503', () => {
    const s = run(withLb(web), ['openstack server stop web1']);
    expect(bodies(s.cloud, 3)).toEqual(['Welcome to web2', 'Welcome to web2', 'Welcome to web2']);
    const none = run(s, ['openstack server stop web2']).cloud;
    const r = serveVip(none, request(none));
    expect(r?.response).toEqual(HAPROXY_503);
    expect(r?.response.headers).toEqual([['content-length', '107'], ['cache-control', 'no-cache'], ['content-type', 'text/html']]);
    expect(r?.response.body).toBe('<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n');
  });

  it('without a monitor a dead member is still picked; HAProxy redispatches to the other', () => {
    const s = run(withLb(web, { monitor: null }), ['openstack server stop web1']);
    expect(bodies(s.cloud, 2)).toEqual(['Welcome to web2', 'Welcome to web2']);
    const none = run(s, ['openstack server stop web2']).cloud;
    expect(serveVip(none, request(none))?.response.status).toBe(503);
  });

  it('backup members serve only when no other member is up', () => {
    const c = lb({ members: [{ vm: 'web1' }, { vm: 'web2', backup: true }] });
    expect(bodies(c, 2)).toEqual(['Welcome to web1', 'Welcome to web1']);
    const down = run({ ...web, cloud: c }, ['openstack server stop web1']).cloud;
    expect(bodies(down, 1)).toEqual(['Welcome to web2']);
  });

  it('no default pool, or a disabled one: 503', () => {
    expect(serveVip(lb({ listeners: [{ defaultPoolId: null }] }), request(lb()))?.response).toEqual(HAPROXY_503);
    expect(serveVip(lb({ pools: [{ adminStateUp: false }] }), request(lb()))?.response).toEqual(HAPROXY_503);
  });

  it('a member answering garbage: 502 in HTTP mode, the bytes as they are in TCP mode', () => {
    const garbage = (c: Cloud): Cloud => ({ ...c, servers: c.servers.map((v) => ({ ...v, userData: '#!/bin/sh\nwhile true; do echo -e "hello" | nc -l -p 80; done\n' })) });
    const http = garbage(lb({ monitor: null }));
    expect(serveVip(http, request(http))?.response).toEqual(HAPROXY_502);
    const tcp = garbage(lb({ listeners: [{ protocol: 'TCP' }], pools: [{ protocol: 'TCP' }], monitor: { type: 'TCP' } }));
    expect(serveVip(tcp, request(tcp))?.response.raw).toBe('hello\n');
  });

  it('L7: REJECT 403, REDIRECT_TO_URL 302, REDIRECT_TO_POOL by path', () => {
    const reject = lb({ policies: [{ action: 'REJECT' }], rules: [{ type: 'PATH', compareType: 'STARTS_WITH', value: '/admin' }] });
    expect(serveVip(reject, request(reject, { path: '/admin/x' }))?.response).toEqual(HAPROXY_403);
    expect(serveVip(reject, request(reject, { path: '/' }))?.response.status).toBe(200);
    const url = lb({ policies: [{ action: 'REDIRECT_TO_URL', redirectUrl: 'https://example.com/' }], rules: [{ type: 'HOST_NAME', compareType: 'EQUAL_TO', value: 'OLD.example.com' }] });
    expect(serveVip(url, request(url, { host: 'old.example.com' }))?.response).toEqual({
      version: 'HTTP/1.1', status: 302, reason: 'Found', headers: [['content-length', '0'], ['location', 'https://example.com/'], ['cache-control', 'no-cache']], body: '',
    });
    const prefix = lb({ policies: [{ action: 'REDIRECT_PREFIX', redirectPrefix: 'https://new.example.com', redirectHttpCode: 301 }], rules: [{ type: 'PATH', value: '/' }] });
    expect(serveVip(prefix, request(prefix, { path: '/a?b=1' }))?.response.headers).toContainEqual(['location', 'https://new.example.com/a?b=1']);
  });

  it('L7: REDIRECT_TO_POOL sends matching requests to another pool', () => {
    const c = lb({
      pools: [{}, { name: 'api' }],
      members: [{ vm: 'web1' }, { vm: 'web2', pool: 1 }],
      policies: [{ action: 'REDIRECT_TO_POOL', pool: 1 }],
      rules: [{ type: 'PATH', compareType: 'STARTS_WITH', value: '/api' }],
    });
    expect(serveVip(c, request(c, { path: '/api/v1' }))?.response.body).toBe('Welcome to web2\n');
    expect(serveVip(c, request(c, { path: '/' }))?.response.body).toBe('Welcome to web1\n');
    expect(serveVip(c, request(c, { path: '/API' }))?.response.body).toBe('Welcome to web1\n');
  });

  it('L7: a policy without rules is not rendered; invert, HEADER and a policy without rules', () => {
    const c = lb({ policies: [{ action: 'REDIRECT_TO_URL', redirectUrl: 'http://x/', position: 1 }, { action: 'REJECT', position: 2 }], rules: [{ type: 'HEADER', key: 'X-Test', compareType: 'CONTAINS', value: 'yes', invert: true }] });
    // The rules all belong to the first policy (the builder's choice): the REJECT has none and is not rendered.
    expect(serveVip(c, request(c))?.response.status).toBe(302);
    expect(serveVip(c, request(c, { headers: { 'x-test': 'oh yes' } }))?.response.status).toBe(200);
  });

  it('L7: REJECT comes before redirects, redirects before REDIRECT_TO_POOL, whatever the positions', () => {
    const c = lb({
      pools: [{}, { name: 'other' }],
      members: [{ vm: 'web1' }, { vm: 'web2', pool: 1 }],
      policies: [{ action: 'REDIRECT_TO_POOL', pool: 1 }, { action: 'REDIRECT_TO_URL', redirectUrl: 'http://x/' }, { action: 'REJECT' }],
      rules: [{ policy: 0, value: '/a' }, { policy: 1, value: '/a/b' }, { policy: 2, value: '/a/b/c' }],
    });
    expect(serveVip(c, request(c, { path: '/a/b/c' }))?.response.status).toBe(403);
    expect(serveVip(c, request(c, { path: '/a/b' }))?.response.status).toBe(302);
    expect(serveVip(c, request(c, { path: '/a' }))?.response.body).toBe('Welcome to web2\n');
  });

  it('counts connections and bytes of the listener; SOURCE_IP leaves the cursor alone', () => {
    const c = lb();
    const r = serveVip(c, request(c));
    const id = objects(c).listener?.id ?? '';
    expect(r?.cloud.octavia?.stats[id]).toEqual({ bytesIn: 26 + objects(c).lb.vipAddress.length, bytesOut: 35, activeConnections: 0, totalConnections: 1, requestErrors: 0 });
    expect(c.octavia?.stats[id]).toBeUndefined();
    expect(r?.cloud.servers).toBe(c.servers);
    const src = lb({ pools: [{ lbAlgorithm: 'SOURCE_IP' }] });
    expect(serveVip(src, request(src))?.cloud.octavia?.cursors).toEqual({});
  });
});

describe('serveVip: HTTP_COOKIE persistence', () => {
  const c = lb({ pools: [{ sessionPersistence: { type: 'HTTP_COOKIE', cookieName: null, persistenceTimeout: null, persistenceGranularity: null } }], monitor: null });
  const [m1, m2] = objects(c).members;

  it('a client without the cookie is balanced and gets one naming its server', () => {
    const r = serveVip(c, request(c));
    expect(r?.response.body).toBe('Welcome to web1\n');
    expect(r?.response.headers).toEqual([['set-cookie', `SRV=${m1?.id ?? ''}; path=/`], ['cache-control', 'private']]);
  });

  it('the cookie sticks the client to its server, without a new cookie or moving the round robin', () => {
    const r = serveVip(c, request(c, { headers: { Cookie: `a=1; SRV=${m2?.id ?? ''}` } }));
    expect(r?.response.body).toBe('Welcome to web2\n');
    expect(r?.response.headers).toEqual([]);
    expect(r?.cloud.octavia?.cursors).toEqual({});
  });

  it('a cookie naming a server that is down: balanced again, and a new cookie', () => {
    const down = run({ ...web, cloud: c }, ['openstack server stop web2']).cloud;
    const r = serveVip(down, request(down, { headers: { Cookie: `SRV=${m2?.id ?? ''}` } }));
    expect(r?.response.body).toBe('Welcome to web1\n');
    expect(r?.response.headers[0]).toEqual(['set-cookie', `SRV=${m1?.id ?? ''}; path=/`]);
  });
});

describe('L7 REGEX rules and hostile patterns', () => {
  // Backtracking engines take exponential time on these (2^n, Fibonacci(n)): a test that hangs if they ran on one.
  it.each(['^/(a+)+$', '^/(a|aa)+$', '^/(a|a?)+$', '^/(\\w*)*$'])('the catastrophic pattern %s answers at once, matching as PCRE would', (pattern) => {
    const c = lb({ policies: [{ action: 'REJECT' }], rules: [{ type: 'PATH', compareType: 'REGEX', value: pattern }] });
    expect(serveVip(c, request(c, { path: `/${'a'.repeat(5000)}!` }))?.response.status).toBe(200);
    expect(serveVip(c, request(c, { path: `/${'a'.repeat(60)}` }))?.response.status).toBe(403);
    expect(serveVip(c, request(c, { path: '/aaa' }))?.response.status).toBe(403);
  });

  it('HOST_NAME patterns ignore case; a pattern RE2 cannot run (a lookahead) matches nothing', () => {
    const host = lb({ policies: [{ action: 'REJECT' }], rules: [{ type: 'HOST_NAME', compareType: 'REGEX', value: '^www\\.example\\.org$' }] });
    expect(serveVip(host, request(host, { host: 'WWW.Example.ORG' }))?.response.status).toBe(403);
    const look = lb({ policies: [{ action: 'REJECT' }], rules: [{ type: 'PATH', compareType: 'REGEX', value: '^/(?=a)' }] });
    expect(serveVip(look, request(look, { path: '/a' }))?.response.status).toBe(200);
  });
});
