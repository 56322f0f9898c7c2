/**
 * Judging a learner's answer to a question check. Answers come typed or pasted from a terminal,
 * so the forms that mean the same value are accepted: surrounding quotes and extra spaces, any
 * letter case, an address in any equivalent textual form (IPv6 compressed or not, upper-case
 * hex), an address given with the prefix length `ip a` prints (`180.180.180.48/24` when the
 * answer is the address), a MAC with `-` or upper case, a one-item list as `-f value` prints it
 * (`['198.51.100.0/24']`). What is refused says which form is
 * expected, with an example from the documentation ranges (never the answer itself).
 */
import { canonicalCidr, canonicalIp, ipVersion, isIp } from './ip.js';

export interface Verdict {
  ok: boolean;
  why: string;
}

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
const INTEGER = /^[+-]?\d+$/;
/** Quote pairs (one character each) that may surround a pasted answer. */
const QUOTES: Array<[string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['\u201c', '\u201d'],
  ['\u2018', '\u2019'],
];

/** The answer without surrounding quotes, with its spaces collapsed (linear in its length, however many quotes). */
export function cleanAnswer(given: string): string {
  const s = given.replace(/\s+/g, ' ');
  let i = 0;
  let j = s.length;
  const trim = () => {
    while (i < j && s[i] === ' ') i++;
    while (j > i && s[j - 1] === ' ') j--;
  };
  const quoted = () => j - i >= 2 && QUOTES.some(([open, close]) => s[i] === open && s[j - 1] === close);
  trim();
  while (quoted()) {
    i++;
    j--;
    trim();
  }
  const answer = s.slice(i, j);
  // `-f value` prints a one-item list field as Python's repr: ['198.51.100.0/24'].
  const listed = /^\[ ?(['"])([^'"]*)\1 ?\]$/.exec(answer);
  return listed ? (listed[2] ?? '').trim() : answer;
}

/** An address as given: bare, in brackets (`[2001:db8::1]`), or with a prefix length. */
function addressPart(s: string): string | null {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (isIp(bare)) return canonicalIp(bare);
  const cidr = canonicalCidr(s);
  return cidr === null ? null : (cidr.split('/')[0] ?? null);
}

function exampleAddress(want: string): string {
  return ipVersion(want) === 6 ? '2001:db8::5' : '192.0.2.5';
}

/** Compares one cleaned answer with one expected value; `form` says what was expected when the answer has another form. */
function compare(given: string, want: string): { ok: boolean; form: string | null } {
  const w = want.trim();
  if (isIp(w)) {
    const a = addressPart(given);
    if (a === null) return { ok: false, form: `give the address only, e.g. ${exampleAddress(w)}` };
    return { ok: a === canonicalIp(w), form: ipVersion(a) !== ipVersion(w) ? `give an IPv${ipVersion(w) ?? 4} address, e.g. ${exampleAddress(w)}` : null };
  }
  const wc = canonicalCidr(w);
  if (wc !== null) {
    const gc = canonicalCidr(given);
    const v6 = ipVersion(wc.split('/')[0] ?? '') === 6;
    if (gc === null) return { ok: false, form: `give the range with its prefix length, e.g. ${v6 ? '2001:db8::/64' : '192.0.2.0/24'}` };
    return { ok: gc === wc, form: null };
  }
  if (MAC.test(w)) {
    if (!MAC.test(given)) return { ok: false, form: 'give the MAC address, six pairs of hex digits, e.g. 00:00:5e:00:53:01' };
    const mac = (m: string) => m.toLowerCase().replace(/-/g, ':');
    return { ok: mac(given) === mac(w), form: null };
  }
  if (INTEGER.test(w)) {
    if (!INTEGER.test(given)) return { ok: false, form: 'give a whole number, digits only' };
    return { ok: Number(given) === Number(w), form: null };
  }
  const text = (t: string) => {
    const low = t.toLowerCase();
    return low === 'yes' ? 'true' : low === 'no' ? 'false' : low;
  };
  return { ok: text(given) === text(w.replace(/\s+/g, ' ')), form: null };
}

/** Whether `given` is one of the expected answers, and why not. */
export function judgeAnswer(given: string, expected: readonly string[]): Verdict {
  const g = cleanAnswer(given);
  const results = expected.map((w) => compare(g, w));
  if (results.some((r) => r.ok)) return { ok: true, why: `${g} is right` };
  const form = results.find((r) => r.form !== null)?.form;
  return { ok: false, why: `${g} is not the right answer${form !== undefined && form !== null ? `: ${form}` : ''}` };
}
