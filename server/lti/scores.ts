/**
 * Assignment and Grade Services: each new grade of a launched lab is queued for the launch's
 * line item (server/lti/outbox.ts) and posted by a background loop (server/lti/ags.ts), in order
 * per learner and line item, with back-off while the platform is down.
 *
 * What is sent: scoreGiven/scoreMaximum are the lab's earned and total points (the partial
 * credit, not a 0/1 completion), and gradingProgress is always FullyGraded: Stacklab grades
 * automatically, so every score is final for the moment it describes, and platforms only record
 * a score given with FullyGraded (Moodle drops scoreGiven otherwise; Canvas ignores it with
 * Pending, NotReady or Failed). activityProgress says where the learner is: Completed once every
 * step passed, InProgress once something earned points, Started when they tried something that
 * does not pass yet, Initialized when nothing was done (a fresh or reset lab).
 */
import type { Config } from '../http/config.js';
import type { GradeResult, Lab } from '../labs/index.js';
import type { GradedEvent } from '../workspace/index.js';
import {
  agsClient,
  SCORE_SCOPE,
  scoresUrl,
  type AgsClient,
  type Outcome,
  type ScoreBody,
} from './ags.js';
import type { ToolKey } from './keys.js';
import type { QueuedScore, ScoreOutbox } from './outbox.js';
import type { LaunchRecord, LtiStore } from './types.js';

export interface ScoreReporterDeps {
  config: Config;
  lti: LtiStore;
  key: ToolKey;
  labs: () => readonly Lab[];
  log: (message: string) => void;
  now: () => number;
  /** Where scores wait (openOutbox); the reporter closes it on close(). */
  outbox: ScoreOutbox;
  /** The AGS client; default agsClient over fetch with the tool key (tests may pass their own). */
  client?: AgsClient;
  /** In [0, 1): the back-off's jitter; default Math.random. */
  random?: () => number;
  /** false: nothing is sent but by flush() (tests drive the clock); default true. */
  background?: boolean;
  /** The deadline of each HTTP call (default 10 s). */
  timeoutMs?: number;
}

export interface ScoreReporter {
  /**
   * A lab workspace's new grade (Workspaces' onGraded): queued for the learner's launch, if any.
   * Returns at once; grades are queued one after the other, in the order they came.
   */
  graded(e: GradedEvent): void;
  /** Queues the grades received so far, sends every score that is due now (per `now`), and waits for sends in flight. */
  flush(): Promise<void>;
  /** Scores queued (once the grades received so far are) and not yet taken by their platform. */
  pending(): Promise<number>;
  close(): void;
}

/** The first retry waits about this long; each failure doubles it, up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 5_000;
export const MAX_BACKOFF_MS = 3_600_000;
/** A platform refusing a score (4xx: a misconfiguration) is asked again no sooner than this. */
export const REFUSED_BACKOFF_MS = 1_800_000;
/** A 409 from a platform comparing timestamps to the second (Moodle) clears once the second has passed. */
const CONFLICT_RETRY_MS = 1_100;
const MAX_RESTAMPS = 3;
/** Even with nothing due, the loop looks at the queue this often (scores queued by another process, clock jumps). */
const IDLE_TICK_MS = 60_000;

/** Where the learner is in the lab, in AGS's words. */
export function activityProgress(result: GradeResult): ScoreBody['activityProgress'] {
  if (result.steps.length > 0 && result.steps.every((s) => s.passed)) return 'Completed';
  if (result.earned > 0 || result.steps.some((s) => s.earned > 0 || s.passed)) return 'InProgress';
  if (result.steps.some((s) => s.state !== 'todo')) return 'Started';
  return 'Initialized';
}

/** The score of a grade for a launch's user (AGS 2.0 score publish service). */
export function scoreBody(launch: LaunchRecord, result: GradeResult, at: number): ScoreBody {
  // A lab without points has no score to give (AGS wants scoreMaximum > 0): progress only.
  const points =
    result.points > 0
      ? { scoreGiven: Math.max(0, result.earned), scoreMaximum: result.points }
      : {};
  return {
    userId: launch.sub,
    ...points,
    activityProgress: activityProgress(result),
    gradingProgress: 'FullyGraded',
    timestamp: new Date(at).toISOString(),
  };
}

/** Exponential back-off with "equal jitter": half the delay fixed, half random, so retries of many learners spread out. */
export function backoffMs(attempts: number, random: () => number): number {
  const full = Math.min(
    MAX_BACKOFF_MS,
    FIRST_BACKOFF_MS * 2 ** Math.min(30, Math.max(0, attempts - 1)),
  );
  return Math.round(full / 2 + (full / 2) * random());
}

