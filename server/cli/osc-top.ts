/**
 * The `openstack` program's top level as python-openstackclient 6.0.0 (cliff 4.0) behaves:
 * global options, `--version`, `--help`, `help [CMD]`, multi-word command lookup, and the
 * "is not an openstack command" message with cliff's fuzzy suggestions.
 */
import captured from './openstack/osc-top.json' with { type: 'json' };

interface TopCapture {
  head: string;
  commands: Array<[string, string]>;
}

const TOP = captured as unknown as TopCapture;

/** Every command the real client offers (plugins included), for help and suggestions. */
export const REAL_COMMANDS: readonly string[] = TOP.commands.map(([n]) => n);

export type TopResult =
  | { kind: 'command'; name: string; rest: string[] }
  | { kind: 'help'; name: string }
  | { kind: 'output'; stdout: string; stderr: string; exitCode: number };

/** Global options that take a value (the rest are flags). */
const VALUE_GLOBALS = new Set(['--log-file', '--os-profile']);
const FLAG_GLOBALS = new Set(['-v', '--verbose', '-q', '--quiet', '--debug', '--timing', '--os-beta-command', '--verify', '--insecure']);

/** cliff's damerau_levenshtein with its suggestion costs (swap 0, substitution 2, addition 1, deletion 3). */
export function damerauLevenshtein(s1: string, s2: string): number {
  const cost = { h: 0, s: 2, a: 1, d: 3 };
  if (s1 === s2) return 0;
  if (s1.length === 0) return s2.length * cost.a;
  if (s2.length === 0) return s1.length * cost.d;
  let row1 = Array.from({ length: s2.length + 1 }, (_, i) => i * cost.a);
  let row2 = [...row1];
  let row0 = [...row1];
  for (let i = 0; i < s1.length; i++) {
    row2[0] = (i + 1) * cost.d;
    for (let j = 0; j < s2.length; j++) {
      const sub = (row1[j] as number) + (s1[i] !== s2[j] ? cost.s : 0);
      const ins = (row2[j] as number) + cost.a;
      const del = (row1[j + 1] as number) + cost.d;
      let min = Math.min(sub, ins, del);
      if (i > 0 && j > 0 && s1[i - 1] === s2[j] && s1[i] === s2[j - 1]) min = Math.min(min, (row0[j - 1] as number) + cost.h);
      row2[j + 1] = min;
    }
    [row0, row1, row2] = [row1, row2, row0];
  }
  return row1[row1.length - 1] as number;
}

/** cliff's get_fuzzy_matches: prefix matches first, else all commands at the smallest distance. */
export function fuzzyMatches(cmd: string, names: readonly string[]): string[] {
  const dist: Array<[number, string]> = [];
  for (const candidate of [...names].sort()) {
    if (candidate.startsWith(cmd)) {
      dist.push([0, candidate]);
      continue;
    }
    dist.push([damerauLevenshtein(cmd, candidate.split(' ')[0] as string) + 1, candidate]);
  }
  dist.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const out: string[] = [];
  let matchDistance = 0;
  for (const [d, c] of dist) {
    if (d > matchDistance) {
      if (matchDistance) break;
      matchDistance = d;
    }
    out.push(c);
  }
  return out;
}

const REAL_SUMMARY = new Map<string, string>(TOP.commands);

/** The real client's one-line summary of a command ('' if it has none). */
export function realSummary(name: string): string {
  return REAL_SUMMARY.get(name) ?? '';
}

/**
 * `openstack --help` / `openstack help`: the real usage and global options, then "Commands:" with
 * one line per command (cliff's `  %-13s  %s`). Without `commands`, every real command is listed.
 */
export function topHelp(commands?: ReadonlyArray<{ name: string; summary: string }>): string {
  const list: Array<[string, string]> = commands ? commands.map((c) => [c.name, c.summary]) : TOP.commands;
  const lines = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([n, s]) => `  ${n.padEnd(13)}  ${s}`);
  return `${TOP.head}Commands:\n${lines.join('\n')}\n`;
}

/** cliff's `help WORDS` when WORDS is no command: the commands starting with the first word, or an error. */
function helpMatches(words: string[]): TopResult {
  const first = words[0] ?? '';
  const matches = REAL_COMMANDS.filter((n) => n.startsWith(first)).sort();
  if (matches.length === 0) {
    return { kind: 'output', stdout: '', stderr: `Unknown command [${words.map((w) => `'${w}'`).join(', ')}]\n`, exitCode: 1 };
  }
  return { kind: 'output', stdout: `Command "${first}" matches:\n${matches.map((m) => `  ${m}\n`).join('')}`, stderr: '', exitCode: 0 };
}

