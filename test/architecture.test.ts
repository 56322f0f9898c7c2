/**
 * Architecture rules that lint does not check: no import cycles anywhere in server/ and client/,
 * and the pure core imports nothing but itself and ipaddr.js.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function imports(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const src = readFileSync(file, 'utf8');
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  for (const m of src.matchAll(IMPORT)) out.push({ spec: m[1] as string, typeOnly: /^\s*(import|export)\s+type\s/.test(m[0]) });
  return out;
}

function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const p = resolve(dirname(from), spec).replace(/\.js$/, '.ts');
  return p;
}

const all = [...files(join(ROOT, 'server')), ...files(join(ROOT, 'client', 'src'))];
const graph = new Map<string, string[]>();
for (const f of all) {
  graph.set(
    f,
    imports(f)
      .filter((i) => !i.typeOnly)
      .map((i) => resolveLocal(f, i.spec))
      .filter((p): p is string => p !== null && p.endsWith('.ts')),
  );
}

describe('architecture', () => {
  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].map((x) => relative(ROOT, x)).join(' -> '));
        return;
      }
      state.set(f, 'visiting');
      stack.push(f);
      for (const d of graph.get(f) ?? []) visit(d);
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f);
    expect(cycles).toEqual([]);
  });

  it('keeps the simulation core pure', () => {
    const bad = all
      .filter((f) => relative(ROOT, f).startsWith('server/sim/'))
      .flatMap((f) =>
        imports(f)
          .filter((i) => !i.spec.startsWith('.') && i.spec !== 'ipaddr.js')
          .map((i) => `${relative(ROOT, f)} imports ${i.spec}`),
      );
    expect(bad).toEqual([]);
  });

  it('lets the client import server code only as types', () => {
    const bad = all
      .filter((f) => relative(ROOT, f).startsWith('client/'))
      .flatMap((f) => imports(f).filter((i) => !i.typeOnly && i.spec.includes('/server/')).map((i) => `${relative(ROOT, f)} imports ${i.spec}`));
    expect(bad).toEqual([]);
  });
});
