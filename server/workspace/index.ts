/**
 * Learners' workspaces: open (snapshot + replay), run and record, reset, answer, reveal a
 * solution, grade; idle ones are evicted from memory and come back from the store on their next
 * use. Every command is committed before its reply; when the store cannot commit (a full disk, a
 * read-only or damaged database) the command is refused with a clear message and nothing
 * changes, so the learner can go on once the store is back. One workspace's operations run one
 * after another, never interleaved. Any process may serve any learner: every write names the
 * version of the workspace it was made on, and a write refused because another process wrote
 * first is made again on the workspace read anew. The web layer only transports.
 */
import { extended } from '../sim/objects.js';
import { hashSeed } from '../sim/rng.js';
import { complete, inShellHistory, MAX_LINE, PING_CAP, prompt, readSnapshot, runLine, serializeSession, type RunOptions, type SessionState } from '../shell/session.js';
import { MAX_HISTORY, ShellHistory } from '../shell/history.js';
import type { Follow } from '../cli/linux/index.js';
import { grade, labFor, type GradeInput, type GradeResult, type Lab } from '../labs/index.js';
import { StoreConflict, StoreError, type CloudStore, type EntryHead, type HistoryEntry, type NewEntry } from '../store/types.js';
import { addToAttempt, attemptFromStore, emptyAttempt, firstPassesOf, type Attempt } from './attempt.js';
import { freshState, replay } from './replay.js';
import { parseWorkspace, type WorkspaceRef } from './keys.js';
import type { CommandOutput } from '../render/output.js';
import { visibleText } from '../render/terminal.js';
import { sameResources, topologyCache, topologyRows, type Topology } from './topology.js';
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
  /**
   * On a shared store, a grade takes the workspace as the newest version for this long (ms) after
   * this process wrote or read its version, without asking the store again (see fresh).
   */
  justConfirmedMs: number;
}

export const DEFAULT_LIMITS: WorkspaceLimits = {
  snapshotEvery: 25,
  storedOutput: 16 * 1024,
  workspaceOutput: 4 * 1024 * 1024,
  storedOutputOver: 1024,
  idleMs: 10 * 60_000,
  maxLive: 20_000,
  justConfirmedMs: 50,
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
  /**
   * Other processes (or machines) write to the same store (default false): before each command a
   * workspace held in memory checks the store's version of it (one cheap read) and reads it again
   * when another writer went ahead. Without it the version is still checked by every write, so a
   * conflict is caught either way; this only saves the learner a refused write.
   */
  sharedStore?: boolean;
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
  end(): Promise<Reply>;
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
  graded: { seq: number; grade: Grade; inputs: GradeInputs } | null;
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
  /** The learner's operations run one after another (see `serial`): the last one queued. */
  queue: Promise<void>;
  /** Operations queued or running: such a workspace is never evicted. */
  pending: number;
  /** Milliseconds of the server's own work done for this workspace (see Workspace.workMs). */
  work: number;
  /** When (performance.now) this process last knew it held the store's newest version: its write, or its read. */
  confirmedAt: number;
}

/** What a grade was computed from (see gradeOf). */
interface GradeInputs {
  cloud: SessionState['cloud'];
  commands: Attempt['commands'];
  count: number;
  answers: string;
}

function gradeInputs(w: Live): GradeInputs {
  return { cloud: w.state.cloud, commands: w.attempt.commands, count: w.attempt.commands.length, answers: JSON.stringify(w.attempt.answers) };
}

