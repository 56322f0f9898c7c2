/**
 * `iptables [-t T] -S|-L [CHAIN] [-n] [-v] [--line-numbers]`, `iptables-save [-t T]` and
 * `ip6tables-save` on the rules the agents installed (sim/dataplane/iptables.ts), printed by
 * render/iptables.ts.
 */
import { emptyTable, router6Tables, type Table } from '../../sim/dataplane/iptables.js';
import { iptablesList, iptablesS, iptablesSave } from '../../render/iptables.js';
import { err, ok, type HostResult } from './host.js';

const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";
const NO_TABLE = (t: string) => `iptables v1.8.9 (legacy): can't initialize iptables table \`${t}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`;
const NO_CHAIN = 'iptables: No chain/target/match by that name.\n';

/** `iptables [-t T] -S|-L [CHAIN] [-n] [-v] [--line-numbers]` (short flags may be bundled: `-nvL`). */
export function runIptables(tables: Table[], args: string[]): HostResult {
  let table = 'filter';
  let mode: 'S' | 'L' | null = null;
  let chain: string | undefined;
  const o = { numeric: false, verbose: false, lineNumbers: false };
  const long: Record<string, string> = { '--list': 'L', '--list-rules': 'S', '--numeric': 'n', '--verbose': 'v', '--table': 't', '--exact': 'x' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--line-numbers') { o.lineNumbers = true; continue; }
    const flags = long[a] ?? (/^-[A-Za-z]+$/.test(a) ? a.slice(1) : null);
    if (flags === null) {
      if (mode && chain === undefined && !a.startsWith('-')) { chain = a; continue; }
      return err(`iptables v1.8.9 (legacy): unknown option "${a}"\n${TRY}`, 2);
    }
    for (const f of flags) {
      if (f === 't') { table = args[++i] ?? ''; continue; }
      if (f === 'L' || f === 'S') {
        if (mode) return err(`iptables v1.8.9 (legacy): Cannot use -L with -S\n${TRY}`, 2);
        mode = f;
      } else if (f === 'n') o.numeric = true;
      else if (f === 'v') o.verbose = true;
      else if (f !== 'x') return err(`iptables v1.8.9 (legacy): unknown option "-${f}"\n${TRY}`, 2);
    }
  }
  if (!mode) return err(`iptables v1.8.9 (legacy): no command specified\n${TRY}`, 2);
  const t = tables.find((x) => x.name === table) ?? emptyTable(table);
  if (!t) return err(NO_TABLE(table), 3);
  if (mode === 'S') {
    if (chain !== undefined && ![...t.builtins, ...t.chains].includes(chain)) return err(NO_CHAIN);
    return ok(iptablesS(t, chain));
  }
  const out = iptablesList(t, o, chain);
  return out === null ? err(NO_CHAIN) : ok(out);
}

/** `iptables-save [-t TABLE]` (`args` after the command name, -4/-6 removed) at the simulated `clock`. */
export function runIptablesSave(tables: Table[], args: string[], clock: number): HostResult {
  const ti = args.indexOf('-t');
  return ok(iptablesSave(tables, clock, ti >= 0 ? args[ti + 1] : undefined));
}

/** `ip6tables-save` in a router namespace. */
export function runIp6tablesSave(tables: Table[], clock: number): HostResult {
  return ok(iptablesSave(router6Tables(tables), clock, undefined, 'ip6tables-save'));
}
