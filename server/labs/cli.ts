/**
 * `stacklab lab check [FILE…]` and `stacklab grade --lab ID --learner ID|--all`, as functions
 * that return their report and exit code (server/main.ts prints them). This is the only part
 * of server/labs that reads files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSession, fixtureHosts, fixtureNames, runLine, type SessionState } from '../shell/session.js';
import { visibleText } from '../render/terminal.js';
import { expectedAnswers, Params, type ReachFn } from './checks.js';
import { grade } from './grade.js';
import { historyCommand } from './history.js';
import { simReach } from './reach.js';
import { instantiate, labFor, LabError, parseLab } from './parse.js';
import type { CheckState, GradeResult, HistoryCommand, Lab, Step } from './types.js';
import { placeholdersOf, shownCommands, type ShownCommand } from './prose.js';

/** The labs folder of the repository. */
export const LABS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'labs');

export interface CliResult {
  output: string;
  exitCode: number;
}

/** Lab files of a folder (every `*.md` but README.md), sorted. */
export function labFiles(dir: string = LABS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
    .sort()
    .map((f) => join(dir, f));
}

/** Reads and parses a lab file; throws LabError. */
export function loadLabFile(file: string): Lab {
  return parseLab(readFileSync(file, 'utf8'), relative(process.cwd(), file) || file, { fixtures: fixtureNames(), hostsOf: fixtureHosts });
}

