/**
 * What a REST call that is not on a workspace (a keystone login, a token check, discovery, junk)
 * costs the server, for its time budget (issue #19): the event loop's time running its code, plus
 * the work it had done elsewhere (an application credential's scrypt hash on the thread pool, at
 * the hash's measured cost). Not its waits: for the body's packets, the store, a workspace, the
 * hash's answer. Under a class's load those are mostly other learners' turns on the event loop,
 * and charging them refused a busy but healthy server's ordinary logins.
 *
 * The meter counts from the call's admission until its answer is sent, except while one of the
 * handler's `wait`s is pending. A wait no handler marks is counted: an overcharge, never a free
 * ride. Between a wait's promise settling and the handler's code resuming there is no turn of the
 * event loop (both run in the same microtask checkpoint), so nobody else's work falls into a
 * counted stretch.
 */
import express, { type RequestHandler, type Response } from 'express';

export interface WorkMeter {
  /** `p`, whose time until it settles is not counted: the call waits, and the event loop serves others meanwhile. */
  wait: <T>(p: Promise<T>) => Promise<T>;
  /** Counts work the call had done off the event loop, in milliseconds (the store's `OffLoopWork`). */
  add: (ms: number) => void;
  /** Milliseconds counted so far. */
  total: () => number;
}

/** A meter counting from now; `clock` in milliseconds, monotonic. */
export function workMeter(clock: () => number = () => performance.now()): WorkMeter {
  let counted = 0;
  let pending = 0;
  let since = clock();
  const resume = () => {
    pending -= 1;
    if (pending === 0) since = clock();
  };
  return {
    wait: (p) => {
      if (pending === 0) counted += clock() - since;
      pending += 1;
      return p.finally(resume);
    },
    add: (ms) => {
      // Only a real, finite cost: a meter never runs backwards.
      if (Number.isFinite(ms) && ms > 0) counted += ms;
    },
    total: () => counted + (pending === 0 ? clock() - since : 0),
  };
}

/** The meter apiLimits (index.ts) put on this call, or a fresh one where the router is mounted alone (tests). */
export function meterOf(res: Response): WorkMeter {
  const m = res.locals['apiMeter'] as WorkMeter | undefined;
  if (m) return m;
  const fresh = workMeter();
  res.locals['apiMeter'] = fresh;
  return fresh;
}

/**
 * express.raw for a body of any type up to `limit` bytes, its wait for the body's packets not
 * counted (a client sending slowly, or an event loop busy with others, is not work done for it).
 * What the body costs to read is paid where it is parsed (keystone's JSON.parse runs in the handler).
 */
export function meteredBody(limit: number): RequestHandler {
  const parse = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    void meterOf(res)
      .wait(new Promise<unknown>((done) => void parse(req, res, done)))
      .then(next, next);
  };
}
