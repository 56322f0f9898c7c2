import { fitLine } from '../render/lbuf.js';
import { knownUser } from './shells.js';

/**
 * sudo's command line, as sudo 1.9.13p3 (Debian 12: the laptop and the network node) reads it:
 * getopt_long options up to the first word that is none, then VAR=value words, then the command.
 * Pure: it says what to do (run a command as a user, start a shell, print an error) and
 * session.ts does it. Every message and the usage's wrapping were compared with the real sudo on
 * a Debian 12 machine (test/sudo.test.ts keeps the captures).
 *
 * Not emulated: passwords (every learner may run anything, without a prompt), the policy's
 * environment reset (a root shell keeps the session's variables); -l, -V and -e say so.
 */

/** What a sudo line asks for. */
export type SudoRequest =
  /** `viaShell`: -i or -s with a command, which the user's shell runs (so its builtins too); `login`: -i. */
  | { kind: 'run'; user: string; argv: string[]; viaShell: boolean; login?: boolean }
  /** An interactive shell as `user`: a login shell (-i) starts in their home, -s where it was. */
  | { kind: 'shell'; user: string; login: boolean }
  | { kind: 'fail'; stderr: string; exitCode: number }
  | { kind: 'help'; stdout: string }
  | { kind: 'quiet' };

/** Options that take a value (short letter → long name). */
const WITH_VALUE: Record<string, string> = { C: 'close-from', D: 'chdir', g: 'group', p: 'prompt', R: 'chroot', r: 'role', T: 'command-timeout', t: 'type', U: 'other-user', u: 'user' };
/** Options without one (short letter → long name). */
const FLAGS: Record<string, string> = {
  A: 'askpass', B: 'bell', b: 'background', E: 'preserve-env', e: 'edit', H: 'set-home', h: 'help', i: 'login', K: 'remove-timestamp',
  k: 'reset-timestamp', l: 'list', N: 'no-update', n: 'non-interactive', P: 'preserve-groups', S: 'stdin', s: 'shell', V: 'version', v: 'validate',
};
const LONG_WITH_VALUE = new Map(Object.entries(WITH_VALUE).map(([k, v]) => [v, k]));
const LONG_FLAGS = new Map(Object.entries(FLAGS).map(([k, v]) => [v, k]));

const USAGE_LINES = [
  'usage: sudo -h | -K | -k | -V',
  'usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]',
  'usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]',
  'usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]',
  'usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...',
];

/** Continuation lines of the usage start under the first word after `usage: sudo `. */
const INDENT = 12;

/** sudo's usage (on stderr, with exit status 1), fitted to `columns`. */
export function sudoUsage(columns: number): string {
  return USAGE_LINES.map((l) => fitLine(l, columns, INDENT)).join('');
}

const fail = (message: string, columns: number): SudoRequest => ({ kind: 'fail', stderr: `sudo: ${message}\n${sudoUsage(columns)}`, exitCode: 1 });

/** sudo's options as read, and the words after them; or getopt's complaint. */
interface Options {
  user: string;
  login: boolean;
  shell: boolean;
  /** The mode letters given (h, K, k, V, v, l, e). */
  modes: string[];
  /** The words after the options: VAR=value words, then the command. */
  rest: readonly string[];
}

