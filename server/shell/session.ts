/**
 * A learner's terminal session: the cloud, shell variables, the host the terminal is on and
 * the history. `runLine` is a pure step: it returns a new state and leaves the old one intact,
 * so the caller can persist the new state or drop it.
 */
import { extended, ownValue, setOwn } from '../sim/objects.js';
import { visibleText } from '../render/terminal.js';
import { hashSeed } from '../sim/rng.js';
import type { Cloud } from '../sim/model/cloud.js';
import { settle } from '../sim/ops/server.js';
import { octaviaPending, settleOctavia } from '../sim/ops/octavia/lifecycle.js';
import { copyRoot, draftCloud, finishDraft, shareAll } from '../sim/clone.js';
import { runOpenstack } from '../cli/openstack/index.js';
import { runNeutron } from '../cli/neutron/index.js';
import { runNova } from '../cli/nova/index.js';
import { hostCommands, promptFor, runOnHost, startHost, type Follow, type Until } from '../cli/linux/index.js';
import { assignmentName, expandWord, parseLine, ParseError, tildeExpanded, type Word } from './words.js';
import { fixtureCloud, fixtureNames as listFixtures, fixtureSpec } from './fixtures.js';
import { completeLine } from './complete.js';
import { FILTERS, runFilter } from './filters.js';
import {
  argumentsCost,
  Budget,
  countsCost,
  COST,
  cutOutput,
  LimitError,
  LIMITS,
  stoppedMessage,
  variableProblem,
  variableStats,
  type VariableStats,
} from './limits.js';
import type { CommandOutput } from '../render/output.js';
import type { PacketPath } from '../sim/api/packet-path.js';
import { runStacklab } from '../cli/linux/stacklab-trace.js';
import { ShellHistory } from './history.js';
import { parseSu, parseSudo } from './sudo.js';
import { hasShell, homeOf, hostEntry, knownUser, readFrame, readHostEntry, shellFrame, splitEntry, withCwd, type ShellFrame } from './shells.js';
import { facts, list, pathKind, resolvePath } from '../cli/linux/tree.js';
import { loginUserOn, type FileRead, type HostCtx } from '../cli/linux/host.js';
import { readHostFile } from '../cli/linux/tree.js';
import { derivedLaptopKey } from '../cli/linux/ssh-keys.js';
import { portById } from '../sim/index.js';

export interface CommandResult extends CommandOutput {
  /** Set when a bug in Stacklab stopped the command: the stack, for the server log (never shown). */
  internalError?: string;
}

/** What runLine returns for a line: its output, and what it ran. */
export interface LineResult extends CommandResult {
  /**
   * The argv (after expansion, assignments taken off) of every simple command the line started,
   * in order, those in `$(…)` included; not those `&&`/`||` skipped, nor pure assignments. Empty
   * when an internal error discarded the line.
   */
  ran: string[][];
  /** RunOptions.until stream: the line's command goes on (ping without a count); see Follow. */
  follow?: Follow;
  /** The path the line's last `stacklab trace` explained, for the page to highlight. */
  path?: PacketPath;
}

/** How a line runs: on a terminal or not, and how a command that runs until Ctrl-C ends. */
export interface RunOptions {
  /** Its output goes to a terminal (colours where the real tools use them on a tty). Default false. */
  tty?: boolean;
  /**
   * How a ping without a count ends when it is the line's only command (default: at the cap, as
   * if interrupted; in a pipeline, a list or `$(…)` it always does).
   */
  until?: Until;
}

export interface SessionState {
  version: 1;
  fixture: string;
  seed: number;
  cloud: Cloud;
  /** Shell variables (exported or not: the emulated shell does not distinguish). */
  env: Record<string, string>;
  host: string;
  /** What `exit` goes back to, most recent last: hosts left with ssh, shells sudo or su started (see shells.ts). */
  hostStack?: string[];
  /** Typed lines, for the `history` builtin (a persistent chain: see history.ts). */
  history: ShellHistory;
  lastExit: number;
  /** Terminal width, for tools that fit their output to it. */
  columns: number;
  /** known_hosts entries ssh added this session (`FROM ADDRESS`): it warns the first time only. */
  knownHosts?: string[];
  /** The shell's working directory after a `cd` (absent: where the shell started; see cwdOf). */
  cwd?: string;
}

export const MAX_LINE = LIMITS.line;
export { PING_CAP } from '../cli/linux/ping.js';
const MAX_SUBST_DEPTH = 8;
/** known_hosts entries kept (the oldest are forgotten: ssh would warn again, nothing worse). */
const MAX_KNOWN_HOSTS = 256;

export function fixtureNames(): string[] {
  return listFixtures();
}

/** The machines of a fixture a terminal can be on (VMs come and go with the cloud). */
export function fixtureHosts(fixture: string): string[] {
  const spec = fixtureSpec(fixture);
  return spec.hosts ?? [spec.startHost ?? 'laptop'];
}

export function createSession(opts: { fixture: string; seed?: number; columns?: number; host?: string }): SessionState {
  const seed = opts.seed ?? 1;
  const spec = fixtureSpec(opts.fixture);
  if (opts.host !== undefined && !fixtureHosts(opts.fixture).includes(opts.host)) {
    throw new Error(`fixture '${opts.fixture}' has no host '${opts.host}' (hosts: ${fixtureHosts(opts.fixture).join(', ')})`);
  }
  const cloud = fixtureCloud(opts.fixture, seed);
  return {
    version: 1,
    fixture: opts.fixture,
    seed,
    cloud,
    // HOME, USER and LOGNAME are the shell's user's (identityVar), not fixed here.
    env: {
      OS_CLOUD: spec.name,
      OS_PROJECT_NAME: cloud.projects.find((p) => p.id === cloud.auth.projectId)?.name ?? '',
      OS_USERNAME: spec.learner.user,
      OS_REGION_NAME: 'RegionOne',
    },
    host: opts.host ?? startHost(spec.startHost),
    hostStack: [],
    history: ShellHistory.EMPTY,
    lastExit: 0,
    columns: opts.columns ?? 80,
  };
}

/** Who logged in to the terminal's host (a `sudo -i` on it aside). */
function loginUser(s: SessionState): string {
  return loginUserOn(s.cloud, s.host);
}

