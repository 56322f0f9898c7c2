/**
 * Incremental grading (issue #19): a workspace's attempt keeps its distinct commands in an array
 * that only grows, and the grader keeps what it parsed and found per array, extending it with
 * each new command. These tests grade after every command both ways, the incremental one and a
 * full one over a fresh copy of every command typed (nothing remembered), over the labs'
 * solutions and over random histories, and want the same grade, byte for byte; and a third way,
 * keeping the outcome of each check that reads nothing changed since the grade before (`since`).
 */
import { describe, expect, it } from 'vitest';
import { grade, labFor, labSession, loadLabs, type GradeInput, type GradeResult, type HistoryCommand, type Lab } from '../../server/labs/index.js';
import { sameResources } from '../../server/workspace/topology.js';
import { historyCommand, invocations } from '../../server/labs/history.js';
import { runLine, type SessionState } from '../../server/shell/session.js';
import { randInt, seedRng } from '../../server/sim/rng.js';
import { addToAttempt, emptyAttempt, type Attempt } from '../../server/workspace/attempt.js';
import { labWith, session } from './helpers.js';

const LABS = loadLabs();

/** Lines a learner might type in any lab: reads, writes, probes, namespaces, variables, errors, both CLIs. */
const VOCABULARY = [
  'openstack network list',
  'openstack router list',
  'neutron router-list',
  'openstack port list --long',
  'openstack subnet list --network ext-net',
  'openstack security group rule list default',
  'openstack floating ip list',
  'openstack server list',
  'openstack loadbalancer list',
  'openstack bgp speaker list',
  'openstack address scope list',
  'ip netns',
  'ip a',
  'R=$(openstack router list -f value -c ID | head -1); sudo ip netns exec qrouter-$R route -n',
  'R=$(openstack router list -f value -c ID | head -1); ip netns exec qrouter-$R iptables-save | head -3',
  'ip netns exec qrouter-nope ip r',
  'ping -c 1 203.0.113.10',
  'stacklab trace laptop 203.0.113.10',
  'openstack network create extra',
  'openstack router create spare',
  'openstack router set --external-gateway ext-net spare',
  'openstack server stop vm1',
  'openstack server start vm1',
  'false && openstack network create never',
  '# just a comment',
  'openstack no such command',
];

/** Each attempt's grade before, for the grade that keeps outcomes (`since`). */
const kept = new WeakMap<Attempt, { lab: Lab; cloud: SessionState['cloud']; count: number; result: GradeResult }>();

/** The grade both ways after one more line; throws (with the lab and line) when they differ. */
function step(lab: Lab, state: SessionState, line: string, parsed: boolean, all: HistoryCommand[], attempt: Attempt, seq: number): SessionState {
  const r = runLine(state, line);
  // Now and then an entry recorded before `ran` existed: the grader parses its line.
  const c = parsed ? { line } : historyCommand(line, r.result);
  all.push(c);
  addToAttempt(attempt, { seq, kind: 'command', line, exitCode: r.result.exitCode, at: seq, ...(c.ran ? { ran: c.ran.map((a) => [...a]) } : {}) });
  const incremental = grade(lab, r.state.cloud, attempt.commands, { answers: attempt.answers });
  const full = grade(lab, r.state.cloud, [...all], { answers: attempt.answers });
  expect(JSON.stringify(incremental), `${lab.id} after \`${line}\``).toBe(JSON.stringify(full));
  // And keeping the outcomes of checks that read nothing that changed since the grade before.
  const before = kept.get(attempt);
  if (before && before.lab === lab) {
    const changed = new Set<GradeInput>();
    if (!sameResources(before.cloud, r.state.cloud)) changed.add('cloud');
    if (before.count !== attempt.commands.length) changed.add('history');
    const since = grade(lab, r.state.cloud, attempt.commands, { answers: attempt.answers, since: { lab, result: before.result, changed } });
    expect(JSON.stringify(since), `${lab.id} after \`${line}\` (kept outcomes)`).toBe(JSON.stringify(full));
  }
  kept.set(attempt, { lab, cloud: r.state.cloud, count: attempt.commands.length, result: incremental });
  return r.state;
}

