/**
 * Architecture rules that lint does not check: no import cycles anywhere in server/ and client/,
 * the pure core imports nothing but itself and two pure libraries (ipaddr.js; re2js, whose
 * matching is linear in its input, for the regular expressions learners write), and what a service's *server* does
 * (errors, writes, request ids, transactions) lives in server/sim, not in the CLIs.
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
    const PURE_LIBRARIES = new Set(['ipaddr.js', 're2js']);
    const bad = all
      .filter((f) => relative(ROOT, f).startsWith('server/sim/'))
      .flatMap((f) =>
        imports(f)
          .filter((i) => !i.spec.startsWith('.') && !PURE_LIBRARIES.has(i.spec))
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

  // ---- what the server does stays out of the client layer ----------------------------------
  //
  // The CLIs (server/cli/) parse, look names up, call server/sim (sim/ops, sim/api) and print.
  // What a real service does on its side lives in server/sim: raising the API's errors (the
  // SimError factories of sim/errors.ts, used by sim/ops and sim/api), writing the cloud (ops and
  // sim/api's write operations such as tags), making request ids (sim/api/request-id.ts) and
  // running a command as one transaction (sim/clone.ts `transact`). These rules check that by
  // text, which is reliable for what they name:
  // - no `new SimError(` under server/cli/, nor a use of the error factories (neutronError,
  //   novaError, octaviaError, policyError): the CLI only catches and prints what the server raised;
  // - no write to the cloud's own state under server/cli/: its collections, quotas, clock and RNG
  //   (`c.ports.push(…)`, `cloud.quotas = …`, any use of `.rng`), nor to a resource's tags;
  // - no request id made under server/cli/ (`req-${…}`, uuid4/seedRng);
  // - no draft handled under server/cli/ (draftCloud/finishDraft): commands go through transact.
  const cliFiles = all.filter((f) => relative(ROOT, f).startsWith('server/cli/'));
  const grepCli = (re: RegExp): string[] =>
    cliFiles.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (re.test(line) ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
    );
  const WRITE = String.raw`\s*(?:=(?![=>])|\.(?:push|splice|pop|shift|unshift|sort|reverse)\()`;
  const CLOUD_STATE = 'networks|subnets|subnetPools|addressScopes|ports|routers|floatingIps|securityGroups|securityGroupRules|quotas|otherQuotas|keypairs|servers|clock|tick|stdAttrSeq|auth|infra|octavia|bgp|rbac';

  it('raises no server error in the CLI layer', () => {
    expect(grepCli(/new SimError\(|\b(?:neutronError|novaError|octaviaError|policyError)\b/)).toEqual([]);
  });

  it('writes no model state in the CLI layer', () => {
    expect(grepCli(new RegExp(String.raw`\b(?:c|cloud|work|draft)\.(?:${CLOUD_STATE})${WRITE}`))).toEqual([]);
    expect(grepCli(new RegExp(String.raw`\.tags${WRITE}`))).toEqual([]);
    expect(grepCli(/\.rng\b/)).toEqual([]);
  });

  it('makes request ids and transactions only in server/sim', () => {
    expect(grepCli(/req-\$\{|\buuid4\(|\bseedRng\(/)).toEqual([]);
    expect(grepCli(/\b(?:draftCloud|finishDraft)\b/)).toEqual([]);
  });

  it('keeps the web layer thin: no function in server/http is 80 lines or more', () => {
    // A function starts on a line that opens a body (`function …{`, `=> {`); its length runs to
    // the line where the braces it opened are closed again.
    const long: string[] = [];
    for (const f of all.filter((x) => relative(ROOT, x).startsWith('server/http/'))) {
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/(\bfunction\b[^(]*\(.*\{\s*$|=>\s*\{\s*$)/.test(line)) return;
        let depth = 0;
        for (let j = i; j < lines.length; j++) {
          const l = lines[j] as string;
          depth += (l.match(/\{/g) ?? []).length - (l.match(/\}/g) ?? []).length;
          if (depth <= 0) {
            if (j - i + 1 >= 80) long.push(`${relative(ROOT, f)}:${i + 1}: ${j - i + 1} lines`);
            return;
          }
        }
      });
    }
    expect(long).toEqual([]);
  });
});
