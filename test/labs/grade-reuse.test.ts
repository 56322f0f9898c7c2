/**
 * A lab workspace grades a command again only when it could change the grade (issue #19): a
 * command that changed no resource and ran nothing new (a list typed again) reuses the last
 * grade. Checked against a cold grade (another manager opening the same store, which grades
 * from scratch) after every line of every lab's solution, with read-only lines and repeats
 * typed in between, answers given, and a reset halfway. Since a grade keeps the outcome of every
 * check reading nothing that changed (labs/grade.ts `since`), this also checks each kept outcome.
 */
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../server/labs/index.js';
import { expectedAnswers, Params } from '../../server/labs/checks.js';
import { memoryStore } from '../../server/store/memory.js';
import { workspaces, type Workspaces } from '../../server/workspace/index.js';
import type { CloudStore } from '../../server/store/types.js';

const LABS = loadLabs();

function manager(store: CloudStore): Workspaces {
  return workspaces({ store, labs: () => LABS, now: () => 1_000, log: () => {} });
}

/** Lines that read the cloud and change no resource, typed between the solution's lines. */
const READS = ['openstack network list', 'openstack router list', 'ip netns', 'ping -c 1 192.0.2.1', 'echo hello', 'openstack port list -c ID', 'openstack security group rule list default', 'openstack security group list'];

describe('a lab grade is reused only when nothing it reads changed', () => {
  for (const lab of LABS.filter((l) => l.steps.some((s) => s.solution.length > 0))) {
    it(`${lab.id}: after every line the grade equals a cold grade`, async () => {
      const store = memoryStore();
      const hot = manager(store);
      const ref = hot.parse(`lab:${lab.id}`);
      if (!ref) throw new Error(`no lab ${lab.id}`);
      const w = await hot.open('learner-1', ref);
      const lines = lab.steps.flatMap((s) => s.solution);
      let n = 0;
      const seen = new Set<string>();
      const check = async (what: string) => {
        const got = await w.grade();
        const cold = await (await manager(store).open('learner-1', ref)).grade();
        expect(got?.result, `${lab.id} after ${what}`).toEqual(cold?.result);
        seen.add(JSON.stringify(got?.result.steps.map((s) => s.checks.map((c) => c.state))));
        n++;
      };
      for (const [i, line] of lines.entries()) {
        await w.run(line);
        await check(line);
        // A read typed now, and the same line again: both reuse or regrade, never differ.
        await w.run(READS[i % READS.length] as string);
        await check(READS[i % READS.length] as string);
        await w.run(line);
        await check(`${line} (again)`);
        if (i === Math.floor(lines.length / 2)) {
          const questions = lab.steps.flatMap((st) => st.checks).filter((c) => c.type === 'question');
          for (const c of questions) await w.answer(c.id, 'a wrong answer');
          await check('wrong answers');
          for (const c of questions) await w.answer(c.id, expectedAnswers(new Params(c.params), w.state().cloud)[0] ?? '');
          await check('right answers');
        }
      }
      await w.reset();
      await check('reset');
      await w.run('openstack network list');
      await check('a read after the reset');
      expect(n).toBeGreaterThan(lines.length * 3);
      // The checks' outcomes moved along the solution (the reuse did not freeze an earlier grade).
      expect(seen.size).toBeGreaterThan(1);
    });
  }
});
