import { describe, expect, it } from 'vitest';
import { createSession, readSnapshot, runLine, serializeSession } from './session.js';

describe("a line's shell variables", () => {
  const start = () => runLine(createSession({ fixture: 'empty' }), 'A=1').state;

  it('are shared with the state before when the line assigns nothing', () => {
    const s = start();
    const next = runLine(s, 'echo $A; openstack network list').state;
    expect(next.env).toBe(s.env);
    expect(next).not.toBe(s);
  });

  it('are copied by the first assignment: the state before keeps its own', () => {
    const s = start();
    const frozen = JSON.stringify(s.env);
    const r = runLine(s, 'B=2; export C=3; A=changed; echo $A$B$C');
    expect(r.result.stdout).toBe('changed23\n');
    expect(r.state.env).not.toBe(s.env);
    expect(r.state.env).toMatchObject({ A: 'changed', B: '2', C: '3' });
    expect(JSON.stringify(s.env)).toBe(frozen);
    const u = runLine(r.state, 'unset A B; echo "[$A$B$C]"');
    expect(u.result.stdout).toBe('[3]\n');
    expect(r.state.env).toMatchObject({ A: 'changed', B: '2', C: '3' });
    // An unset of nothing changes nothing.
    expect(runLine(u.state, 'unset NOPE').state.env).toBe(u.state.env);
  });

  it('one session never sees what another assigned from the same state', () => {
    const s = start();
    const a = runLine(s, 'X=a').state;
    const b = runLine(s, 'X=b').state;
    expect([a.env['X'], b.env['X'], s.env['X']]).toEqual(['a', 'b', undefined]);
    expect(runLine(a, 'echo $X').result.stdout).toBe('a\n');
  });
});

describe('variables named like what every JavaScript object has', () => {
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

  it('are unset until assigned: they expand to nothing, env and unset see nothing', () => {
    const s = createSession({ fixture: 'empty' });
    const r = runLine(s, names.map((n) => `echo "[$${n}][\${${n}}]"`).join('; '));
    expect(r.result).toMatchObject({ stdout: '[][]\n'.repeat(names.length), stderr: '', exitCode: 0 });
    expect(runLine(s, `unset ${names.join(' ')}; echo ok`).result.stdout).toBe('ok\n');
    expect(runLine(s, 'env').result.stdout).not.toMatch(/constructor|__proto__/);
  });

  it('hold what is assigned, as any other variable, and stay after a snapshot', () => {
    let s = createSession({ fixture: 'empty' });
    s = runLine(s, names.map((n, i) => `export ${n}=v${i}`).join('; ')).state;
    expect(runLine(s, names.map((n) => `echo $${n}`).join('; ')).result.stdout).toBe(names.map((_, i) => `v${i}\n`).join(''));
    expect(Object.getPrototypeOf(s.env)).toBe(Object.prototype);
    const env = runLine(s, 'env').result.stdout;
    for (const [i, n] of names.entries()) expect(env).toContain(`\n${n}=v${i}\n`);
    const back = readSnapshot(serializeSession(s)).state;
    expect(runLine(back, 'echo $__proto__ $constructor').result.stdout).toBe('v2 v0\n');
    const u = runLine(s, 'unset __proto__ constructor; echo "[$__proto__][$constructor][$toString]"');
    expect(u.result.stdout).toBe('[][][v1]\n');
  });
});
