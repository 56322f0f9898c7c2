/**
 * The shells one terminal stacks, and the users they run as. A session's hostStack holds what
 * `exit` goes back to, most recent last: a host left with ssh (`HOST DESTINATION`: the host, and
 * the destination ssh was given; a bare `HOST` in sessions stored before destinations were kept),
 * or a shell that sudo -i/-s or su started on the same host (`sudo -i USER`, `sudo -s USER`).
 * Host ids (`laptop`, `network`, `vm:…`, `amp:…`) hold no space and never start with "sudo ". An
 * entry may end with the working directory of the shell it leaves (withCwd).
 */

/** Debian's system accounts: every host has them, with nologin for a shell. */
const NO_SHELL = ['daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc', 'nobody'];

/** Whether a host whose login user is `hostUser` has `user`: root, that user, the system accounts. */
export function knownUser(user: string, hostUser: string): boolean {
  return user === 'root' || user === hostUser || NO_SHELL.includes(user);
}

/** Whether `user` has a shell to log in to (the system accounts' is nologin). */
export function hasShell(user: string): boolean {
  return !NO_SHELL.includes(user);
}

/** A user's home directory: one rule for the shell and the host's tools (cli/linux/host.ts). */
export { homeOf } from '../cli/linux/host.js';

/** A shell started by sudo -i/-s or su on the terminal's host: `exit` leaves it for the one below. */
export interface ShellFrame {
  user: string;
  /** A login shell (-i, `su -`): starts in the user's home, and `exit` says "logout". */
  login: boolean;
}

export function shellFrame(f: ShellFrame): string {
  return `sudo ${f.login ? '-i' : '-s'} ${f.user}`;
}

export function readFrame(entry: string | undefined): ShellFrame | null {
  if (entry === undefined || !entry.startsWith('sudo ')) return null;
  return { login: entry.startsWith('sudo -i '), user: splitEntry(entry).entry.slice('sudo -i '.length) };
}

/**
 * Where the shell below was (its working directory, after a `cd`) is kept with the entry, so
 * `exit` goes back there: after a tab, which no directory the shells know has (`cd` enters only
 * directories that exist). Without one, the shell below was in its default directory.
 */
const CWD = '\t';

/** The entry, with the working directory of the shell it leaves (undefined: its default). */
export function withCwd(entry: string, cwd: string | undefined): string {
  return cwd === undefined ? entry : `${entry}${CWD}${cwd}`;
}

/** An entry and the working directory kept with it (undefined when none was). */
export function splitEntry(entry: string): { entry: string; cwd: string | undefined } {
  const tab = entry.indexOf(CWD);
  return tab < 0 ? { entry, cwd: undefined } : { entry: entry.slice(0, tab), cwd: entry.slice(tab + 1) };
}

/** The entry of a host left with ssh to `via`. */
export function hostEntry(host: string, via: string | undefined): string {
  return via === undefined ? host : `${host} ${via}`;
}

/** A host entry's host, and the destination ssh was given (undefined in older sessions). */
export function readHostEntry(stored: string): { host: string; via: string | undefined } {
  const { entry } = splitEntry(stored);
  const space = entry.indexOf(' ');
  return space < 0 ? { host: entry, via: undefined } : { host: entry.slice(0, space), via: entry.slice(space + 1) };
}
