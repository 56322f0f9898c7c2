/**
 * The lab loader: Markdown with YAML front matter → a validated Lab. Pure (text in, data out).
 * Every problem is reported as `file:line: what is wrong`, all of them at once.
 */
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { checkType, Params } from './checks.js';
import { commandLines, COMMAND_LANGS, placeholdersOf, PROSE_PLACEHOLDER, shownCommands } from './prose.js';
import type { CheckDef, Lab, ParamDef, Step } from './types.js';
import { hashSeed } from '../sim/rng.js';

export interface LabIssue {
  file: string;
  line: number;
  message: string;
}

export class LabError extends Error {
  constructor(readonly issues: LabIssue[]) {
    super(issues.map((i) => `${i.file}:${i.line}: ${i.message}`).join('\n'));
  }
}

const FRONT_KEYS = ['id', 'title', 'summary', 'minutes', 'fixture', 'seed', 'host', 'params', 'outcomes', 'fitWidth', 'placeholders', 'topology'];
const MAX_OUTCOMES = 6;
const CHECK_COMMON = ['type', 'id', 'title', 'points', 'fail', 'not'];
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

interface Options {
  /** Known fixture names; when given, `fixture` is checked against them. */
  fixtures?: readonly string[];
  /** The machines of a fixture; when given, `host` is checked against them. */
  hostsOf?: (fixture: string) => readonly string[];
}

function yamlLine(lc: LineCounter, node: Node | null | undefined, offset: number): number {
  const start = node?.range?.[0];
  return start === undefined ? offset : offset + lc.linePos(start).line - 1;
}

/** `placeholders:` of the front matter: names → commands; problems reported through `bad`. */
function readPlaceholders(raw: unknown, bad: (message: string) => void): Record<string, string> {
  if (raw === undefined) return {};
  const shape = "'placeholders' maps a placeholder's text (router id for <router id>) to the command that prints its value";
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    bad(shape);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [name, cmd] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof cmd !== 'string' || cmd.trim() === '') bad(`${shape}: <${name}> has no command`);
    else if (`<${name}>`.match(PROSE_PLACEHOLDER)?.[0] !== `<${name}>`) bad(`${shape}: '${name}' cannot be written as <${name}>`);
    else out[name] = cmd.trim();
  }
  return out;
}

