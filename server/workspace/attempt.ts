/** A learner's attempt at a lab, read from typed history entries: commands since the last reset, answers, first passes. */
import type { CloudStore, EntryHead } from '../store/types.js';
import type { HistoryCommand, LearnerActivity } from '../labs/index.js';

export interface Attempt {
  /**
   * Commands as graders see them: the typed line and, when recorded, what actually ran. Each
   * distinct command is kept once, at its first occurrence: every check over the history asks
   * whether something was run (the first match is what it quotes), never how often or at which
   * position, so the grade is the same as over every command, and a learner who types the same
   * ten commands ten thousand times costs ten. An array that only grows (see labs/history.ts).
   */
  commands: HistoryCommand[];
  answers: Record<string, string>;
  /** The keys (attemptKey) of `commands`. */
  seen: Set<string>;
}

export function emptyAttempt(): Attempt {
  return { commands: [], answers: {}, seen: new Set() };
}

/** What makes two commands the same for graders: what ran, or (not recorded) the line, which is then parsed. */
function attemptKey(c: HistoryCommand): string {
  return c.ran === undefined ? `line\u0000${c.line}` : `ran\u0000${JSON.stringify(c.ran)}`;
}

/**
 * The words of kept commands, one string each for the whole server: every learner's attempt
 * keeps its distinct commands for as long as it lasts, and most of their words ("openstack",
 * "network", "-c", a lab's names) are the same across a class — kept once per learner they were
 * most of an attempt's memory (~10 strings a command). Bounded: past MAX_WORDS the table starts
 * again (words already kept stay shared); a word longer than MAX_WORD is kept as it is.
 */
const WORDS = new Map<string, string>();
const MAX_WORDS = 50_000;
const MAX_WORD = 64;

function shared(word: string): string {
  if (word.length > MAX_WORD) return word;
  const known = WORDS.get(word);
  if (known !== undefined) return known;
  if (WORDS.size >= MAX_WORDS) WORDS.clear();
  WORDS.set(word, word);
  return word;
}

/** Adds a command to an attempt unless the same one is there already. */
export function addCommand(a: Attempt, c: HistoryCommand): void {
  const k = attemptKey(c);
  if (a.seen.has(k)) return;
  a.seen.add(k);
  a.commands.push(c.ran === undefined ? c : { line: c.line, ran: c.ran.map((argv) => argv.map(shared)) });
}

/** Adds one entry to an attempt (a reset starts it over). */
export function addToAttempt(a: Attempt, e: EntryHead): void {
  if (e.kind === 'reset') {
    a.commands = [];
    a.answers = {};
    a.seen = new Set();
  } else if (e.kind === 'command') addCommand(a, e.ran ? { line: e.line, ran: e.ran } : { line: e.line });
  // An API write ran no shell command: checks of what was typed see nothing of it (it would add
  // no invocation), checks of the cloud see its change.
  else if (e.kind === 'answer' && e.check !== undefined) a.answers[e.check] = e.value ?? '';
}

/**
 * The attempt since the last reset (entry `reset`), from the store: its distinct commands as the
 * store keeps them and its answers, without reading the history; what addToAttempt would build
 * from every entry.
 */
export async function attemptFromStore(store: CloudStore, learner: string, workspace: string, reset?: number): Promise<Attempt> {
  const since = reset ?? (await store.lastSeqs(learner, workspace)).reset;
  const a = emptyAttempt();
  for (const c of await store.attemptCommands(learner, workspace)) addCommand(a, c);
  for (const e of await store.historyOfKind(learner, workspace, 'answer')) if (e.seq > since) addToAttempt(a, e);
  return a;
}

/** When each step first passed (ms since the epoch), from `passed` entries. */
export function firstPassesOf(entries: readonly EntryHead[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) if (e.kind === 'passed' && e.step !== undefined && out[e.step] === undefined) out[e.step] = e.at;
  return out;
}

/**
 * What a learner did besides typing, for instructors: `since` are the entries after the last
 * reset (start of the attempt, first passes), `reveals` the hint and solution entries of every
 * attempt (what was seen stays seen). Hints count distinct hint numbers per step.
 */
export function activityOf(since: readonly EntryHead[], reveals: readonly EntryHead[]): LearnerActivity {
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

