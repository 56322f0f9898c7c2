/**
 * Learners' workspaces: open (snapshot + replay), run and record, reset, answer, reveal a
 * solution, grade; idle ones are evicted from memory and come back from the store on their next
 * use. Every command is committed before its reply; when the store cannot commit (a full disk, a
 * read-only or damaged database) the command is refused with a clear message and nothing
 * changes, so the learner can go on once the store is back. The web layer only transports.
 */
import { hashSeed } from '../sim/rng.js';
import { complete, PING_CAP, prompt, runLine, serializeSession, type RunOptions, type SessionState } from '../shell/session.js';
import type { Follow } from '../cli/linux/index.js';
import { grade, labFor, type GradeResult, type Lab } from '../labs/index.js';
import { StoreError, type CloudStore, type HistoryEntry, type NewEntry } from '../store/types.js';
import { addToAttempt, attemptFromStore, emptyAttempt, firstPassesOf, type Attempt } from './attempt.js';
import { freshState, replay } from './replay.js';
import { parseWorkspace, type WorkspaceRef } from './keys.js';
import type { CommandOutput } from '../render/output.js';
import { visibleText } from '../render/terminal.js';
import { topologyCache, topologyRows, type Topology } from './topology.js';
import type { PacketPath } from '../sim/api/packet-path.js';
import { isRead, runApiCall, type Answer, type ApiCall, type ApiContext } from './openstack.js';

export { parseWorkspace, labKey, sandboxCatalogue, type WorkspaceRef } from './keys.js';
export { gradeStoreFor } from './grading.js';
export { sessionTopology, type Topology } from './topology.js';
export type { PacketPath } from '../sim/api/packet-path.js';

/** Limits of what a workspace keeps; the defaults suit a class on one server. */
export interface WorkspaceLimits {
  /** A snapshot is stored after this many entries (plus a per-learner offset below it, so a class typing in step does not snapshot in waves). */
  snapshotEvery: number;
  /** Stored stdout and stderr of one command are cut to this many characters each (the learner sees them whole). */
  storedOutput: number;
  /** Once a workspace has stored this many characters of output, each further output is cut to `storedOutputOver`. */
  workspaceOutput: number;
  storedOutputOver: number;
  /** A workspace unused for this long, with no terminal open, leaves memory (ms). */
  idleMs: number;
  /** At most this many workspaces stay in memory; the least recently used idle ones go first. */
  maxLive: number;
}

export const DEFAULT_LIMITS: WorkspaceLimits = {
  snapshotEvery: 25,
  storedOutput: 16 * 1024,
  workspaceOutput: 4 * 1024 * 1024,
  storedOutputOver: 1024,
  idleMs: 10 * 60_000,
  maxLive: 20_000,
};

/** What a fresh page shows again: the newest commands since the last reset, and at most this many characters of them. */
const SCROLLBACK = { commands: 200, chars: 256 * 1024 };
/** The prompt of a command stored before prompts were kept with commands. */
const UNKNOWN_PROMPT = '$ ';

export interface WorkspaceDeps {
  store: CloudStore;
  /** The labs of labs/*.md (a function: they may be reloaded). */
  labs: () => readonly Lab[];
  /** Wall clock for history timestamps and idleness (ms). */
  now: () => number;
  log: (message: string) => void;
  limits?: Partial<WorkspaceLimits>;
  /**
   * Hears each new grade of a lab workspace (the score changed since the one it last heard for
   * this workspace while in memory; after a restart it hears the score again): LTI posts it to the
   * learner's course (server/lti/scores.ts). Called after the grade is computed; what it throws
   * is logged, never the learner's problem.
   */
  onGraded?: (event: GradedEvent) => void;
}

/** A lab workspace's new grade, for whoever reports scores. */
export interface GradedEvent {
  learner: string;
  labId: string;
  result: GradeResult;
  /** When it was graded (ms since the epoch). */
  at: number;
}

