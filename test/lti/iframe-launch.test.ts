/**
 * A launch in the LMS's iframe, in a real browser (Debian's Chromium, as the browser suite): the
 * mock platform's course page frames Stacklab on another site, so the lab page must be allowed as a
 * frame, and must work without Stacklab's cookie and without storage (Chromium refuses a
 * cross-site frame's sessionStorage when third-party cookies are blocked): the session token is
 * what carries the learner to the API and the terminal. Then Deep Linking in the same frame.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from '@playwright/test';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/http/app.js';
import { startMockLms, type MockLms } from '../support/mock-lms.js';
import { testConfig } from '../support/server-config.js';

let lms: MockLms;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  const client = mkdtempSync(join(tmpdir(), 'stacklab-lti-client-'));
  await build({ configFile: 'client/vite.config.ts', logLevel: 'error', build: { outDir: client, emptyOutDir: true } });
  lms = await startMockLms();
  const file = join(mkdtempSync(join(tmpdir(), 'stacklab-lti-frame-')), 'lti-platforms.json');
  writeFileSync(file, JSON.stringify([lms.registration()]));
  server = await startServer(testConfig('lti-frame', { STACKLAB_LTI_PLATFORMS: file, STACKLAB_CLIENT: client }));
  lms.trustTool(`${server.url}/lti/jwks`);
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await lms?.close();
});

/** The tool's frame once it shows a page of `path`. */
async function toolFrame(page: Page, path: string): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => new URL(f.url()).pathname.startsWith(path)), { timeout: 20_000 }).toBe(true);
  return page.frames().find((f) => new URL(f.url()).pathname.startsWith(path)) as Frame;
}

const screenText = (f: Frame) =>
  f.evaluate(() => {
    const t = (window as unknown as { stacklabTerm: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } }).stacklabTerm;
    const b = t.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out.join('\n');
  });

describe('a launch inside the LMS iframe', () => {
  it('opens the lab for the launched learner: the terminal runs commands, the token left the address bar', async () => {
    const page = await browser.newPage();
    const refusedSockets: string[] = [];
    page.on('console', (m) => {
      if (/WebSocket connection .* failed/.test(m.text())) refusedSockets.push(m.text());
    });
    await page.goto(lms.coursePageUrl(server.url, { custom: { lab: 'direct-attach' }, name: 'Framed Learner' }));
    const frame = await toolFrame(page, '/lab/direct-attach');
    await frame.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
    expect(await frame.evaluate(() => location.hash)).toBe('');
    await frame.locator('.xterm').click();
    await page.keyboard.type('openstack network list -f value -c Name');
    await page.keyboard.press('Enter');
    await expect.poll(() => screenText(frame), { timeout: 10_000 }).toMatch(/ext-net1/);
    expect(refusedSockets).toEqual([]);
    await page.close();
  }, 60_000);

  it('Deep Linking: the picker in the frame posts the chosen lab back to the platform', async () => {
    const page = await browser.newPage();
    const before = lms.deepLinkReturns.length;
    await page.goto(lms.coursePageUrl(server.url, { messageType: 'LtiDeepLinkingRequest' }));
    const picker = await toolFrame(page, '/lti/launch');
    await picker.locator('input[name="lab"][value="private-floating-ip"]').check();
    await picker.getByRole('button', { name: 'Add this lab to the course' }).click();
    const back = await toolFrame(page, '/lti/deep-link');
    await back.getByRole('button', { name: 'Return to the course' }).click();
    await expect.poll(() => lms.deepLinkReturns.length, { timeout: 10_000 }).toBe(before + 1);
    const payload = JSON.parse(Buffer.from(lms.deepLinkReturns[before]?.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(JSON.stringify(payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'])).toContain('"custom":{"lab":"private-floating-ip"}');
    await page.close();
  }, 60_000);
});
