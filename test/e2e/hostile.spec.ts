/**
 * Issue #10 in the real browser: a careless or hostile learner's paste, and escapes in what the
 * cloud prints, must neither take the server down nor reach the terminal raw; the page runs under
 * its Content-Security-Policy without a violation.
 */
import { expect, test } from '@playwright/test';
import { openSandbox, paste, screen } from './helpers.js';

test('pasting a 20,000-character line is refused in the terminal and the server stays up', async ({ page, request }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  await openSandbox(page);
  await paste(page, `echo ${'x'.repeat(20_000)}\r`);
  await expect.poll(() => screen(page), { timeout: 10_000 }).toContain('stacklab: line too long (20005 characters; the limit is 4096)');
  expect((await request.get('/healthz')).ok()).toBe(true);
  await page.keyboard.type('echo still-here');
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page), { timeout: 10_000 }).toMatch(/^still-here$/m);
  expect(violations).toEqual([]);
});

test('escapes pasted or printed never reach the screen raw', async ({ page }) => {
  await openSandbox(page);
  await page.keyboard.type('echo before-the-paste');
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page)).toMatch(/^before-the-paste$/m);
  // A paste with a clear-screen, a title change and an 8-bit CSI: nothing of it is acted on.
  await paste(page, 'echo a\x1b[2Jb\x1b]0;pwned\x07c\u009b2Jd\r');
  await expect.poll(() => screen(page), { timeout: 10_000 }).toMatch(/^abcd$/m);
  const text = await screen(page);
  expect(text).toContain('before-the-paste');
  expect(await page.title()).not.toContain('pwned');
});
