/**
 * The terminal socket: WebSocket messages in, the workspace's replies out. Each learner has a
 * message rate, a time budget and a number of terminals; each terminal's messages wait in a
 * queue and run one per turn of the event loop, so a learner's burst interleaves with everyone
 * else's messages instead of holding the loop. Nothing here throws.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { parseClientMessage, type ClientMessage, type ServerMessage } from './protocol.js';
import { buckets, counter, type Buckets, type Counter } from './limits.js';
import { StoreError } from '../store/types.js';
import type { Reply, Workspace, WorkspaceRef, Workspaces } from '../workspace/index.js';

/** Messages a learner may send per second (sustained) and in a burst, over all their terminals. */
const MESSAGES = { rate: 20, burst: 60 };
/** Milliseconds of server time a learner's commands may use per second, and in a burst. */
const WORK_MS = { rate: 250, burst: 500 };
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
  log: (m: string) => void;
  messages: Buckets;
  work: Buckets;
  open: Counter;
}

export function terminals(spaces: Workspaces, log: (m: string) => void): Terminals {
  const shared: Shared = {
    spaces,
    log,
    messages: buckets({ ...MESSAGES, maxKeys: 100_000 }),
    work: buckets({ ...WORK_MS, maxKeys: 100_000 }),
    open: counter(MAX_TERMINALS),
  };
  return { attach: (sock, learner, ref) => attach(shared, sock, learner, ref) };
}

/** Opens the workspace, or tells the learner why not and closes the socket. */
function openFor(
  x: Shared,
  sock: WebSocket,
  send: (m: ServerMessage) => void,
  learner: string,
  ref: WorkspaceRef,
): Workspace | null {
  if (!x.open.acquire(learner)) {
    send({
      t: 'error',
      message: `You have ${MAX_TERMINALS} terminals open already: close one (another tab) and reload.`,
    });
    sock.close(1008, 'too many terminals');
    return null;
  }
  try {
    const w = x.spaces.open(learner, ref);
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

/** Serves one socket: hello, then each message through the learner's limits and this terminal's queue. */
function attach(x: Shared, sock: WebSocket, learner: string, ref: WorkspaceRef): void {
  const send = (m: ServerMessage) => {
    if (sock.readyState === sock.OPEN) sock.send(JSON.stringify(m));
  };
  const w = openFor(x, sock, send, learner, ref);
  if (!w) return;
  const reply = (r: Reply) => send({ t: 'result', ...r });
  const pushGrade = () => {
    const g = w.grade();
    if (g) send({ t: 'grade', result: g.result, firstPassed: g.firstPassed });
  };
  send({
    t: 'hello',
    prompt: w.prompt(),
    history: w.recentLines(500),
    workspace: ref.key,
    fixture: ref.fixture,
    learner,
  });
  pushGrade();

  /** Runs one message for the workspace, paid from the learner's time budget. */
  const handle = (msg: ClientMessage) => {
    if (
      (msg.t === 'line' || msg.t === 'complete' || msg.t === 'reset') &&
      !x.work.positive(learner, Date.now())
    ) {
      if (msg.t !== 'complete')
        reply({ stdout: '', stderr: TOO_BUSY, exitCode: 1, prompt: w.prompt() });
      return;
    }
    const started = performance.now();
    try {
      dispatch(w, msg, send, reply, pushGrade);
    } finally {
      x.work.charge(learner, Date.now(), performance.now() - started);
    }
  };
  const failed = (msg: ClientMessage, e: unknown) => {
    // A bug in Stacklab: logged with an id, the learner told, the server and the session go on.
    const id = randomBytes(4).toString('hex');
    x.log(
      `error ${id} for ${learner} in ${ref.key}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    if (msg.t === 'line')
      reply({
        stdout: '',
        stderr: `stacklab: internal error ${id}: this command could not be handled. Your cloud is unchanged.\n`,
        exitCode: 70,
        prompt: w.prompt(),
      });
    else
      send({
        t: 'error',
        message: `Internal error ${id}: that message could not be handled. Your cloud is unchanged.`,
      });
  };
  const queue = serialQueue(handle, failed, () => sock.readyState === sock.OPEN);

  sock.on('message', (data, isBinary) => {
    const msg = isBinary ? null : parseClientMessage(data.toString());
    if (!msg) {
      send({ t: 'error', message: 'Unrecognised message.' });
      return;
    }
    if (!x.messages.take(learner, Date.now()) || queue.size() >= MAX_QUEUED) {
      // A line always gets a result, so the terminal gives its prompt back.
      if (msg.t === 'line')
        reply({ stdout: '', stderr: TOO_MANY, exitCode: 1, prompt: w.prompt() });
      else send({ t: 'error', message: 'Too many messages: slow down.' });
      return;
    }
    queue.push(msg);
  });
}

/** What each message does to the workspace, and what goes back. */
function dispatch(
  w: Workspace,
  msg: ClientMessage,
  send: (m: ServerMessage) => void,
  reply: (r: Reply) => void,
  pushGrade: () => void,
): void {
  switch (msg.t) {
    case 'resize':
      w.resize(msg.cols);
      return;
    case 'complete':
      send({ t: 'completion', ...w.complete(msg.line) });
      return;
    case 'solution': {
      const lines = w.reveal(msg.step);
      if (lines) send({ t: 'solution', step: msg.step, lines });
      return;
    }
    case 'answer': {
      const failed = w.answer(msg.check, msg.value);
      if (failed) reply(failed);
      pushGrade();
      return;
    }
    case 'reset':
      reply(w.reset());
      pushGrade();
      return;
    case 'line':
      reply(w.run(msg.line));
      pushGrade();
      return;
  }
}

/** A FIFO that runs one item per turn of the event loop (setImmediate), while `alive()`. */
function serialQueue<T>(
  run: (item: T) => void,
  failed: (item: T, e: unknown) => void,
  alive: () => boolean,
) {
  const items: T[] = [];
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    const item = items.shift();
    if (item === undefined || !alive()) return;
    try {
      run(item);
    } catch (e) {
      failed(item, e);
    }
    if (items.length > 0) {
      scheduled = true;
      setImmediate(drain);
    }
  };
  return {
    push(item: T) {
      items.push(item);
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    },
    size: () => items.length,
  };
}