/** What a command's reply carries to the terminal. */
export interface Reply extends CommandOutput {
  prompt: string;
  /** The packet path the line traced (`stacklab trace`), for the page to highlight. */
  path?: PacketPath;
}

/**
 * A line still running on the terminal (a ping without a count, until Ctrl-C): nothing is
 * recorded until it ends, and then the line is recorded with how long it ran, so a replay ends
 * it at the same point and prints the same.
 */
export interface Running {
  /** What the next second prints (maybe nothing), or null when the cap is reached: then end it. */
  tick(): string | null;
  /** Ctrl-C (or the terminal closed): records the line and returns what it prints after what was streamed. */
  end(): Reply;
}

export interface Grade {
  result: GradeResult;
  firstPassed: Record<string, number>;
}

interface Live {
  learner: string;
  ref: WorkspaceRef;
  /** The lab with this learner's parameters (labs only). */
  lab: Lab | null;
  state: SessionState;
  lastSeq: number;
  snapshotSeq: number;
  /** Entries after a snapshot before the next one (snapshotEvery plus this learner's offset). */
  snapshotDue: number;
  attempt: Attempt;
  firstPassed: Record<string, number>;
  /** The last grade and the history entry it saw: the same entry is never graded twice. */
  graded: { seq: number; grade: Grade } | null;
  /** The score last given to `onGraded` (`earned/points/steps passed`). */
  heard: string | null;
  outputBytes: number;
  learnerSaved: boolean;
  attached: number;
  lastUsed: number;
  /** The topology of a state, derived again only when its resources changed. */
  drawn: (s: SessionState) => Topology;
  /** Who hears of API writes (the learner's open terminals). */
  apiListeners: Set<() => void>;
  /** The lab was removed from the server while a terminal had it open: its lines are refused with a message. */
  gone: boolean;
}

/** An offset in [0, n) fixed per learner and workspace, to spread snapshot writes. */
function offset(s: string, n: number): number {
  return hashSeed(s) % Math.max(1, n);
}

/** Cuts a stored output, saying how much was left out. */
function cut(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  return { text: `${text.slice(0, max)}\n[stacklab: ${text.length - max} more characters were shown but not kept]\n`, cut: true };
}

/** How an API write reads in the history: `POST /network/v2.0/networks?…` (the body is kept with it). */
function apiLine(call: ApiCall): string {
  const path = call.path.map((p) => encodeURIComponent(p)).join('/');
  const query = call.query.length > 0 ? `?${new URLSearchParams(call.query).toString()}` : '';
  const line = `${call.method} /${call.service}/${path}${query}`;
  return line.length > 2048 ? `${line.slice(0, 2048)}…` : line;
}

/** Bounds what is recorded of the commands that ran (graders read words, not megabytes). */
function boundRan(ran: readonly (readonly string[])[] | undefined): string[][] | undefined {
  if (!ran) return undefined;
  return ran.slice(0, 64).map((argv) => argv.slice(0, 64).map((a) => (a.length > 512 ? a.slice(0, 512) : a)));
}

export interface Workspaces {
  /** Opens a learner's workspace (from memory, or the store), or throws StoreError. */
  open(learner: string, ref: WorkspaceRef): Workspace;
  /** Parses a workspace key against the current labs. */
  parse(key: string): WorkspaceRef | null;
  /** Drops idle workspaces from memory (storing a snapshot first); returns how many left. */
  evictIdle(): number;
  /** How many workspaces are in memory. */
  liveCount(): number;
  /**
   * The labs were read again (server/labs/registry.ts): live workspaces of a changed lab grade with
   * its new version from now on (their history stays); those of a removed lab leave memory, or,
   * with a terminal open, refuse its lines with a message until the lab comes back.
   */
  labsChanged(change: { added: readonly string[]; changed: readonly string[]; removed: readonly string[] }): void;
}

