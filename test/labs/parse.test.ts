import { describe, expect, it } from 'vitest';
import { LabError, labFor, paramValues, parseLab } from '../../server/labs/parse.js';

const HEAD = '---\nid: demo\ntitle: Demo\nsummary: A demo\nminutes: 5\nfixture: empty\n';

function issues(text: string): string[] {
  try {
    parseLab(text, 'labs/demo.md', { fixtures: ['empty', 'public-cloud'] });
  } catch (e) {
    if (e instanceof LabError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('parseLab', () => {
  it('reads front matter, intro, steps, commands, checks, hints and solutions', () => {
    const lab = parseLab(
      `${HEAD}params:\n  net: { choose: [red, blue] }\n---\nIntro.\n\n## Make a network {#mk}\n\nDo it:\n\n\`\`\`sh\nopenstack network create {{net}}\n\`\`\`\n\n\`\`\`check\n- type: resource\n  kind: network\n  name: "{{net}}"\n  points: 2\n\`\`\`\n\n\`\`\`hint\nUse **network create**.\n\`\`\`\n\n\`\`\`solution\n# a comment\nopenstack network create \\\n  {{net}}\n\`\`\`\n`,
      'x.md',
    );
    expect(lab).toMatchObject({ id: 'demo', minutes: 5, seed: 1, host: 'laptop', intro: 'Intro.' });
    const st = lab.steps[0];
    expect(st).toMatchObject({ id: 'mk', title: 'Make a network', commands: ['openstack network create {{net}}'], hints: ['Use **network create**.'], solution: ['openstack network create   {{net}}'] });
    expect(st?.body).toContain('```sh\nopenstack network create {{net}}\n```');
    expect(st?.checks[0]).toMatchObject({ id: 'mk-1', type: 'resource', points: 2, title: 'network {{net}} exists', line: 21 });
    const mine = labFor(lab, 'alice');
    const v = paramValues(lab, 'alice')['net'];
    expect(['red', 'blue']).toContain(v);
    expect(mine.steps[0]?.checks[0]?.params['name']).toBe(v);
    expect(mine.steps[0]?.commands[0]).toBe(`openstack network create ${v}`);
    expect(paramValues(lab, 'alice')).toEqual(paramValues(lab, 'alice'));
    const seen = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((l) => paramValues(lab, l)['net']));
    expect(seen.size).toBe(2);
    // Learners who drew the same values share one instance (nothing changes a lab); others have theirs.
    const learners = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const same = learners.find((l) => paramValues(lab, l)['net'] === v) as string;
    const other = learners.find((l) => paramValues(lab, l)['net'] !== v) as string;
    expect(labFor(lab, same)).toBe(mine);
    expect(labFor(lab, other)).not.toBe(mine);
    expect(labFor(lab, other).steps[0]?.commands[0]).toBe(`openstack network create ${paramValues(lab, other)['net']}`);
    expect(mine.steps[0]?.commands[0]).toBe(`openstack network create ${v}`);
  });

  it('builds a lab of many parameter draws for each learner past a bound, each with its own values', () => {
    const lab = parseLab(`${HEAD}params:\n  n: { range: [1, 500] }\n---\n## S {#s}\n\n\`\`\`sh\necho {{n}}\n\`\`\`\n\n\`\`\`check\n- type: ran\n  command: echo {{n}}\n\`\`\`\n\n\`\`\`solution\necho {{n}}\n\`\`\`\n`, 'x.md');
    for (let i = 0; i < 300; i++) {
      const l = `learner-${i}`;
      expect(labFor(lab, l).steps[0]?.commands[0]).toBe(`echo ${paramValues(lab, l)['n']}`);
    }
  });

  it('reports file:line for every problem', () => {
    const text = `---\nid: Bad Id\ntitle: T\nminutes: 0\nfixture: nowhere\ncolour: red\n---\n\n## One\n\nSee {{missing}}.\n\n\`\`\`check\n- type: resource\n  kind: planet\n- type: router-gateway\n  routr: r1\n- type: nope\n\`\`\`\n\n## One\n\n\`\`\`check\n- type: ran\n\`\`\`\n`;
    expect(issues(text)).toEqual([
      "labs/demo.md:6: unknown front-matter key 'colour' (known: id, title, summary, minutes, fixture, seed, host, params, outcomes, fitWidth, placeholders, topology)",
      'labs/demo.md:2: id \'Bad Id\' must be lower-case letters, digits and dashes',
      "labs/demo.md:2: front matter needs 'summary' (a non-empty string)",
      "labs/demo.md:5: unknown fixture 'nowhere' (known: empty, public-cloud)",
      "labs/demo.md:4: front matter needs 'minutes' (a positive integer)",
      'labs/demo.md:11: unknown parameter {{missing}} (declare it under params:)',
      "labs/demo.md:14: resource check: 'kind' must be one of network, subnet, subnet-pool, port, router, server, floating-ip, security-group, security-group-rule, not 'planet'",
      "labs/demo.md:16: router-gateway check: unknown parameter 'routr' (known: router, network, id, title, points, fail, not)",
      "labs/demo.md:16: router-gateway check needs 'router' (router name)",
      "labs/demo.md:18: unknown check type 'nope'",
      "labs/demo.md:9: step 'One' has no solution (add a ```solution block)",
      "labs/demo.md:21: duplicate step id 'one'",
      "labs/demo.md:24: ran check needs 'command' (command pattern(s): words, then options/arguments that must appear, e.g. `openstack port list --long`, `iptables-save`)",
      "labs/demo.md:24: duplicate check id 'one-1'",
      "labs/demo.md:21: step 'One' has no solution (add a ```solution block)",
    ]);
  });

  it('checks the starting host against the fixture', () => {
    const text = `---\nid: demo\ntitle: Demo\nsummary: A demo\nminutes: 5\nfixture: public-cloud\nhost: network\n---\n## S\n\`\`\`solution\ntrue\n\`\`\`\n`;
    const hostsOf = (f: string) => (f === 'public-cloud' ? ['laptop'] : ['laptop', 'network']);
    expect(() => parseLab(text, 'labs/demo.md', { fixtures: ['empty', 'public-cloud'], hostsOf })).toThrow(
      "labs/demo.md:7: fixture 'public-cloud' has no host 'network' (hosts: laptop)");
  });

  it('rejects files without front matter, YAML errors, unknown attributes and unclosed blocks', () => {
    expect(issues('# Title\n')).toEqual(['labs/demo.md:1: a lab starts with YAML front matter between two --- lines']);
    expect(issues(`${HEAD}---\n## S\n\`\`\`check\n- type: resource\n  kind: subnet\n  where: { cidr_range: 1 }\n\`\`\`\n\`\`\`solution\ntrue\n\`\`\`\n`)).toEqual([
      expect.stringMatching(/^labs\/demo\.md:10: resource check: unknown attribute 'cidr_range' for subnet \(known: name, /),
    ]);
    expect(issues(`${HEAD}---\n## S\n\`\`\`check\n- type: resource\n  kind: [\n\`\`\`\n`)[0]).toMatch(/^labs\/demo\.md:1[12]: check: /);
    expect(issues(`${HEAD}---\n## S\n\`\`\`solution\ntrue\n`)).toContain('labs/demo.md:9: code block is not closed');
  });
});