/** The shell `sudo -i`/`sudo -s`/`su` started on this host, if the terminal is in one. */
function topFrame(s: SessionState): ShellFrame | null {
  const stack = s.hostStack;
  return stack && stack.length > 0 ? readFrame(stack[stack.length - 1]) : null;
}

/** Who the terminal's shell runs as. */
function userOf(s: SessionState): string {
  return topFrame(s)?.user ?? loginUser(s);
}

/** The shell's working directory: where `cd` went, else the login user's home, a login shell's user's, or where `sudo -s` started. */
function cwdOf(s: SessionState): string {
  if (s.cwd !== undefined) return s.cwd;
  const stack = s.hostStack ?? [];
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = readFrame(stack[i]);
    if (f === null) break;
    if (f.login) return homeOf(f.user);
  }
  return homeOf(loginUser(s));
}

function hostName(s: SessionState): string {
  if (s.host.startsWith('amp:')) return `amphora-${s.host.slice(4)}`;
  if (!s.host.startsWith('vm:')) return s.host;
  return s.cloud.servers.find((v) => `vm:${v.id}` === s.host)?.name ?? s.host;
}

/** What ssh names when the connection closes: a VM by name, an amphora by the address ssh was given. */
function closedName(s: SessionState, left: string): string {
  if (left.startsWith('amp:')) return s.cloud.octavia?.amphorae.find((a) => `amp:${a.id}` === left)?.lbNetworkIp ?? left;
  return left.startsWith('vm:') ? (s.cloud.servers.find((v) => `vm:${v.id}` === left)?.name ?? left) : left;
}

export function prompt(s: SessionState): string {
  const base = s.host === 'laptop' ? `${loginUser(s)}@laptop:~$ ` : promptFor(s.cloud, s.host);
  const frame = topFrame(s);
  if (frame === null && s.cwd === undefined) return base;
  // Debian's and Ubuntu's PS1 (\u@\h:\w\$): the directory relative to the user's home.
  const user = frame?.user ?? base.slice(0, base.indexOf('@'));
  const host = base.slice(base.indexOf('@') + 1, base.lastIndexOf(':'));
  const cwd = cwdOf(s);
  const home = homeOf(user);
  const dir = cwd === home ? '~' : cwd.startsWith(`${home}/`) ? `~${cwd.slice(home.length)}` : cwd;
  return `${user}@${host}:${dir}${user === 'root' ? '#' : '$'} `;
}

/** What the commands of one line share, those in `$(…)` included. */
interface LineRun {
  budget: Budget;
  /** The line's output goes to a terminal (the web terminal), not to a script's transcript. */
  tty: boolean;
  /** How the line's only command ends if it runs until interrupted (see RunOptions). */
  until: Until;
  /** Seconds of simulated time the commands took beyond the line's own tick. */
  elapsed: number;
  follow?: Follow;
  /** The last path a `stacklab trace` of the line explained. */
  path?: PacketPath;
  ran: string[][];
  /** How many variables there are and their size, counted when first needed. */
  vars: VariableStats | null;
  /** Whether the line's state has its own copy of the variables yet (made by the first assignment). */
  envOwned: boolean;
  /** The status of the last `$(…)` the command being expanded ran (null: none yet). */
  substituted: number | null;
  /** `NAME=value` words before the command running: in its environment only (`OS_CLOUD=x openstack …`). */
  commandEnv: Record<string, string> | null;
}

interface Exec {
  state: SessionState;
  depth: number;
  /** stderr of `$(…)` substitutions: bash lets it through to the terminal. */
  substErr: string[];
  /** The command running is the typed line's only one (no pipe, list or `$(…)` around it). */
  alone?: boolean;
  /** The command runs under `sudo` as this user (as root, a host's root-only files open). */
  asUser?: string;
  line: LineRun;
}

/**
 * `x` for a command run with another depth, place or user, written field by field: an object
 * spread followed by a key (`{ ...x, alone }`) gets a map of its own on Node 20, left in the old
 * generation for every command of every line (see sim/objects.ts). Every Exec has one shape.
 */
function execAs(x: Exec, depth: number, alone: boolean | undefined, asUser: string | undefined): Exec {
  return { state: x.state, depth, substErr: x.substErr, alone, asUser, line: x.line };
}

/** Builtins of bash that are no program on disk: what sudo cannot run. */
const SHELL_ONLY = new Set(['cd', 'export', 'unset', 'history', 'exit', 'logout', 'help']);
const BUILTINS = ['echo', 'export', 'unset', 'true', 'false', 'clear', 'history', 'hostname', 'whoami', 'pwd', 'cd', 'env', 'help', 'sudo', 'su', 'stacklab', 'openstack', 'neutron', 'nova', 'exit', ...FILTERS];

/** Shells within shells (ssh, sudo -i, su) one terminal may stack; a deeper one is refused. */
const MAX_NESTED_SHELLS = 32;
const TOO_DEEP = `stacklab: too many shells within shells (limit: ${MAX_NESTED_SHELLS}); type exit to leave one\n`;

/**
 * `sudo …`: runs a command as root (or -u USER), or starts a shell as that user (-i, -s). Every
 * learner may run anything, without a password. `sudo sudo …` is unwrapped at once: no
 * recursion, one copy of the arguments.
 */
function sudo(x: Exec, args: string[], input: string | null, tty: boolean): CommandResult {
  const s = x.state;
  let r = parseSudo(args, loginUser(s), s.columns);
  // `sudo sudo -u X …`: the last sudo decides (each one's words read once, no recursion).
  while (r.kind === 'run' && r.argv[0] === 'sudo' && !r.viaShell) r = parseSudo(r.argv.slice(1), loginUser(s), s.columns);
  switch (r.kind) {
    case 'fail':
      return { stdout: '', stderr: r.stderr, exitCode: r.exitCode };
    case 'help':
      return ok(r.stdout);
    case 'quiet':
      return ok();
    case 'shell':
      // -s runs the shell of the one who typed it ($SHELL, bash); -i the user's login shell.
      return enterShell(x, r.user, r.login, !r.login, 'sudo: unable to change directory to');
    case 'run': {
      const name = r.argv[0] as string;
      if (SHELL_ONLY.has(name)) {
        // sudo runs programs: the shell's own builtins have none (cd, export, exit, …); with -i
        // or -s the user's shell runs them, and its changes end with it.
        if (!r.viaShell) return { stdout: '', stderr: `sudo: ${name}: command not found\n`, exitCode: 1 };
        return inUserShell(x, r.user, r.login === true, r.argv);
      }
      return runArgv(execAs(x, x.depth, x.alone, r.user), r.argv, input, tty);
    }
  }
}

