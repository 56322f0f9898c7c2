/**
 * The legacy CLI's argument split checked against the real python-neutronclient 8.1: each case of
 * server/cli/neutron/neutron-parse-rules.json (scripts/capture-neutron-parse-rules.py) is a command
 * line and what the real client's parse_known_args, `--` rule, subnet-create CIDR rescue and
 * parse_args_to_dict made of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKnownArgs } from '../../server/cli/argparse.js';
import { parserFor } from '../../server/cli/neutron/parsers.js';
import { splitCommandLine, valuesSpecsToAttributes, ValuesSpecsUsageError } from '../../server/cli/neutron/values-specs.js';
import { CliError } from '../../server/cli/errors.js';

interface Case {
  argv: string[];
  known?: Record<string, unknown>;
  values_specs?: string[];
  attributes?: Record<string, unknown>;
  error?: string;
  attributes_exit?: number;
  stderr?: string;
  exit?: number;
}

const FILE = join(import.meta.dirname, '../../server/cli/neutron/neutron-parse-rules.json');
const cases = (JSON.parse(readFileSync(FILE, 'utf8')) as { cases: Case[] }).cases;

/** Known values worth comparing: Stacklab keeps option values as typed, Python converts some (allocation pools to dicts). */
const comparable = (v: unknown): boolean => typeof v === 'string' || typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

describe("neutronclient 8.1's parser rules (captured from the real client)", () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(40));
  for (const c of cases) {
    it(c.argv.join(' '), () => {
      const [name, ...args] = c.argv as [string, ...string[]];
      const spec = parserFor(name);
      const split = splitCommandLine(name, args, (known) => {
        const r = parseKnownArgs(spec, known);
        return r.ok && 'extras' in r ? r : null;
      });
      if (c.exit !== undefined) {
        expect(split).toBeNull();
        return;
      }
      expect(split).not.toBeNull();
      if (!split) return;
      expect(split.valuesSpecs).toEqual(c.values_specs);
      for (const [k, v] of Object.entries(c.known ?? {})) if (comparable(v)) expect(split.values[k], k).toEqual(v);
      if (c.error !== undefined) {
        expect(() => valuesSpecsToAttributes(split.valuesSpecs)).toThrow(new CliError(c.error));
      } else if (c.attributes_exit !== undefined) {
        let err: unknown;
        try {
          valuesSpecsToAttributes(split.valuesSpecs);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ValuesSpecsUsageError);
        const u = err as ValuesSpecsUsageError;
        expect(`usage: neutron ${u.usage}\nneutron: error: argument ${u.flag}: ${u.message}\n`).toBe(c.stderr);
      } else expect(valuesSpecsToAttributes(split.valuesSpecs)).toEqual(c.attributes);
    });
  }
});

describe("value specs with a learner's key named __proto__", () => {
  it('keeps it as a key of the attribute and of a dict value, never as a prototype', () => {
    const out = valuesSpecsToAttributes(['--__proto__', 'x', '--profile', 'type=dict', '__proto__=y,a=b']);
    expect(Object.keys(out)).toEqual(['__proto__', 'profile']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    const profile = out['profile'] as Record<string, string>;
    expect(Object.keys(profile)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(profile)).toBe(Object.prototype);
  });
});