describe('incremental grading gives the full grade', () => {
  it('over every lab solution, command by command, typed twice', () => {
    let graded = 0;
    for (const template of LABS) {
      const lab = labFor(template, 'learner-incremental');
      let s = labSession(lab);
      const all: HistoryCommand[] = [];
      const attempt = emptyAttempt();
      const lines = lab.steps.flatMap((st) => st.solution);
      let seq = 0;
      // Twice: the second round repeats every command, which the attempt keeps once.
      for (const line of [...lines, ...lines]) {
        s = step(lab, s, line, false, all, attempt, ++seq);
        graded++;
      }
      expect(grade(lab, s.cloud, attempt.commands).earned, `${lab.id} solution earns points`).toBeGreaterThan(0);
      expect(attempt.commands.length).toBeLessThan(all.length);
    }
    expect(graded).toBeGreaterThan(50);
  });

  it('over random histories mixed with the solutions, in every lab', () => {
    const rng = seedRng(19);
    for (const template of LABS) {
      const lab = labFor(template, 'learner-random');
      let s = labSession(lab);
      const all: HistoryCommand[] = [];
      const attempt = emptyAttempt();
      const solution = lab.steps.flatMap((st) => st.solution);
      let next = 0;
      for (let seq = 1; seq <= 40; seq++) {
        const fromSolution = next < solution.length && randInt(rng, 0, 2) === 0;
        const line = fromSolution ? (solution[next++] as string) : (VOCABULARY[randInt(rng, 0, VOCABULARY.length - 1)] as string);
        s = step(lab, s, line, randInt(rng, 0, 5) === 0, all, attempt, seq);
      }
    }
  });

  it('starts over after a reset, as the full grade of the new attempt', () => {
    const lab = labFor(LABS.find((l) => l.steps.some((st) => st.checks.some((c) => c.type === 'ran'))) as Lab, 'learner-reset');
    let s = labSession(lab);
    const attempt = emptyAttempt();
    const before: HistoryCommand[] = [];
    let seq = 0;
    for (const line of lab.steps.flatMap((st) => st.solution)) s = step(lab, s, line, false, before, attempt, ++seq);
    addToAttempt(attempt, { seq: ++seq, kind: 'reset', line: '#reset', exitCode: 0, at: seq });
    s = labSession(lab);
    const after: HistoryCommand[] = [];
    for (const line of VOCABULARY.slice(0, 8)) s = step(lab, s, line, false, after, attempt, ++seq);
    expect(attempt.commands.length).toBe(after.length);
  });
});

describe('what the grader keeps per history', () => {
  const h = (lines: string[]): HistoryCommand[] => lines.map((line) => ({ line }));

  it('extends the same invocations as the same array grows', () => {
    const history = h(['openstack network list', 'ip netns exec qrouter-1 ip a']);
    const first = invocations(history);
    history.push({ line: 'neutron net-list; ping -c 1 10.0.0.1' });
    const second = invocations(history);
    expect(second).toBe(first);
    expect(second).toEqual(invocations([...history]));
    expect(second.map((i) => i.argv[0])).toEqual(['openstack', 'ip', 'neutron', 'ping']);
  });

  it('reads an array again when its last entry was replaced or it was shortened', () => {
    const history = h(['openstack network list', 'openstack router list']);
    const first = invocations(history);
    history[1] = { line: 'neutron router-list' };
    const replaced = invocations(history);
    expect(replaced).not.toBe(first);
    expect(replaced).toEqual(invocations([...history]));
    history.pop();
    expect(invocations(history)).toEqual(invocations([...history]));
    expect(invocations(history).map((i) => i.argv.join(' '))).toEqual(['openstack network list']);
  });

  it('grades a replaced last command as what it is now (nothing stale from the memos)', () => {
    const lab = labWith('- type: ran\n  command: openstack network list\n- type: ran\n  command: route -n\n  netns: any-router');
    const cloud = session('public-cloud', []).cloud;
    const history: HistoryCommand[] = [{ line: 'openstack router list' }, { line: 'openstack network list' }];
    const passing = grade(lab, cloud, history);
    expect(passing.steps[0]?.checks[0]?.passed).toBe(true);
    history[1] = { line: 'ip netns exec qrouter-$R route -n' };
    const now = grade(lab, cloud, history);
    expect(JSON.stringify(now)).toBe(JSON.stringify(grade(lab, cloud, [...history])));
    expect(now.steps[0]?.checks.map((c) => c.passed)).toEqual([false, true]);
  });
});
