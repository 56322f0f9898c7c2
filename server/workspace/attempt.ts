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
  /**
   * Where each of `commands` is, by its hash (commandHash): an index, or several when hashes
   * collide. A key string per command (its words as JSON) was a third of what an attempt keeps.
   */
  seen: Map<number, number | number[]>;
}

export function emptyAttempt(): Attempt {
  return { commands: [], answers: {}, seen: new Map() };
}

/**
 * What makes two commands the same for graders: what ran (the same words, split the same way), or
 * when that was not recorded, the line (which is then parsed); a command of either kind is never
 * the same as one of the other.
 */
function sameCommand(a: HistoryCommand, b: HistoryCommand): boolean {
  if (a.ran === undefined || b.ran === undefined) return a.ran === b.ran && a.line === b.line;
  if (a.ran.length !== b.ran.length) return false;
  for (let i = 0; i < a.ran.length; i++) {
    const x = a.ran[i] as readonly string[];
    const y = b.ran[i] as readonly string[];
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

/** FNV-1a over a string's UTF-16 units, from `h`. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * A hash of what sameCommand compares (words and where each ends, or the line), kept to 30 bits:
 * a small integer in V8, stored in the map without a box. Equal hashes are told apart by
 * sameCommand, so a collision costs a comparison, never a command.
 */
export function commandHash(c: HistoryCommand): number {
  let h = 0x811c9dc5;
  if (c.ran === undefined) h = fnv(Math.imul(h ^ 1, 0x01000193), c.line);
  else
    for (const argv of c.ran) {
      h = Math.imul(h ^ 2, 0x01000193);
      for (const w of argv) h = Math.imul(fnv(h, w) ^ 3, 0x01000193);
    }
  return h & 0x3fffffff;
}

/** Whether the attempt keeps `c` already; else notes where it will be (the next index). */
function known(a: Attempt, c: HistoryCommand): boolean {
  const h = commandHash(c);
  const at = a.seen.get(h);
  const next = a.commands.length;
  if (at === undefined) a.seen.set(h, next);
  else if (typeof at === 'number') {
    if (sameCommand(a.commands[at] as HistoryCommand, c)) return true;
    a.seen.set(h, [at, next]);
  } else {
    for (const i of at) if (sameCommand(a.commands[i] as HistoryCommand, c)) return true;
    at.push(next);
  }
  return false;
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
  if (known(a, c)) return;
  a.commands.push(c.ran === undefined ? c : { line: c.line, ran: c.ran.map((argv) => argv.map(shared)) });
}

/** Adds one entry to an attempt (a reset starts it over). */
export function addToAttempt(a: Attempt, e: EntryHead): void {
  if (e.kind === 'reset') {
    a.commands = [];
    a.answers = {};
    a.seen = new Map();
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

