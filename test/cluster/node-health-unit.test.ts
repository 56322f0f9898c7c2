/**
 * The node health check's parts without processes (server/cluster/node-health.ts, messages.ts):
 * which heads are the check, the answer's bytes, the health messages' parsing, a worker's asker
 * (bounds, ids, a worker gone), and how slots combine (restarting, failing, none ready, sharing).
 */
import { describe, expect, it } from 'vitest';
import { parseToPrimary, parseToWorker, sendableHealth } from '../../server/cluster/messages.js';
import {
  healthAsker,
  healthRequest,
  healthResponse,
  nodeHealth,
  type SlotHealth,
} from '../../server/cluster/node-health.js';
import type { Health } from '../../server/http/health.js';
import type { ToWorker } from '../../server/cluster/messages.js';

const head = (line: string) => Buffer.from(`${line}\r\nHost: x\r\n\r\n`, 'latin1');

describe('healthRequest', () => {
  it('GET and HEAD of /healthz (any query) only', () => {
    expect(healthRequest(head('GET /healthz HTTP/1.1'))).toBe('GET');
    expect(healthRequest(head('HEAD /healthz?x=1 HTTP/1.0'))).toBe('HEAD');
    for (const line of [
      'POST /healthz HTTP/1.1',
      'GET /healthz/ HTTP/1.1',
      'GET /healthzz HTTP/1.1',
      'GET /api/healthz HTTP/1.1',
      'GET  /healthz HTTP/1.1',
      'get /healthz HTTP/1.1',
      'GET /healthz HTTP/2.0',
      'GET /healthz',
      'GET /healthz HTTP/1.1 extra',
      '\u0000\u00ff garbage',
      '',
    ])
      expect(healthRequest(head(line)), line).toBeNull();
    // The request line only: a header naming /healthz is not the check.
    expect(
      healthRequest(Buffer.from('GET / HTTP/1.1\r\nX: GET /healthz HTTP/1.1\r\n\r\n')),
    ).toBeNull();
  });

  it('the answer: status, length, no-store, closed; HEAD without a body', () => {
    const failing = healthResponse({ ok: false, error: 'worker 1: the database é' }, 'GET');
    const [top, body] = failing.split('\r\n\r\n');
    expect(top?.split('\r\n')).toEqual([
      'HTTP/1.1 503 Service Unavailable',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body ?? '')}`,
      'Cache-Control: no-store',
      'X-Content-Type-Options: nosniff',
      'Connection: close',
    ]);
    expect(JSON.parse(body ?? '')).toEqual({ ok: false, error: 'worker 1: the database é' });
    expect(healthResponse({ ok: true }, 'HEAD')).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 11\r\n[^]*\r\n\r\n$/,
    );
  });
});

describe('health messages', () => {
  it('a question and its answer parse; anything malformed is not ours', () => {
    expect(parseToWorker({ stacklab: 'health', id: 7 })).toEqual({ stacklab: 'health', id: 7 });
    expect(parseToPrimary({ stacklab: 'health', id: 7, health: { ok: true, extra: 1 } })).toEqual({
      stacklab: 'health',
      id: 7,
      health: { ok: true },
    });
    expect(
      parseToPrimary({ stacklab: 'health', id: 0, health: { ok: false, error: 'gone' } }),
    ).toEqual({
      stacklab: 'health',
      id: 0,
      health: { ok: false, error: 'gone' },
    });
    for (const junk of [
      { stacklab: 'health', id: -1, health: { ok: true } },
      { stacklab: 'health', id: 1.5, health: { ok: true } },
      { stacklab: 'health', id: Number.MAX_SAFE_INTEGER + 1, health: { ok: true } },
      { stacklab: 'health', id: '1', health: { ok: true } },
      { stacklab: 'health', id: 1, health: { ok: 'true' } },
      { stacklab: 'health', id: 1, health: { ok: false } },
      { stacklab: 'health', id: 1, health: { ok: false, error: '' } },
      { stacklab: 'health', id: 1, health: { ok: false, error: 'x'.repeat(301) } },
      { stacklab: 'health', id: 1, health: { ok: false, error: 'a\r\nSet-Cookie: b' } },
      { stacklab: 'health', id: 1, health: { ok: false, error: 'bell\u0007' } },
      { stacklab: 'health', id: 1, health: [] },
      { stacklab: 'health', id: 1 },
    ])
      expect(parseToPrimary(junk), JSON.stringify(junk).slice(0, 80)).toBeNull();
    // What a worker sends is always accepted: long or unprintable words are cut and cleaned first.
    for (const error of ['x'.repeat(5000), 'a\r\nb\u0000c', '\n\t', 'the database file is gone']) {
      const health = sendableHealth({ ok: false, error });
      expect(parseToPrimary({ stacklab: 'health', id: 1, health }), error.slice(0, 20)).toEqual({
        stacklab: 'health',
        id: 1,
        health,
      });
    }
    expect(sendableHealth({ ok: false, error: 'a\r\nb' })).toEqual({ ok: false, error: 'a  b' });
    expect(sendableHealth({ ok: false, error: '\n' })).toEqual({
      ok: false,
      error: 'the health check failed',
    });
    expect(sendableHealth({ ok: true })).toEqual({ ok: true });
    expect(parseToWorker({ stacklab: 'health', id: -3 })).toBeNull();
    expect(parseToWorker({ stacklab: 'health' })).toBeNull();
  });
});

describe('healthAsker', () => {
  it("matches answers to questions by id, prefixes a failure with the worker's index, ignores the rest", async () => {
    const sent: ToWorker[] = [];
    const asker = healthAsker(3, (m) => sent.push(m) > 0, 1000);
    const first = asker.ask();
    const second = asker.ask();
    const [q1, q2] = sent.map((m) => (m.stacklab === 'health' ? m.id : -1));
    expect(q1).not.toBe(q2);
    asker.answer(999, { ok: true });
    asker.answer(q2 ?? -1, { ok: false, error: 'the database is unreachable' });
    asker.answer(q1 ?? -1, { ok: true });
    // A second answer to a settled question changes nothing.
    asker.answer(q1 ?? -1, { ok: false, error: 'late' });
    expect(await first).toEqual({ ok: true });
    expect(await second).toEqual({ ok: false, error: 'worker 3: the database is unreachable' });
  });

  it('no answer within the bound fails; a worker gone ends its questions at once (null)', async () => {
    const asker = healthAsker(1, () => true, 50);
    const t0 = performance.now();
    expect(await asker.ask()).toEqual({ ok: false, error: 'worker 1 did not answer within 50 ms' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    const open = asker.ask();
    asker.drop();
    expect(await open).toBeNull();
    // Not sent (the channel is closing): gone too.
    expect(await healthAsker(2, () => false, 50).ask()).toBeNull();
  });
});

describe('nodeHealth', () => {
  const ready = (index: number, answer: () => Promise<Health | null>): SlotHealth => ({
    index,
    state: 'ready',
    ask: answer,
  });

  it('the first failing slot decides; restarting slots are left out; none ready fails', async () => {
    const ok = () => Promise.resolve({ ok: true } as Health);
    const bad = (e: string) => () => Promise.resolve({ ok: false, error: e } as Health);
    const check = (slots: SlotHealth[]) => nodeHealth(() => slots)();
    expect(await check([ready(0, ok), ready(1, ok)])).toEqual({ ok: true });
    expect(await check([ready(0, ok), { index: 1, state: 'restarting' }])).toEqual({ ok: true });
    expect(await check([ready(0, bad('worker 0: a')), ready(1, bad('worker 1: b'))])).toEqual({
      ok: false,
      error: 'worker 0: a',
    });
    expect(
      await check([ready(0, ok), { index: 1, state: 'failing', error: 'worker 1 keeps exiting' }]),
    ).toEqual({ ok: false, error: 'worker 1 keeps exiting' });
    const none = { ok: false, error: 'no worker is ready to take learners' };
    expect(await check([{ index: 0, state: 'restarting' }])).toEqual(none);
    // A worker that went while asked is being replaced: left out like a restarting one.
    expect(await check([ready(0, () => Promise.resolve(null)), ready(1, ok)])).toEqual({
      ok: true,
    });
    expect(await check([ready(0, () => Promise.resolve(null))])).toEqual(none);
    // An ask that throws or rejects is that worker failing, never a crash.
    expect(
      await check([
        ready(0, () => {
          throw new Error('boom');
        }),
      ]),
    ).toEqual({ ok: false, error: 'worker 0 could not be asked' });
  });

  it('one round in flight shared by every check; its answer reused for freshMs, then asked again', async () => {
    let t = 0;
    let asks = 0;
    let release: (h: Health) => void = () => undefined;
    const logs: string[] = [];
    const check = nodeHealth(
      () => [
        ready(0, () => {
          asks += 1;
          return new Promise<Health>((ok) => (release = ok));
        }),
      ],
      { now: () => t, freshMs: 250, log: (m) => logs.push(m) },
    );
    const waiting = Array.from({ length: 1000 }, () => check());
    await Promise.resolve();
    expect(asks).toBe(1);
    release({ ok: false, error: 'worker 0: gone' });
    for (const h of await Promise.all(waiting))
      expect(h).toEqual({ ok: false, error: 'worker 0: gone' });
    t = 249;
    await check();
    expect(asks).toBe(1);
    t = 250;
    const next = check();
    await Promise.resolve();
    expect(asks).toBe(2);
    release({ ok: true });
    expect(await next).toEqual({ ok: true });
    // Told on each change only.
    expect(logs).toEqual([
      'node health check failing: worker 0: gone',
      'node health check: every worker passes again',
    ]);
  });
});