/** Parses one lab file. Throws LabError listing every problem found. */
export function parseLab(text: string, file: string, opts: Options = {}): Lab {
  const issues: LabIssue[] = [];
  const err = (line: number, message: string) => issues.push({ file, line, message });
  const lines = text.replace(/\r\n/g, '\n').split('\n');

  // Front matter.
  if (lines[0]?.trim() !== '---') {
    err(1, 'a lab starts with YAML front matter between two --- lines');
    throw new LabError(issues);
  }
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (close < 0) {
    err(1, 'the front matter is not closed by a --- line');
    throw new LabError(issues);
  }
  const lc = new LineCounter();
  const doc = parseDocument(lines.slice(1, close).join('\n'), { lineCounter: lc });
  for (const e of doc.errors) err(1 + (e.linePos?.[0]?.line ?? 1), `front matter: ${e.message.split('\n')[0] ?? ''}`);
  const fm: Record<string, unknown> = doc.errors.length === 0 && isMap(doc.contents) ? (doc.toJS() as Record<string, unknown>) : {};
  const keyLine = (k: string): number => {
    if (!isMap(doc.contents)) return 2;
    const pair = doc.contents.items.find((it) => (it.key as { value?: unknown } | null)?.value === k);
    return yamlLine(lc, pair?.key as Node | undefined, 2);
  };
  for (const k of Object.keys(fm)) if (!FRONT_KEYS.includes(k)) err(keyLine(k), `unknown front-matter key '${k}' (known: ${FRONT_KEYS.join(', ')})`);
  const reqStr = (k: string): string => {
    const v = fm[k];
    if (typeof v !== 'string' || v.trim() === '') {
      err(keyLine(k), `front matter needs '${k}' (a non-empty string)`);
      return '';
    }
    return v.trim();
  };
  const id = reqStr('id');
  if (id !== '' && !/^[a-z0-9][a-z0-9-]*$/.test(id)) err(keyLine('id'), `id '${id}' must be lower-case letters, digits and dashes`);
  const title = reqStr('title');
  const summary = reqStr('summary');
  const fixture = reqStr('fixture');
  if (fixture !== '' && opts.fixtures && !opts.fixtures.includes(fixture)) {
    err(keyLine('fixture'), `unknown fixture '${fixture}' (known: ${opts.fixtures.join(', ')})`);
  }
  const minutes = fm['minutes'];
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes <= 0) err(keyLine('minutes'), "front matter needs 'minutes' (a positive integer)");
  const seed = fm['seed'] ?? 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) err(keyLine('seed'), "'seed' must be an integer");
  const host = fm['host'] ?? 'laptop';
  if (typeof host !== 'string') err(keyLine('host'), "'host' must be a host name such as laptop or network");
  else if (opts.hostsOf && fixture !== '' && (!opts.fixtures || opts.fixtures.includes(fixture)) && !opts.hostsOf(fixture).includes(host)) {
    err(keyLine('host'), `fixture '${fixture}' has no host '${host}' (hosts: ${opts.hostsOf(fixture).join(', ')})`);
  }

  const params: ParamDef[] = [];
  const rawParams = fm['params'];
  if (rawParams !== undefined) {
    if (rawParams === null || typeof rawParams !== 'object' || Array.isArray(rawParams)) err(keyLine('params'), "'params' maps names to {choose: [...]} or {range: [min, max]}");
    else {
      for (const [name, def] of Object.entries(rawParams as Record<string, unknown>)) {
        const d = (def ?? {}) as Record<string, unknown>;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) err(keyLine('params'), `parameter name '${name}' must be an identifier`);
        else if (Array.isArray(d['choose']) && d['choose'].length > 0) params.push({ name, kind: 'choose', values: d['choose'].map(String) });
        else if (Array.isArray(d['range']) && d['range'].length === 2 && d['range'].every((x) => Number.isInteger(x)) && Number(d['range'][0]) <= Number(d['range'][1])) {
          params.push({ name, kind: 'range', min: Number(d['range'][0]), max: Number(d['range'][1]) });
        } else err(keyLine('params'), `parameter '${name}' needs choose: [a, b, …] (non-empty) or range: [min, max] (integers)`);
      }
    }
  }
  const paramNames = new Set(params.map((p) => p.name));
  const firstValues: Record<string, string> = Object.fromEntries(params.map((p) => [p.name, p.kind === 'choose' ? (p.values[0] ?? '') : String(p.min)]));

  const outcomes = fm['outcomes'] ?? [];
  if (!Array.isArray(outcomes) || outcomes.length > MAX_OUTCOMES || outcomes.some((o) => typeof o !== 'string' || o.trim() === '')) {
    err(keyLine('outcomes'), `'outcomes' is a list of 1 to ${MAX_OUTCOMES} short sentences (what the learner has learned)`);
  }
  const fitWidth = fm['fitWidth'] ?? false;
  if (typeof fitWidth !== 'boolean') err(keyLine('fitWidth'), "'fitWidth' must be true or false");
  const topology = fm['topology'] ?? true;
  if (typeof topology !== 'boolean') err(keyLine('topology'), "'topology' must be true or false");
  const placeholders = readPlaceholders(fm['placeholders'], (m) => err(keyLine('placeholders'), m));

  // Body: intro, then one step per `## ` heading (outside fences).
  let intro: string[] = [];
  const steps: Step[] = [];
  let cur: { step: Step; body: string[]; items: number } | null = null;
  const ids = new Set<string>();
  let fence: { marker: string; lang: string; start: number; lines: string[] } | null = null;
  const checkIds = new Set<string>();

  const finishStep = () => {
    if (!cur) return;
    const s = cur.step;
    s.body = cur.body.join('\n').trim();
    if (cur.items === 0) err(s.line, `step '${s.title}' has no checks (add a \`\`\`check block)`);
    if (s.solution.length === 0) err(s.line, `step '${s.title}' has no solution (add a \`\`\`solution block)`);
    steps.push(s);
    cur = null;
  };

  const handleCheckBlock = (f: { start: number; lines: string[] }) => {
    if (!cur) {
      err(f.start, 'a check block must be inside a step (after a ## heading)');
      return;
    }
    const clc = new LineCounter();
    const cdoc = parseDocument(f.lines.join('\n'), { lineCounter: clc });
    const base = f.start + 1;
    if (cdoc.errors.length > 0) {
      for (const e of cdoc.errors) err(base + (e.linePos?.[0]?.line ?? 1) - 1, `check: ${e.message.split('\n')[0] ?? ''}`);
      return;
    }
    const items = isSeq(cdoc.contents) ? cdoc.contents.items : cdoc.contents ? [cdoc.contents] : [];
    for (const item of items) {
      const line = yamlLine(clc, item as Node, base);
      const raw = (item as { toJSON(): unknown }).toJSON() as unknown;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        err(line, 'a check is a mapping with at least `type:`');
        continue;
      }
      const c = raw as Record<string, unknown>;
      const t = checkType(String(c['type'] ?? ''));
      if (t === undefined) {
        cur.items += 1;
        err(line, c['type'] === undefined ? 'check without `type:`' : `unknown check type '${String(c['type'])}'`);
        continue;
      }
      const params: Record<string, unknown> = {};
      let bad = false;
      for (const [k, v] of Object.entries(c)) {
        if (CHECK_COMMON.includes(k)) continue;
        const spec = t.params[k];
        if (spec === undefined) {
          err(line, `${t.name} check: unknown parameter '${k}' (known: ${[...Object.keys(t.params), ...CHECK_COMMON.slice(1)].join(', ')})`);
          bad = true;
          continue;
        }
        const ok =
          spec.type === 'string' ? typeof v === 'string' || typeof v === 'number'
          : spec.type === 'number' ? typeof v === 'number'
          : spec.type === 'boolean' ? typeof v === 'boolean'
          : spec.type === 'strings' ? typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))
          : v !== null && typeof v === 'object' && !Array.isArray(v);
        if (!ok) {
          err(line, `${t.name} check: '${k}' must be ${spec.type === 'strings' ? 'a string or a list of strings' : spec.type === 'map' ? 'a mapping' : `a ${spec.type}`}`);
          bad = true;
        } else if (spec.oneOf && !spec.oneOf.includes(String(v))) {
          err(line, `${t.name} check: '${k}' must be one of ${spec.oneOf.join(', ')}, not '${String(v)}'`);
          bad = true;
        }
        params[k] = v;
      }
      for (const [k, spec] of Object.entries(t.params)) {
        if (spec.required && params[k] === undefined) {
          err(line, `${t.name} check needs '${k}' (${spec.doc})`);
          bad = true;
        }
      }
      // Validated as the first learner would get it: `{{name}}` replaced by the parameter's first value.
      const extra = bad ? null : (t.validate?.(new Params(substDeep(params, firstValues) as Record<string, unknown>)) ?? null);
      if (extra !== null) {
        err(line, `${t.name} check: ${extra}`);
        bad = true;
      }
      const points = c['points'] ?? 1;
      if (typeof points !== 'number' || points <= 0) {
        err(line, "'points' must be a positive number");
        bad = true;
      }
      const step = cur.step;
      cur.items += 1;
      const cid = c['id'] !== undefined ? String(c['id']) : `${step.id}-${cur.items}`;
      if (checkIds.has(cid)) err(line, `duplicate check id '${cid}'`);
      checkIds.add(cid);
      if (bad) continue;
      step.checks.push({
        id: cid,
        type: t.name,
        title: typeof c['title'] === 'string' ? c['title'] : t.title(new Params(params)),
        points: points as number,
        fail: typeof c['fail'] === 'string' ? c['fail'] : null,
        not: c['not'] === true,
        params,
        line,
      });
    }
  };

  // Every <placeholder> of a shown command needs a definition (lab check substitutes it).
  const checkPlaceholders = (commands: string[], lineNo: number) => {
    for (const name of commands.flatMap(placeholdersOf)) {
      if (placeholders[name] === undefined) err(lineNo, `placeholder <${name}> is not defined under placeholders: in the front matter (give the command that prints its value)`);
    }
  };
  const proseCommands = (line: string) => shownCommands(line).map((c) => c.line);

  const bodyStart = close + 1;
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    for (const m of line.matchAll(PLACEHOLDER)) {
      if (!paramNames.has(m[1] ?? '')) err(lineNo, `unknown parameter {{${m[1] ?? ''}}} (declare it under params:)`);
    }
    if (fence) {
      if (line.trim() === fence.marker) {
        const f = fence;
        fence = null;
        if (f.lang === 'check' || f.lang === 'checks') handleCheckBlock(f);
        else if (f.lang === 'hint') {
          if (!cur) err(f.start, 'a hint block must be inside a step');
          else cur.step.hints.push(f.lines.join('\n').trim());
        } else if (f.lang === 'solution') {
          if (!cur) err(f.start, 'a solution block must be inside a step');
          else cur.step.solution.push(...commandLines(f.lines.join('\n')));
        } else {
          const target = cur ? cur.body : intro;
          target.push(`${f.marker}${f.lang}`, ...f.lines, f.marker);
          if (cur && COMMAND_LANGS.includes(f.lang)) cur.step.commands.push(...commandLines(f.lines.join('\n')));
        }
        continue;
      }
      fence.lines.push(line);
      if (COMMAND_LANGS.includes(fence.lang)) checkPlaceholders([line], lineNo);
      else if (fence.lang === 'hint') checkPlaceholders(proseCommands(line), lineNo);
      continue;
    }
    checkPlaceholders(proseCommands(line), lineNo);
    const fm2 = /^(```+|~~~+)\s*([A-Za-z0-9_-]*)\s*$/.exec(line);
    if (fm2) {
      fence = { marker: fm2[1] as string, lang: (fm2[2] ?? '').toLowerCase(), start: lineNo, lines: [] };
      continue;
    }
    const h = /^##\s+(.+?)\s*$/.exec(line);
    if (h && !line.startsWith('###')) {
      finishStep();
      let t = h[1] as string;
      let sid: string;
      const explicit = /\s*\{#([a-z0-9-]+)\}$/.exec(t);
      if (explicit) {
        sid = explicit[1] as string;
        t = t.slice(0, explicit.index);
      } else sid = slug(t);
      if (ids.has(sid)) err(lineNo, `duplicate step id '${sid}'`);
      ids.add(sid);
      cur = { step: { id: sid, title: t, body: '', commands: [], hints: [], solution: [], checks: [], line: lineNo }, body: [], items: 0 };
      continue;
    }
    (cur ? cur.body : intro).push(line);
  }
  if (fence !== null) err((fence as { start: number }).start, 'code block is not closed');
  finishStep();
  if (steps.length === 0) err(bodyStart + 1, 'a lab needs at least one step (a ## heading)');
  if (issues.length > 0) throw new LabError(issues);
  intro = intro.join('\n').trim().split('\n');
  return {
    id,
    title,
    summary,
    minutes: minutes as number,
    fixture,
    seed: seed as number,
    host: host as string,
    params,
    outcomes: (outcomes as string[]).map((o) => o.trim()),
    fitWidth: fitWidth as boolean,
    topology: topology as boolean,
    placeholders,
    intro: intro.join('\n'),
    steps,
    file,
    values: {},
  };
}

// ---------------------------------------------------------------- per-learner parameters


/** The parameter values of one learner: stable for a learner and lab, different between learners. */
export function paramValues(lab: Lab, learnerId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of lab.params) {
    const h = hashSeed(`${lab.id}\u0000${learnerId}\u0000${p.name}`);
    out[p.name] = p.kind === 'choose' ? (p.values[h % p.values.length] as string) : String(p.min + (h % (p.max - p.min + 1)));
  }
  return out;
}

function subst(s: string, v: Record<string, string>): string {
  return s.replace(PLACEHOLDER, (m, name: string) => v[name] ?? m);
}

function substDeep(x: unknown, v: Record<string, string>): unknown {
  if (typeof x === 'string') return subst(x, v);
  if (Array.isArray(x)) return x.map((y) => substDeep(y, v));
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, substDeep(y, v)]));
  return x;
}

/** A copy of the lab with `{{name}}` replaced everywhere by these values. */
export function instantiate(lab: Lab, values: Record<string, string>): Lab {
  const s = (t: string) => subst(t, values);
  return {
    ...lab,
    title: s(lab.title),
    summary: s(lab.summary),
    outcomes: lab.outcomes.map(s),
    placeholders: Object.fromEntries(Object.entries(lab.placeholders).map(([k, c]) => [k, s(c)])),
    intro: s(lab.intro),
    values: { ...values },
    steps: lab.steps.map(
      (st): Step => ({
        ...st,
        title: s(st.title),
        body: s(st.body),
        commands: st.commands.map(s),
        hints: st.hints.map(s),
        solution: st.solution.map(s),
        checks: st.checks.map(
          (c): CheckDef => ({
            ...c,
            title: s(c.title),
            fail: c.fail === null ? null : s(c.fail),
            params: substDeep(c.params, values) as Record<string, unknown>,
          }),
        ),
      }),
    ),
  };
}

/**
 * A lab's instances by their parameter values: learners who drew the same values share one (a lab
 * without parameters has one for the whole class), as nothing changes a lab once built. Bounded:
 * past that many different draws, an instance is built for each learner again.
 */
const instances = new WeakMap<Lab, Map<string, Lab>>();
const MAX_INSTANCES = 64;

/** The lab as one learner sees it. */
export function labFor(lab: Lab, learnerId: string): Lab {
  const values = paramValues(lab, learnerId);
  const key = JSON.stringify(values);
  let byValues = instances.get(lab);
  if (!byValues) instances.set(lab, (byValues = new Map()));
  let hit = byValues.get(key);
  if (!hit) {
    hit = instantiate(lab, values);
    if (byValues.size < MAX_INSTANCES) byValues.set(key, hit);
  }
  return hit;
}