/**
 * A builtin run by `sudo -i CMD` or `sudo -s CMD`: in the user's shell (`bash -c`), which ends after
 * it, so a `cd` there changes nothing here; bash's errors name that shell and the line, as the
 * real ones do (-i: root's login shell, `-bash`; -s: `/bin/bash`).
 */
function inUserShell(x: Exec, user: string, login: boolean, argv: string[]): CommandResult {
  const [name, ...args] = argv;
  const sh = login ? '-bash' : '/bin/bash';
  const words = (err: string) => err.replace(/^bash: /gm, `${sh}: line 1: `);
  if (name === 'exit' || name === 'logout') {
    // -i's shell is a login one (logout is exit there); -s's refuses it.
    if (name === 'logout' && !login) return { stdout: '', stderr: `${sh}: line 1: logout: not login shell: use \`exit'\n`, exitCode: 1 };
    const e = exitArgs(name, args, 0);
    return { stdout: '', stderr: words(e.stderr), exitCode: e.code };
  }
  if (name === 'cd') {
    const r = isolated(x, () => cd(execAs(x, x.depth, x.alone, user), args, login ? homeOf(user) : undefined));
    return { stdout: r.stdout, stderr: words(r.stderr), exitCode: r.exitCode };
  }
  return ok();
}

/** `su …`: a shell as a user (root by default), or `-c CMD` run as them; only root needs no password. */
function su(x: Exec, args: string[]): CommandResult {
  const s = x.state;
  const r = parseSu(args);
  if (r.kind === 'fail') return { stdout: '', stderr: r.stderr, exitCode: r.exitCode };
  // No password can be typed here: as anyone but root, su fails as it does on a wrong one.
  if ((x.asUser ?? userOf(s)) !== 'root') return { stdout: '', stderr: 'Password: \nsu: Authentication failure\n', exitCode: 1 };
  if (!knownUser(r.user, loginUser(s))) return { stdout: '', stderr: `su: user ${r.user} does not exist or the user entry does not contain all the required fields\n`, exitCode: 1 };
  if (r.kind === 'shell') return enterShell(x, r.user, r.login, r.shellGiven, 'su: warning: cannot change directory to');
  if (!hasShell(r.user) && !r.shellGiven) return { stdout: 'This account is currently not available.\n', stderr: '', exitCode: 1 };
  // The user's shell runs CMD and ends (a subshell here: its changes end with it).
  const out = subshell(execAs(x, x.depth, x.alone, r.user), r.command);
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode };
}

/** A shell as `user` on the terminal's host, until its `exit`. */
function enterShell(x: Exec, user: string, login: boolean, shellGiven: boolean, cannotCd: string): CommandResult {
  const s = x.state;
  if (!hasShell(user) && !shellGiven) {
    // The system accounts' shell is nologin; a login one goes to their home first (nobody's is none).
    const cd = login && homeOf(user) === '/nonexistent' ? `${cannotCd} /nonexistent: No such file or directory\n` : '';
    return { stdout: 'This account is currently not available.\n', stderr: cd, exitCode: 1 };
  }
  const stack = s.hostStack ?? [];
  if (stack.length >= MAX_NESTED_SHELLS) return { stdout: '', stderr: TOO_DEEP, exitCode: 1 };
  s.hostStack = [...stack, withCwd(shellFrame({ user, login }), s.cwd)];
  // A login shell starts in the user's home; -s and su without `-` where the shell below was.
  if (login) setCwd(s, undefined);
  return ok();
}

/** Leaves the shell on top of the stack for the one below, in the directory it was in. */
function leaveFrame(s: SessionState, stack: string[]): void {
  s.hostStack = stack.slice(0, -1);
  setCwd(s, splitEntry(stack[stack.length - 1] as string).cwd);
}

/** Sets the shell's working directory (undefined: where the shell started, as before any cd). */
function setCwd(s: SessionState, cwd: string | undefined): void {
  if (cwd === undefined) delete s.cwd;
  else s.cwd = cwd;
}

/** What the host's tools see of the shell: its host, variables, directory, and who runs them. */
function hostCtx(x: Exec, tty: boolean, until: Until): HostCtx {
  return ctxOf(x.state, { tty, until, asUser: x.asUser });
}

function ctxOf(s: SessionState, how: { tty: boolean; until: Until; asUser?: string | undefined }): HostCtx {
  const ctx: HostCtx = { cloud: s.cloud, host: s.host, env: s.env, columns: s.columns, hosts: fixtureHosts(s.fixture), knownHosts: s.knownHosts, tty: how.tty, until: how.until, cwd: cwdOf(s), ...((how.asUser ?? userOf(s)) === 'root' ? { root: true } : {}) };
  if (s.host === 'laptop') ctx.laptopKey = () => laptopKey(s);
  return ctx;
}

/**
 * The learner's key on the laptop: the one the fixture's first key pair was imported from (the
 * fixture's, so deleting that pair leaves the laptop's files as they were), else one derived from
 * the learner.
 */
function laptopKey(s: SessionState): string {
  const first = fixtureCloud(s.fixture, s.seed).keypairs[0];
  return first?.publicKey ?? derivedLaptopKey(s.cloud.auth.userId, s.cloud.auth.userName);
}

/**
 * bash's `cd [-L|-P] [DIR]`: to DIR from the working directory, the user's home without one, the
 * previous directory for `-` (said, as bash says it); PWD and OLDPWD follow. Only directories the
 * host has are entered; root's home is root's only. `start`: where the shell is (a login shell
 * that sudo -i started for the command: the user's home).
 */
