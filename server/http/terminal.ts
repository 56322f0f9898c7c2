/**
 * The terminal socket: WebSocket messages in, the workspace's replies out. Each learner has a
 * message rate, a time budget and a number of terminals; each terminal's messages wait in a
 * queue and run one at a time, in order, each starting on a later turn of the event loop than the
 * previous one ended, so a learner's burst interleaves with everyone else's messages instead of
 * holding the loop. Nothing here throws.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { parseClientMessage, type ClientMessage, type ServerMessage } from './protocol.js';
import { counter, learnerBudget, type Buckets, type Counter, type LearnerBudget } from './limits.js';
import { StoreError } from '../store/types.js';
import type { Reply, Running, Topology, Workspace, WorkspaceRef, Workspaces } from '../workspace/index.js';
import { learnerGrade } from '../labs/index.js';

/** Messages waiting in one terminal's queue at most. */
const MAX_QUEUED = 100;
/** Terminals one learner may have open at once. */
export const MAX_TERMINALS = 8;

const TOO_MANY = 'stacklab: too many commands at once: this one was not run. Slow down.\n';
const TOO_BUSY =
  'stacklab: the server is still busy with your earlier commands; this one was not run. Wait a moment and try again.\n';


export interface Terminals {
  /** Serves one upgraded socket for a learner's workspace. */
  attach(sock: WebSocket, learner: string, ref: WorkspaceRef): void;
}

/** What every terminal shares: the workspaces, the log and the learners' limits. */
interface Shared {
  spaces: Workspaces;
  /** Milliseconds of real time per second of a running line (a ping's replies come one per second). */
  secondMs: number;
  log: (m: string) => void;
  messages: Buckets;
  work: Buckets;
  open: Counter;
}

/** `budget`: the learners' rate and time budget, shared with their API calls (server/http/openstack). */
export function terminals(spaces: Workspaces, log: (m: string) => void, opts: { secondMs?: number; budget?: LearnerBudget } = {}): Terminals {
  const budget = opts.budget ?? learnerBudget();
  const shared: Shared = {
    spaces,
    secondMs: opts.secondMs ?? 1000,
    log,
    messages: budget.calls,
    work: budget.work,
    open: counter(MAX_TERMINALS),
  };
  return { attach: (sock, learner, ref) => attach(shared, sock, learner, ref) };
}

/**
 * Opens the workspace, or tells the learner why not and closes the socket (null). A socket closed
 * while the workspace was being read gets nothing and holds nothing.
 */
