/** Loads the fixture files (YAML data in server/sim/fixtures/) once, for the pure builder. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { FixtureSpec } from '../sim/fixtures/spec.js';
import type { Cloud } from '../sim/model/cloud.js';
import { buildCloud } from '../sim/fixtures/build.js';
import { publishedCloud } from '../sim/clone.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'sim', 'fixtures');
const specs = new Map<string, FixtureSpec>();
/**
 * Built clouds by fixture and seed, the most recently used last. Labs use fixed seeds and hit it;
 * every learner's sandbox has a seed of its own, so it is bounded: a class of thousands coming and
 * going must not keep a cloud per learner who has left.
 */
const built = new Map<string, Cloud>();
const MAX_BUILT = 256;
let names: string[] | null = null;

/** The fixtures (read once: they ship with Stacklab and do not change while it runs). */
export function fixtureNames(): string[] {
  names ??= readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
  return [...names];
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

/**
 * The cloud a session on the fixture and seed starts from: built once per pair, then the same
 * frozen object for every session (see publishedCloud): a class of learners on one lab shares it
 * until each changes what they change.
 */
export function fixtureCloud(name: string, seed: number): Cloud {
  const key = `${name}#${seed}`;
  let c = built.get(key);
  if (c) built.delete(key);
  else {
    c = publishedCloud(buildCloud(fixtureSpec(name), seed));
    if (built.size >= MAX_BUILT) built.delete(built.keys().next().value as string);
  }
  built.set(key, c);
  return c;
}