function cd(x: Exec, args: string[], start?: string): CommandResult {
  const s = x.state;
  let rest = args;
  while (rest[0] !== undefined && /^-[LPe@]+$/.test(rest[0])) rest = rest.slice(1);
  if (rest[0] === '--') rest = rest.slice(1);
  else if (rest[0] !== undefined && rest[0].length > 1 && rest[0].startsWith('-') && rest[0] !== '-') {
    return { stdout: '', stderr: `bash: cd: ${rest[0].slice(0, 2)}: invalid option\ncd: usage: cd [-L|[-P [-e]] [-@]] [dir]\n`, exitCode: 2 };
  }
  if (rest.length > 1) return { stdout: '', stderr: 'bash: cd: too many arguments\n', exitCode: 1 };
  const user = x.asUser ?? userOf(s);
  const home = homeOf(user);
  const from = start ?? cwdOf(s);
  let target = rest[0] ?? home;
  let say = '';
  if (target === '-') {
    const old = s.env['OLDPWD'];
    if (old === undefined || old === '') return { stdout: '', stderr: 'bash: cd: OLDPWD not set\n', exitCode: 1 };
    target = old;
    say = `${old}\n`;
  }
  // An empty DIR stays where it is, as bash does.
  if (target === '') return ok();
  const path = resolvePath(from, home, target);
  const kind = pathKind(hostCtx(x, false, { kind: 'cap' }), path);
  if (kind === null) return { stdout: '', stderr: `bash: cd: ${target}: No such file or directory\n`, exitCode: 1 };
  if (kind === 'file') return { stdout: '', stderr: `bash: cd: ${target}: Not a directory\n`, exitCode: 1 };
  if (user !== 'root' && (path === '/root' || path.startsWith('/root/'))) return { stdout: '', stderr: `bash: cd: ${target}: Permission denied\n`, exitCode: 1 };
  setVar(x, 'OLDPWD', from);
  setVar(x, 'PWD', path);
  s.cwd = path;
  return ok(say);
}

/** The line `help` adds about Stacklab's own tool. */
const TRACE_HINT = 'stacklab trace FROM TO [icmp|tcp/PORT|udp/PORT]: the path a packet takes, hop by hop,\nand where it is dropped (stacklab trace --help).\n';

function ok(stdout = ''): CommandResult {
  return { stdout, stderr: '', exitCode: 0 };
}

/**
 * The line's variables, to change: copied from the state the line started on the first time (most
 * lines assign nothing, and then the new state shares the old one's variables).
 */
function ownEnv(x: Exec): Record<string, string> {
  if (!x.line.envOwned) {
    x.state.env = { ...x.state.env };
    x.line.envOwned = true;
  }
  return x.state.env;
}

/** A shell variable's value; undefined when unset (`constructor` or `toString` too: they are the learner's names, not the object's). */
const envVar = ownValue<string>;

/** What login, sudo, su and ssh set for the user a shell runs as; the learner's own assignment of one wins (see shellVar). */
const IDENTITY = ['HOME', 'LOGNAME', 'USER'] as const;

function identityVar(user: string, name: string): string | undefined {
  if (name === 'HOME') return homeOf(user);
  return name === 'USER' || name === 'LOGNAME' ? user : undefined;
}

/** A variable as the shell running as `user` expands it: the session's, else the user's HOME, USER or LOGNAME. */
function shellVar(env: Readonly<Record<string, string>>, user: string, name: string): string | undefined {
  return envVar(env, name) ?? identityVar(user, name);
}

/** The environment `env` prints for a program run as `user`: the session's variables and the user's identity, sorted. */
function environment(env: Readonly<Record<string, string>>, user: string): Array<[string, string]> {
  const names = new Set([...Object.keys(env), ...IDENTITY]);
  return [...names].sort().map((k) => [k, shellVar(env, user, k) ?? '']);
}

/** Sets a shell variable within the limits; the error to print when it does not fit. */
function setVar(x: Exec, name: string, value: string): string | null {
  const env = ownEnv(x);
  const stats = (x.line.vars ??= variableStats(env));
  const old = envVar(env, name);
  const problem = variableProblem(name, value, old, stats);
  if (problem !== null) return problem;
  if (old === undefined) stats.count++;
  stats.size += value.length - (old?.length ?? -name.length);
  // The learner names it: `__proto__` is a variable like any other.
  setOwn(env, name, value);
  return null;
}

function unsetVar(x: Exec, name: string): void {
  const old = envVar(x.state.env, name);
  if (old === undefined) return;
  ownEnv(x);
  if (x.line.vars !== null) {
    x.line.vars.count--;
    x.line.vars.size -= name.length + old.length;
  }
  delete x.state.env[name];
}

/** What a client or host command printed, charged for the rendering it took. */
function rendered(x: Exec, r: CommandResult): CommandResult {
  x.line.budget.charge((r.stdout.length + r.stderr.length) * COST.renderedChar);
  return r;
}

