import { defineConfig } from '@playwright/test';
import { clientBuild } from './build.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env['E2E_PORT'] ?? 3333);
const data = mkdtempSync(join(tmpdir(), 'stacklab-e2e-'));
// One client build per port, so suites on other ports can run at the same time.
const client = clientBuild(port);

// Debian's Chromium; never `npx playwright install` (no download host here).
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  workers: 1,
  timeout: 60_000,
  outputDir: '../../test-results',
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx vite build --config client/vite.config.ts && node --import tsx server/main.ts serve`,
    cwd: '../..',
    env: { PORT: String(port), STACKLAB_DATA: data, STACKLAB_CLIENT: client, STACKLAB_INSTRUCTOR_TOKEN: 'e2e-instructor' },
    url: `http://localhost:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
