import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grade } from '../../server/labs/grade.js';
import { emptyProgress, recordGrade, recordHint, recordSolutionShown } from '../../server/labs/progress.js';
import { gradeCommand, labCheck, type GradeStore } from '../../server/labs/cli.js';
import { labWith, session } from './helpers.js';

const LAB = labWith('- type: router-gateway\n  router: r\n  points: 3\n- type: router-snat\n  router: r\n- type: ran\n  command: openstack router create\n', 'network-node');

describe('grade', () => {
  it('gives partial credit per check and a step passes only when all pass', () => {
    const s = session('network-node', ['openstack router create r']);
    const g = grade(LAB, s.cloud, s.commands);
    expect(g).toMatchObject({ labId: 't', passed: false, points: 5, earned: 1, percent: 20 });
    expect(g.steps[0]?.checks.map((c) => [c.passed, c.why])).toEqual([
      [false, 'router r has no external gateway'],
      [false, 'router r has no external gateway, so it cannot do SNAT'],
      [true, 'you ran `openstack router create r`'],
    ]);
  });
  it('records the first pass, hints and solutions in the progress', () => {
    const s = session('network-node', ['neutron net-create pub --router:external=True', 'neutron subnet-create pub 9.9.9.0/24 --name ps', 'openstack router create r', 'openstack router set --external-gateway pub r']);
    const g = grade(LAB, s.cloud, s.commands);
    expect(g).toMatchObject({ passed: true, percent: 100 });
    let p = recordGrade(emptyProgress('t', 'al'), g, '2026-01-01T00:00:00Z');
    p = recordGrade(p, grade(LAB, session('network-node', []).cloud, []), '2026-01-02T00:00:00Z');
    p = recordSolutionShown(recordHint(recordHint(p, 'step', 1), 'step', 1), 'step', '2026-01-03T00:00:00Z');
    expect(p.steps['step']).toEqual({ passedAt: '2026-01-01T00:00:00Z', hintsShown: 1, solutionShownAt: '2026-01-03T00:00:00Z' });
    expect(p.percent).toBe(0);
  });
});

describe('stacklab grade', () => {
  const s = session('network-node', ['openstack router create r']);
  const store: GradeStore = {
    learners: () => ['al', 'bo'],
    attempt: (_lab, learner) => (learner === 'al' ? { cloud: s.cloud, history: s.commands, answers: {} } : null),
  };
  it('prints text, CSV and JSON', async () => {
    const t = await gradeCommand(store, { lab: 't', all: true }, { labs: [LAB] });
    expect(t.output).toContain('al: 1/5 (20 %)\n  ✘ Step  1/5\n      ✘ router r has an external gateway — router r has no external gateway');
    expect(t.output).toContain('bo: has not started t');
    expect((await gradeCommand(store, { lab: 't', all: true, format: 'csv' }, { labs: [LAB] })).output).toBe(
      'learner,earned,points,percent,step,name,started,step first passed,step seconds,step hints,solutions shown\nal,1,5,20,1,al,,,,0,\nbo,0,0,0,0,bo,,,,0,\n',
    );
    expect(JSON.parse((await gradeCommand(store, { lab: 't', learner: 'al', format: 'json' }, { labs: [LAB] })).output)[0].result.earned).toBe(1);
    expect(await gradeCommand(store, { lab: 'zz', all: true }, { labs: [LAB] })).toMatchObject({ exitCode: 2 });
  });
});

describe('stacklab grade: what learners typed never reaches the terminal raw', () => {
  const lab = labWith('- type: ran\n  command: openstack network create\n- type: question\n  id: q\n  prompt: Which?\n  answer: { value: 12 }\n', 'network-node');
  const s = session('network-node', []);
  const evil = 'x\x1b]0;owned\x07\x1b]52;c;cm0gLXJm\x1b\\\x1b[2J\x1b[3J\u009b1;1H,"q"';
  const store: GradeStore = {
    learners: () => [evil],
    attempt: () => ({ cloud: s.cloud, history: [{ line: `openstack network create '${evil}'`, ran: [['openstack', 'network', 'create', evil]] }], answers: { q: evil } }),
  };
  const raw = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
  const shown = 'x^[]0;owned^G^[]52;c;cm0gLXJm^[\\^[[2J^[[3JM-^[1;1H,"q"';
  it('text shows control characters in caret notation', async () => {
    const t = (await gradeCommand(store, { lab: 't', all: true }, { labs: [lab] })).output;
    expect(t).not.toMatch(raw);
    expect(t).toContain(`${shown}: 1/2 (50 %)`);
    expect(t).toContain(`${shown} is not the right answer`);
    expect((await gradeCommand(store, { lab: '\x1b]0;t\x07', all: true }, { labs: [lab] })).output).not.toMatch(raw);
  });
  it('CSV too, with fields quoted as RFC 4180 does', async () => {
    const c = (await gradeCommand(store, { lab: 't', all: true, format: 'csv' }, { labs: [lab] })).output;
    expect(c).not.toMatch(raw);
    expect(c.split('\n')[1]).toBe(`"${shown.replace(/"/g, '""')}",1,2,50,1,"${shown.replace(/"/g, '""')}",,,,0,`);
  });
  it('JSON escapes them (C1 and DEL too, which JSON.stringify leaves raw)', async () => {
    const j = (await gradeCommand(store, { lab: 't', all: true, format: 'json' }, { labs: [lab] })).output;
    expect(j).not.toMatch(raw);
    expect((JSON.parse(j) as Array<{ learner: string }>)[0]?.learner).toBe(evil);
  });
});

describe('stacklab lab check', () => {
  it('every lab in labs/ is valid, its solutions pass every check and an empty attempt passes none', () => {
    const r = labCheck([]);
    expect(r.output).toMatch(/(\d+) of \1 labs ok\n$/);
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it('fails a lab whose solution misses a check or whose check passes on an empty attempt', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'lab-')), 'bad.md');
    writeFileSync(
      f,
      '---\nid: bad\ntitle: Bad\nsummary: S\nminutes: 1\nfixture: network-node\n---\n## Net\n\n```check\n- type: resource\n  kind: network\n  name: net1\n- type: router-gateway\n  router: my-router\n```\n\n```solution\nopenstack router show my-router\n```\n',
    );
    const r = labCheck([f]);
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain("bad.md:11: check 'network net1 exists' already passes on an empty attempt");
    expect(r.output).toContain("bad.md:14: step 'Net': check 'router my-router has an external gateway' fails after the solution: router my-router has no external gateway");
    expect(r.output).toMatch(/0 of 1 labs ok\n$/);
  });
});
