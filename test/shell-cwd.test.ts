/**
 * The shell's working directory, as bash 5.2 keeps it: `cd` (its messages compared with the real
 * bash on this machine), `pwd`, the prompt's \w, relative paths for ls and cat, PWD and OLDPWD,
 * and the shells a terminal stacks (ssh, sudo -i/-s, su): each starts where the real one does,
 * and `exit` goes back to the directory the shell below was in.
 */
import { describe, expect, it } from 'vitest';
import { complete, createSession, MAX_LINE, prompt, readSnapshot, runLine, serializeSession, type SessionState } from '../server/shell/session.js';
import { BLOG_FLOATING_IP } from './support/blog-floating-ip.js';
import { run as build } from './lb-dataplane/build.js';

function run(s: SessionState, lines: string[]): { state: SessionState; out: string[]; prompts: string[]; codes: number[] } {
  const out: string[] = [];
  const prompts: string[] = [];
  const codes: number[] = [];
  for (const l of lines) {
    const r = runLine(s, l);
    s = r.state;
    out.push(r.result.stdout + r.result.stderr);
    prompts.push(prompt(s));
    codes.push(r.result.exitCode);
  }
  return { state: s, out, prompts, codes };
}

const node = () => createSession({ fixture: 'network-node', seed: 1, host: 'network' });
const laptop = () => createSession({ fixture: 'public-cloud', seed: 1 });

describe('cd and pwd', () => {
  it('moves the shell: pwd, the prompt, and relative paths for ls and cat follow', () => {
    const { out, prompts } = run(node(), ['cd /etc', 'pwd', 'cd neutron', 'cat l3_agent.ini', 'cd plugins/ml2', 'ls', 'cd ../..', 'ls', 'cd', 'pwd']);
    expect(prompts).toEqual([
      'root@network:/etc# ', 'root@network:/etc# ', 'root@network:/etc/neutron# ', 'root@network:/etc/neutron# ',
      'root@network:/etc/neutron/plugins/ml2# ', 'root@network:/etc/neutron/plugins/ml2# ', 'root@network:/etc/neutron# ',
      'root@network:/etc/neutron# ', 'root@network:~# ', 'root@network:~# ',
    ]);
    expect(out[1]).toBe('/etc\n');
    expect(out[3]).toBe(runLine(node(), 'cat /etc/neutron/l3_agent.ini').result.stdout);
    expect(out[3]).toMatch(/^\[DEFAULT\]\n/);
    expect(out[5]).toBe('ml2_conf.ini\nopenvswitch_agent.ini\n');
    expect(out[7]).toBe('dhcp_agent.ini\nl3_agent.ini\nplugins\n');
    expect(out[9]).toBe('/root\n');
  });

  it('says what bash 5.2 says when it cannot, and stays where it was', () => {
    const { out, codes, prompts } = run(node(), ['cd /etc', 'cd /nope', 'cd hostname', 'cd a b', 'cd -x', 'cd -', 'cd ""', 'cd -P /tmp', 'cd -- /etc']);
    expect(out.slice(1, 6)).toEqual([
      'bash: cd: /nope: No such file or directory\n',
      'bash: cd: hostname: Not a directory\n',
      'bash: cd: too many arguments\n',
      'bash: cd: -x: invalid option\ncd: usage: cd [-L|[-P [-e]] [-@]] [dir]\n',
      // OLDPWD is the directory before the first cd.
      '/root\n',
    ]);
    expect(codes).toEqual([0, 1, 1, 1, 2, 0, 0, 0, 0]);
    expect(prompts.slice(0, 5)).toEqual(Array(5).fill('root@network:/etc# '));
    expect(prompts.slice(5)).toEqual(['root@network:~# ', 'root@network:~# ', 'root@network:/tmp# ', 'root@network:/etc# ']);
    expect(run(node(), ['cd -']).out).toEqual(['bash: cd: OLDPWD not set\n']);
  });

  it('cd - goes back and says where; PWD and OLDPWD follow', () => {
    const { out } = run(node(), ['cd /etc/neutron', 'cd /tmp', 'cd -', 'cd -', 'echo $PWD $OLDPWD']);
    expect(out).toEqual(['', '', '/etc/neutron\n', '/tmp\n', '/tmp /etc/neutron\n']);
  });

  it("root's home is root's: a learner is refused it, sudo -s is let in", () => {
    const { out, prompts } = run(laptop(), ['cd /root', 'cd /home', 'ls', 'cd ~', 'sudo -s', 'cd /root', 'exit']);
    expect(out[0]).toBe('bash: cd: /root: Permission denied\n');
    expect(out[2]).toBe('taylor\n');
    expect(prompts).toEqual(['taylor@laptop:~$ ', 'taylor@laptop:/home$ ', 'taylor@laptop:/home$ ', 'taylor@laptop:~$ ', 'root@laptop:/home/taylor# ', 'root@laptop:~# ', 'taylor@laptop:~$ ']);
  });

  it('a cd in $(…) or in sudo -s CMD stays there, as in a subshell', () => {
    const { out, prompts } = run(node(), ['cd /tmp', 'x=$(cd /etc; pwd); echo $x; pwd', 'sudo -s cd /etc; pwd']);
    // sudo -s CMD runs CMD in root's shell (cd is its builtin), which then ends.
    expect(out.slice(1)).toEqual(['/etc\n/tmp\n', '/tmp\n']);
    expect(run(node(), ['sudo cd /etc']).out).toEqual(['sudo: cd: command not found\n']);
    expect(prompts.at(-1)).toBe('root@network:/tmp# ');
  });
});

