/**
 * Topology bench (issue #16's targets: a cloud of 50 networks, 20 routers and 200 VMs is derived
 * in < 5 ms and drawn in < 100 ms in Chromium). Derivation: what the socket sends after a command
 * (no show rows: the page asks for one element's on click), the instructor's whole view with
 * every element's rows, and the cached answer after a command that changed nothing. Drawing: the
 * client's own layout and SVG code (client/src/topology-layout.ts, bundled by esbuild) run in
 * Debian's Chromium, inserted into a page and laid out, timed by the page's clock.
 */
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { createSession, runLine } from '../server/shell/session.js';
import { sessionTopology, topologyCache, type Topology } from '../server/workspace/topology.js';
import { BIG, bigCloud } from '../test/topology/big-cloud.js';

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

function derive(): Topology {
  const big = bigCloud();
  const socket = ms(() => sessionTopology(big));
  const whole = ms(() => sessionTopology(big, true));
  const kib = (t: Topology) => (Buffer.byteLength(JSON.stringify(t)) / 1024).toFixed(0);
  const cached = topologyCache();
  const listed = runLine(big, 'openstack network list').state;
  cached(big);
  const unchanged = ms(() => cached(listed));
  console.log(
    `topology of ${BIG.networks} networks, ${BIG.routers} routers, ${BIG.servers} VMs: derived in ${fmt(socket)} ms (${kib(sessionTopology(big))} KiB sent), ` +
      `${fmt(whole)} ms with every element's show rows (${kib(sessionTopology(big, true))} KiB, the instructor's view); ` +
      `after a command that changed no resource: ${fmt(unchanged)} ms (cached)`,
  );
  for (const fixture of ['network-node', 'public-cloud']) {
    const s = createSession({ fixture });
    console.log(`topology of the ${fixture} fixture: derived in ${fmt(ms(() => sessionTopology(s)))} ms`);
  }
  return sessionTopology(big);
}

/** The client's `topologySvg`, as a script that sets `window.topologySvg`. */
async function layoutBundle(): Promise<string> {
  const out = await build({
    stdin: { contents: "import { topologySvg } from './client/src/topology-layout.ts'; (globalThis as any).topologySvg = topologySvg;", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]?.text ?? '';
}

async function draw(t: Topology): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent('<!doctype html><div id="c" style="width:900px;height:700px;overflow:auto"></div>');
    await page.addScriptTag({ content: await layoutBundle() });
    const times = await page.evaluate((topology) => {
      const w = globalThis as unknown as { topologySvg: (x: unknown) => string };
      const c = document.getElementById('c') as HTMLElement;
      const runs: number[] = [];
      for (let i = 0; i < 15; i++) {
        c.innerHTML = '';
        void c.offsetHeight;
        const t0 = performance.now();
        c.innerHTML = w.topologySvg(topology);
        // Layout and the SVG's geometry, as the page needs them to scroll and fit.
        void c.scrollHeight;
        (c.querySelector('svg') as SVGSVGElement).getBBox();
        runs.push(performance.now() - t0);
      }
      return runs;
    }, t);
    const sorted = times.slice(3).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    console.log(`topology of ${BIG.networks} networks, ${BIG.routers} routers, ${BIG.servers} VMs drawn in Chromium (layout, SVG, insert and lay out): median ${fmt(median)} ms, max ${fmt(sorted.at(-1) ?? NaN)} ms`);
  } finally {
    await browser.close();
  }
}

export async function topologyBench(): Promise<void> {
  await draw(derive());
}
