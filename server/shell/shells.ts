/**
 * The shells one terminal stacks, and the users they run as. A session's hostStack holds what
 * `exit` goes back to, most recent last: a host left with ssh (`HOST DESTINATION`: the host, and
 * the destination ssh was given; a bare `HOST` in sessions stored before destinations were kept),
 * or a shell that sudo -i/-s or su started on the same host (`sudo -i USER`, `sudo -s USER`).
 * Host ids (`laptop`, `network`, `vm:…`, `amp:…`) hold no space and never start with "sudo ".
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

/** A user's home directory. */
export function homeOf(user: string): string {
  return user === 'root' ? '/root' : user === 'nobody' ? '/nonexistent' : `/home/${user}`;
}

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
  return { login: entry.startsWith('sudo -i '), user: entry.slice('sudo -i '.length) };
}

/** The entry of a host left with ssh to `via`. */
export function hostEntry(host: string, via: string | undefined): string {
  return via === undefined ? host : `${host} ${via}`;
}

/** A host entry's host, and the destination ssh was given (undefined in older sessions). */
export function readHostEntry(entry: string): { host: string; via: string | undefined } {
  const space = entry.indexOf(' ');
  return space < 0 ? { host: entry, via: undefined } : { host: entry.slice(0, space), via: entry.slice(space + 1) };
}
