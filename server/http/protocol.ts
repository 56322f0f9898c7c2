/** The terminal's WebSocket messages, parsed at the edge from unknown input into a typed union. */
import type { GradeResult } from '../labs/types.js';
import type { PacketPath, Reply, Topology } from '../workspace/index.js';

export type ClientMessage =
  | { t: 'line'; line: string }
  | { t: 'complete'; line: string }
  | { t: 'reset' }
  /** Ctrl-C while a line is running (a ping without a count): it ends, and its result comes. */
  | { t: 'interrupt' }
  | { t: 'resize'; cols: number }
  | { t: 'answer'; check: string; value: string }
  | { t: 'solution'; step: string }
  /** The page showed a step's hint number `n` (1 = the first), recorded for the instructor. */
  | { t: 'hint'; step: string; n: number }
  | { t: 'options'; fitWidth: boolean }
  /** The rows of one element of the topology the page draws (its id, as `data-id` says). */
  | { t: 'details'; id: string };

export type ServerMessage =
  | {
      t: 'hello';
      prompt: string;
      history: string[];
      workspace: string;
      fixture: string;
      learner: string;
      /** The recent commands and their output, to write before the prompt on a fresh page. */
      scrollback: string;
    }
  | ({ t: 'result' } & Omit<Reply, 'path'>)
  /** The cloud as the topology view draws it: after hello, then after a command or reset that changed it. */
  | { t: 'topology'; topology: Topology }
  /** The packet path a command traced (`stacklab trace`), after its result, for the view to highlight. */
  | { t: 'path'; path: PacketPath }
  /** The rows of an element the page asked about (null: the topology draws no such element now). */
  | { t: 'details'; id: string; rows: Array<[string, string]> | null }
  /** What a running line prints as it goes (a ping's reply each second), before its result. */
  | { t: 'output'; stdout: string }
  | { t: 'completion'; candidates: string[]; replacement?: string }
  | { t: 'grade'; result: GradeResult; firstPassed: Record<string, number> }
  | { t: 'solution'; step: string; lines: string[] }
  | { t: 'error'; message: string };

/** A topology element's id: `kind:` and a UUID or an address (sim/api/topology.ts). */
const ELEMENT_ID = /^[a-z]{2,8}:[0-9A-Za-z.:-]{1,64}$/;

/** Longest frame accepted (a line is at most 4,096 characters; JSON escaping may double it). */
export const MAX_FRAME = 16_384;

export function parseClientMessage(raw: string): ClientMessage | null {
  if (raw.length > MAX_FRAME) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  switch (m['t']) {
    case 'line':
    case 'complete':
      return typeof m['line'] === 'string' ? { t: m['t'], line: m['line'] } : null;
    case 'reset':
      return { t: 'reset' };
    case 'interrupt':
      return { t: 'interrupt' };
    case 'solution': {
      const step = m['step'];
      return typeof step === 'string' && /^[a-z0-9-]{1,80}$/.test(step)
        ? { t: 'solution', step }
        : null;
    }
    case 'hint': {
      // Whether the step has that many hints is the workspace's to check (it knows the lab).
      const step = m['step'];
      const n = m['n'];
      return typeof step === 'string' && /^[a-z0-9-]{1,80}$/.test(step) && typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 100
        ? { t: 'hint', step, n }
        : null;
    }
    case 'answer': {
      const check = m['check'];
      const value = m['value'];
      return typeof check === 'string' &&
        /^[a-z0-9-]{1,80}$/.test(check) &&
        typeof value === 'string' &&
        value.length <= 200 &&
        !value.includes('\n')
        ? { t: 'answer', check, value }
        : null;
    }
    case 'resize': {
      const cols = m['cols'];
      return typeof cols === 'number' && Number.isInteger(cols) && cols >= 20 && cols <= 1000
        ? { t: 'resize', cols }
        : null;
    }
    case 'options':
      return typeof m['fitWidth'] === 'boolean' ? { t: 'options', fitWidth: m['fitWidth'] } : null;
    case 'details': {
      const id = m['id'];
      return typeof id === 'string' && ELEMENT_ID.test(id) ? { t: 'details', id } : null;
    }
    default:
      return null;
  }
}
