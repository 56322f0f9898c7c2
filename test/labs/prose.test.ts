/**
 * `lab check` runs the commands a lab shows (command blocks, inline commands, hints) where the
 * learner would type them, with placeholders from the state, and fails on unannounced errors.
 * Also the front matter fields the page reads (outcomes, fitWidth, placeholders).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labCheck, labSession, loadLabs, runShown } from '../../server/labs/cli.js';
import { LabError, parseLab } from '../../server/labs/parse.js';
import { shownCommands } from '../../server/labs/prose.js';

const HEAD = '---\nid: demo\ntitle: Demo\nsummary: A demo\nminutes: 5\nfixture: network-node\nhost: network\n';

function labFile(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'lab-')), 'demo.md');
  writeFileSync(f, text);
  return f;
}

/** A one-step lab whose step prose is `prose`; its check passes after the solution. */
function oneStep(prose: string, front = ''): string {
  return `${HEAD}${front}---\nIntro.\n\n## Step\n\n${prose}\n\n\`\`\`check\n- type: resource\n  kind: network\n  name: made\n\`\`\`\n\n\`\`\`solution\nopenstack network create made\n\`\`\`\n`;
}

const problems = (text: string) => labCheck([labFile(text)], { reach: null }).output;

describe('the commands a lab shows', () => {
  it('are the lines of command blocks and inline commands with arguments, in order, with announced errors', () => {
    const md = 'Run `openstack network list` and `ip netns`, not `--no-dhcp`, `ping` or `enable_snat`.\n\n```sh\n$ openstack router show r\nneutron router-interface-add r s   # error: Router already has a port\n# a comment\n```\n\n```text\nopenstack not a command\n```';
    expect(shownCommands(md)).toEqual([
      { line: 'openstack network list', error: null, inline: true },
      { line: 'ip netns', error: null, inline: true },
      { line: 'openstack router show r', error: null, inline: false },
      { line: 'neutron router-interface-add r s   # error: Router already has a port', error: 'Router already has a port', inline: false },
    ]);
  });

  it('run on the state where the learner types them: a failing one fails the lab', () => {
    const out = problems(oneStep('```sh\nopenstack network create made\nopenstack router show nowhere\n```'));
    expect(out).toContain("demo.md:11: step 'Step': `openstack router show nowhere` fails (exit 1); mark it `# error: …` if the lab means it to:\n    No Router found for nowhere");
    expect(out).toMatch(/0 of 1 labs ok\n$/);
  });

  it('an announced error must happen, with its text', () => {
    expect(problems(oneStep('```sh\nopenstack router show nowhere   # error: No Router found for nowhere\n```'))).toMatch(/1 of 1 labs ok\n$/);
    expect(problems(oneStep('```sh\nopenstack network list   # error: nope\n```'))).toContain('`openstack network list   # error: nope` is announced to fail, but it succeeds');
    expect(problems(oneStep('```sh\nopenstack router show nowhere   # error: Quota exceeded\n```'))).toContain('fails, but not with the announced "Quota exceeded"');
  });

  it('the intro and inline commands too; an inline one is an aside that changes nothing for what follows', () => {
    expect(problems(`${HEAD}---\nFirst \`openstack router show ghost\`.\n\n## S\n\n\`\`\`check\n- type: resource\n  kind: network\n  name: made\n\`\`\`\n\n\`\`\`solution\nopenstack network create made\n\`\`\`\n`)).toContain(
      'demo.md:1: the introduction: `openstack router show ghost` fails',
    );
    // Were the inline create kept, the block's create would make a second `made` and the show would be ambiguous.
    expect(problems(oneStep('The blog wrote `neutron net-create made`.\n\n```sh\nopenstack network create made\nopenstack network show made\n```'))).toMatch(/1 of 1 labs ok\n$/);
  });

  it('hints run after the step\'s commands, each after the one before', () => {
    const hints = '```sh\nopenstack network create made\n```\n\n```hint\nFirst `openstack network create other`.\n```\n\n```hint\nThen `openstack network show other`.\n```\n\n```hint\n`openstack network show nothing-here`\n```';
    const out = problems(oneStep(hints));
    expect(out).not.toContain('hint 2');
    expect(out).toContain("step 'Step', hint 3: `openstack network show nothing-here` fails");
  });

  it('placeholders are filled from the state at that point, by the command the front matter gives', () => {
    const front = 'placeholders:\n  router id: openstack router show my-router -f value -c id\n';
    expect(problems(oneStep('```sh\nip netns exec qrouter-<router id> ip addr\n```', front))).toMatch(/1 of 1 labs ok\n$/);
    const bad = 'placeholders:\n  router id: openstack router show ghost -f value -c id\n';
    expect(problems(oneStep('```sh\nip netns exec qrouter-<router id> ip addr\n```', bad))).toContain(
      'placeholder <router id> of `ip netns exec qrouter-<router id> ip addr`: `openstack router show ghost -f value -c id` printed no value',
    );
  });

  it('the six labs pass, and the lab 05 mistake is Neutron\'s refusal, announced', () => {
    const lab = loadLabs().find((l) => l.id === 'connect-public-network');
    const gw = lab?.steps.find((s) => s.id === 'gateway');
    expect(shownCommands(gw?.body ?? '').find((c) => c.line.startsWith('neutron router-interface-add'))?.error).toBe('Router already has a port on subnet');
    expect(gw?.body).not.toContain('it succeeds, and nothing reaches');
  });

  it('runShown reports, on a given state, each unannounced failure', () => {
    const lab = loadLabs().find((l) => l.id === 'connect-public-network');
    if (!lab) throw new Error('no lab 05');
    const r = runShown(lab, labSession(lab), shownCommands('```sh\nip netns exec qrouter-<router id> route -n\nneutron port-list -- --device_id <vm2\'s id>\nopenstack network show my-public\n```'), 'here');
    expect(r.problems).toEqual([expect.stringContaining('here: `openstack network show my-public` fails')]);
  });
});

