/**
 * sudo and su as on the Debian 12 hosts (sudo 1.9.13p3, util-linux su): the usage fitted to the
 * terminal and sudo -h compared with captures of the real sudo (test/sudo/), its option errors,
 * running as another user, and the shells `sudo -i`, `sudo -s` and `su` start, which `exit`
 * leaves for the shell below on the same host (an ssh from one comes back to it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, prompt, readSnapshot, runLine, serializeSession, type SessionState } from '../server/shell/session.js';
import { BLOG_FLOATING_IP } from './support/blog-floating-ip.js';

const capture = (name: string) => readFileSync(join(import.meta.dirname, 'sudo', name), 'utf8');

function run(s: SessionState, lines: string[]): { state: SessionState; out: string[]; prompts: string[] } {
  const out: string[] = [];
  const prompts: string[] = [];
  for (const l of lines) {
    const r = runLine(s, l);
    s = r.state;
    out.push(r.result.stdout + r.result.stderr);
    prompts.push(prompt(s));
  }
  return { state: s, out, prompts };
}

const laptop = (columns = 80) => createSession({ fixture: 'public-cloud', seed: 1, columns });

describe('sudo: as the real one says it', () => {
  it('prints its usage fitted to the terminal, as sudo does at every width captured', () => {
    for (const cols of [20, 32, 33, 40, 60, 79, 80, 81, 120, 200]) {
      const r = runLine(laptop(cols), 'sudo').result;
      expect({ cols, out: r.stdout, err: r.stderr, code: r.exitCode }).toEqual({ cols, out: '', err: capture(`usage-${cols}.txt`), code: 1 });
    }
  });

  it('sudo -h and --help: the help, on stdout', () => {
    expect(runLine(laptop(80), 'sudo -h').result).toMatchObject({ stdout: capture('help-80.txt'), stderr: '', exitCode: 0 });
    expect(runLine(laptop(50), 'sudo --help').result).toMatchObject({ stdout: capture('help-50.txt'), exitCode: 0 });
  });

  it("refuses options as getopt_long does, each followed by the usage", () => {
    const usage = capture('usage-80.txt');
    const cases: Array<[string, string]> = [
      ['sudo -x', "sudo: invalid option -- 'x'\n"],
      ['sudo -u', "sudo: option requires an argument -- 'u'\n"],
      ['sudo --user', "sudo: option '--user' requires an argument\n"],
      ['sudo --pre true', "sudo: option '--pre' is ambiguous; possibilities: '--preserve-env' '--preserve-groups'\n"],
      ['sudo --login=x', "sudo: option '--login' doesn't allow an argument\n"],
      ['sudo --bogus whoami', "sudo: unrecognized option '--bogus'\n"],
      ['sudo -i -s', 'sudo: you may not specify both the -i and -s options\n'],
      ['sudo -E', ''],
      ['sudo -n', ''],
      ['sudo -K whoami', ''],
      ['sudo -v whoami', ''],
      ['sudo -V x', ''],
      ['sudo -e', ''],
    ];
    for (const [line, message] of cases) expect({ line, ...runLine(laptop(), line).result }).toMatchObject({ line, stdout: '', stderr: message + usage, exitCode: 1 });
  });

  it('runs as root, as -u USER (or #0), or says the user is unknown', () => {
    const { out } = run(laptop(), [
      'whoami; sudo whoami; sudo -E -H whoami; sudo -nu nobody whoami; sudo --us=nobody whoami; sudo -u "#0" whoami; sudo -u taylor whoami',
      'sudo -u zed whoami; echo $?',
      'sudo -k whoami; sudo -k; sudo -K; sudo -v; echo $?',
      'sudo -- whoami; sudo A=1 B=2 whoami; sudo sudo -u nobody whoami',
      'sudo -h laptop',
      'sudo -l; sudo -V',
    ]);
    expect(out).toEqual([
      'taylor\nroot\nroot\nnobody\nnobody\nroot\ntaylor\n',
      '1\nsudo: unknown user zed\nsudo: error initializing audit plugin sudoers_audit\n',
      'root\n0\n',
      'root\nroot\nnobody\n',
      'sudo: unable to resolve host laptop: Name or service not known\nsudo: a remote host may only be specified when listing privileges.\n',
      'stacklab: sudo -l is not emulated here (any command may run as any user, without a password)\nstacklab: sudo -V is not emulated here (any command may run as any user, without a password)\n',
    ]);
  });

  it("with -i or -s runs a command in the user's shell: its builtins run there and end with it", () => {
    const { out, prompts } = run(laptop(), ['sudo -i exit 3; echo $?', 'sudo -s cd /; sudo -i export A=1; echo "[$A]"', 'sudo -i whoami']);
    expect(out).toEqual(['3\n', '[]\n', 'root\n']);
    expect(prompts).toEqual(['taylor@laptop:~$ ', 'taylor@laptop:~$ ', 'taylor@laptop:~$ ']);
  });
});

describe('sudo -i, sudo -s, su: a shell within the shell', () => {
  it('root until exit: a login shell in /root says logout, sudo -s stays where it was and says exit', () => {
    const { out, prompts } = run(laptop(), ['sudo -i', 'whoami; pwd', 'sudo -s', 'pwd', 'exit', 'exit', 'sudo -s', 'pwd; whoami', 'logout', 'exit', 'whoami', 'exit']);
    expect(prompts).toEqual([
      'root@laptop:~# ', 'root@laptop:~# ', 'root@laptop:~# ', 'root@laptop:~# ', 'root@laptop:~# ', 'taylor@laptop:~$ ',
      'root@laptop:/home/taylor# ', 'root@laptop:/home/taylor# ', 'root@laptop:/home/taylor# ', 'taylor@laptop:~$ ', 'taylor@laptop:~$ ', 'taylor@laptop:~$ ',
    ]);
    expect(out).toEqual(['', 'root\n/root\n', '', '/root\n', 'exit\n', 'logout\n', '', '/home/taylor\nroot\n', "bash: logout: not login shell: use `exit'\n", 'exit\n', 'taylor\n', 'exit: this is your own terminal; it stays open.\n']);
  });

  it('su: from root (sudo su -, su -c), never without a password', () => {
    const { out, prompts } = run(laptop(), ['su -', 'sudo su -', 'su -c whoami taylor; su -c "whoami; pwd"', 'su taylor', 'whoami', 'su', 'exit', 'exit', 'su zed', 'su -x']);
    expect(out).toEqual([
      'Password: \nsu: Authentication failure\n',
      '',
      'taylor\nroot\n/root\n',
      '',
      'taylor\n',
      'Password: \nsu: Authentication failure\n',
      'exit\n',
      'logout\n',
      'Password: \nsu: Authentication failure\n',
      "su: invalid option -- 'x'\nTry 'su --help' for more information.\n",
    ]);
    expect(prompts.slice(1, 5)).toEqual(['root@laptop:~# ', 'root@laptop:~# ', 'taylor@laptop:/root$ ', 'taylor@laptop:/root$ ']);
    expect(run(laptop(), ['sudo su zed', 'sudo su -c whoami nobody', 'sudo su -s /bin/sh -m -c whoami taylor', 'sudo su -s /bin/sh -c whoami nobody', 'sudo su --bogus', 'sudo su -c']).out).toEqual([
      'su: user zed does not exist or the user entry does not contain all the required fields\n',
      'This account is currently not available.\n',
      'taylor\n',
      'nobody\n',
      "su: unrecognized option '--bogus'\nTry 'su --help' for more information.\n",
      "su: option requires an argument -- 'c'\nTry 'su --help' for more information.\n",
    ]);
  });

  it("a system account's shell is nologin", () => {
    expect(runLine(laptop(), 'sudo -u nobody -i').result).toMatchObject({
      stdout: 'This account is currently not available.\n',
      stderr: 'sudo: unable to change directory to /nonexistent: No such file or directory\n',
      exitCode: 1,
    });
    expect(runLine(laptop(), 'sudo -u www-data -i').result).toMatchObject({ stdout: 'This account is currently not available.\n', stderr: '', exitCode: 1 });
    // su says it in its own words.
    expect(runLine(laptop(), 'sudo su - nobody').result).toMatchObject({
      stdout: 'This account is currently not available.\n',
      stderr: 'su: warning: cannot change directory to /nonexistent: No such file or directory\n',
      exitCode: 1,
    });
    // -s runs the shell of whoever typed it, as the user.
    const { out, prompts } = run(laptop(), ['sudo -u nobody -s', 'whoami; pwd', 'exit']);
    expect(out).toEqual(['', 'nobody\n/home/taylor\n', 'exit\n']);
    expect(prompts).toEqual(['nobody@laptop:/home/taylor$ ', 'nobody@laptop:/home/taylor$ ', 'taylor@laptop:~$ ']);
  });

  it("an ssh from a root shell comes back to it; root in a VM has no key of the image's user", () => {
    const fromLaptop = run(createSession({ fixture: 'network-node', seed: 1, host: 'laptop' }), ['sudo -i', 'ssh root@network', 'whoami', 'exit', 'whoami', 'exit']);
    expect(fromLaptop.prompts).toEqual(['root@laptop:~# ', 'root@network:~# ', 'root@network:~# ', 'root@laptop:~# ', 'root@laptop:~# ', 'admin@laptop:~$ ']);
    expect(fromLaptop.out.slice(2)).toEqual(['root\n', 'logout\nConnection to network closed.\n', 'root\n', 'logout\n']);
    let s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
    s = run(s, [...BLOG_FLOATING_IP, 'openstack security group rule create --proto tcp --dst-port 22 default']).state;
    const { out, prompts } = run(s, ['ssh cirros@180.180.180.3', 'sudo -i', 'whoami', 'ssh cirros@180.180.180.3', 'exit', 'whoami', 'exit', 'hostname']);
    expect(prompts).toEqual(['cirros@vm2:~$ ', 'root@vm2:~# ', 'root@vm2:~# ', 'root@vm2:~# ', 'cirros@vm2:~$ ', 'cirros@vm2:~$ ', 'root@network:~# ', 'root@network:~# ']);
    expect(out.slice(2)).toEqual([
      'root\n',
      // root's known_hosts is its own, and it has no key for cirros.
      "Warning: Permanently added '180.180.180.3' (ED25519) to the list of known hosts.\ncirros@180.180.180.3: Permission denied (publickey).\n",
      'logout\n',
      'cirros\n',
      'logout\nConnection to 180.180.180.3 closed.\n',
      'network\n',
    ]);
  });

  it('ssh says goodbye to the destination it was given; a session stored before it kept one, to the host', () => {
    const s = createSession({ fixture: 'network-node', seed: 1, host: 'laptop' });
    expect(run(s, ['ssh root@10.0.0.11', 'exit']).out[1]).toBe('logout\nConnection to 10.0.0.11 closed.\n');
    const old = run(s, ['ssh root@network']).state;
    expect(runLine({ ...old, hostStack: ['laptop'] }, 'exit').result.stdout).toBe('logout\nConnection to network closed.\n');
  });

  it('a shell started in $(…) ends with it; the shells of one terminal are bounded; a snapshot keeps them', () => {
    const { state, out, prompts } = run(laptop(), ['echo "$(sudo -i; whoami)"', 'whoami']);
    expect(out).toEqual(['root\n', 'taylor\n']);
    expect(prompts[1]).toBe('taylor@laptop:~$ ');
    const deep = run(state, [...Array.from({ length: 40 }, () => 'sudo -s')]);
    expect(deep.out.slice(0, 32).every((o) => o === '')).toBe(true);
    expect(deep.out[32]).toBe('stacklab: too many shells within shells (limit: 32); type exit to leave one\n');
    const back = readSnapshot(serializeSession(deep.state)).state;
    expect(prompt(back)).toBe('root@laptop:/home/taylor# ');
    expect(run(back, Array.from({ length: 32 }, () => 'exit')).prompts.at(-1)).toBe('taylor@laptop:~$ ');
  });

  it('ssh, sudo -i and su share the bound', () => {
    const s = createSession({ fixture: 'network-node', seed: 1, host: 'laptop' });
    const { out, state } = run(s, Array.from({ length: 17 }, () => ['ssh root@network', 'sudo -s']).flat());
    expect(out.slice(0, 32).every((o) => o === '')).toBe(true);
    expect(out.slice(32)).toEqual(['stacklab: too many shells within shells (limit: 32); type exit to leave one\n', 'stacklab: too many shells within shells (limit: 32); type exit to leave one\n']);
    expect(state.hostStack).toHaveLength(32);
    expect(prompt(state)).toBe('root@network:~# ');
  });

  it("su -c running itself through a variable is stopped by the line's command limit", () => {
    let s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
    s = runLine(s, `X='su -c "$X"'`).state;
    const r = runLine(s, 'su -c "$X"').result;
    expect(r.internalError).toBeUndefined();
    expect(r.stderr).toBe('stacklab: this line runs too many commands (limit: 256); it was stopped\n');
  });

  it('sudo sudo … of a whole line is unwrapped in a loop, the last one deciding', () => {
    expect(runLine(laptop(), `${'sudo '.repeat(790)}whoami`).result.stdout).toBe('root\n');
    expect(runLine(laptop(), `${'sudo -u nobody '.repeat(260)}sudo -u taylor whoami`).result.stdout).toBe('taylor\n');
  });
});