async function openFor(
  x: Shared,
  sock: WebSocket,
  send: (m: ServerMessage) => void,
  learner: string,
  ref: WorkspaceRef,
): Promise<Workspace | null> {
  if (!x.open.acquire(learner)) {
    send({
      t: 'error',
      message: `You have ${MAX_TERMINALS} terminals open already: close one (another tab) and reload.`,
    });
    sock.close(1008, 'too many terminals');
    return null;
  }
  try {
    const w = await x.spaces.open(learner, ref);
    if (sock.readyState !== sock.OPEN) {
      x.open.release(learner);
      return null;
    }
    w.attach();
    sock.on('close', () => {
      x.open.release(learner);
      w.detach();
    });
    return w;
  } catch (e) {
    x.open.release(learner);
    x.log(
      `opening ${ref.key} for ${learner}: ${e instanceof StoreError ? `${e.code} ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    send({
      t: 'error',
      message: `Your workspace cannot be opened right now: ${e instanceof StoreError ? e.message : 'an internal error'}. Try again in a moment.`,
    });
    sock.close(1011, 'workspace unavailable');
    return null;
  }
}

/** The first message of a socket: the prompt, ↑ history, which workspace, and the scrollback to write again. */
async function hello(w: Workspace, learner: string, ref: WorkspaceRef): Promise<ServerMessage> {
  const history = await w.recentLines(500);
  const scrollback = await w.scrollback();
  return { t: 'hello', prompt: w.prompt(), history, workspace: ref.key, fixture: ref.fixture, learner, scrollback };
}

type MessageListener = (data: WebSocket.RawData, isBinary: boolean) => void;

/**
 * Serves one socket: the workspace is opened, then hello, then each message through the
 * learner's limits and this terminal's queue. Messages sent while the workspace is being opened
 * wait for it (at most a queue's worth), in order.
 */
function attach(x: Shared, sock: WebSocket, learner: string, ref: WorkspaceRef): void {
  const send = (m: ServerMessage) => {
    if (sock.readyState === sock.OPEN) sock.send(JSON.stringify(m));
  };
  const early: Array<[WebSocket.RawData, boolean]> = [];
  let onMessage: MessageListener = (data, isBinary) => {
    if (early.length < MAX_QUEUED) early.push([data, isBinary]);
    else send({ t: 'error', message: 'Too many messages: slow down.' });
  };
  sock.on('message', (data, isBinary) => onMessage(data, isBinary));
  openFor(x, sock, send, learner, ref)
    .then(async (w) => {
      if (!w) return;
      const serveMessage = await serve(x, sock, w, { learner, ref, send });
      onMessage = serveMessage;
      for (const [data, isBinary] of early.splice(0)) serveMessage(data, isBinary);
    })
    .catch((e: unknown) => {
      // A bug (openFor answers the store's failures itself): logged; the page reconnects.
      x.log(`terminal of ${learner} in ${ref.key}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      sock.close(1011, 'internal error');
    });
}

/** Sends hello, the topology and the grade; returns what handles each later message of the socket. */
async function serve(
  x: Shared,
  sock: WebSocket,
  w: Workspace,
  at: { learner: string; ref: WorkspaceRef; send: (m: ServerMessage) => void },
): Promise<MessageListener> {
  const { learner, ref, send } = at;
  /** A line refused before it ran: its result only (the cloud is as it was). */
  const refuse = (r: Reply) => send({ t: 'result', ...r });
  const pushTopology = topologyPusher(x, w, sock, { learner, ref, send });
  /** A command's result, then the topology if the command changed it, then the path it traced. */
  const reply = (r: Reply) => {
    const { path, ...result } = r;
    send({ t: 'result', ...result });
    pushTopology();
    if (path) send({ t: 'path', path });
  };
  // The grade goes out when it differs from the one this page has: most commands change no step,
  // and a lab class then costs a sandbox's one message (and one socket write) per command.
  let lastGrade = '';
  let lastGraded: unknown = null;
  const pushGrade = async () => {
    const g = await w.grade();
    // The same grade object as last time (nothing it reads changed) is not serialised again.
    if (!g || g === lastGraded || sock.readyState !== sock.OPEN) return;
    lastGraded = g;
    const text = JSON.stringify({ t: 'grade', result: learnerGrade(g.result), firstPassed: g.firstPassed } satisfies ServerMessage);
    const sent = digest(text);
    if (sent === lastGrade) return;
    lastGrade = sent;
    sock.send(text);
  };
  const failed = bugReporter(x, learner, ref, w, send);
  send(await hello(w, learner, ref));
  pushTopology();
  await pushGrade();
  // The learner's own client changed the cloud through the APIs: the page shows it at once.
  const stopListening = w.onApiWrite(() => {
    pushTopology();
    pushGrade().catch((e: unknown) => failed({ t: 'interrupt' }, e));
  });
  sock.on('close', stopListening);

  /**
   * Runs one message for the workspace, paid from the learner's time budget: the work the server
   * did for it (its command, grade, completion: Workspace.workMs), not the wall time until it was
   * answered, which on a busy server is mostly other learners' work and the store's turn.
   */
  const handle = async (msg: ClientMessage, follow: (r: Running) => void) => {
    if (
      (msg.t === 'line' || msg.t === 'complete' || msg.t === 'reset') &&
      !x.work.positive(learner, Date.now())
    ) {
      if (msg.t !== 'complete')
        refuse({ stdout: '', stderr: TOO_BUSY, exitCode: 1, prompt: w.prompt() });
      return;
    }
    const before = w.workMs();
    try {
      await dispatch(w, msg, { send, reply, pushGrade, follow });
    } finally {
      x.work.charge(learner, Date.now(), w.workMs() - before);
    }
  };
  // A line left running (ping until Ctrl-C) holds this terminal's queue: what the learner types
  // meanwhile waits, as typeahead waits in a real terminal, and runs after it.
  const runner = lineRunner(x, learner, { send, reply, pushGrade, failed }, () => queue.kick());
  sock.on('close', () => runner.stop(false));
  const queue = serialQueue(
    (msg: ClientMessage) => handle(msg, runner.follow),
    failed,
    () => sock.readyState === sock.OPEN,
    runner.busy,
  );

  return messageListener(x, learner, w, { send, refuse, queue, stop: runner.stop });
}

/** Each message of a socket: parsed, paid from the learner's message rate, then Ctrl-C at once or the queue. */
function messageListener(
  x: Shared,
  learner: string,
  w: Workspace,
  out: {
    send: (m: ServerMessage) => void;
    refuse: (r: Reply) => void;
    queue: { size(): number; push(msg: ClientMessage): void };
    stop: (show: boolean) => void;
  },
): MessageListener {
  const { send, refuse, queue } = out;
  return (data, isBinary) => {
    const msg = isBinary ? null : parseClientMessage(data.toString());
    if (!msg) {
      send({ t: 'error', message: 'Unrecognised message.' });
      return;
    }
    if (!x.messages.take(learner, Date.now()) || queue.size() >= MAX_QUEUED) {
      // A line always gets a result, so the terminal gives its prompt back.
      if (msg.t === 'line')
        refuse({ stdout: '', stderr: TOO_MANY, exitCode: 1, prompt: w.prompt() });
      else send({ t: 'error', message: 'Too many messages: slow down.' });
      return;
    }
    // Ctrl-C does not wait in the queue (what it stops holds the queue); with nothing running it does nothing.
    if (msg.t === 'interrupt') out.stop(true);
    else queue.push(msg);
  };
}

/**
 * Sends the workspace's topology when it differs from the last one this socket sent (the
 * serialised message is the comparison: a command that changes nothing sends nothing); never in
 * a lab whose front matter hides the view. A bug in it is logged with an id and the learner
 * told; the terminal goes on (the view is an aid).
 */
/**
 * What a terminal keeps of a message it sent, to tell whether the next one is the same: a digest,
 * not the text (a topology is kilobytes, kept for every open terminal of a class).
 */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

function topologyPusher(
  x: Shared,
  w: Workspace,
  sock: WebSocket,
  at: { learner: string; ref: WorkspaceRef; send: (m: ServerMessage) => void },
): () => void {
  if (w.lab?.topology === false) return () => {};
  let last: { topology: Topology | null; sent: string } = { topology: null, sent: '' };
  return () => {
    let topology: Topology;
    try {
      topology = w.topology();
    } catch (e) {
      const id = randomBytes(4).toString('hex');
      x.log(`error ${id} for ${at.learner} in ${at.ref.key}: topology: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      at.send({ t: 'error', message: `Internal error ${id}: the topology view could not be updated. Your cloud is unchanged.` });
      return;
    }
    // The workspace gives the same object back while its resources are the same.
    if (topology === last.topology || sock.readyState !== sock.OPEN) return;
    const text = JSON.stringify({ t: 'topology', topology } satisfies ServerMessage);
    const sent = digest(text);
    const changed = sent !== last.sent;
    last = { topology, sent };
    if (changed) sock.send(text);
  };
}

/** What a bug in Stacklab does to a message: logged with an id, the learner told; the server and the session go on. */
function bugReporter(x: Shared, learner: string, ref: WorkspaceRef, w: Workspace, send: (m: ServerMessage) => void) {
  return (msg: ClientMessage, e: unknown) => {
    const id = randomBytes(4).toString('hex');
    x.log(`error ${id} for ${learner} in ${ref.key}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    if (msg.t === 'line') {
      send({
        t: 'result',
        stdout: '',
        stderr: `stacklab: internal error ${id}: this command could not be handled. Your cloud is unchanged.\n`,
        exitCode: 70,
        prompt: w.prompt(),
      });
    } else send({ t: 'error', message: `Internal error ${id}: that message could not be handled. Your cloud is unchanged.` });
  };
}

/**
 * The line left running on a terminal (a ping until Ctrl-C): one second of it per tick of
 * `x.secondMs`, each paid from the learner's time budget (none left: that second prints nothing),
 * until `stop` (Ctrl-C, the cap, or the socket closed: then nothing is sent); `kick` lets the
 * terminal's queue go on.
 */
function lineRunner(
  x: Shared,
  learner: string,
  out: { send: (m: ServerMessage) => void; reply: (r: Reply) => void; pushGrade: () => Promise<void>; failed: (msg: ClientMessage, e: unknown) => void },
  kick: () => void,
) {
  let running: { run: Running; timer: NodeJS.Timeout } | null = null;
  /** The running line is being recorded: the queue still waits, for its result to go first. */
  let ending = false;
  /** Runs `f` paid from the budget; a bug in it ends the running line unrecorded, and says so. */
  const paid = async (f: () => void | Promise<void>) => {
    const started = performance.now();
    try {
      await f();
    } catch (e) {
      if (running) done(running);
      out.failed({ t: 'line', line: '' }, e);
    } finally {
      x.work.charge(learner, Date.now(), performance.now() - started);
    }
  };
  const done = (r: NonNullable<typeof running>) => {
    clearInterval(r.timer);
    running = null;
    kick();
  };
  const stop = (show: boolean) => {
    const r = running;
    if (!r || ending) return;
    clearInterval(r.timer);
    ending = true;
    void paid(async () => {
      try {
        const res = await r.run.end();
        if (show) {
          out.reply(res);
          await out.pushGrade();
        }
      } finally {
        // The queue goes on on a later turn, after this line's result.
        ending = false;
        done(r);
      }
    });
  };
  const tick = () => {
    const r = running;
    if (!r || ending || !x.work.positive(learner, Date.now())) return;
    void paid(() => {
      const text = r.run.tick();
      if (text === null) stop(true);
      else if (text !== '') out.send({ t: 'output', stdout: text });
    });
  };
  return {
    follow(run: Running) {
      // The listening socket keeps the server up; a running ping alone never holds a shutdown.
      running = { run, timer: setInterval(tick, x.secondMs).unref() };
    },
    stop,
    busy: () => running !== null || ending,
  };
}

/** What each message does to the workspace, and what goes back. */
async function dispatch(
  w: Workspace,
  msg: ClientMessage,
  out: {
    send: (m: ServerMessage) => void;
    reply: (r: Reply) => void;
    pushGrade: () => Promise<void>;
    /** Keeps a line running: one more second of it per tick, until Ctrl-C. */
    follow: (r: Running) => void;
  },
): Promise<void> {
  const { send, reply, pushGrade } = out;
  switch (msg.t) {
    case 'resize':
      w.resize(msg.cols);
      return;
    case 'options':
      w.fitWidth(msg.fitWidth);
      return;
    case 'details':
      // Only what the learner's own topology draws: another learner's or project's ids answer null.
      if (w.lab?.topology !== false) send({ t: 'details', id: msg.id, rows: w.topologyRows(msg.id) });
      return;
    case 'complete':
      send({ t: 'completion', ...w.complete(msg.line) });
      return;
    case 'solution': {
      const lines = await w.reveal(msg.step);
      if (lines) send({ t: 'solution', step: msg.step, lines });
      return;
    }
    case 'hint':
      // Nothing to answer: the page shows the hint itself; a hint the lab does not have is ignored.
      await w.hint(msg.step, msg.n);
      return;
    case 'answer': {
      const failed = await w.answer(msg.check, msg.value);
      if (failed) reply(failed);
      await pushGrade();
      return;
    }
    case 'reset':
      reply(await w.reset());
      await pushGrade();
      return;
    case 'interrupt':
      return;
    case 'line': {
      const { running, ...r } = await w.run(msg.line, { tty: true, until: { kind: 'stream' } });
      if (running) {
        send({ t: 'output', stdout: r.stdout });
        out.follow(running);
        return;
      }
      reply(r);
      await pushGrade();
      return;
    }
  }
}

/**
 * A FIFO that runs one item at a time, each on a later turn of the event loop (setImmediate) than
 * the previous one finished, while `alive()` and not `blocked()` (then `kick` when it is not).
 * Once the socket is closed, what still waits is dropped (the item running finishes: its write
 * is the learner's command).
 */
function serialQueue<T>(
  run: (item: T) => Promise<void>,
  failed: (item: T, e: unknown) => void,
  alive: () => boolean,
  blocked: () => boolean,
) {
  const items: T[] = [];
  let scheduled = false;
  let busy = false;
  const schedule = () => {
    if (scheduled || busy || items.length === 0) return;
    scheduled = true;
    setImmediate(drain);
  };
  const drain = () => {
    scheduled = false;
    if (busy || blocked()) return;
    if (!alive()) {
      items.length = 0;
      return;
    }
    const item = items.shift();
    if (item === undefined) return;
    busy = true;
    run(item)
      .catch((e: unknown) => failed(item, e))
      .finally(() => {
        busy = false;
        schedule();
      })
      .catch(() => {});
  };
  return {
    push(item: T) {
      items.push(item);
      schedule();
    },
    size: () => items.length,
    kick: schedule,
  };
}