/** Runs one command; `tty` says whether its stdout is the terminal (not a pipe, nor `$(…)`). */
function runArgv(x: Exec, argv: string[], input: string | null, tty = false): CommandResult {
  const [cmd, ...args] = argv;
  const s = x.state;
  if (cmd !== undefined && FILTERS.includes(cmd)) {
    // With nothing piped in the real tool would wait on the terminal; here it reads nothing.
    const f = runFilter(cmd, args, input ?? '', x.line.budget.charge, tty);
    if (f) return f;
  }
  switch (cmd) {
    case undefined:
      return ok();
    case 'exit':
    case 'logout': {
      if (x.depth > 0) return leaveSubshell(x, cmd, args);
      const stack = s.hostStack ?? [];
      const frame = topFrame(s);
      if (frame !== null && cmd === 'logout' && !frame.login) return { stdout: '', stderr: "bash: logout: not login shell: use `exit'\n", exitCode: 1 };
      if (stack.length === 0) return { stdout: '', stderr: 'exit: this is your own terminal; it stays open.\n', exitCode: 1 };
      // bash says goodbye, then what it thinks of the arguments; the status is what sudo or ssh returns.
      const bye = frame === null || frame.login ? 'logout\n' : 'exit\n';
      const e = exitArgs(cmd, args, s.lastExit);
      if (e.stays) return { stdout: bye, stderr: e.stderr, exitCode: e.code };
      // Back to the shell sudo was typed in, on the same host.
      if (frame !== null) {
        leaveFrame(s, stack);
        return { stdout: bye, stderr: e.stderr, exitCode: e.code };
      }
      const { host, via } = readHostEntry(stack[stack.length - 1] as string);
      leaveFrame(s, stack);
      const left = s.host;
      s.host = host;
      // An entry stored before destinations were kept has none: the host's name is said.
      return { stdout: `${bye}Connection to ${via ?? closedName(s, left)} closed.\n`, stderr: e.stderr, exitCode: e.code };
    }
    case 'openstack':
    case 'neutron':
    case 'nova':
      // The clients live on the laptop and the network node; a VM's (or an amphora's) image has none of them.
      if (s.host.startsWith('vm:') || s.host.startsWith('amp:')) return { stdout: '', stderr: `${cmd}: command not found\n`, exitCode: 127 };
      x.line.budget.charge(COST.client + argumentsCost(args));
      return rendered(x, runClient(x, cmd, args, tty));
    case 'echo': {
      let newline = true;
      let rest = args;
      if (rest[0] === '-n') {
        newline = false;
        rest = rest.slice(1);
      }
      return ok(rest.join(' ') + (newline ? '\n' : ''));
    }
    case 'export': {
      x.line.budget.charge(args.length * COST.entry);
      let stderr = '';
      for (const a of args) {
        const i = a.indexOf('=');
        if (i > 0) stderr += setVar(x, a.slice(0, i), a.slice(i + 1)) ?? '';
      }
      return { stdout: '', stderr, exitCode: stderr === '' ? 0 : 1 };
    }
    case 'unset':
      x.line.budget.charge(args.length * COST.entry);
      for (const a of args) unsetVar(x, a);
      return ok();
    case 'true':
      return ok();
    case 'sudo':
      return sudo(x, args, input, tty);
    case 'su':
      return su(x, args);
    case 'false':
      return { stdout: '', stderr: '', exitCode: 1 };
    case 'clear':
      return ok('\x1b[H\x1b[2J');
    case 'history':
      x.line.budget.charge(s.history.length * COST.entry);
      return ok(s.history.lines().map((h, i) => `${String(i + 1).padStart(5)}  ${h}\n`).join(''));
    case 'hostname':
      return ok(`${hostName(s)}\n`);
    case 'whoami':
      return ok(`${x.asUser ?? userOf(s)}\n`);
    case 'pwd':
      return ok(`${cwdOf(s)}\n`);
    case 'cd':
      return cd(x, args);
    case 'env':
    {
      // `X=1 env`: the command's own assignments are in what it prints.
      const env = x.line.commandEnv === null ? s.env : { ...s.env, ...x.line.commandEnv };
      x.line.budget.charge((Object.keys(env).length + IDENTITY.length) * COST.entry);
      // Run by sudo: root's identity (sudo sets HOME, USER and LOGNAME for the target user).
      return ok(environment(env, x.asUser ?? userOf(s)).map(([k, v]) => `${k}=${v}\n`).join(''));
    }
    case 'help':
      return ok(`Stacklab's emulated shell. Commands on this host: ${BUILTINS.join(', ')}.\n${TRACE_HINT}`);
    case 'stacklab': {
      // Stacklab's own tool (not part of the simulated hosts): it runs wherever the terminal is.
      x.line.budget.charge(COST.host + argumentsCost(argv));
      const r = runStacklab({ cloud: s.cloud, hosts: fixtureHosts(s.fixture), columns: s.columns }, args);
      if (r.path) x.line.path = r.path;
      return rendered(x, { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode });
    }
    default: {
      // `… | cat`: with no file (or `-`) cat copies what is piped in, on any host.
      if (cmd === 'cat' && input !== null && args.every((a) => a === '-')) return ok(input);
      x.line.budget.charge(COST.host + argumentsCost(argv) + countsCost(argv));
      const until: Until = x.alone ? x.line.until : { kind: 'cap' };
      const r = runOnHost(hostCtx(x, tty, until), argv);
      if (r === null) return { stdout: '', stderr: `${cmd}: command not found\n`, exitCode: 127 };
      if (r.cloud) s.cloud = r.cloud;
      if (r.knownHost !== undefined) s.knownHosts = [...(s.knownHosts ?? []), r.knownHost].slice(-MAX_KNOWN_HOSTS);
      if (r.elapsed !== undefined) x.line.elapsed += r.elapsed;
      if (r.follow) x.line.follow = r.follow;
      if (r.enter) {
        const stack = s.hostStack ?? [];
        // ssh logged in, but a terminal keeps a bounded stack of shells to go back to.
        if (stack.length >= MAX_NESTED_SHELLS) return { stdout: '', stderr: `${r.stderr}${TOO_DEEP}`, exitCode: 1 };
        s.hostStack = [...stack, withCwd(hostEntry(s.host, r.via), s.cwd)];
        s.host = r.enter;
        // ssh logs in to the user's home there.
        setCwd(s, undefined);
      }
      return rendered(x, { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode });
    }
  }
}

/**
 * `openstack server ssh SERVER [--login USER] [-4|-6] [--address-type NET]`: OSC looks up the
 * server's address (a floating IP first) and runs ssh to it, which then goes as plain ssh would.
 */
/** A file the `openstack` client opens on the terminal's host, `~` expanded as Python's expanduser does ($HOME, or a user's home). */
function openForClient(x: Exec, path: string): { opened: string; read: FileRead } {
  const tilde = /^~([^/]*)(\/.*)?$/.exec(path);
  const home = tilde === null ? null : tilde[1] === '' ? (shellVar(x.state.env, userOf(x.state), 'HOME') ?? '') : knownUser(tilde[1] as string, loginUser(x.state)) ? homeOf(tilde[1] as string) : null;
  const opened = tilde !== null && home !== null ? `${home}${tilde[2] ?? ''}` : path;
  return { opened, read: readHostFile(hostCtx(x, false, { kind: 'cap' }), opened) };
}

