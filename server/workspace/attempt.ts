/** A learner's attempt at a lab, read from typed history entries: commands since the last reset, answers, first passes. */
import type { HistoryEntry } from '../store/types.js';
import type { CloudStore } from '../store/types.js';
import type { HistoryCommand, LearnerActivity } from '../labs/index.js';

export interface Attempt {
  /** Commands as graders see them: the typed line and, when recorded, what actually ran. */
  commands: HistoryCommand[];
  answers: Record<string, string>;
}

export function emptyAttempt(): Attempt {
  return { commands: [], answers: {} };
}

/** Adds one entry to an attempt (a reset starts it over). */
export function addToAttempt(a: Attempt, e: HistoryEntry): void {
  if (e.kind === 'reset') {
    a.commands = [];
    a.answers = {};
  } else if (e.kind === 'command') a.commands.push(e.ran ? { line: e.line, ran: e.ran } : { line: e.line });
  // An API write ran no shell command: checks of what was typed see nothing, checks of the cloud see its change.
  else if (e.kind === 'api') a.commands.push({ line: e.line, ran: [] });
  else if (e.kind === 'answer' && e.check !== undefined) a.answers[e.check] = e.value ?? '';
}

/** The attempt since the last reset, from the store. */
export function attemptFromStore(store: CloudStore, learner: string, workspace: string): Attempt {
  const { reset } = store.lastSeqs(learner, workspace);
  const a = emptyAttempt();
  for (const e of store.historySince(learner, workspace, reset)) addToAttempt(a, e);
  return a;
}

/** When each step first passed (ms since the epoch), from `passed` entries. */
export function firstPassesOf(entries: readonly HistoryEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) if (e.kind === 'passed' && e.step !== undefined && out[e.step] === undefined) out[e.step] = e.at;
  return out;
}

/**
 * What a learner did besides typing, for instructors: `since` are the entries after the last
 * reset (start of the attempt, first passes), `reveals` the hint and solution entries of every
 * attempt (what was seen stays seen). Hints count distinct hint numbers per step.
 */
export function activityOf(since: readonly HistoryEntry[], reveals: readonly HistoryEntry[]): LearnerActivity {
  const hints = new Map<string, Set<string>>();
  const solutions: string[] = [];
  for (const e of reveals) {
    if (e.step === undefined) continue;
    if (e.kind === 'hint') hints.set(e.step, (hints.get(e.step) ?? new Set()).add(e.value ?? ''));
    else if (e.kind === 'solution' && !solutions.includes(e.step)) solutions.push(e.step);
  }
  return {
    started: since[0]?.at ?? null,
    firstPassed: firstPassesOf(since),
    hints: Object.fromEntries([...hints].map(([step, ns]) => [step, ns.size])),
    solutions,
  };
}