/** One open workspace, as a terminal uses it. Methods never throw for the store's failures. */
export interface Workspace {
  readonly ref: WorkspaceRef;
  readonly lab: Lab | null;
  prompt(): string;
  /** The session as it is now (the cloud, variables, host). */
  state(): SessionState;
  /** The learner's recent command lines, for ↑ in the terminal. */
  recentLines(limit: number): string[];
  /**
   * Runs a line and records it. With `until: stream`, a ping without a count as the line's only
   * command is not finished: its output so far comes back with `running`, and nothing is recorded yet.
   */
  run(line: string, opts?: RunOptions): Reply & { running?: Running };
  /**
   * A call from the learner's own client to the cloud's REST APIs: a read answers from the cloud
   * as it is; a write is a command of the workspace (committed before the answer, in the history
   * as an API call, graded, undone by reset). When the store cannot commit, the write is not run
   * and null comes back (the web layer answers 503).
   */
  api(call: ApiCall, ctx: ApiContext): Answer | null;
  /** Calls `listener` after each API write is committed (the page then shows the new topology and grade); returns how to stop. */
  onApiWrite(listener: () => void): () => void;
  complete(line: string): { candidates: string[]; replacement?: string };
  resize(cols: number): void;
  /** Sets or unsets CLIFF_FIT_WIDTH=1 for the session (a display option of the page, not history). */
  fitWidth(on: boolean): void;
  /**
   * The recent commands since the last reset, as the terminal showed them (prompt, line, output),
   * for a fresh page to write before its prompt: control characters made visible, SGR kept.
   */
  scrollback(): string;
  reset(): Reply;
  /** Records an answer to a question; null when recorded, else the refusal to show. */
  answer(check: string, value: string): Reply | null;
  /** A step's solution lines (the reveal is recorded), or null when there is no such step. */
  reveal(step: string): string[] | null;
  /**
   * Records that the page showed hint `n` (1 = the first) of a step, for the instructor; false
   * when the lab has no such hint. A hint already recorded (the page reloaded, the lab was reset)
   * is not recorded again: it was seen once, and that is what the instructor counts.
   */
  hint(step: string, n: number): boolean;
  grade(): Grade | null;
  /** The cloud as the topology view draws it: the same object again until a command changes a resource. */
  topology(): Topology;
  /** The show rows of an element the topology draws now (null: it draws no such element). */
  topologyRows(elementId: string): Array<[string, string]> | null;
  /** Counts the terminals using it: an attached workspace is never evicted. */
  attach(): void;
  detach(): void;
}

