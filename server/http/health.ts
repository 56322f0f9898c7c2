/**
 * What `GET /healthz` answers: whether this process's store answers a read now. A load balancer
 * (deploy/haproxy.cfg) asks every few seconds and takes a node out when it fails, so a node whose
 * database is gone stops taking learners instead of failing every command they type.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { StoreError, type CloudStore } from '../store/types.js';

/** The answer: healthy, or what failed in words a person reads (no path, URL, secret or stack). */
export type Health = { ok: true } | { ok: false; error: string };

export interface HealthOptions {
  /** A ping that has not answered after this long is a failure. Default 1000 ms. */
  timeoutMs?: number;
  /**
   * A ping still pending after this long is given up on and a new one may start. Default 30 s:
   * the PostgreSQL store bounds its own queries well below that, so this only frees a check
   * from a store that would never answer at all.
   */
  abandonMs?: number;
  /**
   * An answer is reused for this long after its ping settled. Default 250 ms: a flood of checks
   * then costs the database four reads a second, while a load balancer checking every few
   * seconds always gets a fresh answer.
   */
  freshMs?: number;
  now?: () => number;
  /** Told when the answer changes (healthy to failing and back), not on every check. */
  log?: (message: string) => void;
}

/** The words for a failed ping: a StoreError's message is written for people; anything else is not. */
function failureOf(e: unknown): string {
  return e instanceof StoreError ? e.message : 'the database check failed unexpectedly';
}

/**
 * A health check over `ping`, cheap however often it is asked: at most one ping is in flight, and
 * every check made while it runs shares its answer (a flood of checks is one database read). The
 * answer comes within `timeoutMs` whatever the store does.
 */
export function healthCheck(ping: () => Promise<void>, opts: HealthOptions = {}): () => Promise<Health> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const abandonMs = opts.abandonMs ?? 30_000;
  const freshMs = opts.freshMs ?? 250;
  const now = opts.now ?? Date.now;
  /** The last ping: when it started, when it settled (null: in flight), and its answer. */
  let current: { started: number; settled: number | null; answer: Promise<Health> } | null = null;
  let lastOk = true;

  const report = (h: Health): Health => {
    if (h.ok !== lastOk) opts.log?.(h.ok ? 'health check: the store answers again' : `health check failing: ${h.error}`);
    lastOk = h.ok;
    return h;
  };

  const start = (): Promise<Health> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Health>((ok) => {
      timer = setTimeout(() => ok({ ok: false, error: `the database did not answer within ${timeoutMs} ms` }), timeoutMs);
      timer.unref();
    });
    // Called in a then: a ping that throws at once is a rejection like any other.
    const pinged = Promise.resolve()
      .then(ping)
      .then(
        (): Health => ({ ok: true }),
        (e: unknown): Health => {
          if (!(e instanceof StoreError)) opts.log?.(`health check: ${e instanceof Error ? e.message : String(e)}`);
          return { ok: false, error: failureOf(e) };
        },
      );
    const round: { started: number; settled: number | null; answer: Promise<Health> } = {
      started: now(),
      settled: null,
      answer: Promise.race([pinged, late]).then(report),
    };
    current = round;
    // The ping's own end (not the deadline) lets the next one start: a database that hangs is never
    // asked again and again meanwhile (each ping would hold a connection).
    void pinged.then(() => {
      clearTimeout(timer);
      round.settled = now();
    });
    return round.answer;
  };

  const reusable = (r: NonNullable<typeof current>, t: number) =>
    r.settled === null ? t - r.started < abandonMs : t - r.settled < freshMs;
  return () => (current !== null && reusable(current, now()) ? current.answer : start());
}

/**
 * The SQLite file's ping, checked against the file itself: the database keeps the file it opened,
 * so a file deleted or replaced under a running server still answers every read and write, into
 * an inode nobody will ever open again. The file must still be the one opened, and readable and
 * writable by this process.
 */
export async function fileIdentity(file: string): Promise<() => Promise<void>> {
  const opened = await stat(file);
  return async () => {
    let now;
    try {
      now = await stat(file);
    } catch (e) {
      throw new StoreError('the database file is gone (deleted or moved away)', (e as NodeJS.ErrnoException).code ?? 'ENOENT', e);
    }
    if (now.ino !== opened.ino || now.dev !== opened.dev)
      throw new StoreError('the database file was replaced by another one', 'EREPLACED');
    try {
      await access(file, constants.R_OK | constants.W_OK);
    } catch (e) {
      throw new StoreError('the database file is no longer readable and writable by the server', (e as NodeJS.ErrnoException).code ?? 'EACCES', e);
    }
  };
}

/** The store with its ping also checking `check` first (SQLite: the file is still the one open). */
export function withPingCheck(store: CloudStore, check: () => Promise<void>): CloudStore {
  const ping = store.ping.bind(store);
  store.ping = async () => {
    await check();
    await ping();
  };
  return store;
}
