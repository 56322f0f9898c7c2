/** The reach check's bridge to the data plane's path query (server/sim/reach.ts `trace`). */
import type { Cloud } from '../sim/model/cloud.js';
import { trace, type Endpoint, type Proto } from '../sim/reach.js';
import type { ReachFn } from './checks.js';

/** Where a lab's `from:` names: `laptop`, `network`, a `qrouter-…`/`qdhcp-…` namespace, or a server name. */
function endpoint(c: Cloud, from: string): Endpoint | null {
  if (from === 'laptop') return { kind: 'laptop' };
  if (from === 'network' || from === c.config.networkHost) return { kind: 'network' };
  if (from.startsWith('qrouter-') || from.startsWith('qdhcp-')) return { kind: 'ns', name: from };
  const s = c.servers.find((x) => x.name === from);
  return s ? { kind: 'vm', serverId: s.id } : null;
}

/** The reach query the shell's ping and ssh use, shaped for checks. */
export const simReach: ReachFn = (cloud, from, to, proto, port) => {
  const e = endpoint(cloud, from);
  if (e === null) return { verdict: 'no-route', reason: `there is no host or server named ${from}` };
  const p: Proto = proto === 'tcp' || proto === 'udp' ? proto : 'icmp';
  const t = trace(cloud, e, to, p, port ?? null);
  return { verdict: t.verdict, reason: t.reason };
};
