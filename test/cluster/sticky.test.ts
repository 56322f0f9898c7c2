/** The primary's routing (server/cluster/sticky.ts) and IPC parsing (messages.ts): total on any bytes, the same learner to the same worker. */
import { describe, expect, it } from 'vitest';
import { fnv1a, headEnd, learnerOfHead, picker } from '../../server/cluster/sticky.js';
import { parseToPrimary, parseToWorker } from '../../server/cluster/messages.js';
import { sessionToken } from '../../server/http/session-token.js';
import { tokenLearnerOf, tokenStore } from '../../server/http/openstack/tokens.js';

const head = (...lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
const noKeystone = () => null;

describe('sticky routing', () => {
  it('finds the learner as the server does: session token, else cookie, else Keystone token', () => {
    const secret = 'k';
    const session = sessionToken(secret, 'from-launch', Date.now());
    const ref = { key: 'sandbox:empty', fixture: 'empty', lab: null };
    const { token } = tokenStore({ secret }).issue('from-keystone', ref, Date.now());
    const ks = tokenLearnerOf(secret);
    expect(
      learnerOfHead(
        head('GET /api/me HTTP/1.1', 'Host: x', 'Cookie: a=b; stacklab_sid=abc_DEF-1.mac'),
        ks,
      ),
    ).toBe('abc_DEF-1');
    expect(
      learnerOfHead(head('GET / HTTP/1.1', 'cookie: a=b', 'COOKIE: stacklab_sid=second.mac'), ks),
    ).toBe('second');
    expect(
      learnerOfHead(
        head('GET / HTTP/1.1', `X-Stacklab-Session: ${session}`, 'Cookie: stacklab_sid=other.mac'),
        ks,
      ),
    ).toBe('from-launch');
    expect(
      learnerOfHead(
        head(
          `GET /ws?workspace=sandbox:empty&session=${encodeURIComponent(session)} HTTP/1.1`,
          'Upgrade: websocket',
          'Connection: Upgrade',
        ),
        ks,
      ),
    ).toBe('from-launch');
    expect(
      learnerOfHead(head('GET /identity/v3/auth/tokens HTTP/1.1', `X-Auth-Token: ${token}`), ks),
    ).toBe('from-keystone');
    // The cookie comes before a Keystone token (a page's own API calls).
    expect(
      learnerOfHead(
        head('GET / HTTP/1.1', `X-Auth-Token: ${token}`, 'Cookie: stacklab_sid=page.mac'),
        ks,
      ),
    ).toBe('page');
  });

  it('no learner for new visitors, password logins, forged or odd values, and garbage (never a throw)', () => {
    for (const h of [
      head('GET / HTTP/1.1', 'Host: x'),
      head('POST /identity/v3/auth/tokens HTTP/1.1', 'Content-Type: application/json'),
      head('GET / HTTP/1.1', 'X-Auth-Token: gAAAAAforged'),
      head('GET / HTTP/1.1', 'Cookie: stacklab_sid=nomac'),
      head('GET / HTTP/1.1', `Cookie: stacklab_sid=${'x'.repeat(100)}.mac`),
      head('GET / HTTP/1.1', 'X-Stacklab-Session: v1.bad learner.1.2'),
      head('GET /ws?session=%E0%A4%A HTTP/1.1', 'Upgrade: websocket'),
      Buffer.from([0, 255, 13, 10, 13, 10]),
      Buffer.alloc(0),
    ])
      expect(learnerOfHead(h, noKeystone)).toBeNull();
  });

  it('knows where a head ends', () => {
    expect(headEnd(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\nbody'))).toBe(27);
    expect(headEnd(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n'))).toBe(-1);
  });

  it('hashes a learner to the same worker every time and spreads learners; others in turn', () => {
    const pick = picker(4);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const w = pick(`learner-${i}`);
      expect(pick(`learner-${i}`)).toBe(w);
      counts[w] = (counts[w] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(fnv1a('abc')).toBe(fnv1a('abc'));
    const anon = [pick(null), pick(null), pick(null), pick(null)];
    expect(new Set(anon).size).toBe(4);
  });
});

describe('cluster messages', () => {
  it('parse what the processes send, and refuse anything else', () => {
    expect(parseToWorker({ stacklab: 'connection', id: 3, head: 'R0VU' })).toEqual({
      stacklab: 'connection',
      id: 3,
      head: 'R0VU',
    });
    expect(parseToWorker({ stacklab: 'event', event: { kind: 'reload' } })).toEqual({
      stacklab: 'event',
      event: { kind: 'reload' },
    });
    expect(
      parseToPrimary({
        stacklab: 'broadcast',
        event: { kind: 'revoke', revocation: { auditId: 'a', until: 5 } },
      }),
    ).toEqual({
      stacklab: 'broadcast',
      event: { kind: 'revoke', revocation: { auditId: 'a', until: 5 } },
    });
    expect(parseToPrimary({ stacklab: 'taken', id: 1 })).toEqual({ stacklab: 'taken', id: 1 });
    for (const junk of [
      null,
      1,
      'ready',
      {},
      { stacklab: 'connection' },
      { stacklab: 'connection', head: 5, id: 1 },
      { stacklab: 'event', event: { kind: 'revoke', revocation: {} } },
      { stacklab: 'event', event: { kind: 'nuke' } },
      { cmd: 'NODE_HANDLE' },
    ])
      expect(parseToWorker(junk)).toBeNull();
    for (const junk of [
      null,
      { stacklab: 'taken' },
      { stacklab: 'broadcast' },
      { stacklab: 'broadcast', event: 'reload' },
    ])
      expect(parseToPrimary(junk)).toBeNull();
  });
});
