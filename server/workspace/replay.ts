/**
 * Replay: the simulation is deterministic, so a workspace's state is its starting state plus its
 * command entries run again in order, each with the terminal width it ran with. The web app (to
 * open a workspace) and grading (to read one without opening it) both use this.
 */
import { hashSeed } from '../sim/rng.js';
import { createSession, deserializeSession, runLine, type SessionState } from '../shell/session.js';
import { labFor, labSession } from '../labs/index.js';
import type { CloudStore, EntryHead, HistoryEntry } from '../store/types.js';
import type { WorkspaceRef } from './keys.js';
import { replayApiCall } from './openstack.js';

/** A per-learner seed, so two learners' sandboxes have different ids and addresses. */
export function seedFor(learnerId: string): number {
  return hashSeed(learnerId) % 1_000_000;
}

/** The state a learner's workspace starts from (and goes back to on reset). */
export function freshState(ref: WorkspaceRef, learner: string, columns?: number): SessionState {
  const s = ref.lab ? labSession(labFor(ref.lab, learner)) : createSession({ fixture: ref.fixture, seed: seedFor(learner) });
  return columns === undefined ? s : { ...s, columns };
}

/** Runs one stored command entry again, with the width it ran with, interrupted when it was. */
export function replayEntry(state: SessionState, e: EntryHead | HistoryEntry): SessionState {
  const at = e.cols !== undefined && e.cols !== state.columns ? { ...state, columns: e.cols } : state;
  return runLine(at, e.line, e.interrupted !== undefined ? { until: { kind: 'interrupt', after: e.interrupted } } : {}).state;
}

/**
 * The state after the stored snapshot and the entries after it: command entries and API writes
 * are run again, a reset starts over from the fresh state; other bookkeeping changes nothing.
 */
export function replay(ref: WorkspaceRef, learner: string, snapshot: SessionState | null, entries: readonly EntryHead[]): SessionState {
  let s = snapshot ?? freshState(ref, learner);
  for (const e of entries) {
    if (e.kind === 'command') s = replayEntry(s, e);
    else if (e.kind === 'api' && e.request) s = replayApiCall(s, e.request);
    else if (e.kind === 'reset') s = freshState(ref, learner, s.columns);
  }
  return s;
}

/**
 * A learner's workspace state from a store (snapshot + replay), without keeping it: for grading
 * and drawing, which read the cloud; the shell's history holds only what replay typed again.
 */
export async function loadState(store: CloudStore, ref: WorkspaceRef, learner: string): Promise<SessionState> {
  const stored = await store.loadSession(learner, ref.key);
  return replay(ref, learner, stored ? deserializeSession(stored.snapshot) : null, await store.headsSince(learner, ref.key, stored?.seq ?? 0));
}
