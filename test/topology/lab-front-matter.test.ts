/** The lab front matter's `topology` key: shown by default, `false` hides the view; anything else is an error at its line. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabError, parseLab } from '../../server/labs/parse.js';
import { loadLabs } from '../../server/labs/index.js';

const HEAD = '---\nid: demo\ntitle: Demo\nsummary: A demo\nminutes: 5\nfixture: network-node\nhost: network\n';
const BODY = '## S\n\n```check\n- type: ran\n  command: ls\n```\n\n```solution\ntrue\n```\n';

const lab = (front: string) => parseLab(`${HEAD}${front}---\n${BODY}`, 'labs/demo.md');

function issues(front: string): string[] {
  try {
    lab(front);
    return [];
  } catch (e) {
    if (e instanceof LabError) return e.message.split('\n');
    throw e;
  }
}

describe('front matter: topology', () => {
  it('is true when absent, and as given', () => {
    expect(lab('').topology).toBe(true);
    expect(lab('topology: false\n').topology).toBe(false);
    expect(lab('topology: true\n').topology).toBe(true);
  });

  it('is true or false, nothing else', () => {
    for (const bad of ['topology: yes please\n', 'topology: 0\n', 'topology: "false"\n', 'topology: [true]\n'])
      expect(issues(bad), bad).toEqual(["labs/demo.md:8: 'topology' must be true or false"]);
  });

  it('every lab of labs/ shows the topology unless it says otherwise', () => {
    for (const l of loadLabs()) expect(l.topology, l.id).toBe(!/^topology: false$/m.test(readFileSync(l.file, 'utf8')));
  });
});