function notACommand(words: string[]): TopResult {
  const matches = fuzzyMatches(words[0] ?? '', REAL_COMMANDS);
  if (matches.length === 0) {
    return { kind: 'output', stdout: '', stderr: `Unknown command [${words.map((w) => `'${w}'`).join(', ')}]\n`, exitCode: 2 };
  }
  return {
    kind: 'output',
    stdout: `openstack: '${words.join(' ')}' is not an openstack command. See 'openstack --help'.\nDid you mean one of these?\n${matches.map((m) => `  ${m}\n`).join('')}`,
    stderr: '',
    exitCode: 2,
  };
}

/** Longest command name that the words start with. */
/** Sets of command names, made once per list (every line looks its command up: an array scan was hundreds of comparisons). */
const nameSets = new WeakMap<readonly string[], Set<string>>();

function longest(words: string[], names: readonly string[]): string | null {
  let set = nameSets.get(names);
  if (!set) {
    set = new Set(names);
    nameSets.set(names, set);
  }
  for (let n = Math.min(words.length, 6); n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    if (set.has(name)) return name;
  }
  return null;
}

/** Clouds a learner's clouds.yaml names (`--os-cloud`, OS_CLOUD). */
const KNOWN_CLOUDS = new Set(['empty', 'public-cloud', 'network-node', 'openstack', 'devstack-admin']);

/**
 * Reads global options, then finds the command. `supported` are the commands Stacklab implements;
 * real commands it does not implement get an honest message instead of a fake result.
 */
const namesCache = new WeakMap<ReadonlyArray<{ name: string; summary?: string }>, string[]>();

function supportedHelp(supported: ReadonlyArray<{ name: string; summary?: string }>): string {
  return topHelp(supported.map((c) => ({ name: c.name, summary: c.summary ?? realSummary(c.name) })));
}

export function topLevel(argv: string[], supported: ReadonlyArray<{ name: string; summary?: string }>): TopResult {
  let names = namesCache.get(supported);
  if (!names) {
    names = supported.map((c) => c.name);
    namesCache.set(supported, names);
  }
  let i = 0;
  while (i < argv.length) {
    const a = argv[i] as string;
    if (a === '--version') return { kind: 'output', stdout: 'openstack 6.0.0\n', stderr: '', exitCode: 0 };
    if (a === '-h' || a === '--help') return { kind: 'output', stdout: supportedHelp(supported), stderr: '', exitCode: 0 };
    if (FLAG_GLOBALS.has(a) || /^--os-[a-z-]+=/.test(a) || /^--log-file=/.test(a)) {
      i += 1;
      continue;
    }
    if (VALUE_GLOBALS.has(a) || /^--os-[a-z-]+$/.test(a)) {
      const value = argv[i + 1];
      if (value === undefined) {
        return { kind: 'output', stdout: '', stderr: `openstack: error: argument ${a}: expected one argument\n`, exitCode: 2 };
      }
      if (a === '--os-cloud' && !KNOWN_CLOUDS.has(value)) {
        return { kind: 'output', stdout: '', stderr: `Cloud ${value} was not found.\n`, exitCode: 1 };
      }
      i += 2;
      continue;
    }
    break;
  }
  const words = argv.slice(i);
  if (words.length === 0) {
    // The real client would open its interactive "(openstack)" prompt; this terminal already is one.
    return {
      kind: 'output',
      stdout: '',
      stderr: "openstack: interactive mode is not available here; type a command, e.g. 'openstack network list', or 'openstack --help'.\n",
      exitCode: 2,
    };
  }
  if (words[0] === 'help') {
    const rest = words.slice(1);
    if (rest.length === 0) return { kind: 'output', stdout: supportedHelp(supported), stderr: '', exitCode: 0 };
    const name = longest(rest, names);
    if (name) return { kind: 'help', name };
    const real = longest(rest, REAL_COMMANDS);
    if (real) return unsupported(real);
    return helpMatches(rest);
  }
  const name = longest(words, names);
  if (name) return { kind: 'command', name, rest: words.slice(name.split(' ').length) };
  const real = longest(words, REAL_COMMANDS);
  if (real) return unsupported(real);
  return notACommand(words);
}

function unsupported(name: string): TopResult {
  return {
    kind: 'output',
    stdout: '',
    stderr: `openstack ${name}: this command exists in the real client, but Stacklab's cloud does not simulate it (see COMMANDS.md for what it does).\n`,
    exitCode: 1,
  };
}
