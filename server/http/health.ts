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

/** One round of a shared check: its answer, and when the work it started is over. */
export interface Round {
  /** What every check sharing this round is told. */
  answer: Promise<Health>;
  /**
   * The round's work is over and the next round may start (its answer may come earlier, from a
   * deadline). May be `answer` itself.
   */
  ended: Promise<unknown>;
}

export interface SharedRoundsOptions {
  /** An answer is reused for this long after its round ended. */
  freshMs: number;
  /** A round not ended after this long is given up on and a new one may start (Infinity: never). */
  abandonMs: number;
  now: () => number;
  /** Told when the answer changes (healthy to failing and back), not on every check. */
  log?: (message: string) => void;
  words: {
    /** Put before a failure's words when the answer turns failing ("health check failing"). */
    failing: string;
    /** Logged when the answer turns healthy again. */
    again: string;
    /** The failure when a round throws or its answer rejects, which a round should never do. */
    unexpected: string;
  };
}

/**
 * A check over `round`, cheap however often it is asked: at most one round is in flight, every
 * check made while it runs shares its answer, and that answer is reused for `freshMs` after the
 * round ended, so a flood of checks is a few rounds a second. A round that throws or rejects is a
 * failing answer, never a rejected check.
 */
export function sharedRounds(round: () => Round, opts: SharedRoundsOptions): () => Promise<Health> {
  const { now, words } = opts;
  /** The last round: when it started, when it ended (null: in flight), and its answer. */
  let current: { started: number; ended: number | null; answer: Promise<Health> } | null = null;
  let lastOk = true;

  const report = (h: Health): Health => {
    if (h.ok !== lastOk) opts.log?.(h.ok ? words.again : `${words.failing}: ${h.error}`);
    lastOk = h.ok;
    return h;
  };
  const unexpected = (): Health => ({ ok: false, error: words.unexpected });

  const start = (): Promise<Health> => {
    let r: Round;
    try {
      // Called here, not in a then: the round's work starts within the check that asked for it.
      r = round();
    } catch {
      const failed = Promise.resolve(unexpected());
      r = { answer: failed, ended: failed };
    }
    const mine: NonNullable<typeof current> = { started: now(), ended: null, answer: r.answer };
    current = mine;
    // Registered before the answer's own handlers: when `ended` is the answer, the round counts
    // as ended by the time anyone hears the answer. An `ended` that rejects has ended too.
    const end = () => {
      mine.ended = now();
    };
    r.ended.then(end, end);
    mine.answer = r.answer.then(report, () => report(unexpected()));
    return mine.answer;
  };

  const reusable = (c: NonNullable<typeof current>, t: number) =>
    c.ended === null ? t - c.started < opts.abandonMs : t - c.ended < opts.freshMs;
  return () => (current !== null && reusable(current, now()) ? current.answer : start());
}

/**
 * A health check over `ping` (sharedRounds: one ping at a time however often it is asked). The
 * answer comes within `timeoutMs` whatever the store does.
 */
export function healthCheck(
  ping: () => Promise<void>,
  opts: HealthOptions = {},
): () => Promise<Health> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const round = (): Round => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Health>((ok) => {
      timer = setTimeout(
        () => ok({ ok: false, error: `the database did not answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
      timer.unref();
    });
    // Called in a then: a ping that throws at once is a rejection like any other.
    const pinged = Promise.resolve()
      .then(ping)
      .then(
        (): Health => ({ ok: true }),
        (e: unknown): Health => {
          if (!(e instanceof StoreError))
            opts.log?.(`health check: ${e instanceof Error ? e.message : String(e)}`);
          return { ok: false, error: failureOf(e) };
        },
      );
    void pinged.then(() => clearTimeout(timer));
    // The ping's own end (not the deadline) lets the next one start: a database that hangs is never
    // asked again and again meanwhile (each ping would hold a connection).
    return { answer: Promise.race([pinged, late]), ended: pinged };
  };
  return sharedRounds(round, {
    freshMs: opts.freshMs ?? 250,
    abandonMs: opts.abandonMs ?? 30_000,
    now: opts.now ?? Date.now,
    log: opts.log,
    words: {
      failing: 'health check failing',
      again: 'health check: the store answers again',
      unexpected: 'the database check failed unexpectedly',
    },
  });
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
      throw new StoreError(
        'the database file is gone (deleted or moved away)',
        (e as NodeJS.ErrnoException).code ?? 'ENOENT',
        e,
      );
    }
    if (now.ino !== opened.ino || now.dev !== opened.dev)
      throw new StoreError('the database file was replaced by another one', 'EREPLACED');
    try {
      await access(file, constants.R_OK | constants.W_OK);
    } catch (e) {
      throw new StoreError(
        'the database file is no longer readable and writable by the server',
        (e as NodeJS.ErrnoException).code ?? 'EACCES',
        e,
      );
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
