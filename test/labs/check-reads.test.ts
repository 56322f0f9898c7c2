/**
 * A check type names what its verdict reads (CheckType.reads), and a grade keeps the outcome of a
 * check whose inputs did not change (labs/grade.ts `since`): a type that reads the history or the
 * answers without saying so would keep a stale verdict. Every check of every lab is evaluated
 * along its reference solution with a context that records what it touches.
 */
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../server/labs/index.js';
import { checkType, Params, type CheckContext, type GradeInput } from '../../server/labs/checks.js';
import { invocations } from '../../server/labs/history.js';
import { simReach } from '../../server/labs/reach.js';
import { memoryStore } from '../../server/store/memory.js';
import { workspaces } from '../../server/workspace/index.js';

const LABS = loadLabs();

/** What a context field is, as an input of the grade. */
const INPUT_OF: Record<keyof CheckContext, GradeInput | null> = { cloud: 'cloud', reach: 'cloud', history: 'history', answers: 'answers', checkId: null };

/** A context that notes every input its reader touches. */
function watched(ctx: CheckContext, touched: Set<GradeInput>): CheckContext {
  return new Proxy(ctx, {
    get(target, key, receiver) {
      const input = INPUT_OF[key as keyof CheckContext];
      if (input) touched.add(input);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

describe('every check type reads only what it names', () => {
  for (const lab of LABS.filter((l) => l.steps.some((s) => s.solution.length > 0))) {
    it(`${lab.id}: along the solution, no check reads an input its type does not name`, async () => {
      const ws = workspaces({ store: memoryStore(), labs: () => LABS, now: () => 1_000, log: () => {} });
      const ref = ws.parse(`lab:${lab.id}`);
      if (!ref) throw new Error(`no lab ${lab.id}`);
      const w = await ws.open('learner-1', ref);
      const lines = ['', ...lab.steps.flatMap((s) => s.solution)];
      const history: Array<{ line: string }> = [];
      let evaluated = 0;
      for (const line of lines) {
        if (line !== '') {
          await w.run(line);
          history.push({ line });
        }
        for (const def of lab.steps.flatMap((s) => s.checks)) {
          const type = checkType(def.type);
          if (!type) throw new Error(`unknown check type ${def.type}`);
          const touched = new Set<GradeInput>();
          const ctx = { cloud: w.state().cloud, history: invocations(history), answers: { [def.id]: 'an answer' }, reach: simReach, checkId: def.id };
          type.evaluate(new Params(def.params), watched(ctx, touched));
          evaluated++;
          const unnamed = [...touched].filter((t) => !type.reads.includes(t));
          expect(unnamed, `${type.name} (${lab.id}, check ${def.id}) after \`${line}\``).toEqual([]);
        }
      }
      expect(evaluated).toBeGreaterThan(lines.length);
    });
  }

  it('the watch sees a read: the `ran` check is seen reading the history', () => {
    const ran = checkType('ran');
    if (!ran) throw new Error('no ran check');
    const touched = new Set<GradeInput>();
    ran.evaluate(new Params({ command: ['ip netns'] }), watched({ cloud: { routers: [] } as never, history: [], answers: {}, reach: null, checkId: 'x' }, touched));
    expect(touched.has('history')).toBe(true);
  });
});
