/**
 * Loads each scenario's generated rules into the real iptables (legacy backend, 1.8.9) inside a
 * throw-away network namespace and records what `iptables -L/-S` print, as golden files for
 * test/dataplane/iptables-real.test.ts. Needs root, `unshare` and `iptables-legacy`; tests never run it.
 *   node --import tsx scripts/capture-iptables.ts [scenario name…]   (none: every scenario)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { iptablesSave } from '../server/render/iptables.js';
import { buildScenario, LISTINGS, SAVED_AT, SCENARIOS } from '../test/dataplane/iptables-scenarios.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const only = process.argv.slice(2);
for (const sc of SCENARIOS.filter((x) => only.length === 0 || only.includes(x.name))) {
  const { tables } = buildScenario(sc);
  const save = iptablesSave(tables, SAVED_AT);
  const script = ['iptables-legacy-restore', ...LISTINGS.map((a) => `echo '@@@'; iptables-legacy ${a.map(q).join(' ')}`)].join('\n');
  const out = execFileSync('unshare', ['-n', 'bash', '-c', script], { input: save, encoding: 'utf8' });
  const parts = out.split('@@@\n').slice(1);
  const listings: Record<string, string> = {};
  LISTINGS.forEach((a, i) => { listings[`iptables ${a.join(' ')}`] = parts[i] ?? ''; });
  const file = `test/dataplane/iptables-real/${sc.name}.json`;
  writeFileSync(file, `${JSON.stringify({ captured: 'iptables v1.8.9 (legacy), Debian 12', save, listings }, null, 1)}\n`);
  console.log(`${file}: ${LISTINGS.length} listings`);
}