describe('front matter: outcomes, fitWidth, placeholders', () => {
  const issues = (front: string, body = '## S\n\n```check\n- type: ran\n  command: ls\n```\n\n```solution\ntrue\n```\n') => {
    try {
      parseLab(`${HEAD}${front}---\n${body}`, 'labs/demo.md');
      return [];
    } catch (e) {
      if (e instanceof LabError) return e.message.split('\n');
      throw e;
    }
  };
  it('reads them, with defaults', () => {
    const lab = parseLab(`${HEAD}outcomes:\n  - One thing.\n  - "Another: thing."\nfitWidth: true\n---\n## S\n\n\`\`\`check\n- type: ran\n  command: ls\n\`\`\`\n\n\`\`\`solution\ntrue\n\`\`\`\n`, 'x.md');
    expect(lab).toMatchObject({ outcomes: ['One thing.', 'Another: thing.'], fitWidth: true, placeholders: {} });
    expect(parseLab(`${HEAD}---\n## S\n\n\`\`\`check\n- type: ran\n  command: ls\n\`\`\`\n\n\`\`\`solution\ntrue\n\`\`\`\n`, 'x.md')).toMatchObject({ outcomes: [], fitWidth: false });
  });
  it('reports bad values with file:line', () => {
    expect(issues('outcomes: just one string\n')).toEqual(["labs/demo.md:8: 'outcomes' is a list of 1 to 6 short sentences (what the learner has learned)"]);
    expect(issues('outcomes:\n  - ""\n')).toEqual(["labs/demo.md:8: 'outcomes' is a list of 1 to 6 short sentences (what the learner has learned)"]);
    expect(issues('fitWidth: yes please\n')).toEqual(["labs/demo.md:8: 'fitWidth' must be true or false"]);
    expect(issues('placeholders: [a]\n')[0]).toMatch(/^labs\/demo\.md:8: 'placeholders' maps a placeholder's text/);
    expect(issues('placeholders:\n  router id:\n')[0]).toMatch(/^labs\/demo\.md:8: .*<router id> has no command$/);
  });
  it('a placeholder used in a command block, an inline command or a hint must be defined', () => {
    const body = 'Use `openstack port show <port>`.\n\n## S\n\n```sh\nip netns exec qrouter-<router id> ip a\ncat < file\n```\n\n```hint\n`openstack server show <vm>`\n```\n\n```check\n- type: ran\n  command: ls\n```\n\n```solution\ntrue\n```\n';
    expect(issues('', body)).toEqual([
      'labs/demo.md:9: placeholder <port> is not defined under placeholders: in the front matter (give the command that prints its value)',
      'labs/demo.md:14: placeholder <router id> is not defined under placeholders: in the front matter (give the command that prints its value)',
      'labs/demo.md:19: placeholder <vm> is not defined under placeholders: in the front matter (give the command that prints its value)',
    ]);
  });
  it('every lab of labs/ has 2 to 4 outcomes', () => {
    for (const l of loadLabs()) expect(l.outcomes.length, l.id).toBeGreaterThanOrEqual(2);
    for (const l of loadLabs()) expect(l.outcomes.length, l.id).toBeLessThanOrEqual(4);
    expect(loadLabs().filter((l) => l.fitWidth).map((l) => l.id)).toContain('connect-public-network');
  });
});