const platformKey = (r: { issuer: string; clientId: string }) => `${r.issuer}\u0000${r.clientId}`;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function scoreReporter(deps: ScoreReporterDeps): ScoreReporter {
  const { outbox, log, now } = deps;
  const random = deps.random ?? Math.random;
  const abort = new AbortController();
  const client =
    deps.client ??
    agsClient({ key: deps.key, now, timeoutMs: deps.timeoutMs, signal: abort.signal });
  /** A platform that is down or rate-limiting is left alone until then (one failure holds all its learners' scores). */
  const hold = new Map<string, number>();
  /** The send loop of each platform that has one running: one score in flight per platform. */
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const due = (r: QueuedScore, t: number) => r.nextAt <= t && (hold.get(platformKey(r)) ?? 0) <= t;

  /**
   * Records a failed attempt: not tried again for `waitMs` (nor, with `holdPlatform`, any score
   * of that platform). Logged the first time and every tenth, unless the caller said why already.
   */
  async function failed(
    row: QueuedScore,
    waitMs: number,
    error: string,
    holdPlatform: boolean,
    logged = false,
  ): Promise<void> {
    const at = now() + waitMs;
    await outbox.failed(row.id, at, error);
    if (holdPlatform) hold.set(platformKey(row), at);
    const attempts = row.attempts + 1;
    if (!logged && (attempts === 1 || attempts % 10 === 0)) {
      log(
        `LTI score for ${row.learner} to ${row.lineitem} not sent (attempt ${attempts}, next in ${Math.round(waitMs / 1000)} s): ${error}`,
      );
    }
  }

  async function settle(row: QueuedScore, outcome: Exclude<Outcome, { kind: 'sent' }>): Promise<void> {
    const backoff = backoffMs(row.attempts + 1, random);
    switch (outcome.kind) {
      case 'retry':
      case 'auth':
        return failed(row, backoff, outcome.error, outcome.kind === 'retry');
      case 'rate':
        return failed(
          row,
          Math.min(MAX_BACKOFF_MS, Math.max(1000, outcome.retryAfterMs ?? backoff)),
          outcome.error,
          true,
        );
      case 'conflict':
        // The platform holds a score at least as new (Moodle compares timestamps to the second).
        // A newer score of ours is queued: it replaces this one anyway. Else this one is the
        // learner's current grade: stamped now, it is newer than what the platform holds.
        if (await outbox.superseded(row)) {
          log(
            `LTI score for ${row.learner} to ${row.lineitem} superseded by a newer one (${outcome.error})`,
          );
          return await outbox.sent(row.id);
        }
        if (row.attempts < MAX_RESTAMPS) {
          await outbox.restamp(row.id, new Date(now() + CONFLICT_RETRY_MS).toISOString());
          return failed(row, CONFLICT_RETRY_MS, outcome.error, false);
        }
        return failed(row, Math.max(backoff, REFUSED_BACKOFF_MS), outcome.error, false);
      case 'refused':
        log(
          `LTI score for ${row.learner} to ${row.lineitem} refused, kept to try again (check the platform's registration): ${outcome.error}`,
        );
        return failed(
          row,
          Math.min(MAX_BACKOFF_MS, Math.max(backoff, REFUSED_BACKOFF_MS)),
          outcome.error,
          false,
          true,
        );
    }
  }

  async function sendOne(row: QueuedScore): Promise<void> {
    const platform = await deps.lti.platform(row.issuer, row.clientId);
    if (!platform) {
      log(
        `LTI score for ${row.learner} kept: platform ${row.issuer} (client ${row.clientId}) is not registered any more`,
      );
      return failed(
        row,
        Math.min(MAX_BACKOFF_MS, Math.max(backoffMs(row.attempts + 1, random), REFUSED_BACKOFF_MS)),
        'platform not registered',
        false,
        true,
      );
    }
    const outcome = await client.postScore(
      { tokenUrl: platform.tokenUrl, clientId: row.clientId, lineitem: row.lineitem },
      row.body,
    );
    // Closing: the database may be gone; the row stays queued for the next start.
    if (closed) return;
    if (outcome.kind === 'sent') {
      await outbox.sent(row.id);
      if (row.attempts > 0)
        log(
          `LTI score for ${row.learner} to ${row.lineitem} sent after ${row.attempts} failed attempts`,
        );
      return;
    }
    await settle(row, outcome);
  }

  /**
   * Sends one platform's due scores one after the other, oldest first, until none is due. Another
   * process sharing the queue may claim a head between our reading and our claim: then the next
   * due head is tried, so two nodes reading the same heads split them rather than one giving up.
   */
  async function drain(pkey: string): Promise<void> {
    for (;;) {
      if (closed) return;
      const t = now();
      let row: QueuedScore | null = null;
      for (const head of await outbox.heads()) {
        if (closed) return;
        if (platformKey(head) !== pkey || !due(head, t)) continue;
        row = await outbox.claim(head.id);
        if (row) break;
      }
      if (!row) return;
      await sendOne(row);
    }
  }

  function start(pkey: string): Promise<void> {
    const existing = running.get(pkey);
    if (existing) return existing;
    const p = drain(pkey)
      .catch((e: unknown) =>
        log(`LTI score sending to ${pkey.split('\u0000')[0]} failed: ${message(e)}`),
      )
      .finally(() => running.delete(pkey));
    running.set(pkey, p);
    return p;
  }

  /** Starts a loop for every platform with a due score, and waits for every loop running. */
  async function round(): Promise<void> {
    if (closed) return;
    const t = now();
    for (const r of await outbox.heads()) if (due(r, t)) void start(platformKey(r));
    await Promise.all([...running.values()]);
  }

  /**
   * Wakes the loop when the next score is due (or after IDLE_TICK_MS). After a round, at least
   * `minWaitMs`: a score that stays due because its sending broke (a database error) must not
   * spin the loop.
   */
  async function schedule(minWaitMs = 0): Promise<void> {
    if (closed || deps.background === false) return;
    let next = Infinity;
    try {
      for (const r of await outbox.heads())
        next = Math.min(next, Math.max(r.nextAt, hold.get(platformKey(r)) ?? 0));
    } catch (e) {
      log(`LTI score queue unreadable: ${message(e)}`);
    }
    wakeIn(Math.min(IDLE_TICK_MS, Math.max(minWaitMs, next - now())));
  }

  function wakeIn(ms: number): void {
    if (closed || deps.background === false) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      round()
        .catch((e: unknown) => log(`LTI score loop: ${message(e)}`))
        .finally(() => void schedule(1000));
    }, ms);
    // The queue never keeps the process alive: what is not sent is still in the database.
    timer.unref();
  }

  /** Queues one grade's score, if the learner's launch wants one. */
  async function queue(e: GradedEvent): Promise<void> {
    if (closed) return;
    const launch = await deps.lti.launchFor(e.learner, e.labId);
    if (!launch?.lineitem || !launch.scopes.includes(SCORE_SCOPE) || closed) return;
    try {
      scoresUrl(launch.lineitem);
    } catch {
      log(
        `LTI launch of ${e.learner} into ${e.labId} has a line item that is not a URL: ${JSON.stringify(launch.lineitem.slice(0, 200))}; no score sent`,
      );
      return;
    }
    const { queued, dropped } = await outbox.enqueue(
      {
        learner: e.learner,
        issuer: launch.issuer,
        clientId: launch.clientId,
        lineitem: launch.lineitem,
        body: scoreBody(launch, e.result, e.at),
      },
      now(),
    );
    if (dropped > 0)
      log(
        `LTI scores of ${e.learner} to ${launch.lineitem}: ${dropped} older unsent scores dropped (the newest is kept)`,
      );
    // A new score goes out at once (unless its platform is being waited for: the round skips it).
    if (queued) wakeIn(0);
  }

  /**
   * Grades are queued one after the other, in the order they came: with the queue in a database,
   * two grades queued side by side could reach it the other way round (and the older one would
   * then be the learner's grade in the gradebook). One line for all learners keeps the order the
   * sender sees across learners too, as when queueing was synchronous.
   */
  let line: Promise<void> = Promise.resolve();
  let waiting = 0;
  function graded(e: GradedEvent): void {
    if (closed) return;
    waiting += 1;
    line = line
      .then(() => queue(e))
      .catch((err: unknown) => log(`LTI score of ${e.learner} for ${e.labId} not queued: ${message(err)}`))
      .finally(() => void (waiting -= 1));
  }
  const queued = async () => {
    while (waiting > 0) await line;
  };

  // Scores left by the previous run are sent from the start.
  void schedule();
  return {
    graded,
    async flush() {
      await queued();
      await round();
    },
    async pending() {
      await queued();
      return outbox.count();
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      void outbox.close().catch((e: unknown) => log(`LTI score queue not closed cleanly: ${message(e)}`));
    },
  };
}