/** `openstack`, `neutron` or `nova`: the client runs on the cloud, which it may change. */
function runClient(x: Exec, cmd: 'openstack' | 'neutron' | 'nova', args: string[], tty: boolean): CommandResult {
  const s = x.state;
  if (cmd === 'openstack' && args[0] === 'server' && args[1] === 'ssh') return serverSsh(x, args.slice(2));
  const env = x.line.commandEnv === null ? s.env : { ...s.env, ...x.line.commandEnv };
  const r =
    cmd === 'openstack'
      ? runOpenstack(s.cloud, args, { columns: s.columns, env, tty, openFile: (path) => openForClient(x, path) })
      : cmd === 'neutron'
        ? runNeutron(s.cloud, args, { columns: s.columns, env, tty })
        : runNova(s.cloud, args, { columns: s.columns });
  s.cloud = r.cloud;
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

function serverSsh(x: Exec, args: string[]): CommandResult {
  const s = x.state;
  let login: string | undefined;
  let want: 4 | 6 | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--login' || a === '-l') login = args[++i];
    else if (a.startsWith('--login=')) login = a.slice(8);
    else if (a === '-4' || a === '--ipv4') want = 4;
    else if (a === '-6' || a === '--ipv6') want = 6;
    else if (!a.startsWith('-')) rest.push(a);
  }
  const name = rest[0];
  if (name === undefined) {
    return { stdout: '', stderr: 'usage: openstack server ssh [-h] [--login <login-name>] [--port <port>] [--identity <keyfile>] [--option <config-options>] [-4 | -6] [--public | --private | --address-type <address-type>] [-v] <server>\nopenstack server ssh: error: the following arguments are required: <server>\n', exitCode: 2 };
  }
  const server = s.cloud.servers.find((v) => v.id === name) ?? s.cloud.servers.find((v) => v.name === name);
  if (!server) return { stdout: '', stderr: `No server with a name or ID of '${name}' exists.\n`, exitCode: 1 };
  const ports = server.nics.map((n) => portById(s.cloud, n.portId)).filter((p) => p !== undefined);
  const floating = s.cloud.floatingIps.find((f) => ports.some((p) => p.id === f.portId));
  const fixed = ports.flatMap((p) => p.fixedIps.map((f) => f.ipAddress));
  const address =
    want === 6 ? fixed.find((a) => a.includes(':')) : (floating?.floatingIpAddress ?? fixed.find((a) => (want === 4 ? !a.includes(':') : true)));
  if (address === undefined) return { stdout: '', stderr: `No address found for server ${server.name}\n`, exitCode: 1 };
  const user = login ?? s.cloud.images.find((i) => i.id === server.imageId)?.osUser ?? userOf(s);
  return runArgv(x, ['ssh', `${user}@${address}`], null);
}

/**
 * `exit` inside `$(…)`: bash ends the subshell there (nothing after it in the substitution runs)
 * with the status given, or the last one's; the terminal and its host are not left.
 */
class SubshellExit {
  constructor(readonly status: number) {}
}

function leaveSubshell(x: Exec, cmd: string, args: string[]): CommandResult {
  if (cmd === 'logout') return { stdout: '', stderr: "bash: logout: not login shell: use `exit'\n", exitCode: 1 };
  const e = exitArgs(cmd, args, x.state.lastExit);
  if (e.stderr !== '') x.substErr.push(e.stderr);
  throw new SubshellExit(e.code);
}

/**
 * What bash's `exit [N]` (or a login shell's `logout [N]`) makes of its arguments: the status
 * (the last one without N; N as a byte, as the kernel keeps it: 257 is 1, -1 is 255), whether the
 * shell stays (more than one argument: status 1), and bash's words about them (checked on bash 5.2).
 */
function exitArgs(cmd: string, args: string[], last: number): { code: number; stays: boolean; stderr: string } {
  const [arg, ...more] = args;
  if (arg === undefined) return { code: last, stays: false, stderr: '' };
  // A number bash can hold (64 bits, signed), else its words and status 2.
  const n = /^\s*[+-]?\d+\s*$/.test(arg) ? BigInt(arg.trim()) : null;
  if (n === null || n !== BigInt.asIntN(64, n)) return { code: 2, stays: false, stderr: `bash: ${cmd}: ${arg}: numeric argument required\n` };
  if (more.length > 0) return { code: 1, stays: true, stderr: `bash: ${cmd}: too many arguments\n` };
  return { code: Number(BigInt.asUintN(8, n)), stays: false, stderr: '' };
}

/**
 * Runs `$(…)` as bash does, in a subshell: the variables it sets or unsets, and the host an `ssh` in
 * it reaches, stay inside; what it asks the cloud is done (the APIs are outside the shell), and `$?`
 * is its status.
 */
function subshell(x: Exec, source: string): Executed {
  return isolated(x, () => {
    const r = execLine(execAs(x, x.depth + 1, false, x.asUser), source);
    x.state.lastExit = r.exitCode;
    return r;
  });
}

/**
 * Runs `f` as a child shell: what it does to the variables, the host, the stack of shells and the
 * working directory ends with it (a subshell; the shell sudo -i/-s runs a builtin in).
 */
function isolated<T>(x: Exec, f: () => T): T {
  const s = x.state;
  const { env, host, hostStack, cwd } = s;
  const { envOwned, vars } = x.line;
  // The child's first assignment copies the variables; the line's count of them is the parent's.
  x.line.envOwned = false;
  x.line.vars = vars && { ...vars };
  try {
    return f();
  } finally {
    s.env = env;
    s.host = host;
    if (s.hostStack !== hostStack) {
      if (hostStack === undefined) delete s.hostStack;
      else s.hostStack = hostStack;
    }
    setCwd(s, cwd);
    x.line.envOwned = envOwned;
    x.line.vars = vars;
  }
}

/** Expands a word into fields; `words` is how many the command has so far. */
function expand(x: Exec, word: Word, words = 0): string[] {
  const budget = x.line.budget;
  return expandWord(
    word,
    (name) => (name === '?' ? String(x.state.lastExit) : (shellVar(x.state.env, userOf(x.state), name) ?? '')),
    (source) => {
      if (x.depth >= MAX_SUBST_DEPTH) return '';
      budget.substitution();
      budget.charge(COST.substitution);
      const inner = subshell(x, source);
      x.line.substituted = inner.exitCode;
      x.substErr.push(inner.stderr);
      return inner.stdout;
    },
    budget.charge,
    LIMITS.words - words,
    (name) => tildeHome(x, name),
  );
}