/** Every lab of a folder; throws LabError listing the problems of all files. */
export function loadLabs(dir: string = LABS_DIR): Lab[] {
  const labs: Lab[] = [];
  const issues: LabError['issues'] = [];
  for (const f of labFiles(dir)) {
    try {
      labs.push(loadLabFile(f));
    } catch (e) {
      if (e instanceof LabError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length > 0) throw new LabError(issues);
  return labs;
}

/** A fresh session for a lab: its fixture and seed, on its starting host. */
export function labSession(lab: Lab): SessionState {
  return createSession({ fixture: lab.fixture, seed: lab.seed, host: lab.host });
}

/** Parameter assignments that together use every declared value (at most 4). */
function assignments(lab: Lab): Array<Record<string, string>> {
  const n = Math.min(4, Math.max(1, ...lab.params.map((p) => (p.kind === 'choose' ? p.values.length : 2))));
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(lab.params.map((p) => [p.name, p.kind === 'choose' ? (p.values[i % p.values.length] as string) : String(i % 2 === 0 ? p.min : p.max)])),
  );
}

/** The first line a command prints on a branch of the state, and that state (a placeholder's value). */
function placeholderValue(state: SessionState, cmd: string): { state: SessionState; value: string | null } {
  const r = runLine(state, cmd);
  const value = r.result.exitCode === 0 ? (r.result.stdout.split('\n').map((x) => x.trim()).find((x) => x !== '') ?? null) : null;
  return { state: r.state, value };
}

/** The first lines of what a command printed, indented, for a report. */
function excerpt(r: { stdout: string; stderr: string }): string {
  return (r.stderr || r.stdout).trimEnd().split('\n').slice(0, 3).map((x) => `    ${x}`).join('\n');
}

/** A shown command with its placeholders filled from the state (their commands' changes kept), or the problems. */
function fillPlaceholders(lab: Lab, state: SessionState, c: ShownCommand, where: string): { state: SessionState; line: string | null; problems: string[] } {
  let s = state;
  let line: string | null = c.line;
  const problems: string[] = [];
  for (const name of new Set(placeholdersOf(c.line))) {
    const def = lab.placeholders[name] ?? '';
    const v = placeholderValue(s, def);
    s = v.state;
    if (v.value === null) problems.push(`${where}: placeholder <${name}> of \`${c.line}\`: \`${def}\` printed no value`);
    else line = line?.split(`<${name}>`).join(v.value) ?? null;
  }
  return { state: s, line: problems.length > 0 ? null : line, problems };
}

/** What is wrong with how a shown command ended, given what the lab announces for it (null: nothing). */
function verdict(c: ShownCommand, r: { stdout: string; stderr: string; exitCode: number }, where: string): string | null {
  const failedRun = r.exitCode !== 0;
  if (c.error === null) return failedRun ? `${where}: \`${c.line}\` fails (exit ${r.exitCode}); mark it \`# error: …\` if the lab means it to:\n${excerpt(r)}` : null;
  if (!failedRun) return `${where}: \`${c.line}\` is announced to fail, but it succeeds`;
  return `${r.stderr}${r.stdout}`.includes(c.error) ? null : `${where}: \`${c.line}\` fails, but not with the announced "${c.error}":\n${excerpt(r)}`;
}

/**
 * Runs commands a lab shows, in order, on a copy of `state` (where a learner would type them),
 * placeholders filled from the cloud at that point. A command fails the lab when it fails and the
 * lab does not announce it (`# error: TEXT`), or when an announced error does not happen. With
 * `asides`, an inline command (an aside of the prose) runs on its own copy; a hint's inline
 * commands are its instructions and run in sequence.
 */
export function runShown(lab: Lab, state: SessionState, commands: readonly ShownCommand[], where: string, asides = true): { problems: string[]; state: SessionState } {
  const problems: string[] = [];
  let s = state;
  for (const c of commands) {
    const filled = fillPlaceholders(lab, s, c, where);
    problems.push(...filled.problems);
    if (filled.line === null) {
      if (!(asides && c.inline)) s = filled.state;
      continue;
    }
    const r = runLine(filled.state, filled.line);
    // An inline command is an aside: what it does stays out of the sequence that follows.
    if (!(asides && c.inline)) s = r.state;
    const bad = verdict(c, r.result, where);
    if (bad !== null) problems.push(bad);
  }
  return { problems, state: s };
}

/**
 * Every shown command of a step where the learner would type it: its prose's on the state the
 * preceding steps' solutions left, then its hints' after those, in order (hints are revealed one
 * at a time, each building on the one before, as a learner stuck on the step would follow them).
 */
function stepShownProblems(l: Lab, step: Step, before: SessionState, tag: string): string[] {
  const at = `${l.file}:${step.line}: step '${step.title}'`;
  const prose = runShown(l, before, shownCommands(step.body), `${at}${tag}`);
  const problems = [...prose.problems];
  let s = prose.state;
  step.hints.forEach((h, i) => {
    const r = runShown(l, s, shownCommands(h), `${at}, hint ${i + 1}${tag}`, false);
    problems.push(...r.problems);
    s = r.state;
  });
  return problems;
}

/**
 * Replays a lab: an empty attempt must pass no check; the commands the lab shows must run where
 * a learner would type them (runShown); then each step's solution runs in turn and every check of
 * that step must pass right after it (questions answered with their computed answers). Returns
 * the problems found (empty = the lab is sound).
 */
export function replayLab(lab: Lab, reach: ReachFn | null, skipped: string[] = []): string[] {
  const problems: string[] = [];
  for (const values of assignments(lab)) {
    const l = instantiate(lab, values);
    const tag = Object.keys(values).length > 0 ? ` [${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(', ')}]` : '';
    let state = labSession(l);
    const history: HistoryCommand[] = [];
    const empty = grade(l, state.cloud, history, { reach });
    for (const s of empty.steps) {
      for (const c of s.checks) if (c.passed) problems.push(`${l.file}:${l.steps.find((x) => x.id === s.id)?.checks.find((x) => x.id === c.id)?.line ?? 0}: check '${c.title}' already passes on an empty attempt${tag}`);
    }
    problems.push(...runShown(l, state, shownCommands(l.intro), `${l.file}:1: the introduction${tag}`).problems);
    const answers: Record<string, string> = {};
    for (const step of l.steps) {
      problems.push(...stepShownProblems(l, step, state, tag));
      const errors: string[] = [];
      for (const line of step.solution) {
        const r = runLine(state, line);
        state = r.state;
        if (line.trim() !== '') history.push(historyCommand(line, r.result));
        if (r.result.exitCode !== 0) errors.push(`  $ ${line}\n${(r.result.stderr || r.result.stdout).replace(/^/gm, '    ').trimEnd()}`);
      }
      for (const c of step.checks) {
        if (c.type === 'question') {
          const want = expectedAnswers(new Params(c.params), state.cloud)[0];
          if (want !== undefined) answers[c.id] = want;
        }
      }
      const g = grade(l, state.cloud, history, { answers, reach });
      const sr = g.steps.find((x) => x.id === step.id);
      const stepProblems: string[] = [];
      for (const c of sr?.checks ?? []) {
        // Without a reach query reachability cannot be verified here; the other checks still are.
        if (!c.passed && c.type === 'reach' && reach === null) {
          skipped.push(c.id);
          continue;
        }
        if (!c.passed) {
          const line = step.checks.find((x) => x.id === c.id)?.line ?? step.line;
          stepProblems.push(`${l.file}:${line}: step '${step.title}': check '${c.title}' fails after the solution: ${c.why}${tag}`);
        }
      }
      if (stepProblems.length > 0 && errors.length > 0) stepProblems.push(`  solution commands of '${step.title}' that failed:\n${errors.join('\n')}`);
      problems.push(...stepProblems);
    }
  }
  return problems;
}

/** `stacklab lab check [FILE…]`: validates and replays labs (all of labs/ when no file is given). */
export function labCheck(files: string[], opts: { reach?: ReachFn | null } = {}): CliResult {
  const list = files.length > 0 ? files : labFiles();
  const out: string[] = [];
  let bad = 0;
  for (const f of list) {
    let lab: Lab;
    try {
      lab = loadLabFile(f);
    } catch (e) {
      bad++;
      out.push(`FAIL ${f}\n${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const skipped: string[] = [];
    const problems = replayLab(lab, opts.reach === undefined ? simReach : opts.reach, skipped);
    const checks = lab.steps.reduce((a, s) => a + s.checks.length, 0);
    const n = new Set(skipped).size;
    const note = n > 0 ? ` (${n} reachability check${n === 1 ? '' : 's'} not verified: no reach query)` : '';
    if (problems.length === 0) out.push(`ok   ${lab.file}  ${lab.id}: ${lab.steps.length} steps, ${checks} checks${note}`);
    else {
      bad++;
      out.push(`FAIL ${lab.file}  ${lab.id}\n${problems.join('\n')}`);
    }
  }
  out.push(`${list.length - bad} of ${list.length} labs ok`);
  return { output: `${out.join('\n')}\n`, exitCode: bad === 0 ? 0 : 1 };
}

/**
 * What a learner did in a lab besides typing, for instructors: read from the history's
 * bookkeeping rows (server/workspace/attempt.ts activityOf).
 */
export interface LearnerActivity {
  /** When the current attempt began: the time of its first entry after the last reset (null: none yet). */
  started: number | null;
  /** When each step first passed in the current attempt (ms since the epoch). */
  firstPassed: Record<string, number>;
  /** How many of each step's hints were shown, over every attempt (a hint seen stays seen after a reset). */
  hints: Record<string, number>;
  /** The steps whose solution was shown, over every attempt, in the order first shown. */
  solutions: string[];
}

/**
 * What `stacklab grade` needs from the store (server/store implements it): a learner's latest
 * cloud, command history (with what ran, when recorded) and answers for a lab, and the learners
 * who started it; optionally their display names and activity (first passes, hints, solutions).
 */
export interface GradeStore {
  learners(labId: string): Awaitable<string[]>;
  attempt(labId: string, learnerId: string): Awaitable<GradeAttempt | null>;
  /** A learner's display name (null: unknown, the id stands for it). */
  name?(learnerId: string): Awaitable<string | null>;
}

/** A value or its promise: a store may answer at once (a test's fake) or later (a database). */
export type Awaitable<T> = T | Promise<T>;

/** What grading reads of one learner's attempt at a lab. */
export interface GradeAttempt {
  cloud: SessionState['cloud'];
  history: readonly HistoryCommand[];
  answers: Record<string, string>;
  activity?: LearnerActivity;
}

/** One step of a learner's progress, as the CSV and JSON give it. */
export interface StepActivity {
  id: string;
  title: string;
  /** When the step first passed in the current attempt (ISO 8601), or null. */
  firstPassed: string | null;
  /** Seconds it took (see stepSeconds), or null when it has not passed. */
  seconds: number | null;
  /** Hints shown (count). */
  hints: number;
  /** Whether its solution was shown. */
  solution: boolean;
}

export interface GradeRow {
  learner: string;
  /** The display name (the id when the store knows none). */
  name: string;
  result: GradeResult | null;
  progress: { started: string | null; steps: StepActivity[]; solutions: string[] };
}

/**
 * Seconds each step took: from the previous milestone to the step's first pass, where the
 * milestones are the start of the attempt and every step's first pass, in time order (steps may
 * pass out of order, and one command may pass two: the second then took 0 s). Their sum is the
 * time from the start to the last pass. Whole seconds, rounded down.
 */
export function stepSeconds(started: number | null, firstPassed: Record<string, number>): Record<string, number> {
  const passes = Object.entries(firstPassed).sort((a, b) => a[1] - b[1]);
  const out: Record<string, number> = {};
  let before = started ?? passes[0]?.[1] ?? 0;
  for (const [step, at] of passes) {
    out[step] = Math.max(0, Math.floor((at - before) / 1000));
    before = Math.max(before, at);
  }
  return out;
}

const iso = (ms: number | undefined | null): string | null => (ms === undefined || ms === null ? null : new Date(ms).toISOString());

/** A learner's row: grade and progress. */
async function gradeRow(store: GradeStore, lab: Lab, learner: string, reach: ReachFn | null): Promise<GradeRow> {
  const a = await store.attempt(lab.id, learner);
  const l = labFor(lab, learner);
  const act: LearnerActivity = a?.activity ?? { started: null, firstPassed: {}, hints: {}, solutions: [] };
  const seconds = stepSeconds(act.started, act.firstPassed);
  return {
    learner,
    name: (await store.name?.(learner)) ?? learner,
    result: a === null ? null : grade(l, a.cloud, a.history, { answers: a.answers, reach }),
    progress: {
      started: iso(act.started),
      steps: lab.steps.map((s) => ({
        id: s.id,
        title: s.title,
        firstPassed: iso(act.firstPassed[s.id]),
        seconds: seconds[s.id] ?? null,
        hints: act.hints[s.id] ?? 0,
        solution: act.solutions.includes(s.id),
      })),
      solutions: act.solutions,
    },
  };
}

/**
 * A CSV field as RFC 4180 quotes it: in double quotes (doubled inside) when it holds `,`, `"` or
 * a line break. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula
 * to a spreadsheet (a learner could name themselves `=HYPERLINK(…)`): it gets a leading `'`, as
 * OWASP advises, so the sheet shows it as text. Numbers are written as they are.
 */
function csvField(v: string | number): string {
  const s = typeof v === 'number' ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CSV: the first columns as they always were (learner id, earned, points, percent, points
 * per step by step id), then name, when the attempt started, per step its first pass, seconds
 * and hints shown, and the steps whose solution was shown (space-separated).
 */
function gradeCsv(lab: Lab, rows: readonly GradeRow[]): string {
  const head = [
    'learner', 'earned', 'points', 'percent', ...lab.steps.map((s) => s.id),
    'name', 'started', ...lab.steps.flatMap((s) => [`${s.id} first passed`, `${s.id} seconds`, `${s.id} hints`]), 'solutions shown',
  ];
  const lines = rows.map((r) =>
    [
      r.learner, r.result?.earned ?? 0, r.result?.points ?? 0, r.result?.percent ?? 0,
      ...lab.steps.map((s) => r.result?.steps.find((x) => x.id === s.id)?.earned ?? 0),
      r.name, r.progress.started ?? '',
      ...r.progress.steps.flatMap((p) => [p.firstPassed ?? '', p.seconds ?? '', p.hints]),
      r.progress.solutions.join(' '),
    ]
      .map((v) => csvField(typeof v === 'number' ? v : visibleText(v)))
      .join(','),
  );
  return `${[head.map(csvField).join(','), ...lines].join('\n')}\n`;
}

/** How the text report marks a step or check: passed, failed, not started. */
const MARK: Record<CheckState, string> = { pass: '✔', fail: '✘', todo: '·' };

/** The text report: each learner's score, steps and checks (with the grader's reason beside a lab's own fail text). */
function gradeText(lab: Lab, rows: readonly GradeRow[]): string {
  const out: string[] = [];
  for (const r of rows) {
    const who = r.name === r.learner ? r.learner : `${r.name} (${r.learner})`;
    if (r.result === null) {
      out.push(`${who}: has not started ${lab.id}`);
      continue;
    }
    out.push(`${who}: ${r.result.earned}/${r.result.points} (${r.result.percent} %)`);
    for (const s of r.result.steps) {
      const p = r.progress.steps.find((x) => x.id === s.id);
      const extra = [p?.seconds != null ? `passed after ${p.seconds} s` : '', p?.hints ? `${p.hints} hint${p.hints === 1 ? '' : 's'}` : '', p?.solution ? 'solution shown' : ''].filter((x) => x !== '');
      out.push(`  ${MARK[s.state]} ${s.title}  ${s.earned}/${s.points}${s.state === 'todo' ? '  (not started)' : ''}${extra.length > 0 ? `  [${extra.join(', ')}]` : ''}`);
      for (const c of s.checks) out.push(`      ${MARK[c.state]} ${c.title}${c.state === 'fail' ? ` — ${c.why}${c.reason !== undefined ? ` (${c.reason})` : ''}` : c.state === 'todo' ? ' — not done yet' : ''}`);
    }
  }
  return `${visibleText(out.join('\n'))}\n`;
}

/** `stacklab grade --lab ID --learner ID|--all [--format text|csv|json]`. */
export async function gradeCommand(
  store: GradeStore,
  args: { lab: string; learner?: string; all?: boolean; format?: 'text' | 'csv' | 'json' },
  opts: { labs?: Lab[]; reach?: ReachFn | null } = {},
): Promise<CliResult> {
  const labs = opts.labs ?? loadLabs();
  const lab = labs.find((l) => l.id === args.lab);
  if (!lab) return { output: `stacklab: unknown lab '${visibleText(args.lab)}' (known: ${labs.map((l) => l.id).join(', ')})\n`, exitCode: 2 };
  const who = args.all ? await store.learners(lab.id) : args.learner !== undefined ? [args.learner] : [];
  if (who.length === 0) return { output: args.all ? `no learner has started ${lab.id}\n` : 'stacklab: grade needs --learner ID or --all\n', exitCode: args.all ? 0 : 2 };
  const reach = opts.reach === undefined ? simReach : opts.reach;
  // One learner after another: a class of hundreds never holds every replayed cloud at once.
  const rows: GradeRow[] = [];
  for (const learner of who) rows.push(await gradeRow(store, lab, learner, reach));
  const format = args.format ?? 'text';
  // Text and CSV carry what learners typed (their ids, names, answers, resource names and
  // commands quoted in a check's "why") to an instructor's terminal: every control character in
  // them is made visible, never sent raw. JSON escapes C0 itself but leaves DEL and C1 (U+009B is
  // a CSI to a terminal) as they are: those get \u escapes, which parse back to the same strings.
  if (format === 'json') {
    const json = JSON.stringify(rows, null, 2).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return { output: `${json}\n`, exitCode: 0 };
  }
  if (format === 'csv') return { output: gradeCsv(lab, rows), exitCode: 0 };
  return { output: gradeText(lab, rows), exitCode: 0 };
}
