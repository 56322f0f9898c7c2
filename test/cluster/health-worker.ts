/**
 * A scripted cluster worker for test/cluster/node-health.test.ts, forked by the real primary
 * (server/cluster/primary.ts). It speaks the primary's IPC as a worker does, and answers the
 * health questions as the file `mode-INDEX` in HEALTH_WORKER_DIR says at that moment:
 *   ok      its own check passes
 *   fail    its store is gone (the words a worker's SQLite check gives)
 *   silent  never answers (a stuck worker)
 *   junk    answers only with malformed or forged messages
 *   crash   exits as it starts (a crash loop)
 * Every question is counted in `asked-INDEX` (one byte each); its pid is in `pid-INDEX`. Any
 * connection handed to it gets `200 worker INDEX` and is closed.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

const dir = process.env['HEALTH_WORKER_DIR'] ?? '';
const index = process.env['STACKLAB_WORKER_INDEX'] ?? '?';

function mode(): string {
  try {
    return readFileSync(join(dir, `mode-${index}`), 'utf8').trim();
  } catch {
    return 'ok';
  }
}

const tell = (m: unknown) => {
  if (process.connected) process.send?.(m);
};

/** Messages a confused or hostile worker might send for question `id`: none may count as an answer. */
function junk(id: number): unknown[] {
  return [
    'garbage',
    null,
    42,
    { stacklab: 'health' },
    { stacklab: 'health', id: String(id), health: { ok: true } },
    { stacklab: 'health', id: id + 0.5, health: { ok: true } },
    { stacklab: 'health', id: -1, health: { ok: true } },
    { stacklab: 'health', id, health: { ok: 'yes' } },
    { stacklab: 'health', id, health: { ok: 1 } },
    { stacklab: 'health', id, health: null },
    { stacklab: 'health', id, health: { ok: false } },
    { stacklab: 'health', id, health: { ok: false, error: '' } },
    { stacklab: 'health', id, health: { ok: false, error: 'x'.repeat(100_000) } },
    { stacklab: 'health', id, health: { ok: false, error: 'line\r\nSet-Cookie: a=b' } },
    // A question it was never asked (a late or forged id).
    { stacklab: 'health', id: id + 1000, health: { ok: true } },
    { stacklab: 'taken', id: 'x' },
    { stacklab: 'broadcast', event: { kind: 'nonsense' } },
  ];
}

process.on('message', (raw: unknown, handle: unknown) => {
  const m = raw as { stacklab?: unknown; id?: unknown };
  if (m?.stacklab === 'health' && typeof m.id === 'number') {
    appendFileSync(join(dir, `asked-${index}`), '.');
    const now = mode();
    if (now === 'ok') tell({ stacklab: 'health', id: m.id, health: { ok: true } });
    else if (now === 'fail')
      tell({
        stacklab: 'health',
        id: m.id,
        health: { ok: false, error: 'the database file is gone (deleted or moved away)' },
      });
    else if (now === 'junk') for (const j of junk(m.id)) tell(j);
    return;
  }
  if (m?.stacklab === 'connection' && handle instanceof Socket) {
    tell({ stacklab: 'taken', id: m.id });
    const body = `worker ${index}`;
    handle.end(
      `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
});

if (mode() === 'crash') process.exit(3);
writeFileSync(join(dir, `pid-${index}`), String(process.pid));
tell({ stacklab: 'ready' });