/**
 * What a tilde names: `~` the shell user's home (what the prompt and `cd` call home, whichever
 * host the session's HOME was set for), `~USER` a user the host has, `~+` and `~-` PWD and OLDPWD.
 */
function tildeHome(x: Exec, name: string): string | null {
  const s = x.state;
  if (name === '') return homeOf(x.asUser ?? userOf(s));
  if (name === '+') return cwdOf(s);
  if (name === '-') return s.env['OLDPWD'] ?? null;
  return knownUser(name, loginUser(s)) ? homeOf(name) : null;
}

function runCommand(x: Exec, words: Word[], input: string | null, tty: boolean): CommandResult {
  const budget = x.line.budget;
  budget.command(COST.command);
  // Leading NAME=value words: plain assignments when nothing follows.
  let i = 0;
  const assigns: Array<[string, string]> = [];
  x.line.substituted = null;
  for (; i < words.length; i++) {
    const w = words[i] as Word;
    const name = assignmentName(w);
    if (!name) break;
    const first = w[0] as { kind: 'lit'; text: string; quoted: boolean };
    // The value's tildes (after `=` and each `:`) are expanded, then it is one field.
    const text = tildeExpanded(w, (n) => tildeHome(x, n)) ?? first.text;
    const rest: Word = [extended(first, { text: text.slice(name.length + 1) }), ...w.slice(1)];
    assigns.push([name, expand(x, rest.map((p) => extended(p, { quoted: true }))).join(' ')]);
  }
  if (i === words.length) {
    for (const [k, v] of assigns) {
      const problem = setVar(x, k, v);
      // Like bash's readonly error: this one and the ones after it are not assigned.
      if (problem !== null) return { stdout: '', stderr: problem, exitCode: 1 };
    }
    // Bash: a command of assignments only has the status of its last `$(…)` (X=$(false) fails).
    return { stdout: '', stderr: '', exitCode: x.line.substituted ?? 0 };
  }
  // A plain loop: flatMap is several times slower in V8, and this runs for every command.
  const argv: string[] = [];
  for (; i < words.length; i++) for (const field of expand(x, words[i] as Word, argv.length)) argv.push(field);
  if (argv.length > 0) x.line.ran.push(argv.slice());
  const outer = x.line.commandEnv;
  if (assigns.length > 0) {
    // The variables' limits hold for the command's own environment too (`A=$B$B$B$B cmd`).
    const stats = (x.line.vars ??= variableStats(x.state.env));
    for (const [k, v] of assigns) {
      const problem = variableProblem(k, v, envVar(x.state.env, k), stats);
      if (problem !== null) return { stdout: '', stderr: problem, exitCode: 1 };
    }
    x.line.commandEnv = { ...outer, ...Object.fromEntries(assigns) };
  }
  let r: CommandResult;
  try {
    r = runArgv(x, argv, input, tty);
  } finally {
    x.line.commandEnv = outer;
  }
  budget.charge((r.stdout.length + r.stderr.length) * COST.char);
  return r;
}

/** A line's result, and the message of the limit that stopped it, if one did. */
type Executed = CommandResult & { stopped?: string };

function execLine(x: Exec, line: string): Executed {
  let pipelines;
  try {
    pipelines = parseLine(line);
  } catch (e) {
    if (e instanceof ParseError) return { stdout: '', stderr: `bash: ${e.message}\n`, exitCode: 2 };
    throw e;
  }
  let out = '';
  let err = '';
  let last = x.state.lastExit;
  const only = pipelines.length === 1 && pipelines[0]?.commands.length === 1;
  const here = execAs(x, x.depth, x.depth === 0 && only, x.asUser);
  try {
    for (const p of pipelines) {
      if (p.commands.length > LIMITS.pipeline) {
        throw new LimitError(`this line has a pipeline of ${p.commands.length} commands (limit: ${LIMITS.pipeline})`);
      }
    }
    for (const p of pipelines) {
      if (p.op === '&&' && last !== 0) continue;
      if (p.op === '||' && last === 0) continue;
      let input: string | null = null;
      let r: CommandResult = ok();
      for (const [k, cmd] of p.commands.entries()) {
        try {
          r = runCommand(here, cmd, input, x.line.tty && x.depth === 0 && k === p.commands.length - 1);
        } catch (e) {
          if (!(e instanceof SubshellExit)) throw e;
          // In a pipeline, `exit` ends only its own part (each part is a subshell of its own).
          if (p.commands.length === 1) return { stdout: out, stderr: err + x.substErr.splice(0).join(''), exitCode: e.status };
          r = { stdout: '', stderr: '', exitCode: e.status };
        }
        input = r.stdout;
        err += x.substErr.splice(0).join('') + r.stderr;
      }
      out += input ?? '';
      last = r.exitCode;
      x.state.lastExit = last;
    }
  } catch (e) {
    // A limit stops the whole line, `$(…)` and all: only the outermost level answers it. What
    // ran before stays done, as when a real shell is killed.
    if (!(e instanceof LimitError) || x.depth > 0) throw e;
    return { stdout: out, stderr: err + x.substErr.splice(0).join(''), exitCode: 1, stopped: stoppedMessage(e) };
  }
  return { stdout: out, stderr: err, exitCode: last };
}

