/**
 * Rows of the LTI tables read back (SQLite or PostgreSQL): each JSON cell checked to be the record
 * it must hold, so a damaged or hand-written row is skipped with a line in the log, never a crash.
 */
import { parseRegistration } from './platforms.js';
import type { LaunchRecord, LoginState, PlatformRegistration } from './types.js';

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A stored platform as it must be (a row written by hand or by another program is checked as the page's input is). */
function asPlatform(o: Record<string, unknown>): PlatformRegistration | null {
  const r = parseRegistration(o, o['source'] === 'file' ? 'file' : 'page');
  return 'platform' in r ? r.platform : null;
}

function asState(o: Record<string, unknown>): LoginState | null {
  const { nonce, issuer, clientId, targetLinkUri, expires } = o;
  return isStr(nonce) && isStr(issuer) && isStr(clientId) && isStr(targetLinkUri) && isNum(expires)
    ? { nonce, issuer, clientId, targetLinkUri, expires }
    : null;
}

const LAUNCH_TEXT = ['learner', 'issuer', 'clientId', 'deploymentId', 'sub', 'labId', 'name'] as const;

function asLaunch(o: Record<string, unknown>): LaunchRecord | null {
  const { lineitem, scopes, at } = o;
  if (!LAUNCH_TEXT.every((k) => isStr(o[k])) || !(lineitem === null || isStr(lineitem)) || !isNum(at)) return null;
  if (!Array.isArray(scopes) || !scopes.every(isStr)) return null;
  const text = (k: (typeof LAUNCH_TEXT)[number]) => o[k] as string;
  return {
    learner: text('learner'), issuer: text('issuer'), clientId: text('clientId'), deploymentId: text('deploymentId'),
    sub: text('sub'), labId: text('labId'), name: text('name'), lineitem, scopes: [...scopes], at,
  };
}

interface Records {
  platform: PlatformRegistration;
  state: LoginState;
  launch: LaunchRecord;
}

const shapes: { [K in keyof Records]: (o: Record<string, unknown>) => Records[K] | null } = {
  platform: asPlatform,
  state: asState,
  launch: asLaunch,
};

/**
 * A row's JSON as the record it must hold, or null with a line in the log: a damaged row (another
 * program, a half-restored backup) counts as missing rather than taking LTI down.
 */
export function readRow<K extends keyof Records>(kind: K, json: string, log: (message: string) => void): Records[K] | null {
  let o: unknown;
  try {
    o = JSON.parse(json);
  } catch {
    o = null;
  }
  const r = typeof o === 'object' && o !== null && !Array.isArray(o) ? shapes[kind](o as Record<string, unknown>) : null;
  if (r === null) log(`LTI ${kind} row ignored: it is not a valid record (${JSON.stringify(json.slice(0, 80))})`);
  return r;
}
