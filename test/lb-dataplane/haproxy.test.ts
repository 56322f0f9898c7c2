/** haproxy.cfg as Octavia 11's templater renders it (goldens made by capture-haproxy.py). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haproxyCfg } from '../../server/sim/dataplane/lb-haproxy.js';
import type { Cloud } from '../../server/sim/model/cloud.js';
import { octaviaFromSpec, webCloud, type SpecFile } from './build.js';

const DIR = join(import.meta.dirname, 'haproxy');
const base = webCloud().cloud;

function cloudOf(spec: SpecFile): Cloud {
  return { ...base, octavia: octaviaFromSpec(spec) };
}

/** Octavia joins the expanded expected codes in a Python set's order (hash-seeded): compare them sorted. */
const sortCodes = (cfg: string): string => cfg.replace(/rstatus (\S+)/g, (_, c: string) => `rstatus ${c.split('|').sort().join('|')}`);

describe('haproxy.cfg', () => {
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.json'))) {
    it(f.replace('.json', ''), () => {
      const spec = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as SpecFile;
      const c = cloudOf(spec);
      const lb = c.octavia?.loadBalancers[0];
      if (!lb) throw new Error('no lb');
      expect(sortCodes(haproxyCfg(c, lb) ?? '')).toBe(sortCodes(readFileSync(join(DIR, f.replace('.json', '.cfg')), 'utf8')));
    });
  }

  it('no listener yet: no file', () => {
    const spec = JSON.parse(readFileSync(join(DIR, 'basic.json'), 'utf8')) as SpecFile;
    const c = cloudOf({ ...spec, listeners: [] });
    const lb = c.octavia?.loadBalancers[0];
    expect(lb && haproxyCfg(c, lb)).toBeNull();
  });

  it('escapes ACL values and drops rules with control characters, as the translator does', () => {
    const spec = JSON.parse(readFileSync(join(DIR, 'l7.json'), 'utf8')) as SpecFile;
    const rules = (spec.rules ?? []).map((r, i) => (i === 0 ? { ...r, value: '/a b\\c&d' } : i === 2 ? { ...r, value: 'x\ty' } : r));
    const c = cloudOf({ ...spec, rules });
    const lb = c.octavia?.loadBalancers[0];
    const cfg = (lb && haproxyCfg(c, lb)) ?? '';
    expect(cfg).toContain('path -m beg /a\\ b\\\\c&amp;d\n');
    // The REJECT policy's only enabled rule is dropped: the policy has no rule left and is not rendered.
    expect(cfg).not.toContain('f1b2c3d4-0000-4000-8000-000000000034');
    expect(cfg).not.toContain('http-request deny');
  });
});