/** Runs one typed line and returns the new state (the given state is not modified). */
export function runLine(state: SessionState, line: string, opts: RunOptions = {}): { state: SessionState; result: LineResult } {
  if (line.length > MAX_LINE) {
    return {
      state,
      result: { stdout: '', stderr: `stacklab: line too long (${line.length} characters; the limit is ${MAX_LINE})\n`, exitCode: 1, ran: [] },
    };
  }
  const next: SessionState = { ...state };
  const trimmed = line.trim();
  if (inShellHistory(line)) next.history = state.history.push(line);
  const run: LineRun = { budget: new Budget(), ran: [], vars: null, envOwned: false, substituted: null, commandEnv: null, tty: opts.tty === true, until: opts.until ?? { kind: 'cap' }, elapsed: 0 };
  let result: LineResult;
  try {
    const r = execLine({ state: next, depth: 0, substErr: [], line: run }, line);
    // What is shown is bounded; a limit's message comes last, after the cut. Control characters
    // that learners put in names, descriptions or echo never reach a terminal raw (Stacklab's own
    // colour and clear-screen sequences do).
    const shown = cutOutput(r.stdout, r.stderr);
    result = {
      stdout: visibleText(shown.stdout, { allowSgr: true }),
      stderr: visibleText(shown.stderr + (r.stopped ?? ''), { allowSgr: true }),
      exitCode: r.exitCode,
      ran: run.ran,
      ...(run.follow ? { follow: run.follow } : {}),
      ...(run.path ? { path: run.path } : {}),
    };
  } catch (e) {
    // A bug, not the learner's fault: keep the session as it was and say so plainly.
    const id = errorId(line, state.history.length);
    return {
      state: { ...state, history: next.history },
      result: {
        stdout: '',
        stderr: `stacklab: internal error ${id}: this command could not be simulated. Your cloud is unchanged; please report the id.\n`,
        exitCode: 70,
        internalError: `${id} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        ran: [],
      },
    };
  }
  // Asynchronous effects (servers finishing their boot) happen between commands.
  if (trimmed !== '') next.cloud = afterCommand(next.cloud, run.elapsed, next.cloud === state.cloud);
  next.lastExit = result.exitCode;
  return { state: next, result };
}

/**
 * The cloud once a command has ended: the clock moves on (two seconds, and what the command
 * waited), booting servers finish and Octavia's worker settles what was left PENDING_*. A typed
 * line and an API write (server/workspace) both end this way. `unchanged`: the command changed
 * nothing, so the resource arrays are the published cloud's.
 */
export function afterCommand(base: Cloud, elapsed: number, unchanged: boolean): Cloud {
  // A new root object for the new clock; the resource arrays are shared with the old state until
  // a command changes them (commands change copy-on-write drafts, never a published cloud).
  // Booting servers change in place, so then a draft copies what they change. Key order (it
  // shows in snapshots) is kept as it was when an unchanged cloud was copied with cloneCloud.
  const moved = copyRoot(base);
  moved.tick = base.tick + 1;
  moved.clock = base.clock + 2 + elapsed;
  const building = moved.servers.some((sv) => sv.status === 'BUILD');
  // Octavia's worker finishes what the line left PENDING_* (only drafted when something is).
  const lbPending = octaviaPending(moved);
  if (!building && !lbPending) return moved;
  const settled = (share: boolean): Cloud => {
    const draft = draftCloud(moved, share);
    // Booting servers change one server and its ports each (through writable): the others are shared.
    if (share) shareAll(draft);
    if (building) settle(draft);
    if (lbPending) settleOctavia(draft, false, moved.octavia);
    return finishDraft(draft, unchanged);
  };
  try {
    return settled(true);
  } catch (e) {
    // A write to a shared element (Octavia's worker changes ports its own way): again, on copies.
    if (e instanceof TypeError) return settled(false);
    throw e;
  }
}

function errorId(line: string, n: number): string {
  return `E${hashSeed(`${n}\u0000${line}`).toString(16).padStart(8, '0')}`;
}

export function complete(state: SessionState, line: string): { candidates: string[]; replacement?: string } {
  // A line too long to run has nothing to complete (and is not worth parsing).
  if (line.length > MAX_LINE) return { candidates: [] };
  const clients = ['openstack', 'neutron', 'nova'];
  const builtins = state.host.startsWith('vm:') || state.host.startsWith('amp:') ? BUILTINS.filter((b) => !clients.includes(b)) : BUILTINS;
  const files = (typed: string) => {
    const ctx = ctxOf(state, { tty: false, until: { kind: 'cap' } });
    return list(ctx, facts(ctx), resolvePath(cwdOf(state), homeOf(userOf(state)), typed === '' ? '.' : typed));
  };
  return completeLine(state.cloud, line, [...builtins, ...hostCommands(state.cloud, state.host)], state.host, files);
}

/** Whether runLine keeps a typed line in the shell's history (a blank or over-long line is not kept). */
export function inShellHistory(line: string): boolean {
  return line.length <= MAX_LINE && line.trim() !== '';
}

/**
 * A snapshot of the session, without the shell's history: the store's history table has every
 * typed line, so a snapshot does not carry up to 1,000 of them again (~37 KB, three quarters of a
 * lab's snapshot two hours in). Whoever opens the snapshot reads them back (server/workspace).
 */
export function serializeSession(state: SessionState): string {
  const { history: _kept, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * A stored snapshot: the session, and whether the snapshot kept the shell's history (those
 * stored before snapshots left it to the history table did; `historyKept` false: the history is
 * empty here, for the caller to fill from the table if it shows the history).
 */
export function readSnapshot(json: string): { state: SessionState; historyKept: boolean } {
  const s = JSON.parse(json) as Omit<SessionState, 'history'> & { history?: unknown };
  if (s.version !== 1 || typeof s.fixture !== 'string' || typeof s.cloud !== 'object') {
    throw new Error('not a Stacklab session snapshot');
  }
  const kept = Array.isArray(s.history);
  const lines = kept ? (s.history as unknown[]).filter((l): l is string => typeof l === 'string') : [];
  return { state: { ...s, env: withoutFixedIdentity(s.env, s.cloud), history: ShellHistory.of(lines) }, historyKept: kept };
}

/**
 * Sessions stored before HOME and USER followed the shell's user held them as variables, fixed
 * when the session began: those values are dropped, so the shell's user's apply. (A learner who
 * had assigned the same values loses nothing: they are what the laptop's login has.)
 */
function withoutFixedIdentity(env: Record<string, string>, cloud: Cloud): Record<string, string> {
  // A damaged snapshot is refused later, where it is used, not here.
  if (typeof env !== 'object' || env === null) return env;
  const user = (cloud as Partial<Cloud>).auth?.userName;
  const home = envVar(env, 'HOME');
  if (envVar(env, 'USER') !== user || (home !== '/root' && home !== `/home/${user}`)) return env;
  const { HOME: _home, USER: _user, ...rest } = env;
  return rest;
}

/** A stored snapshot's session (its shell history empty unless the snapshot kept one). */
export function deserializeSession(json: string): SessionState {
  return readSnapshot(json).state;
}
