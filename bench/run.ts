/**
 * `npm run bench`: figures for the targets in the issues, measured here (not by timed tests).
 *   - core: commands/s replaying the 40-command scenario (target ≥ 10,000 on one core)
 *   - fixture: time to create each fixture's cloud (target < 10 ms)
 *   - snapshot: serialized session size per fixture
 * Further suites (data plane, web load) register themselves in bench/suites.ts.
 */
import { performance } from 'node:perf_hooks';
import { SCENARIO } from './scenario.js';
import { createSession, fixtureNames, runLine, serializeSession } from '../server/shell/session.js';
import { buildCloud } from '../server/sim/fixtures/build.js';
import { fixtureSpec } from '../server/shell/fixtures.js';
import { extraSuites } from './suites.js';

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function coreThroughput(): void {
  // Warm up the JIT, then replay the scenario on fresh sessions for about two seconds.
  for (let i = 0; i < 20; i++) {
    let s = createSession({ fixture: 'empty', seed: i });
    for (const line of SCENARIO) s = runLine(s, line).state;
  }
  let commands = 0;
  let failures = 0;
  const t0 = performance.now();
  let seed = 100;
  while (performance.now() - t0 < 2000) {
    let s = createSession({ fixture: 'empty', seed: seed++ });
    for (const line of SCENARIO) {
      const r = runLine(s, line);
      s = r.state;
      if (r.result.exitCode !== 0) failures++;
      commands++;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`core: ${fmt(commands / secs)} commands/s (${SCENARIO.length}-command scenario, ${fmt(commands)} commands in ${fmt(secs, 2)} s, ${failures} failed commands)`);
}

function fixtureTimes(): void {
  for (const name of fixtureNames()) {
    const spec = fixtureSpec(name);
    for (let i = 0; i < 20; i++) buildCloud(spec, i);
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) buildCloud(spec, 1000 + i);
    const ms = (performance.now() - t0) / n;
    const t1 = performance.now();
    for (let i = 0; i < n; i++) createSession({ fixture: name, seed: 1 });
    const cached = (performance.now() - t1) / n;
    const size = Buffer.byteLength(serializeSession(createSession({ fixture: name, seed: 1 })));
    console.log(`fixture ${name}: build ${fmt(ms, 3)} ms, new session (cached build) ${fmt(cached, 3)} ms, snapshot ${fmt(size / 1024, 1)} KiB`);
  }
  let s = createSession({ fixture: 'empty', seed: 1 });
  for (const line of SCENARIO) s = runLine(s, line).state;
  console.log(`snapshot after the scenario: ${fmt(Buffer.byteLength(serializeSession(s)) / 1024, 1)} KiB`);
}

const only = process.argv[2];
if (!only || only === 'core') {
  coreThroughput();
  fixtureTimes();
}
for (const suite of extraSuites) {
  if (!only || only === suite.name) await suite.run();
}
