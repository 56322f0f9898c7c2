/**
 * `$(…)` runs in a subshell, as in bash: what it assigns, unsets or exports, the host an `ssh` in it
 * reaches and an `exit` in it stay inside; what it asks the cloud is done; `$?` is its status, and a
 * command of assignments only has the status of its last substitution. Every expectation below was
 * checked against bash 5.2 (`bash -c '…'`).
 */
import { describe, expect, it } from 'vitest';
import { createSession, runLine } from '../server/shell/session.js';
import { BLOG_FLOATING_IP } from './support/blog-floating-ip.js';
import { runLines } from './support/run-lines.js';

const run = runLines;

const empty = () => createSession({ fixture: 'empty', seed: 1 });

describe('$(…) is a subshell', () => {
  it('keeps its variables to itself: assigned, unset or exported', () => {
    const { out } = run(empty(), [
      'X=1',
      'echo $(X=2; echo in $X)',
      'echo "[$X]"',
      'echo $(unset X; echo "[$X]")',
      'echo "[$X]"',
      'echo $(export Y=5) "[$Y]"',
      'echo "[$Y]"',
      'X=$(X=3; echo $X); echo "[$X]"',
    ]);
    expect(out).toEqual(['', 'in 2\n', '[1]\n', '[]\n', '[1]\n', '[]\n', '[]\n', '[3]\n']);
  });

  it("leaves the line's own variables as they were when the line had assigned first", () => {
    const { out, state } = run(empty(), ['A=1; B=$(A=2; C=3; echo $A$C); echo "$A $B [$C]"']);
    expect(out).toEqual(['1 23 []\n']);
    expect(state.env).toMatchObject({ A: '1', B: '23' });
    expect(state.env['C']).toBeUndefined();
  });

  it('gives $? its status, and an assignment-only command the status of its last substitution', () => {
    const { out } = run(empty(), [
      'false; echo "[$(true)] $?"',
      'true; echo "$(false)" $?',
      'X=$(false); echo $?',
      'X=$(exit 3) Y=$(true); echo $?',
      'X=$(false) true; echo $?',
      'X=$(exit 4); echo $? "[$X]"',
    ]);
    expect(out).toEqual(['[] 0\n', ' 1\n', '1\n', '0\n', '0\n', '4 []\n']);
  });

  it('ends at `exit` with its status, the rest of the substitution not run; the terminal stays', () => {
    const { out } = run(empty(), [
      'echo "[$(echo a; exit 2; echo b)]" $?',
      'echo "[$(exit 257)]" $?; echo "[$(exit -1)]" $?; echo "[$(false; exit)]" $?',
      'echo "[$(exit 2 && echo no)]" $?',
      // In a pipeline, `exit` ends its own part only.
      'echo "[$(echo x | exit 3; echo y)]" $?',
      'echo "[$(exit abc)]" $?',
      'echo "[$(exit 1 2; echo after)]" $?',
      'echo "[$(logout)]" $?',
      'echo "[$(exit 9223372036854775807)]" $?; echo "[$(exit -9223372036854775808)]" $?',
      'echo "[$(exit 9223372036854775808)]" $?',
      'echo still here',
    ]);
    expect(out).toEqual([
      '[a] 2\n',
      '[] 1\n[] 255\n[] 1\n',
      '[] 2\n',
      '[y] 0\n',
      '[] 2\nbash: exit: abc: numeric argument required\n',
      '[] 1\nbash: exit: too many arguments\n',
      "[] 1\nbash: logout: not login shell: use `exit'\n",
      '[] 255\n[] 0\n',
      '[] 2\nbash: exit: 9223372036854775808: numeric argument required\n',
      'still here\n',
    ]);
  });

  it('does not move the terminal: an ssh or an exit in it leaves the host as it was', () => {
    let s = createSession({ fixture: 'network-node', seed: 1, host: 'network' });
    s = run(s, [...BLOG_FLOATING_IP, 'openstack security group rule create --proto tcp --dst-port 22 default']).state;
    const { out } = run(s, [
      'X=$(ssh cirros@180.180.180.3); hostname',
      'echo "[$(ssh cirros@180.180.180.3 hostname)]"; hostname',
      'ssh cirros@180.180.180.3',
      'echo "[$(exit)]" $?; hostname',
      'exit',
      'hostname',
    ]);
    expect(out[0]).toBe("network\nWarning: Permanently added '180.180.180.3' (ED25519) to the list of known hosts.\n");
    expect(out[1]).toBe('[vm2]\nnetwork\n');
    expect(out[3]).toBe('[] 0\nvm2\n');
    expect(out[4]).toBe('logout\nConnection to 180.180.180.3 closed.\n');
    expect(out[5]).toBe('network\n');
  });

  it('a line of as many assigning substitutions as it may run, over the most variables a session may have, stays quick and leaves them as they were', () => {
    let s = empty();
    // 1,000 variables (the limit), in lines of 100 assignments.
    for (let i = 0; i < 10; i++) s = runLine(s, Array.from({ length: 100 }, (_, j) => `V${i * 100 + j}=${'x'.repeat(500)}`).join('; ')).state;
    const before = JSON.stringify(s.env);
    // Each substitution copies the variables once (its first assignment): 64 of them.
    const line = Array.from({ length: 64 }, (_, i) => `$(V${i}=changed; unset V${i + 1}; W${i}=new)`).join('');
    const t0 = performance.now();
    const r = runLine(s, `echo "[${line}]"`);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(r.result.stdout).toBe('[]\n');
    expect(JSON.stringify(r.state.env)).toBe(before);
    // One more substitution than a line may run: stopped by the limit, as before.
    const over = runLine(s, `echo ${line}$(true)`);
    expect(over.result.stderr).toContain('too many $(…) substitutions (limit: 64)');
    expect(JSON.stringify(over.state.env)).toBe(before);
  });

  it('changes the cloud: what it asks the API is done', () => {
    const { out } = run(empty(), [
      'ID=$(openstack network create inside -f value -c id; X=1)',
      'openstack network list -f value -c Name',
      'echo "[$X]"',
    ]);
    expect(out[1]).toBe('inside\n');
    expect(out[2]).toBe('[]\n');
  });
});
