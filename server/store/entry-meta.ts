/**
 * An entry's optional fields (cols, prompt, ran, …) as one JSON cell and back: the same cell in
 * every store that keeps history rows (SQLite, PostgreSQL), so both read each other's dumps alike.
 */
import type { ApiRequestRecord, EntryHead, NewEntry } from './types.js';

/** The optional fields of an entry kept as JSON in `meta`. */
const META_KEYS = ['cols', 'prompt', 'ran', 'interrupted', 'truncated', 'check', 'value', 'step', 'request'] as const;

/** The `meta` cell of an entry: its optional fields as JSON, or null when it has none. */
export function metaOf(e: NewEntry): string | null {
  const m: Record<string, unknown> = {};
  for (const k of META_KEYS) if (e[k] !== undefined) m[k] = e[k];
  return Object.keys(m).length > 0 ? JSON.stringify(m) : null;
}

/** A stored API request, when the cell holds a whole one (a damaged one is dropped, not guessed). */
function apiRequestOf(v: unknown): ApiRequestRecord | null {
  if (v === null || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  const strings = (a: unknown) => Array.isArray(a) && a.every((x) => typeof x === 'string');
  if (typeof r['service'] !== 'string' || typeof r['method'] !== 'string' || typeof r['body'] !== 'string' || !strings(r['path'])) return null;
  if (!Array.isArray(r['query']) || !r['query'].every((q) => Array.isArray(q) && q.length === 2 && strings(q))) return null;
  const out: ApiRequestRecord = { service: r['service'], method: r['method'], path: r['path'] as string[], query: r['query'] as Array<[string, string]>, body: r['body'] };
  if (typeof r['microversion'] === 'string') out.microversion = r['microversion'];
  return out;
}

/** A head row's columns with the extras its `meta` cell holds (a damaged cell loses its extras, not the row). */
export function withMeta(head: Omit<EntryHead, 'cols' | 'prompt' | 'ran' | 'interrupted' | 'truncated' | 'check' | 'value' | 'step' | 'request'>, meta: string | null): EntryHead {
  if (meta === null) return { ...head };
  let m: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(meta) as unknown;
    if (parsed !== null && typeof parsed === 'object') m = parsed as Record<string, unknown>;
  } catch {
    // Damaged: read as no extras.
  }
  const e: EntryHead = { ...head };
  if (typeof m['cols'] === 'number') e.cols = m['cols'];
  if (typeof m['prompt'] === 'string') e.prompt = m['prompt'];
  if (Array.isArray(m['ran'])) e.ran = m['ran'] as string[][];
  if (typeof m['interrupted'] === 'number') e.interrupted = m['interrupted'];
  if (m['truncated'] === true) e.truncated = true;
  if (typeof m['check'] === 'string') e.check = m['check'];
  if (typeof m['value'] === 'string') e.value = m['value'];
  if (typeof m['step'] === 'string') e.step = m['step'];
  const request = apiRequestOf(m['request']);
  if (request) e.request = request;
  return e;
}