export function workspaces(deps: WorkspaceDeps): Workspaces {
  const limits: WorkspaceLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const { store } = deps;
  const live = new Map<string, Live>();
  const mapKey = (learner: string, key: string) => `${learner}\u0000${key}`;

  const storeFailure = (e: unknown, what: string): Reply | null => {
    if (!(e instanceof StoreError)) throw e;
    deps.log(`store failure (${e.code}) ${what}: ${e.cause instanceof Error ? e.cause.message : e.message}`);
    return null;
  };

  /** Reads a workspace from the store: snapshot, replay, the lab attempt and first passes. */
  const load = (learner: string, ref: WorkspaceRef): Live => {
    const stored = store.loadSession(learner, ref.key);
    const seqs = store.lastSeqs(learner, ref.key);
    // Replay reads the entries after the snapshot, without their output; grading the attempt
    // reads its distinct commands and answers (attemptFromStore), not every entry since the reset.
    const afterSnapshot = store.headsSince(learner, ref.key, stored?.seq ?? 0);
    const state = replay(ref, learner, stored, afterSnapshot);
    const attempt = ref.lab ? attemptFromStore(store, learner, ref.key, seqs.reset) : emptyAttempt();
    const w: Live = {
      learner,
      ref,
      lab: ref.lab ? labFor(ref.lab, learner) : null,
      state,
      lastSeq: seqs.last,
      snapshotSeq: stored?.seq ?? 0,
      snapshotDue: limits.snapshotEvery + offset(mapKey(learner, ref.key), limits.snapshotEvery),
      attempt,
      // Passes of this attempt: a reset starts the count again (the home page shows the same).
      firstPassed: ref.lab ? firstPassesOf(store.historyOfKind(learner, ref.key, 'passed').filter((e) => e.seq > seqs.reset)) : {},
      graded: null,
      heard: null,
      outputBytes: store.storedOutputBytes(learner, ref.key),
      learnerSaved: store.getLearner(learner) !== null,
      attached: 0,
      lastUsed: deps.now(),
      drawn: topologyCache(),
      apiListeners: new Set(),
      gone: false,
    };
    // A long replay is paid once: store the result so the next open starts from it.
    const replayed = afterSnapshot.filter((e) => e.kind === 'command' || e.kind === 'api').length;
    if (replayed > limits.snapshotEvery) {
      try {
        store.saveSnapshot(learner, ref.key, serializeSession(state), w.lastSeq, deps.now());
        w.snapshotSeq = w.lastSeq;
      } catch (e) {
        storeFailure(e, `snapshot after replay for ${learner}`);
      }
    }
    return w;
  };

  /** The learner's row, created with their first entry (a visit alone stores nothing). */
  const saveLearner = (w: Live, at: number) => {
    if (w.learnerSaved) return;
    store.ensureLearner(w.learner, `learner-${w.learner.slice(0, 6)}`, at);
    w.learnerSaved = true;
  };

  /** Appends an entry (creating the learner's row on their first), maybe with a snapshot. */
  const record = (w: Live, entry: NewEntry, next: SessionState | null): HistoryEntry => {
    saveLearner(w, entry.at);
    const due = next !== null && w.lastSeq + 1 - w.snapshotSeq >= w.snapshotDue;
    const saved = store.saveStep(w.learner, w.ref.key, due && next ? serializeSession(next) : null, entry);
    w.lastSeq = saved.seq;
    if (due) w.snapshotSeq = saved.seq;
    return saved;
  };

  /** What a terminal of a removed lab gets instead of running a line. */
  const goneReply = (w: Live): Reply => ({
    stdout: '',
    stderr: `stacklab: the lab '${w.ref.key.slice('lab:'.length)}' was removed from this server by the instructor, so nothing more runs here. Your work in it is kept. Go back to the catalogue to choose a lab.\n`,
    exitCode: 1,
    prompt: prompt(w.state),
  });

  /** The same for the learner's own client: the lab's cloud is no more (404). */
  const goneAnswer = (w: Live): Answer => ({
    status: 404,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: 404, title: 'Not Found', message: `The lab '${w.ref.key.slice('lab:'.length)}' was removed from this server.` } }),
  });

  const notSaved = (w: Live, e: StoreError): Reply => ({
    stdout: '',
    stderr: `stacklab: this command was not run: ${e.message}, so it could not be saved. Your cloud is as it was; try again in a moment.\n`,
    exitCode: 1,
    prompt: prompt(w.state),
  });

  const gradeOf = (w: Live): Grade | null => {
    if (!w.lab) return null;
    if (w.graded && w.graded.seq === w.lastSeq) return w.graded.grade;
    const result = grade(w.lab, w.state.cloud, w.attempt.commands, { answers: w.attempt.answers });
    for (const st of result.steps) {
      if (!st.passed || w.firstPassed[st.id] !== undefined) continue;
      const at = deps.now();
      try {
        record(w, { kind: 'passed', line: `#passed ${st.id}`, stdout: '', stderr: '', exitCode: 0, at, step: st.id }, null);
        w.firstPassed[st.id] = at;
      } catch (e) {
        storeFailure(e, `first pass of ${st.id} for ${w.learner}`);
      }
    }
    const g = { result, firstPassed: { ...w.firstPassed } };
    w.graded = { seq: w.lastSeq, grade: g };
    tellGraded(w, result);
    return g;
  };

  /** Tells `onGraded` of a score it has not heard for this workspace. */
  const tellGraded = (w: Live, result: GradeResult) => {
    const score = `${result.earned}/${result.points}/${result.steps.filter((s) => s.passed).length}`;
    if (!deps.onGraded || !w.lab || score === w.heard) return;
    w.heard = score;
    try {
      deps.onGraded({ learner: w.learner, labId: w.lab.id, result, at: deps.now() });
    } catch (e) {
      deps.log(`grade listener for ${w.learner}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  };

  /** Shown again on a fresh page: whole commands, newest first until the budget is spent. */
  const scrollbackOf = (w: Live): string => {
    let entries: HistoryEntry[];
    try {
      entries = store.history(w.learner, w.ref.key, SCROLLBACK.commands * 2);
    } catch (e) {
      storeFailure(e, `scrollback of ${w.learner}`);
      return '';
    }
    const afterReset = entries.slice(entries.map((e) => e.kind).lastIndexOf('reset') + 1);
    const commands = afterReset.filter((e) => e.kind === 'command').slice(-SCROLLBACK.commands);
    const parts: string[] = [];
    let size = 0;
    for (const e of commands.reverse()) {
      // Stored output was cut by length, maybe inside an escape sequence: made visible again.
      const text = `${visibleText(e.prompt ?? UNKNOWN_PROMPT, { allowSgr: true })}${visibleText(e.line)}\n${visibleText(e.stdout, { allowSgr: true })}${visibleText(e.stderr, { allowSgr: true })}`;
      if (size + text.length > SCROLLBACK.chars) break;
      size += text.length;
      parts.push(text);
    }
    return parts.reverse().join('');
  };

  /** The line left running by `view.run`: one more second per tick, up to PING_CAP; end runs it to there and records it. */
  const running = (w: Live, line: string, shown: string, follow: Follow, opts: RunOptions | undefined): Running => {
    let seconds = 1;
    let streamed = shown;
    return {
      tick() {
        if (seconds >= PING_CAP) return null;
        seconds += 1;
        const text = visibleText(follow.line(seconds), { allowSgr: true });
        streamed += text;
        return text;
      },
      end() {
        const r: Reply = view(w).run(line, { ...opts, until: { kind: 'interrupt', after: seconds } });
        const rest = { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, prompt: r.prompt };
        // The whole run again, pure: only what the terminal has not shown yet goes back.
        return r.stdout.startsWith(streamed) ? { ...rest, stdout: r.stdout.slice(streamed.length) } : rest;
      },
    };
  };

  const view = (w: Live): Workspace => ({
    // Getters: a reload of the labs swaps the lab under an open terminal (labsChanged).
    get ref() {
      return w.ref;
    },
    get lab() {
      return w.lab;
    },
    prompt: () => prompt(w.state),
    state: () => w.state,
    recentLines(limit) {
      try {
        return store
          .history(w.learner, w.ref.key, limit)
          .filter((e) => e.kind === 'command')
          .map((e) => e.line);
      } catch (e) {
        storeFailure(e, `history of ${w.learner}`);
        return [];
      }
    },
    run(line, opts) {
      w.lastUsed = deps.now();
      if (w.gone) return goneReply(w);
      const r = runLine(w.state, line, opts);
      if (r.result.internalError) deps.log(`internal error for ${w.learner}: ${r.result.internalError}`);
      const path = r.result.path;
      const reply = (s: SessionState): Reply => ({ stdout: r.result.stdout, stderr: r.result.stderr, exitCode: r.result.exitCode, prompt: prompt(s), ...(path ? { path } : {}) });
      // A blank line changes nothing and is not recorded.
      if (line.trim() === '') return reply(w.state);
      // Still running: recorded when it ends (the stderr comes then, with the rest).
      if (r.result.follow) return { ...reply(w.state), stderr: '', running: running(w, line, r.result.stdout, r.result.follow, opts) };
      const over = w.outputBytes >= limits.workspaceOutput;
      const out = cut(r.result.stdout, over ? limits.storedOutputOver : limits.storedOutput);
      const err = cut(r.result.stderr, over ? limits.storedOutputOver : limits.storedOutput);
      const ran = boundRan((r.result as { ran?: string[][] }).ran);
      const entry: NewEntry = {
        kind: 'command',
        line,
        stdout: out.text,
        stderr: err.text,
        exitCode: r.result.exitCode,
        at: w.lastUsed,
        cols: w.state.columns,
        prompt: prompt(w.state),
        ...(ran ? { ran } : {}),
        ...(opts?.until?.kind === 'interrupt' ? { interrupted: opts.until.after } : {}),
        ...(out.cut || err.cut ? { truncated: true } : {}),
      };
      try {
        // Commit first, then reply: an acknowledged command is never lost.
        record(w, entry, r.state);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        storeFailure(e, `command of ${w.learner}`);
        return notSaved(w, e);
      }
      w.outputBytes += out.text.length + err.text.length;
      w.state = r.state;
      if (w.lab) addToAttempt(w.attempt, { ...entry, seq: w.lastSeq });
      return reply(w.state);
    },
    api(call, ctx) {
      w.lastUsed = deps.now();
      if (w.gone) return goneAnswer(w);
      const r = runApiCall(w.state, call, ctx);
      if (isRead(call)) return r.answer;
      const over = w.outputBytes >= limits.workspaceOutput;
      const out = cut(r.answer.body, over ? limits.storedOutputOver : limits.storedOutput);
      const entry: NewEntry = {
        kind: 'api',
        line: apiLine(call),
        stdout: out.text,
        stderr: '',
        exitCode: r.answer.status >= 400 ? r.answer.status : 0,
        at: w.lastUsed,
        request: { service: call.service, method: call.method, path: call.path, query: call.query, body: call.body, ...(call.microversion !== undefined ? { microversion: call.microversion } : {}) },
        ...(out.cut ? { truncated: true } : {}),
      };
      try {
        record(w, entry, r.state);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        storeFailure(e, `API call of ${w.learner}`);
        return null;
      }
      w.outputBytes += out.text.length;
      w.state = r.state;
      if (w.lab) {
        addToAttempt(w.attempt, { ...entry, seq: w.lastSeq });
        // Graded now, terminal or not: the course hears of a score the learner's own client earned.
        gradeOf(w);
      }
      for (const listener of [...w.apiListeners]) {
        try {
          listener();
        } catch (e) {
          deps.log(`API write listener of ${w.learner}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        }
      }
      return r.answer;
    },
    onApiWrite(listener) {
      w.apiListeners.add(listener);
      return () => w.apiListeners.delete(listener);
    },
    complete(line) {
      w.lastUsed = deps.now();
      return complete(w.state, line);
    },
    resize(cols) {
      w.state = { ...w.state, columns: cols };
    },
    fitWidth(on) {
      const env = { ...w.state.env };
      if (on) env['CLIFF_FIT_WIDTH'] = '1';
      else delete env['CLIFF_FIT_WIDTH'];
      w.state = { ...w.state, env };
    },
    scrollback: () => scrollbackOf(w),
    reset() {
      if (w.gone) return goneReply(w);
      const fresh = freshState(w.ref, w.learner, w.state.columns);
      const at = deps.now();
      try {
        saveLearner(w, at);
        const saved = store.resetSession(w.learner, w.ref.key, serializeSession(fresh), at);
        w.lastSeq = saved.seq;
        w.snapshotSeq = saved.seq;
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        storeFailure(e, `reset of ${w.learner}`);
        return notSaved(w, e);
      }
      w.state = fresh;
      w.attempt = emptyAttempt();
      w.firstPassed = {};
      return { stdout: `Your ${w.ref.fixture} cloud is back to its starting state.\n`, stderr: '', exitCode: 0, prompt: prompt(fresh) };
    },
    answer(check, value) {
      if (w.gone) return goneReply(w);
      if (!w.lab) return null;
      const v = value.trim();
      try {
        record(w, { kind: 'answer', line: `#answer ${check} ${v}`, stdout: '', stderr: '', exitCode: 0, at: deps.now(), check, value: v }, null);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        storeFailure(e, `answer of ${w.learner}`);
        return notSaved(w, e);
      }
      w.attempt.answers[check] = v;
      return null;
    },
    reveal(stepId) {
      if (w.gone) return null;
      const step = w.lab?.steps.find((s) => s.id === stepId);
      if (!step) return null;
      try {
        // Showing a solution is recorded, for the instructor.
        record(w, { kind: 'solution', line: `#solution ${step.id}`, stdout: '', stderr: '', exitCode: 0, at: deps.now(), step: step.id }, null);
      } catch (e) {
        storeFailure(e, `solution shown to ${w.learner}`);
      }
      return step.solution;
    },
    hint(stepId, n) {
      const step = w.lab?.steps.find((s) => s.id === stepId);
      if (!step || !Number.isInteger(n) || n < 1 || n > step.hints.length) return false;
      try {
        const seen = store.historyOfKind(w.learner, w.ref.key, 'hint').some((e) => e.step === step.id && e.value === String(n));
        if (!seen) record(w, { kind: 'hint', line: `#hint ${step.id} ${n}`, stdout: '', stderr: '', exitCode: 0, at: deps.now(), step: step.id, value: String(n) }, null);
      } catch (e) {
        storeFailure(e, `hint shown to ${w.learner}`);
      }
      return true;
    },
    grade: () => (w.gone ? null : gradeOf(w)),
    topology: () => w.drawn(w.state),
    topologyRows: (elementId) => topologyRows(w.state, w.drawn(w.state), elementId),
    attach() {
      w.attached += 1;
      w.lastUsed = deps.now();
    },
    detach() {
      w.attached = Math.max(0, w.attached - 1);
      w.lastUsed = deps.now();
    },
  });

  /** Leaves memory; the store has everything (a snapshot is stored first so the comeback is cheap). */
  const evict = (k: string, w: Live) => {
    if (w.lastSeq > w.snapshotSeq) {
      try {
        store.saveSnapshot(w.learner, w.ref.key, serializeSession(w.state), w.lastSeq, deps.now());
      } catch (e) {
        // Replay rebuilds the same state from the older snapshot; this one only saves time.
        storeFailure(e, `snapshot before eviction of ${w.learner}`);
      }
    }
    live.delete(k);
  };

  /** Live workspaces follow a reload of the labs (see Workspaces.labsChanged). */
  const labsChanged: Workspaces['labsChanged'] = (change) => {
    const labs = new Map(deps.labs().map((l) => [l.id, l]));
    for (const [k, w] of [...live]) {
      const id = w.ref.lab?.id;
      if (id === undefined) continue;
      const lab = labs.get(id);
      if (change.removed.includes(id) || !lab) {
        if (w.attached === 0) evict(k, w);
        else w.gone = true;
      } else if (change.changed.includes(id) || (w.gone && change.added.includes(id))) {
        // The same history, graded with the new checks; the cloud stays as the learner left it.
        w.ref = { ...w.ref, fixture: lab.fixture, lab };
        w.lab = labFor(lab, w.learner);
        w.graded = null;
        w.gone = false;
      }
    }
  };

  const api: Workspaces = {
    parse: (key) => parseWorkspace(key, deps.labs()),
    open(learner, ref) {
      const k = mapKey(learner, ref.key);
      let w = live.get(k);
      if (!w) {
        w = load(learner, ref);
        if (live.size >= limits.maxLive) api.evictIdle();
        live.set(k, w);
      }
      return view(w);
    },
    evictIdle() {
      const now = deps.now();
      let n = 0;
      for (const [k, w] of live) {
        if (w.attached === 0 && now - w.lastUsed >= limits.idleMs) {
          evict(k, w);
          n++;
        }
      }
      // Over the ceiling: the least recently used unattached ones go too (Map order is insertion
      // order, not use, so sort the few candidates).
      if (live.size >= limits.maxLive) {
        const idle = [...live].filter(([, w]) => w.attached === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
        for (const [k, w] of idle.slice(0, live.size - limits.maxLive + 1)) {
          evict(k, w);
          n++;
        }
      }
      return n;
    },
    liveCount: () => live.size,
    labsChanged,
  };
  return api;
}
