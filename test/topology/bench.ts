/**
 * Figures for issue #16's target "the topology of a cloud with 50 networks, 20 routers, 200 VMs
 * is derived in < 5 ms" (printed, not asserted: timings are not tests). Run:
 * `node --import tsx test/topology/bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { createSession, runLine } from '../../server/shell/session.js';
import { topologyOf } from '../../server/sim/api/topology.js';
import { sessionTopology, topologyCache } from '../../server/workspace/topology.js';
import { BIG, bigCloud } from './big-cloud.js';

/** Mean milliseconds of `f` over about a second, after a warm-up. */
function ms(f: () => unknown): number {
  for (let i = 0; i < 20; i++) f();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    f();
    n++;
  }
  return (performance.now() - t0) / n;
}

const fmt = (x: number) => x.toFixed(x < 0.1 ? 4 : 2);

const big = bigCloud();
const structure = ms(() => topologyOf(big.cloud, ['laptop'], () => []));
const whole = ms(() => sessionTopology(big));
const bytes = Buffer.byteLength(JSON.stringify(sessionTopology(big)));
const cached = topologyCache();
const listed = runLine(big, 'openstack network list').state;
cached(big);
const unchanged = ms(() => cached(listed));
console.log(
  `topology of ${BIG.networks} networks, ${BIG.routers} routers, ${BIG.servers} VMs: ${fmt(structure)} ms without details, ` +
    `${fmt(whole)} ms with every element's show rows (${(bytes / 1024).toFixed(0)} KiB of JSON); ` +
    `after a command that changed no resource: ${fmt(unchanged)} ms (the cached one)`,
);

for (const fixture of ['network-node', 'public-cloud']) {
  const s = createSession({ fixture });
  console.log(`topology of the ${fixture} fixture: ${fmt(ms(() => sessionTopology(s)))} ms with details`);
}