describe('the shells a terminal stacks, and their directories', () => {
  it('sudo -s starts where it was typed, sudo -i and su - in the home; exit goes back to the directory below', () => {
    const { out, prompts } = run(laptop(), ['cd /etc', 'sudo -s', 'pwd', 'cd /tmp', 'sudo -i', 'pwd', 'exit', 'pwd', 'exit', 'pwd']);
    expect(prompts).toEqual([
      'taylor@laptop:/etc$ ', 'root@laptop:/etc# ', 'root@laptop:/etc# ', 'root@laptop:/tmp# ', 'root@laptop:~# ', 'root@laptop:~# ',
      'root@laptop:/tmp# ', 'root@laptop:/tmp# ', 'taylor@laptop:/etc$ ', 'taylor@laptop:/etc$ ',
    ]);
    expect([out[2], out[5], out[7], out[9]]).toEqual(['/etc\n', '/root\n', '/tmp\n', '/etc\n']);
    const su = run(laptop(), ['sudo -s', 'cd /etc', 'su -', 'pwd', 'exit', 'su', 'pwd']);
    expect([su.out[3], su.out[6]]).toEqual(['/root\n', '/etc\n']);
  });

  it('ssh logs in to the home there; exit comes back to where ssh was typed', () => {
    let s = run(node(), [...BLOG_FLOATING_IP, 'openstack security group rule create --proto tcp --dst-port 22 default']).state;
    const { out, prompts } = run(s, ['cd /etc/neutron', 'ssh cirros@180.180.180.3', 'pwd', 'cd /etc', 'cat hostname', 'exit', 'pwd']);
    expect(prompts).toEqual(['root@network:/etc/neutron# ', 'cirros@vm2:~$ ', 'cirros@vm2:~$ ', 'cirros@vm2:/etc$ ', 'cirros@vm2:/etc$ ', 'root@network:/etc/neutron# ', 'root@network:/etc/neutron# ']);
    expect([out[2], out[4], out[6]]).toEqual(['/home/cirros\n', 'vm2\n', '/etc/neutron\n']);
    s = run(s, ['cd /tmp', 'ssh cirros@180.180.180.3', 'cd /etc']).state;
    // Stored and read back (a snapshot), the stack keeps each shell's directory.
    const back = readSnapshot(serializeSession(s)).state;
    expect(run(back, ['pwd', 'exit', 'pwd']).out).toEqual(['/etc\n', 'logout\nConnection to 180.180.180.3 closed.\n', '/tmp\n']);
  });

  it("on an amphora: cd to the load balancer's directory, and sudo cat haproxy.cfg there", () => {
    const s0 = build(createSession({ fixture: 'network-node' }), [
      'openstack network create lb-mgmt-net',
      'openstack subnet create --network lb-mgmt-net --subnet-range 172.24.0.0/16 lb-mgmt-subnet',
      'openstack loadbalancer create --name lb1 --vip-subnet-id subnet1',
      'openstack loadbalancer listener create --name l1 --protocol HTTP --protocol-port 80 lb1',
    ]);
    const amp = s0.cloud.octavia?.amphorae[0];
    const lb = s0.cloud.octavia?.loadBalancers[0];
    if (!amp || !lb) throw new Error('no amphora');
    const dir = `/var/lib/octavia/${lb.id}`;
    const { out, prompts } = run(s0, [`ssh ubuntu@${amp.lbNetworkIp}`, `cd ${dir}`, 'cat haproxy.cfg', 'sudo cat haproxy.cfg', 'cd', 'pwd']);
    expect(prompts[1]).toMatch(new RegExp(`^ubuntu@amphora-\\S+:${dir}\\$ $`));
    expect(out[2]).toBe('cat: haproxy.cfg: Permission denied\n');
    expect(out[3]).toBe(run(s0, [`ssh ubuntu@${amp.lbNetworkIp}`, `sudo cat ${dir}/haproxy.cfg`]).out[1]);
    expect(out[3]).toMatch(/^# Configuration for loadbalancer /);
    expect(out[5]).toBe('/home/ubuntu\n');
  });

  it('exit N leaves with N, as sudo and ssh return it; bash says what it thinks of other arguments', () => {
    const { out, codes, prompts } = run(node(), ['sudo -s', 'exit abc', 'echo $?', 'sudo -i', 'false', 'exit', 'echo $?', 'sudo -s', 'exit 3 4', 'exit 300', 'echo $?']);
    expect(out).toEqual([
      '', 'exit\nbash: exit: abc: numeric argument required\n', '2\n', '', '', 'logout\n', '1\n', '',
      // More than one argument: bash stays (status 1), after saying goodbye.
      'exit\nbash: exit: too many arguments\n', 'exit\n', '44\n',
    ]);
    expect(codes.slice(1, 2)).toEqual([2]);
    expect(prompts[8]).toBe('root@network:~# ');
    let s = run(node(), [...BLOG_FLOATING_IP, 'openstack security group rule create --proto tcp --dst-port 22 default']).state;
    s = run(s, ['ssh cirros@180.180.180.3']).state;
    expect(run(s, ['exit 5', 'echo $?']).out).toEqual(['logout\nConnection to 180.180.180.3 closed.\n', '5\n']);
  });

  it('sudo -i CMD and sudo -s CMD: the builtins run in that shell, its errors naming it as the real ones do', () => {
    const { out, codes, prompts } = run(node(), ['cd /etc', 'sudo -i exit abc', 'sudo -s exit abc', 'sudo -i exit 3 4', 'sudo -i exit 7', 'sudo -s cd /nope', 'sudo -i cd neutron', 'sudo -s cd neutron', 'sudo -i logout', 'sudo -s logout']);
    expect(out.slice(1)).toEqual([
      '-bash: line 1: exit: abc: numeric argument required\n',
      '/bin/bash: line 1: exit: abc: numeric argument required\n',
      '-bash: line 1: exit: too many arguments\n',
      '',
      '/bin/bash: line 1: cd: /nope: No such file or directory\n',
      // -i's shell starts in root's home; -s's where sudo was typed (and ends there).
      '-bash: line 1: cd: neutron: No such file or directory\n',
      '',
      '',
      "/bin/bash: line 1: logout: not login shell: use `exit'\n",
    ]);
    expect(codes.slice(1)).toEqual([2, 2, 1, 7, 1, 1, 0, 0, 1]);
    expect(prompts.at(-1)).toBe('root@network:/etc# ');
  });

  it("tilde expansion as bash 5.2's: the user's home, ~USER, ~+ and ~-, in NAME=value after = and each colon", () => {
    const { out } = run(node(), [
      'echo ~ ~/x ~root ~nobody/y ~taylor ~nosuch "~" \\~ x~',
      'cd /etc',
      'echo ~+ ~- ~+/neutron',
      'A=~; B=x:~/y:~root; C="~"; D=~$USER; echo $A $B $C $D; echo a=~ b:~ --opt=~',
    ]);
    expect(out).toEqual([
      '/root /root/x /root /nonexistent/y ~taylor ~nosuch ~ ~ x~\n',
      '',
      '/etc /root /etc/neutron\n',
      // $USER is root's on the node (the tilde is not expanded again after the variable, as in bash).
      '/root x:/root/y:/root ~ ~root\na=/root b:~ --opt=~\n',
    ]);
    // On the laptop, the learner's home; after sudo -i, root's.
    expect(run(laptop(), ['echo ~', 'sudo -i', 'echo ~', 'exit', 'cat ~/web-server.sh | head -1']).out.slice(0, 3)).toEqual(['/home/taylor\n', '', '/root\n']);
  });

  it('hostile lines: a path of thousands of .., a tilde in every field of a long assignment, Tab on an over-long path', () => {
    const deep = `cd /etc/${'../'.repeat(1_300)}etc/neutron`;
    expect(deep.length).toBeLessThan(MAX_LINE);
    const r = run(node(), [deep, 'pwd', `A=${Array(1_500).fill('~').join(':')}; echo $A | wc -c`, 'cd /nope/'.padEnd(MAX_LINE - 10, 'x')]);
    expect(r.out.slice(0, 2)).toEqual(['', '/etc/neutron\n']);
    // 1,500 home directories of 5 characters, their colons and echo's newline: within the variable limit.
    expect(r.out[2]).toBe('9000\n');
    expect(r.out[3]).toMatch(/^bash: cd: \/nope\/x+: No such file or directory\n$/);
    expect(complete(node(), `cat ${'a/'.repeat(MAX_LINE / 2 - 10)}`)).toEqual({ candidates: [] });
    expect(complete(node(), `cd ${'../'.repeat(1_000)}e`).candidates).toEqual([`${'../'.repeat(1_000)}etc/`]);
  });
});

describe("HOME, USER and LOGNAME: the shell's user's, as a login sets them", () => {
  const show = 'echo "$HOME $USER $LOGNAME"';

  it('on each host, in a shell sudo starts and after ssh, and again after exit', () => {
    const admin = createSession({ fixture: 'network-node', seed: 1, host: 'laptop' });
    expect(run(admin, [show, 'cd $HOME', 'pwd', 'whoami']).out).toEqual(['/home/admin admin admin\n', '', '/home/admin\n', 'admin\n']);
    expect(run(node(), [show]).out).toEqual(['/root root root\n']);
    const l = run(laptop(), [show, 'sudo -i', show, 'exit', show, 'sudo -s', show, 'exit', show]).out;
    expect([l[0], l[2], l[4], l[6], l[8]]).toEqual(['/home/taylor taylor taylor\n', '/root root root\n', '/home/taylor taylor taylor\n', '/root root root\n', '/home/taylor taylor taylor\n']);
    const s = run(node(), [...BLOG_FLOATING_IP, 'openstack security group rule create --proto tcp --dst-port 22 default']).state;
    const v = run(s, ['ssh cirros@180.180.180.3', show, 'exit', show]).out;
    expect([v[1], v[3]]).toEqual(['/home/cirros cirros cirros\n', '/root root root\n']);
  });

  it('env lists them (sudo env as root); a value the learner assigns wins, and whoami still says who is logged in', () => {
    const env = (s: SessionState, line = 'env') => run(s, [`${line} | grep -E '^(HOME|USER|LOGNAME)='`]).out[0];
    expect(env(laptop())).toBe('HOME=/home/taylor\nLOGNAME=taylor\nUSER=taylor\n');
    expect(env(laptop(), 'sudo env')).toBe('HOME=/root\nLOGNAME=root\nUSER=root\n');
    const { state, out } = run(laptop(), ['export USER=bob HOME=/tmp', show, 'whoami', 'cd $HOME', 'pwd']);
    expect(out).toEqual(['', '/tmp bob taylor\n', 'taylor\n', '', '/tmp\n']);
    expect(env(state)).toBe('HOME=/tmp\nLOGNAME=taylor\nUSER=bob\n');
    expect(run(state, ['unset USER', show]).out[1]).toBe('/tmp taylor taylor\n');
  });

  it('a workspace stored when HOME and USER were fixed variables follows the user too', () => {
    const stored = JSON.parse(serializeSession(laptop())) as { env: Record<string, string> };
    stored.env = { ...stored.env, HOME: '/home/taylor', USER: 'taylor' };
    const back = readSnapshot(JSON.stringify(stored)).state;
    const out = run(back, ['sudo -i', show]).out;
    expect(out[1]).toBe('/root root root\n');
  });
});
