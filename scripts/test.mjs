#!/usr/bin/env node
// `npm test`: type-check, lint, unit/transcript/lab suites (Vitest), then the real-browser suite
// (Playwright on Debian's Chromium). Ends with one line "N passed, N failed, N skipped" and exits
// non-zero if anything failed. Each stage's own output is shown as it runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failureBlock, playwrightFailures, vitestFailures } from './test-report.mjs';

const out = 'out';
mkdirSync(out, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
const failures = [];

function stage(name, cmd, args, env = {}) {
  process.stdout.write(`\n== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

// 1. Types (the whole tree, then the pure core on its own, without DOM or Node types).
for (const [name, project] of [['typecheck', 'tsconfig.json'], ['typecheck sim', 'server/sim/tsconfig.json']]) {
  if (stage(name, 'npx', ['tsc', '--noEmit', '-p', project]) === 0) passed++;
  else {
    failed++;
    problems.push(name);
  }
}

// 2. Lint (zero warnings).
if (stage('lint', 'npx', ['eslint', '--max-warnings', '0', 'server', 'test', 'bench', 'client/src']) === 0) passed++;
else {
  failed++;
  problems.push('lint');
}

// 3. Vitest.
const vjson = `${out}/vitest.json`;
rmSync(vjson, { force: true });
const v = stage('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vjson}`]);
if (existsSync(vjson)) {
  const r = JSON.parse(readFileSync(vjson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  if (r.numFailedTests > 0 || v !== 0) problems.push('vitest');
  failures.push(...vitestFailures(r, process.cwd()));
  if (v !== 0 && r.numFailedTests === 0) failed++;
} else {
  failed++;
  problems.push('vitest (no report)');
}

// 4. Playwright (real browser), if the suite exists.
const pwConfig = 'test/e2e/playwright.config.ts';
if (existsSync(pwConfig)) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    process.stdout.write(`\n== e2e: ${chromium} not found. Install Debian's Chromium (apt-get install chromium) or set CHROMIUM_PATH.\n`);
    failed++;
    problems.push('e2e (no Chromium)');
  } else {
    const pjson = `${out}/playwright.json`;
    rmSync(pjson, { force: true });
    // The suite's temporary folders (its servers' data, the browser's profile) under one, removed after.
    const temp = mkdtempSync(join(tmpdir(), 'stacklab-e2e-run-'));
    const p = stage('e2e', 'npx', ['playwright', 'test', '-c', pwConfig, '--reporter=list,json'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: pjson,
      PLAYWRIGHT_JSON_OUTPUT_FILE: pjson,
      TMPDIR: temp,
    });
    rmSync(temp, { recursive: true, force: true });
    if (existsSync(pjson)) {
      const report = JSON.parse(readFileSync(pjson, 'utf8'));
      const s = report.stats;
      failures.push(...playwrightFailures(report));
      passed += s.expected + s.flaky;
      failed += s.unexpected;
      skipped += s.skipped;
      if (s.unexpected > 0 || p !== 0) problems.push('e2e');
      if (p !== 0 && s.unexpected === 0) failed++;
    } else {
      failed++;
      problems.push('e2e (no report)');
    }
  }
}

if (problems.length > 0) process.stdout.write(`\nFailed stages: ${problems.join(', ')}\n`);
process.stdout.write(failureBlock(failures));
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 ? 1 : 0);