function readOptions(args: readonly string[]): Options | { error: string } {
  let user = 'root';
  let login = false;
  let shell = false;
  const modes: string[] = [];
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k] as string;
    if (a === '--') {
      k++;
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      // getopt_long takes any unambiguous prefix of a long option's name.
      const all = [...LONG_WITH_VALUE.keys(), ...LONG_FLAGS.keys(), 'host'];
      const matches = all.includes(name) ? [name] : all.filter((o) => o.startsWith(name));
      if (name === '' || matches.length !== 1) {
        const given = a.slice(0, eq < 0 ? undefined : eq);
        return { error: matches.length > 1 ? `option '${given}' is ambiguous; possibilities:${matches.map((m) => ` '--${m}'`).join('')}` : `unrecognized option '${a}'` };
      }
      const long = matches[0] as string;
      let letter = LONG_WITH_VALUE.get(long);
      if (letter !== undefined || long === 'host') {
        let value = eq < 0 ? undefined : a.slice(eq + 1);
        if (value === undefined) {
          value = args[k + 1];
          if (value === undefined) return { error: `option '--${long}' requires an argument` };
          k++;
        }
        if (letter === 'u') user = value;
        continue;
      }
      letter = LONG_FLAGS.get(long) as string;
      // --preserve-env=list is the one flag with an optional value.
      if (eq >= 0 && long !== 'preserve-env') return { error: `option '--${long}' doesn't allow an argument` };
      flag(letter);
      continue;
    }
    if (!a.startsWith('-') || a === '-') break;
    // A cluster of short options: -nu USER, -uUSER, -iE …
    for (let j = 1; j < a.length; j++) {
      const c = a[j] as string;
      if (WITH_VALUE[c] !== undefined) {
        let value = a.slice(j + 1);
        if (value === '') {
          const next = args[k + 1];
          if (next === undefined) return { error: `option requires an argument -- '${c}'` };
          value = next;
          k++;
        }
        if (c === 'u') user = value;
        break;
      }
      if (FLAGS[c] === undefined) return { error: `invalid option -- '${c}'` };
      flag(c);
    }
  }
  function flag(c: string): void {
    if (c === 'i') login = true;
    else if (c === 's') shell = true;
    else if ('hKkVvle'.includes(c)) modes.push(c);
  }
  return { user, login, shell, modes, rest: args.slice(k) };
}

/** The words after VAR=value ones (sudo sets those for the command; the emulated tools read none). */
function commandOf(rest: readonly string[]): readonly string[] {
  let c = 0;
  while (c < rest.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[c] as string)) c++;
  return rest.slice(c);
}

/** The command a `sudo …` line's arguments run, for readers of what was run (grading, completion); [] when none. */
export function sudoCommand(args: readonly string[]): readonly string[] {
  const o = readOptions(args);
  return 'error' in o ? [] : commandOf(o.rest);
}

/**
 * Reads sudo's arguments. `hostUser`: who the terminal's user is on this host (the users sudo
 * knows are root, that user and the system accounts).
 */
export function parseSudo(args: readonly string[], hostUser: string, columns: number): SudoRequest {
  const o = readOptions(args);
  if ('error' in o) return fail(o.error, columns);
  const { user, login, shell, modes, rest } = o;
  const argv = commandOf(rest);

  if (login && shell) return fail('you may not specify both the -i and -s options', columns);
  // The modes other than running a command; -k alone is one, -k with a command only a flag.
  if (modes.includes('h')) {
    // A word after -h names a remote host (for -l only); the emulated hosts resolve no such name.
    if (rest.length > 0) return { kind: 'fail', stderr: `sudo: unable to resolve host ${rest[0]}: Name or service not known\nsudo: a remote host may only be specified when listing privileges.\n`, exitCode: 1 };
    return { kind: 'help', stdout: `sudo - execute a command as another user\n\n${sudoUsage(columns)}\nOptions:\n${HELP_OPTIONS.map((l) => fitLine(l, columns, DESCRIBED)).join('')}` };
  }
  for (const m of ['V', 'K', 'v']) if (modes.includes(m) && rest.length > 0) return { kind: 'fail', stderr: sudoUsage(columns), exitCode: 1 };
  if (modes.includes('e') && argv.length === 0) return { kind: 'fail', stderr: sudoUsage(columns), exitCode: 1 };
  const unemulated = ['V', 'l', 'e'].find((m) => modes.includes(m));
  if (unemulated) return { kind: 'fail', stderr: `stacklab: sudo -${unemulated} is not emulated here (any command may run as any user, without a password)\n`, exitCode: 1 };
  // -K, -v and -k alone change sudo's cached credentials only: nothing to see.
  if (modes.includes('K') || modes.includes('v') || (modes.includes('k') && argv.length === 0 && !login && !shell)) return { kind: 'quiet' };

  const target = user === '#0' ? 'root' : user;
  if (!knownUser(target, hostUser)) {
    return { kind: 'fail', stderr: `sudo: unknown user ${user}\nsudo: error initializing audit plugin sudoers_audit\n`, exitCode: 1 };
  }
  if (argv.length === 0) {
    if (login || shell) return { kind: 'shell', user: target, login };
    return { kind: 'fail', stderr: sudoUsage(columns), exitCode: 1 };
  }
  return { kind: 'run', user: target, argv: [...argv], viaShell: login || shell, ...(login ? { login: true } : {}) };
}