/** Which of a grade's inputs differ (the next grade re-evaluates only the checks that read them). */
function changedInputs(a: GradeInputs, b: GradeInputs): Set<GradeInput> {
  const changed = new Set<GradeInput>();
  if (!sameResources(a.cloud, b.cloud)) changed.add('cloud');
  if (a.commands !== b.commands || a.count !== b.count) changed.add('history');
  if (a.answers !== b.answers) changed.add('answers');
  return changed;
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
  /**
   * Opens a learner's workspace (from memory, or the store), or throws StoreError. Two opens of
   * one workspace at once share one read of the store.
   */
  open(learner: string, ref: WorkspaceRef): Promise<Workspace>;
  /** Parses a workspace key against the current labs. */
  parse(key: string): WorkspaceRef | null;
  /**
   * Drops idle workspaces from memory at once; their snapshots are stored before the promise
   * settles (a failed one is logged: replay rebuilds the same state). Resolves to how many left.
   */
  evictIdle(): Promise<number>;
  /** How many workspaces are in memory. */
  liveCount(): number;
  /**
   * The labs were read again (server/labs/registry.ts): live workspaces of a changed lab grade with
   * its new version from now on (their history stays); those of a removed lab leave memory, or,
   * with a terminal open, refuse its lines with a message until the lab comes back.
   */
  labsChanged(change: { added: readonly string[]; changed: readonly string[]; removed: readonly string[] }): void;
}

/**
 * One open workspace, as a terminal uses it. Methods never throw for the store's failures. The
 * asynchronous ones (those reading or writing the store) run one after another in the order they
 * were called, never interleaved; the synchronous ones read or change the session in memory.
 */
export interface Workspace {
  readonly ref: WorkspaceRef;
  readonly lab: Lab | null;
  prompt(): string;
  /** The session as it is now (the cloud, variables, host). */
  state(): SessionState;
  /** The learner's recent command lines, for ↑ in the terminal. */
  recentLines(limit: number): Promise<string[]>;
  /**
   * Runs a line and records it. With `until: stream`, a ping without a count as the line's only
   * command is not finished: its output so far comes back with `running`, and nothing is recorded yet.
   */
  run(line: string, opts?: RunOptions): Promise<Reply & { running?: Running }>;
  /**
   * A call from the learner's own client to the cloud's REST APIs: a read answers from the cloud
   * as it is; a write is a command of the workspace (committed before the answer, in the history
   * as an API call, graded, undone by reset). When the store cannot commit, the write is not run
   * and null comes back (the web layer answers 503).
   */
  api(call: ApiCall, ctx: ApiContext): Promise<Answer | null>;
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
  scrollback(): Promise<string>;
  reset(): Promise<Reply>;
  /** Records an answer to a question; null when recorded, else the refusal to show. */
  answer(check: string, value: string): Promise<Reply | null>;
  /** A step's solution lines (the reveal is recorded), or null when there is no such step. */
  reveal(step: string): Promise<string[] | null>;
  /**
   * Records that the page showed hint `n` (1 = the first) of a step, for the instructor; false
   * when the lab has no such hint. A hint already recorded (the page reloaded, the lab was reset)
   * is not recorded again: it was seen once, and that is what the instructor counts.
   */
  hint(step: string, n: number): Promise<boolean>;
  grade(): Promise<Grade | null>;
  /** The cloud as the topology view draws it: the same object again until a command changes a resource. */
  topology(): Topology;
  /** The show rows of an element the topology draws now (null: it draws no such element). */
  topologyRows(elementId: string): Array<[string, string]> | null;
  /**
   * Milliseconds of the server's work done for this workspace so far: running its lines and API
   * calls, grading, completing, drawing, snapshots. What a learner pays from their time budget
   * (the difference over a message), rather than the wall time, which under a class's load is
   * mostly waiting for other learners' work.
   */
  workMs(): number;
  /** Counts the terminals using it: an attached workspace is never evicted. */
  attach(): void;
  detach(): void;
}

/** What a workspace is in the store: the fields of a Live that its history decides. */
interface Stored {
  state: SessionState;
  lastSeq: number;
  snapshotSeq: number;
  attempt: Attempt;
  firstPassed: Record<string, number>;
  outputBytes: number;
  learnerSaved: boolean;
  /** Entries run again on the snapshot (a long replay is worth a new snapshot). */
  replayed: number;
}

