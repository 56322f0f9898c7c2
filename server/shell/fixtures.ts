/** Loads the fixture files (YAML data in server/sim/fixtures/) once, for the pure builder. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { FixtureSpec } from '../sim/fixtures/spec.js';
import type { Cloud } from '../sim/model/cloud.js';
import { buildCloud } from '../sim/fixtures/build.js';
import { cloneCloud } from '../sim/clone.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'sim', 'fixtures');
const specs = new Map<string, FixtureSpec>();
const built = new Map<string, Cloud>();

export function fixtureNames(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function fixtureSpec(name: string): FixtureSpec {
  const hit = specs.get(name);
  if (hit) return hit;
  if (!fixtureNames().includes(name)) {
    throw new Error(`unknown fixture '${name}' (known: ${fixtureNames().join(', ')})`);
  }
  const spec = parse(readFileSync(join(DIR, `${name}.yaml`), 'utf8')) as FixtureSpec;
  specs.set(name, spec);
  return spec;
}

/** A fresh cloud for the fixture and seed; built once per pair, then copied. */
export function fixtureCloud(name: string, seed: number): Cloud {
  const key = `${name}#${seed}`;
  let c = built.get(key);
  if (!c) {
    c = buildCloud(fixtureSpec(name), seed);
    built.set(key, c);
  }
  return cloneCloud(c);
}
