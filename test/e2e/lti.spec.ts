/**
 * LTI in the browser, end to end (issue #18): a mock platform (on 127.0.0.1, so the tool on
 * localhost is another site) is registered on the class page, its course page frames the tool,
 * the learner solves two steps by typing in the framed terminal, and after each step the platform
 * has received the score the page shows. Run on its own port:
 * E2E_PORT=3404 npx playwright test -c test/e2e/playwright.config.ts lti.spec.ts
 */
import { expect, test, type Frame, type Page } from '@playwright/test';
import { startMockLms, type MockLms, type ReceivedScore } from '../support/mock-lms.js';

const LAB = 'direct-attach';
const SUB = 'e2e-learner';
const INSTRUCTOR = { authorization: 'Bearer e2e-instructor' };
let lms: MockLms;

test.beforeAll(async ({ request, baseURL }) => {
  lms = await startMockLms();
  lms.trustTool(`${baseURL}/lti/jwks`);
  const r = await request.post('/api/instructor/lti/platforms', { headers: INSTRUCTOR, data: lms.registration('Mock LMS (e2e)') });
  expect(r.status(), await r.text()).toBe(201);
});

test.afterAll(async ({ request }) => {
  await request.delete(`/api/instructor/lti/platforms?issuer=${encodeURIComponent(lms.issuer)}&clientId=${encodeURIComponent(lms.clientId)}`, { headers: INSTRUCTOR });
  await lms.close();
});

/** The tool's frame once it has reached the lab page (after the login and the platform's auto-posted form). */
async function labFrame(page: Page): Promise<Frame> {
  let frame: Frame | undefined;
  await expect
    .poll(() => (frame = page.frames().find((f) => f !== page.mainFrame() && new URL(f.url()).pathname === `/lab/${LAB}`)) !== undefined, { timeout: 20_000 })
    .toBe(true);
  return frame as Frame;
}

/** The framed terminal's text, as logical lines joined (wrapped rows rejoined). */
const screen = (frame: Frame) =>
  frame.evaluate(() => {
    type Line = { isWrapped: boolean; translateToString(trim: boolean): string };
    const b = (window as unknown as { stacklabTerm: { buffer: { active: { length: number; getLine(i: number): Line | undefined } } } }).stacklabTerm.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) {
      const l = b.getLine(i);
      if (l?.isWrapped && out.length > 0) out[out.length - 1] += l.translateToString(false);
      else if (l) out.push(l.translateToString(false));
    }
    return out.map((x) => x.trimEnd()).join('\n').trimEnd();
  });

/** Types a line into the framed terminal and waits until it has run (a new prompt after it). */
async function type(page: Page, frame: Frame, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => {
      const text = await screen(frame);
      const at = text.lastIndexOf(line);
      return at >= 0 && at < text.lastIndexOf('\n') && /[$#]$/.test(text);
    }, { timeout: 15_000 })
    .toBe(true);
}

/** Shows a step's solution in the page (as a learner may) and types its lines. */
async function solve(page: Page, frame: Frame, step: string): Promise<void> {
  await frame.locator(`.solution-btn[data-step="${step}"]`).click();
  const pre = frame.locator(`#solution-${step}`);
  await expect(pre).toBeVisible();
  await expect(pre).not.toHaveText('');
  const lines = ((await pre.textContent()) ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  await frame.locator('.xterm').click();
  for (const line of lines) await type(page, frame, line);
  await expect(frame.locator(`#step-${step}`)).toHaveClass(/\bpassed\b/);
}

/** The page's score: "Score: N % (E of P points)". */
async function pageScore(frame: Frame): Promise<{ earned: number; points: number }> {
  const m = /^Score: \d+ % \((\d+) of (\d+) points\)$/.exec(((await frame.locator('#score').textContent()) ?? '').trim());
  expect(m, 'the page shows its score with points').not.toBeNull();
  return { earned: Number(m?.[1]), points: Number(m?.[2]) };
}

const lastScore = (): ReceivedScore | undefined => lms.scores.filter((s) => s.body['userId'] === SUB).at(-1);

/** Waits until the platform's last score for the learner is the page's score. */
async function platformHas(score: { earned: number; points: number }): Promise<void> {
  await expect
    .poll(() => {
      const s = lastScore();
      return s ? { earned: s.body['scoreGiven'], points: s.body['scoreMaximum'] } : null;
    }, { timeout: 20_000, message: 'the platform received the score the page shows' })
    .toEqual(score);
}

test('launched from the course page, two steps solved: the platform holds the page\'s score at each step', async ({ page, baseURL }) => {
  // The tool on localhost inside a page of 127.0.0.1: a cross-site frame, as in a real LMS.
  await page.goto(lms.coursePageUrl(baseURL ?? '', { sub: SUB, custom: { lab: LAB } }));
  const frame = await labFrame(page);
  await frame.waitForSelector('body[data-ready="1"]', { timeout: 20_000 });
  await frame.waitForSelector('body[data-score]');
  const steps = await frame.locator('section.step').evaluateAll((els) => els.map((e) => e.id.replace(/^step-/, '')));
  expect(steps.length).toBeGreaterThanOrEqual(2);

  await solve(page, frame, steps[0] ?? '');
  await expect(frame.locator('#score')).toHaveText(/\(([1-9]\d*) of \d+ points\)/);
  const first = await pageScore(frame);
  expect(first.earned).toBeLessThan(first.points);
  await platformHas(first);

  await solve(page, frame, steps[1] ?? '');
  await expect.poll(async () => (await pageScore(frame)).earned, { timeout: 10_000 }).toBeGreaterThan(first.earned);
  const second = await pageScore(frame);
  await platformHas(second);

  const s = lastScore();
  expect(s?.body).toMatchObject({ userId: SUB, gradingProgress: 'FullyGraded', activityProgress: 'InProgress' });
  expect(s?.contentType).toMatch(/^application\/vnd\.ims\.lis\.v1\.score\+json/);
  expect(s?.userAgent).toMatch(/^Stacklab\//);
});
