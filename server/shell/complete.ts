/** Tab completion: commands, `openstack` sub-commands, options, and the learner's resource names. */
import type { Cloud } from '../sim/model/cloud.js';
import { OPENSTACK_COMMANDS } from '../cli/openstack/index.js';
import { parserFor } from '../cli/openstack/registry.js';

/** Which cloud names fit an option or positional, by the metavar the real client uses. */
function namesFor(c: Cloud, metavar: string): string[] {
  const m = metavar.replace(/[<>]/g, '');
  const pick = <T extends { name: string }>(xs: T[]) => xs.map((x) => x.name).filter((n) => n !== '');
  switch (m) {
    case 'network':
      return pick(c.networks);
    case 'subnet':
      return pick(c.subnets);
    case 'router':
      return pick(c.routers);
    case 'port':
      return pick(c.ports);
    case 'server':
      return pick(c.servers);
    case 'group':
    case 'security-group':
      return pick(c.securityGroups);
    case 'floating-ip':
      return c.floatingIps.map((f) => f.floatingIpAddress);
    case 'subnet-pool':
      return pick(c.subnetPools);
    case 'address-scope':
      return pick(c.addressScopes);
    case 'image':
      return pick(c.images);
    case 'flavor':
      return pick(c.flavors);
    case 'key-name':
    case 'name':
      return m === 'key-name' ? pick(c.keypairs) : [];
    default:
      return [];
  }
}

function commonPrefix(xs: string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0] as string;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

export function completeLine(c: Cloud, line: string, builtins: readonly string[]): { candidates: string[]; replacement?: string } {
  const words = line.split(/\s+/).filter((w, i, all) => w !== '' || i === all.length - 1);
  if (words.length === 0) words.push('');
  const current = words[words.length - 1] ?? '';
  const before = words.slice(0, -1);
  let pool: string[];
  if (before.length === 0) {
    pool = [...builtins];
  } else if (before[0] === 'openstack') {
    const typed = before.slice(1).filter((w) => !w.startsWith('-'));
    const matching = OPENSTACK_COMMANDS.map((x) => x.name.split(' ')).filter((parts) =>
      typed.slice(0, parts.length).every((w, i) => parts[i] === w),
    );
    const full = matching.find((parts) => parts.length <= typed.length);
    if (!full) {
      pool = [...new Set(matching.map((parts) => parts[typed.length]).filter((w): w is string => w !== undefined))];
    } else {
      const spec = parserFor(full.join(' '));
      const prev = before[before.length - 1] ?? '';
      const prevArg = spec.args.find((a) => a.flags.includes(prev));
      if (current.startsWith('-')) {
        pool = spec.args.filter((a) => a.help !== null).flatMap((a) => a.flags.filter((f) => f.startsWith('--')));
      } else if (prevArg && prevArg.action !== 'store_true' && prevArg.action !== 'store_false') {
        pool = prevArg.choices ? [...prevArg.choices] : namesFor(c, prevArg.metavar ?? prevArg.dest);
      } else {
        const positional = spec.args.filter((a) => a.flags.length === 0);
        pool = positional.flatMap((a) => namesFor(c, a.metavar ?? a.dest));
      }
    }
  } else {
    pool = [];
  }
  const candidates = [...new Set(pool.filter((p) => p.startsWith(current)))].sort();
  const head = line.slice(0, line.length - current.length);
  if (candidates.length === 1) return { candidates, replacement: `${head}${shellQuote(candidates[0] as string)} ` };
  const prefix = commonPrefix(candidates);
  if (prefix.length > current.length) return { candidates, replacement: `${head}${prefix}` };
  return { candidates };
}