/**
 * The shell's history as of entry `upto`: the last MAX_HISTORY lines runLine kept of the command
 * entries after `after` (the reset before it). The read is bounded: among the last
 * HISTORY_WINDOW entries (a history with more API calls, bookkeeping or lines too long to run
 * among them comes back shorter), lines too long to run left out by the store (one of astral
 * characters, longer in UTF-16 than in code points, here).
 */
async function shellLines(store: CloudStore, learner: string, key: string, after: number, upto: number): Promise<string[]> {
  const lines = await store.commandLines(learner, key, Math.max(after, upto - HISTORY_WINDOW), upto, MAX_HISTORY, MAX_LINE);
  return lines.filter(inShellHistory);
}

/** How many entries back reading the shell history looks: twice the lines it keeps. */
const HISTORY_WINDOW = 2 * MAX_HISTORY;

/** How often a write refused by StoreConflict is tried again on the workspace read anew. */
const CONFLICT_RETRIES = 3;

export function workspaces(deps: WorkspaceDeps): Workspaces {
  const limits: WorkspaceLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const { store } = deps;
  const shared = deps.sharedStore === true;
  const live = new Map<string, Live>();
  /** Workspaces being read from the store: a second open waits for the same read. */
  const loading = new Map<string, Promise<Live>>();
  const mapKey = (learner: string, key: string) => `${learner}\u0000${key}`;

  const storeFailure = (e: unknown, what: string): Reply | null => {
    if (!(e instanceof StoreError)) throw e;
    deps.log(`store failure (${e.code}) ${what}: ${e.cause instanceof Error ? e.cause.message : e.message}`);
    return null;
  };

  /**
   * Reads a workspace from the store: snapshot, replay, the lab attempt and first passes. The
   * version read first, then the entries: where another writer appends meanwhile, the entries
   * read (and so the state) may go further than that version, never less, and the last of them
   * is the version written against.
   */
  const readStored = async (learner: string, ref: WorkspaceRef): Promise<Stored> => {
    const seqs = await store.lastSeqs(learner, ref.key);
    const stored = await store.loadSession(learner, ref.key);
    // Replay reads the entries after the snapshot, without their output; grading the attempt
    // reads its distinct commands and answers (attemptFromStore), not every entry since the reset.
    const afterSnapshot: EntryHead[] = await store.headsSince(learner, ref.key, stored?.seq ?? 0);
    const snapshot = stored ? readSnapshot(stored.snapshot) : null;
    // A snapshot leaves the shell's history to the history table (unless a reset after it
    // starts over: replay makes the fresh state then).
    if (stored && snapshot?.historyKept === false && seqs.reset <= stored.seq) {
      snapshot.state = { ...snapshot.state, history: ShellHistory.of(await shellLines(store, learner, ref.key, seqs.reset, stored.seq)) };
    }
    const state = replay(ref, learner, snapshot?.state ?? null, afterSnapshot);
    const lastSeq = Math.max(seqs.last, stored?.seq ?? 0, afterSnapshot.at(-1)?.seq ?? 0);
    const attempt = ref.lab ? await attemptFromStore(store, learner, ref.key, seqs.reset) : emptyAttempt();
    // Passes of this attempt: a reset starts the count again (the home page shows the same).
    const firstPassed = ref.lab ? firstPassesOf((await store.historyOfKind(learner, ref.key, 'passed')).filter((e) => e.seq > seqs.reset)) : {};
    return {
      state,
      lastSeq,
      snapshotSeq: stored?.seq ?? 0,
      attempt,
      firstPassed,
      outputBytes: await store.storedOutputBytes(learner, ref.key),
      learnerSaved: (await store.getLearner(learner)) !== null,
      replayed: afterSnapshot.filter((e) => e.kind === 'command' || e.kind === 'api').length,
    };
  };

  /** A long replay is paid once: store the result so the next open starts from it. */
  const snapshotAfterReplay = async (w: Live, replayed: number) => {
    if (replayed <= limits.snapshotEvery) return;
    try {
      await store.saveSnapshot(w.learner, w.ref.key, serializeSession(w.state), w.lastSeq, deps.now());
      w.snapshotSeq = w.lastSeq;
    } catch (e) {
      storeFailure(e, `snapshot after replay for ${w.learner}`);
    }
  };

  const load = async (learner: string, ref: WorkspaceRef): Promise<Live> => {
    const { replayed, ...stored } = await readStored(learner, ref);
    const w: Live = {
      learner,
      ref,
      lab: ref.lab ? labFor(ref.lab, learner) : null,
      ...stored,
      snapshotDue: limits.snapshotEvery + offset(mapKey(learner, ref.key), limits.snapshotEvery),
      graded: null,
      heard: null,
      attached: 0,
      lastUsed: deps.now(),
      drawn: topologyCache(),
      apiListeners: new Set(),
      gone: false,
      queue: Promise.resolve(),
      pending: 0,
      work: 0,
      confirmedAt: performance.now(),
    };
    await snapshotAfterReplay(w, replayed);
    return w;
  };

  /**
   * Reads a workspace held in memory again (another writer went ahead of it). The page's display
   * settings (terminal width, fit width) are not history: they stay as they were.
   */
  const reload = async (w: Live) => {
    const { replayed, ...stored } = await readStored(w.learner, w.ref);
    const env = { ...stored.state.env };
    const fit = w.state.env['CLIFF_FIT_WIDTH'];
    if (fit !== undefined) env['CLIFF_FIT_WIDTH'] = fit;
    Object.assign(w, stored, { state: { ...stored.state, columns: w.state.columns, env }, graded: null });
    await snapshotAfterReplay(w, replayed);
  };

  /** On a shared store: StoreConflict when the store holds a newer version of the workspace. */
  const stillNewest = async (w: Live) => {
    if (!shared) return;
    const { last } = await store.lastSeqs(w.learner, w.ref.key);
    if (last !== w.lastSeq) throw new StoreConflict(w.learner, w.ref.key, w.lastSeq, last);
  };

  /** On a shared store: reads the workspace again when the store holds a newer version of it. */
  const catchUp = async (w: Live) => {
    if (!shared) return;
    const { last } = await store.lastSeqs(w.learner, w.ref.key);
    if (last !== w.lastSeq) await reload(w);
    w.confirmedAt = performance.now();
  };

  /**
   * Runs a learner's operations on one workspace one after another, in the order called: each
   * starts when the previous one has finished, failed or not (a failure is its caller's only).
   */
  /** Runs `f`, counting its time as work done for the workspace. */
  const timed = <T>(w: Live, f: () => T): T => {
    const t = performance.now();
    try {
      return f();
    } finally {
      w.work += performance.now() - t;
    }
  };

  const serial = <T>(w: Live, op: () => Promise<T>): Promise<T> => {
    w.pending += 1;
    const run = w.queue.then(async () => {
      try {
        return await op();
      } finally {
        w.pending -= 1;
      }
    });
    w.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };

  /**
   * An operation that may write: run on the newest version of the workspace (shared store), and
   * when a write is refused because another writer went ahead (StoreConflict), run again on the
   * workspace read anew, a few times, then given up as a store failure (`failed`). `op` changes
   * the workspace in memory only after its writes succeeded, so running it again is safe. An
   * operation whose every answer waits for its own write (`checked: 'by its write'`: a typed line)
   * needs no read of the version before it: its write names the version it ran on, and one the
   * store refuses runs again here; with each learner routed to one process, that read was one
   * more query of every command for nothing. A grade (`'unless just confirmed'`, asked after
   * every command) reads it only when this process has not written or read the version within
   * `limits.justConfirmedMs`: right after the command's own write, the workspace is the newest but for
   * another process's write in those milliseconds, which its next command's write finds.
   */
  const fresh = <T>(w: Live, what: string, op: () => Promise<T>, failed: (e: StoreError) => T | Promise<T>, checked: 'before' | 'by its write' | 'unless just confirmed' = 'before'): Promise<T> =>
    serial(w, async () => {
      for (let tries = 0; ; tries++) {
        try {
          if (tries > 0) await reload(w);
          else if (checked === 'before' || (checked === 'unless just confirmed' && performance.now() - w.confirmedAt >= limits.justConfirmedMs)) await catchUp(w);
          return await op();
        } catch (e) {
          if (e instanceof StoreError) {
            storeFailure(e, `${what} of ${w.learner}`);
            return failed(e);
          }
          if (!(e instanceof StoreConflict)) throw e;
          if (tries >= CONFLICT_RETRIES) {
            deps.log(`store conflict ${what} of ${w.learner}: gave up after ${tries + 1} tries (${e.message})`);
            return failed(new StoreError('your workspace was being changed elsewhere at the same time (another window or server)', 'CONFLICT', e));
          }
        }
      }
    });

  /** The name a learner's row is created with (they may change it later). */
  const learnerName = (learner: string) => `learner-${learner.slice(0, 6)}`;

  /** The learner's row, created with their first entry (a visit alone stores nothing). */
  const saveLearner = async (w: Live, at: number) => {
    if (w.learnerSaved) return;
    await store.ensureLearner(w.learner, learnerName(w.learner), at);
    w.learnerSaved = true;
  };

  /**
   * Appends an entry (creating the learner's row on their first), maybe with a snapshot; written
   * against the version held (the store refuses it with StoreConflict when another writer went ahead).
   */
  const record = async (w: Live, entry: NewEntry, next: SessionState | null): Promise<HistoryEntry> => {
    const due = next !== null && w.lastSeq + 1 - w.snapshotSeq >= w.snapshotDue;
    const snapshot = due && next ? timed(w, () => serializeSession(next)) : null;
    // The learner's row goes with their first step (one write, not two).
    const newLearner = w.learnerSaved ? undefined : { name: learnerName(w.learner) };
    const saved = await store.saveStep(w.learner, w.ref.key, snapshot, entry, w.lastSeq, newLearner);
    w.learnerSaved = true;
    w.lastSeq = saved.seq;
    w.confirmedAt = performance.now();
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

  /** Records the first pass of a step; a failure only postpones it (the next grade tries again). */
  const recordPass = async (w: Live, step: string) => {
    const at = deps.now();
    try {
      await record(w, { kind: 'passed', line: `#passed ${step}`, stdout: '', stderr: '', exitCode: 0, at, step }, null);
      w.firstPassed[step] = at;
    } catch (e) {
      // Another writer went ahead: the pass is recorded by the next grade, on the workspace read anew.
      if (e instanceof StoreConflict) deps.log(`first pass of ${step} for ${w.learner} postponed: ${e.message}`);
      else storeFailure(e, `first pass of ${step} for ${w.learner}`);
    }
  };

  const gradeOf = async (w: Live): Promise<Grade | null> => {
    if (!w.lab) return null;
    if (w.graded && w.graded.seq === w.lastSeq) return w.graded.grade;
    const inputs = gradeInputs(w);
    const changed = w.graded ? changedInputs(w.graded.inputs, inputs) : null;
    // A command that changed no resource and ran nothing new (a list typed again) cannot change
    // the grade: checks read the resources, the attempt's distinct commands and the answers.
    if (w.graded && changed?.size === 0) {
      // Changed in place: a new record per command would live until the next one (old-space garbage).
      w.graded.seq = w.lastSeq;
      return w.graded.grade;
    }
    const lab = w.lab;
    // The grade before was of this lab: a lab that changes clears `graded` (labsChanged).
    const since = w.graded && changed ? { lab, result: w.graded.grade.result, changed } : undefined;
    const result = timed(w, () => grade(lab, w.state.cloud, w.attempt.commands, { answers: w.attempt.answers, since }));
    if (w.graded && result === w.graded.grade.result && result.steps.every((st) => !st.passed || w.firstPassed[st.id] !== undefined)) {
      // Every check kept its outcome: the same grade object (a terminal compares it to what it sent).
      w.graded.seq = w.lastSeq;
      w.graded.inputs = inputs;
      return w.graded.grade;
    }
    for (const st of result.steps) if (st.passed && w.firstPassed[st.id] === undefined) await recordPass(w, st.id);
    const g = { result, firstPassed: { ...w.firstPassed } };
    w.graded = { seq: w.lastSeq, grade: g, inputs };
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
  const scrollbackOf = async (w: Live): Promise<string> => {
    let entries: HistoryEntry[];
    try {
      entries = await store.history(w.learner, w.ref.key, SCROLLBACK.commands * 2);
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
      async end() {
        const r: Reply = await view(w).run(line, extended(opts ?? {}, { until: { kind: 'interrupt', after: seconds } as const }));
        const rest = { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode, prompt: r.prompt };
        // The whole run again, pure: only what the terminal has not shown yet goes back.
        return r.stdout.startsWith(streamed) ? extended(rest, { stdout: r.stdout.slice(streamed.length) }) : rest;
      },
    };
  };

  /** Runs a typed line on the workspace as it is now and records it (see Workspace.run). */
  const runOnce = async (w: Live, line: string, opts: RunOptions | undefined): Promise<Reply & { running?: Running }> => {
    if (w.gone) return goneReply(w);
    const r = timed(w, () => runLine(w.state, line, opts));
    if (r.result.internalError) deps.log(`internal error for ${w.learner}: ${r.result.internalError}`);
    const path = r.result.path;
    const reply = (s: SessionState): Reply => ({ stdout: r.result.stdout, stderr: r.result.stderr, exitCode: r.result.exitCode, prompt: prompt(s), ...(path ? { path } : {}) });
    // A blank line changes nothing and is not recorded.
    if (line.trim() === '') return reply(w.state);
    // Still running: recorded when it ends (the stderr comes then, with the rest). What it shows
    // meanwhile is of the newest version (a line is otherwise checked by its write: see fresh).
    if (r.result.follow) {
      await stillNewest(w);
      return extended(reply(w.state), { stderr: '', running: running(w, line, r.result.stdout, r.result.follow, opts) });
    }
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
    // Commit first, then reply: an acknowledged command is never lost.
    await record(w, entry, r.state);
    w.outputBytes += out.text.length + err.text.length;
    w.state = r.state;
    if (w.lab) addToAttempt(w.attempt, extended(entry, { seq: w.lastSeq }));
    return reply(w.state);
  };

  /** Answers a call of the learner's own client on the workspace as it is now (see Workspace.api). */
  const apiOnce = async (w: Live, call: ApiCall, ctx: ApiContext): Promise<Answer | null> => {
    if (w.gone) return goneAnswer(w);
    const r = timed(w, () => runApiCall(w.state, call, ctx));
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
    await record(w, entry, r.state);
    w.outputBytes += out.text.length;
    w.state = r.state;
    if (w.lab) {
      addToAttempt(w.attempt, extended(entry, { seq: w.lastSeq }));
      // Graded now, terminal or not: the course hears of a score the learner's own client earned.
      await gradeOf(w);
    }
    for (const listener of [...w.apiListeners]) {
      try {
        listener();
      } catch (e) {
        deps.log(`API write listener of ${w.learner}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
    return r.answer;
  };

  /**
   * A display setting of the page (not history): applied now when nothing is running, else after
   * what was called before it, so a command already on its way keeps the width it was sent with
   * and does not overwrite the setting when it finishes.
   */
  const display = (w: Live, change: (s: SessionState) => SessionState) => {
    if (w.pending === 0) w.state = change(w.state);
    else
      void serial(w, () => {
        w.state = change(w.state);
        return Promise.resolve();
      });
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
    recentLines: (limit) =>
      serial(w, async () => {
        try {
          // The commands among the last `limit` entries (seqs run 1…lastSeq without gaps).
          return await store.commandLines(w.learner, w.ref.key, Math.max(0, w.lastSeq - limit), w.lastSeq, limit, MAX_LINE);
        } catch (e) {
          storeFailure(e, `history of ${w.learner}`);
          return [];
        }
      }),
    run(line, opts) {
      w.lastUsed = deps.now();
      return fresh(w, 'command', () => runOnce(w, line, opts), (e) => notSaved(w, e), 'by its write');
    },
    api(call, ctx) {
      w.lastUsed = deps.now();
      return fresh(w, 'API call', () => apiOnce(w, call, ctx), () => null);
    },
    onApiWrite(listener) {
      w.apiListeners.add(listener);
      return () => w.apiListeners.delete(listener);
    },
    complete(line) {
      w.lastUsed = deps.now();
      return timed(w, () => complete(w.state, line));
    },
    resize(cols) {
      display(w, (s) => ({ ...s, columns: cols }));
    },
    fitWidth(on) {
      display(w, (s) => {
        const env = { ...s.env };
        if (on) env['CLIFF_FIT_WIDTH'] = '1';
        else delete env['CLIFF_FIT_WIDTH'];
        return { ...s, env };
      });
    },
    scrollback: () => serial(w, () => scrollbackOf(w)),
    reset() {
      const op = async (): Promise<Reply> => {
        if (w.gone) return goneReply(w);
        const started = timed(w, () => freshState(w.ref, w.learner, w.state.columns));
        const at = deps.now();
        await saveLearner(w, at);
        const saved = await store.resetSession(w.learner, w.ref.key, timed(w, () => serializeSession(started)), at, w.lastSeq);
        w.lastSeq = saved.seq;
        w.confirmedAt = performance.now();
        w.snapshotSeq = saved.seq;
        w.state = started;
        w.attempt = emptyAttempt();
        w.firstPassed = {};
        return { stdout: `Your ${w.ref.fixture} cloud is back to its starting state.\n`, stderr: '', exitCode: 0, prompt: prompt(started) };
      };
      return fresh(w, 'reset', op, (e) => notSaved(w, e));
    },
    answer(check, value) {
      const op = async (): Promise<Reply | null> => {
        if (w.gone) return goneReply(w);
        if (!w.lab) return null;
        const v = value.trim();
        await record(w, { kind: 'answer', line: `#answer ${check} ${v}`, stdout: '', stderr: '', exitCode: 0, at: deps.now(), check, value: v }, null);
        w.attempt.answers[check] = v;
        return null;
      };
      return fresh(w, 'answer', op, (e) => notSaved(w, e));
    },
    reveal(stepId) {
      const step = w.lab?.steps.find((s) => s.id === stepId);
      if (w.gone || !step) return Promise.resolve(null);
      const op = async () => {
        // Showing a solution is recorded, for the instructor.
        await record(w, { kind: 'solution', line: `#solution ${step.id}`, stdout: '', stderr: '', exitCode: 0, at: deps.now(), step: step.id }, null);
        return step.solution;
      };
      // Not recorded (the store failed): shown all the same, the learner asked for it.
      return fresh(w, 'solution shown', op, () => step.solution);
    },
    hint(stepId, n) {
      const step = w.lab?.steps.find((s) => s.id === stepId);
      if (!step || !Number.isInteger(n) || n < 1 || n > step.hints.length) return Promise.resolve(false);
      const op = async () => {
        const seen = (await store.historyOfKind(w.learner, w.ref.key, 'hint')).some((e) => e.step === step.id && e.value === String(n));
        if (!seen) await record(w, { kind: 'hint', line: `#hint ${step.id} ${n}`, stdout: '', stderr: '', exitCode: 0, at: deps.now(), step: step.id, value: String(n) }, null);
        return true;
      };
      return fresh(w, 'hint shown', op, () => true);
    },
    grade() {
      // Graded as the workspace is in memory when the store cannot say whether it is the newest.
      const op = () => (w.gone ? Promise.resolve(null) : gradeOf(w));
      return fresh(w, 'grade', op, op, 'unless just confirmed');
    },
    topology: () => timed(w, () => w.drawn(w.state)),
    topologyRows: (elementId) => timed(w, () => topologyRows(w.state, w.drawn(w.state), elementId)),
    workMs: () => w.work,
    attach() {
      w.attached += 1;
      w.lastUsed = deps.now();
    },
    detach() {
      w.attached = Math.max(0, w.attached - 1);
      w.lastUsed = deps.now();
    },
  });

  /**
   * Leaves memory at once; the store has everything (a snapshot is stored so the comeback is
   * cheap: the promise is that write, never rejected).
   */
  const evict = (k: string, w: Live): Promise<void> => {
    live.delete(k);
    if (w.lastSeq <= w.snapshotSeq) return Promise.resolve();
    return store.saveSnapshot(w.learner, w.ref.key, serializeSession(w.state), w.lastSeq, deps.now()).catch((e: unknown) => {
      // Replay rebuilds the same state from the older snapshot; this one only saves time.
      if (e instanceof StoreError) storeFailure(e, `snapshot before eviction of ${w.learner}`);
      else deps.log(`snapshot before eviction of ${w.learner}: ${e instanceof Error ? e.message : String(e)}`);
    });
  };

  /** In use: a terminal is open on it or an operation is queued or running. */
  const busy = (w: Live) => w.attached > 0 || w.pending > 0;

  /** Live workspaces follow a reload of the labs (see Workspaces.labsChanged). */
  const labsChanged: Workspaces['labsChanged'] = (change) => {
    const labs = new Map(deps.labs().map((l) => [l.id, l]));
    for (const [k, w] of [...live]) {
      const id = w.ref.lab?.id;
      if (id === undefined) continue;
      const lab = labs.get(id);
      if (change.removed.includes(id) || !lab) {
        if (busy(w)) w.gone = true;
        else void evict(k, w);
      } else if (change.changed.includes(id) || (w.gone && change.added.includes(id))) {
        // The same history, graded with the new checks; the cloud stays as the learner left it.
        w.ref = { ...w.ref, fixture: lab.fixture, lab };
        w.lab = labFor(lab, w.learner);
        w.graded = null;
        w.gone = false;
      }
    }
  };

  /** Reads a workspace into memory, once however many open it at the same time. */
  const loadOnce = (k: string, learner: string, ref: WorkspaceRef): Promise<Live> => {
    const pending = loading.get(k);
    if (pending) return pending;
    const p = (async () => {
      try {
        const w = await load(learner, ref);
        if (live.size >= limits.maxLive) void api.evictIdle();
        live.set(k, w);
        return w;
      } finally {
        loading.delete(k);
      }
    })();
    loading.set(k, p);
    return p;
  };

  const api: Workspaces = {
    parse: (key) => parseWorkspace(key, deps.labs()),
    async open(learner, ref) {
      const k = mapKey(learner, ref.key);
      const w = live.get(k);
      if (!w) return view(await loadOnce(k, learner, ref));
      // Another process may have served this learner meanwhile: the page shows the newest.
      if (shared) await serial(w, () => catchUp(w));
      return view(w);
    },
    async evictIdle() {
      const now = deps.now();
      const leaving: Array<Promise<void>> = [];
      for (const [k, w] of live) {
        if (!busy(w) && now - w.lastUsed >= limits.idleMs) leaving.push(evict(k, w));
      }
      // Over the ceiling: the least recently used unattached ones go too (Map order is insertion
      // order, not use, so sort the few candidates).
      if (live.size >= limits.maxLive) {
        const idle = [...live].filter(([, w]) => !busy(w)).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
        for (const [k, w] of idle.slice(0, live.size - limits.maxLive + 1)) leaving.push(evict(k, w));
      }
      await Promise.all(leaving);
      return leaving.length;
    },
    liveCount: () => live.size,
    labsChanged,
  };
  return api;
}
