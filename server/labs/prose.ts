/**
 * The commands a lab shows its learners: the lines of its command blocks (intro, steps, hints)
 * and the inline code of its prose and hints that is a whole command (`openstack router show
 * my-router`, not `--no-dhcp` nor a bare `ping`). `stacklab lab check` runs them where a
 * learner would type them. Pure.
 */

/** Languages of the fenced blocks whose lines are commands (clickable in the page). */
export const COMMAND_LANGS = ['sh', 'bash', 'shell', 'console'];

/** Programs whose inline code in prose is taken as a command when it has arguments. */
const INLINE_PROGRAMS = new Set(['openstack', 'neutron', 'nova', 'ip', 'ovs-vsctl', 'iptables', 'iptables-save', 'sysctl', 'route', 'ping', 'ssh', 'traceroute', 'curl', 'stacklab']);

/** A placeholder of the prose's commands: `<router id>`, `<vm2's port id>` (not `< file`, `<<`). */
export const PROSE_PLACEHOLDER = /<([A-Za-z0-9][^<>\n]*?[^<>\s]|[A-Za-z0-9])>/g;

/** The marker of a command that the lab says fails: `… # error: TEXT` (its output holds TEXT). */
const ERROR_MARK = /\s#\s*error:\s*(.*?)\s*$/;

export interface ShownCommand {
  line: string;
  /** The error the lab announces for it (`# error: TEXT`), or null: it must succeed. */
  error: string | null;
  /**
   * Inline code in a sentence: an aside or an alternative ("the blog used `nova …`"), run on a
   * copy of the state at that point of the text; block lines run in sequence.
   */
  inline: boolean;
}

/** Command lines of a block: blank and `#` lines dropped, trailing `\` joined, `$ ` prompts removed. */
export function commandLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const l = raw.replace(/^\$ /, '');
    if (l.endsWith('\\')) {
      pending += l.slice(0, -1);
      continue;
    }
    const line = (pending + l).trim();
    pending = '';
    if (line === '' || line.startsWith('#')) continue;
    out.push(line);
  }
  return out;
}

function shown(line: string, inline: boolean): ShownCommand {
  const m = ERROR_MARK.exec(line);
  return { line, error: m === null ? null : (m[1] ?? ''), inline };
}

/** Inline code of a prose line that is a whole command. */
function inlineCommands(text: string): string[] {
  return [...text.matchAll(/(`+)([^`\n]+?)\1/g)]
    .map((m) => (m[2] ?? '').trim())
    .filter((c) => {
      const words = c.split(/\s+/);
      return words.length >= 2 && INLINE_PROGRAMS.has(words[0] ?? '');
    });
}

/** The commands a piece of lab Markdown shows, in order: command blocks' lines and inline commands. */
export function shownCommands(markdown: string): ShownCommand[] {
  const out: ShownCommand[] = [];
  let fence: { marker: string; lang: string; lines: string[] } | null = null;
  for (const line of markdown.split('\n')) {
    if (fence !== null) {
      if (line.trim() === fence.marker) {
        if (COMMAND_LANGS.includes(fence.lang)) out.push(...commandLines(fence.lines.join('\n')).map((l) => shown(l, false)));
        fence = null;
      } else fence.lines.push(line);
      continue;
    }
    const f = /^\s*(```+|~~~+)\s*([A-Za-z0-9_-]*)\s*$/.exec(line);
    if (f) fence = { marker: f[1] as string, lang: (f[2] ?? '').toLowerCase(), lines: [] };
    else out.push(...inlineCommands(line).map((l) => shown(l, true)));
  }
  return out;
}

/** The placeholders (`<router id>` → `router id`) of a command line. */
export function placeholdersOf(line: string): string[] {
  return [...line.matchAll(PROSE_PLACEHOLDER)].map((m) => m[1] ?? '');
}
