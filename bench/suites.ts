/** Benchmarks beyond the core, each a named suite (`npm run bench -- NAME` runs one). */
export interface BenchSuite {
  name: string;
  run(): Promise<void>;
}

import { loadRun } from './load.js';

export const extraSuites: BenchSuite[] = [
  {
    name: 'load',
    async run() {
      const seconds = Number(process.env['LOAD_SECONDS'] ?? 30);
      // LOAD_LEARNERS=1000,2000 and LOAD_WORKSPACE=lab:troubleshooting measure other classes (issue #19).
      const counts = (process.env['LOAD_LEARNERS'] ?? '200,1000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
      for (const n of counts) await loadRun(n, seconds, process.env['LOAD_WORKSPACE'] ?? 'sandbox:network-node');
    },
  },
  { name: 'dataplane', async run() { (await import('./dataplane.js')).dataplaneBench(); } },
  // Issue #10: latency under a hostile learner, database bytes per 1,000 commands, RSS after churn.
  { name: 'hostile', async run() { await (await import('./hostile.js')).hostileBench(); } },
  // Issue #14: a scenario with a load balancer, curl through one, 20 load balancers × 10 members.
  { name: 'octavia', async run() { (await import('./octavia.js')).octaviaBench(); } },
  // Issue #16: the topology of a big cloud derived on the server and drawn in Chromium.
  { name: 'topology', async run() { await (await import('./topology.js')).topologyBench(); } },
  // Issue #17: API requests/s on one core; the real client per command, Stacklab vs the Neutron oracle.
  { name: 'api', async run() { await (await import('./api.js')).apiBench(); } },
  // Issue #19: a big cloud (500 ports, 100 routers, 1,000 floating IPs at ×1) at ×0.5 to ×4.
  { name: 'bigcloud', async run() { (await import('./bigcloud.js')).bigcloudBench(); } },
  // Issue #19: what a lab learner keeps in the heap as the session goes on (history, distinct graded commands).
  { name: 'memory', async run() { await (await import('./memory.js')).memoryBench(); } },
  // Issue #19: what the write-ahead log's restart costs the event loop that commits (workers sharing the file).
  { name: 'walrestart', async run() { await (await import('./wal-restart.js')).walRestartBench(); } },
  { name: 'grading', async run() { await (await import('./grading.js')).gradingBench(); } }, // Issue #19: graded command and cold open at 1k/10k history.
];