/** `sudo -h`: after its name and usage, the options, each fitted to the terminal (descriptions go on under DESCRIBED). */
const HELP_OPTIONS = [
  '  -A, --askpass                 use a helper program for password prompting',
  '  -b, --background              run command in the background',
  '  -B, --bell                    ring bell when prompting',
  '  -C, --close-from=num          close all file descriptors >= num',
  '  -D, --chdir=directory         change the working directory before running command',
  '  -E, --preserve-env            preserve user environment when running command',
  '      --preserve-env=list       preserve specific environment variables',
  '  -e, --edit                    edit files instead of running a command',
  '  -g, --group=group             run command as the specified group name or ID',
  '  -H, --set-home                set HOME variable to target user\'s home dir',
  '  -h, --help                    display help message and exit',
  '  -h, --host=host               run command on host (if supported by plugin)',
  '  -i, --login                   run login shell as the target user; a command may also be specified',
  '  -K, --remove-timestamp        remove timestamp file completely',
  '  -k, --reset-timestamp         invalidate timestamp file',
  '  -l, --list                    list user\'s privileges or check a specific command; use twice for longer format',
  '  -n, --non-interactive         non-interactive mode, no prompts are used',
  '  -P, --preserve-groups         preserve group vector instead of setting to target\'s',
  '  -p, --prompt=prompt           use the specified password prompt',
  '  -R, --chroot=directory        change the root directory before running command',
  '  -r, --role=role               create SELinux security context with specified role',
  '  -S, --stdin                   read password from standard input',
  '  -s, --shell                   run shell as the target user; a command may also be specified',
  '  -t, --type=type               create SELinux security context with specified type',
  '  -T, --command-timeout=timeout terminate command after the specified time limit',
  '  -U, --other-user=user         in list mode, display privileges for user',
  '  -u, --user=user               run command (or edit file) as specified user name or ID',
  '  -V, --version                 display version information and exit',
  '  -v, --validate                update user\'s timestamp without running a command',
  '  --                            stop processing command line arguments',
];
const DESCRIBED = 32;

/** What an `su` line asks for. */
export type SuRequest =
  | { kind: 'shell'; user: string; login: boolean; shellGiven: boolean }
  /** -c CMD: the user's shell runs CMD and ends. */
  | { kind: 'command'; user: string; command: string; shellGiven: boolean }
  | { kind: 'fail'; stderr: string; exitCode: number };

/**
 * `su [-|-l|--login] [-m|-p] [-s SHELL] [-c CMD] [USER]` as util-linux su reads it (its
 * refusals compared with the real su on a Debian 12 machine). `-s SHELL`: the one shell here is
 * bash, but it stands in for a system account's nologin.
 */
export function parseSu(args: readonly string[]): SuRequest {
  let login = false;
  let user = 'root';
  let command: string | null = null;
  let shellGiven = false;
  const refuse = (what: string): SuRequest => ({ kind: 'fail', stderr: `su: ${what}\nTry 'su --help' for more information.\n`, exitCode: 1 });
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-' || a === '-l' || a === '--login') login = true;
    else if (a === '-m' || a === '-p' || a === '--preserve-environment') continue;
    else if (a === '-c' || a === '--command' || a === '-s' || a === '--shell') {
      const value = args[++i];
      if (value === undefined) return refuse(a.startsWith('--') ? `option '${a}' requires an argument` : `option requires an argument -- '${a.slice(1)}'`);
      if (a === '-c' || a === '--command') command = value;
      else shellGiven = true;
    } else if (a.startsWith('--')) return refuse(`unrecognized option '${a}'`);
    else if (a.startsWith('-')) return refuse(`invalid option -- '${a.slice(1, 2)}'`);
    else user = a;
  }
  return command === null ? { kind: 'shell', user, login, shellGiven } : { kind: 'command', user, command, shellGiven };
}
