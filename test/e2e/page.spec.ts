/**
 * Issue #13, items 4–11 in the real browser: the keyboard way out of the terminal and back, the
 * screen-reader option and announcements, display settings, "fit tables to the terminal", neutral
 * checks, Reset that asks first, scrollback after a reload, the completion panel and progress on
 * the home page, and the page side of a line that streams until Ctrl-C.
 */
import { expect, test, type Locator, type Page, type WebSocketRoute } from '@playwright/test';
import { logicalLines, openSandbox, run, screen } from './helpers.js';

test.use({ viewport: { width: 1400, height: 900 } });

const inTerminal = (page: Page) => page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false);
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const termOption = <T>(page: Page, name: string) =>
  page.evaluate((n) => (window as unknown as { stacklabTerm: { options: Record<string, unknown> } }).stacklabTerm.options[n], name) as Promise<T>;

async function openLab(page: Page, id = 'direct-attach'): Promise<void> {
  await page.goto(`/lab/${id}`);
  await page.waitForSelector('body[data-ready="1"]');
}

/** Types a line and waits until it has run: the screen ends with a new prompt after it. */
async function runDone(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => {
      const text = (await logicalLines(page)).join('\n').trimEnd();
      return text.lastIndexOf(line) >= 0 && text.lastIndexOf(line) < text.lastIndexOf('\n') && /[$#]$/.test(text);
    })
    .toBe(true);
}

/** How many times `text` is on the terminal. */
async function count(page: Page, text: string): Promise<number> {
  return (await screen(page)).split(text).length - 1;
}

test.describe('keyboard', () => {
  test('the terminal keeps Tab, and Esc then Tab leaves it for the lab steps; Esc then Shift-Tab for the toolbar', async ({ page }) => {
    await openLab(page);
    await expect.poll(() => inTerminal(page)).toBe(true);
    // Tab alone completes in the terminal and stays there.
    await page.keyboard.type('openstack netw');
    await page.keyboard.press('Tab');
    await expect.poll(() => screen(page)).toContain('openstack network');
    await expect.poll(() => inTerminal(page)).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect.poll(() => activeId(page)).toBe('lab');
    // The next Tab reaches the first control of the steps: keyboard navigation goes on from there.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#lab') !== null)).toBe(true);
    // Esc changed nothing in the line: back in the terminal the line goes on where it was.
    await page.locator('.back a').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => inTerminal(page)).toBe(true);
    await page.keyboard.type(' list -c Name');
    await page.keyboard.press('Enter');
    await expect.poll(() => screen(page)).toMatch(/\| ext-net1 +\|/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(() => activeId(page)).toBe('reset');
  });

  test('a key other than Tab after Esc keeps the terminal; in a sandbox Esc then Tab goes to the guide', async ({ page }) => {
    await openSandbox(page);
    await page.keyboard.press('Escape');
    await page.keyboard.type('echo kept');
    await page.keyboard.press('Tab');
    await expect.poll(() => inTerminal(page)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => screen(page)).toMatch(/\nkept\n/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect.poll(() => activeId(page)).toBe('lab');
    await expect(page.locator('#lab')).toHaveAttribute('aria-label', 'Guide');
    await expect(page.locator('#skip-lab')).toHaveText('Skip to the guide');
  });

  test('a sandbox without a guide has no pane: Esc then Tab goes to the toolbar', async ({ page }) => {
    const fixtures = (await (await page.request.get('/api/fixtures')).json()) as Array<{ name: string }>;
    test.skip(!fixtures.some((f) => f.name === 'broken-public'), 'no guide-less fixture');
    await openSandbox(page, 'broken-public');
    await expect(page.locator('#lab')).toBeHidden();
    await expect(page.locator('#splitter')).toBeHidden();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect.poll(() => activeId(page)).toBe('reset');
  });

  test('keyboard only: skip links shown on focus, the steps, an answer, the split, the settings, back to the terminal', async ({ page }) => {
    await openLab(page);
    await page.locator('a.brand').focus();
    await page.keyboard.press('Tab');
    const skip = page.locator('#skip-lab');
    await expect(skip).toBeFocused();
    // Out of sight until focused, then on screen.
    const box = await skip.boundingBox();
    expect(box && box.x >= 0 && box.y >= 0).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => activeId(page)).toBe('lab');
    // Tab through the steps to the first answer box; type an answer with spaces and send it with Enter.
    const input = page.locator('form.answer input').first();
    for (let i = 0; i < 60 && !(await input.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(input).toBeFocused();
    await page.keyboard.type('a b');
    await page.keyboard.press('Enter');
    await expect(page.locator('li.check', { has: input }).locator('.why')).not.toHaveText(/^$|not done yet/);
    // On to the split handle: the arrow keys move it.
    const splitter = page.locator('#splitter');
    for (let i = 0; i < 200 && !(await splitter.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(splitter).toBeFocused();
    const before = (await page.locator('#lab').boundingBox())?.width ?? 0;
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect((await page.locator('#lab').boundingBox())?.width ?? 0).toBeGreaterThan(before + 20);
    // The settings open with Enter and their controls take the keyboard.
    await page.keyboard.press('Tab');
    await expect(page.locator('#settings summary')).toBeFocused();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(page.locator('#font-size')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.locator('.settings-panel')).toBeHidden();
    await expect(page.locator('#settings summary')).toBeFocused();
    // Back to the terminal with the skip link at the top.
    await page.locator('#skip-term').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => inTerminal(page)).toBe(true);
  });
});

test.describe('screen readers', () => {
  test("the terminal's screen-reader mode is an option of the page, remembered", async ({ page }) => {
    await openSandbox(page);
    await expect.poll(() => termOption(page, 'screenReaderMode')).toBe(false);
    await page.locator('#settings summary').click();
    await page.getByLabel('Screen reader mode for the terminal').check();
    await expect.poll(() => termOption(page, 'screenReaderMode')).toBe(true);
    await page.locator('.xterm').click();
    await run(page, 'echo spoken', /\nspoken\n/);
    // xterm.js keeps an accessible copy of the rows for screen readers.
    await expect(page.locator('.xterm-accessibility-tree')).toContainText('spoken');
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    await expect.poll(() => termOption(page, 'screenReaderMode')).toBe(true);
  });

  test('a check that passes is announced in the polite live region', async ({ page }) => {
    await openLab(page);
    await expect(page.locator('#announce')).toHaveAttribute('aria-live', 'polite');
    const first = page.locator('.step').first().locator('li.check').first();
    const title = (await first.locator('.title').textContent()) ?? '';
    await page.locator('.xterm').click();
    // The first step's first check: the network list with the lab's columns.
    await page.locator('.step').first().locator('code.cmd').first().click();
    await page.keyboard.press('Enter');
    await expect(first).toHaveClass(/passed/);
    await expect(first.locator('.state-text')).toHaveText('passed');
    await expect(page.locator('#announce')).toContainText(`Step 1, check '${title}': passed`);
  });
});

test.describe('settings', () => {
  test('font size and theme apply at once and are remembered', async ({ page }) => {
    await openSandbox(page);
    const cols = () => page.evaluate(() => (window as unknown as { stacklabTerm: { cols: number } }).stacklabTerm.cols);
    const wide = await cols();
    await page.locator('#settings summary').click();
    await page.getByLabel('Font size').selectOption('20');
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(() => termOption(page, 'fontSize')).toBe(20);
    await expect.poll(cols).toBeLessThan(wide);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect.poll(() => termOption<{ background: string }>(page, 'theme')).toMatchObject({ background: '#ffffff' });
    await page.screenshot({ path: 'test-results/sandbox-light-1400x900.png' });
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    await expect.poll(() => termOption(page, 'fontSize')).toBe(20);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect(page.getByLabel('Font size')).toHaveValue('20');
  });

  test('the split is dragged with the mouse and remembered', async ({ page }) => {
    await openLab(page);
    const handle = await page.locator('#splitter').boundingBox();
    if (!handle) throw new Error('no split handle');
    await page.mouse.move(handle.x + 3, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(700, handle.y + 200, { steps: 5 });
    await page.mouse.up();
    const width = (await page.locator('#lab').boundingBox())?.width ?? 0;
    expect(Math.abs(width - 700)).toBeLessThan(20);
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    expect(Math.abs(((await page.locator('#lab').boundingBox())?.width ?? 0) - width)).toBeLessThan(3);
  });
});

test.describe('fit tables to the terminal', () => {
  test('off by default in a sandbox; the setting exports CLIFF_FIT_WIDTH=1 and is remembered', async ({ page }) => {
    await openSandbox(page);
    await run(page, 'echo "fit=[$CLIFF_FIT_WIDTH]"', /\nfit=\[\]\n/);
    await page.locator('#settings summary').click();
    await page.getByLabel('Fit tables to the terminal').check();
    await page.locator('.xterm').click();
    await run(page, 'echo "fit=[$CLIFF_FIT_WIDTH]"', /\nfit=\[1\]\n/);
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    await expect(page.getByLabel('Fit tables to the terminal')).toBeChecked();
    await page.locator('.xterm').click();
    await run(page, 'echo "again=[$CLIFF_FIT_WIDTH]"', /\nagain=\[1\]\n/);
    await page.locator('#settings summary').click();
    await page.getByLabel('Fit tables to the terminal').uncheck();
    await page.locator('.xterm').click();
    await run(page, 'echo "off=[$CLIFF_FIT_WIDTH]"', /\noff=\[\]\n/);
  });

  test('on by default in a lab that asks for it (fitWidth in the lab), and the learner can turn it off', async ({ page }) => {
    await page.route('**/api/labs/direct-attach', async (route) => {
      const lab = (await (await route.fetch()).json()) as Record<string, unknown>;
      await route.fulfill({ json: { ...lab, fitWidth: true } });
    });
    await openLab(page);
    await expect(page.getByLabel('Fit tables to the terminal')).toBeChecked();
    await page.locator('.xterm').click();
    await run(page, 'echo "fit=[$CLIFF_FIT_WIDTH]"', /\nfit=\[1\]\n/);
    await page.locator('#settings summary').click();
    await page.getByLabel('Fit tables to the terminal').uncheck();
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    await expect(page.getByLabel('Fit tables to the terminal')).not.toBeChecked();
  });

  test('a hostile options message is refused', async ({ page }) => {
    await openSandbox(page);
    const answer = await page.evaluate(async () => {
      const ws = new WebSocket(`ws://${location.host}/ws?workspace=sandbox:empty`);
      const got: string[] = [];
      ws.onmessage = (e) => got.push(String(e.data));
      await new Promise((r) => (ws.onopen = r));
      ws.send(JSON.stringify({ t: 'options', fitWidth: 'yes; rm -rf' }));
      await new Promise((r) => setTimeout(r, 300));
      ws.close();
      return got;
    });
    expect(answer.some((m) => m.includes('Unrecognised message.'))).toBe(true);
  });
});

/** Rewrites the server's grade messages on their way to the page. */
async function rewriteGrades(page: Page, change: (g: Record<string, unknown>) => void): Promise<void> {
  await page.routeWebSocket(/\/ws/, (ws: WebSocketRoute) => {
    const server = ws.connectToServer();
    server.onMessage((raw) => {
      const m = JSON.parse(String(raw)) as { t: string; result?: Record<string, unknown> };
      if (m.t === 'grade' && m.result) change(m.result);
      ws.send(JSON.stringify(m));
    });
  });
}

type Check = { passed: boolean; why: string; state?: string };
type Steps = Array<{ checks: Check[] }>;

test.describe('checks', () => {
  test('"not done yet" is neutral; a failure is red with its reason; a pass is green', async ({ page }) => {
    await rewriteGrades(page, (g) => {
      const steps = g['steps'] as Steps;
      steps.forEach((st, i) => st.checks.forEach((c) => (c.state = c.passed ? 'pass' : i === 0 ? 'fail' : 'todo')));
    });
    await openLab(page);
    const todo = page.locator('.step').nth(1).locator('li.check').first();
    await expect(todo).toHaveClass(/todo/);
    await expect(todo.locator('.why')).toHaveText('not done yet');
    const red = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bad').trim());
    const colour = (el: Locator) => el.evaluate((e) => getComputedStyle(e).color);
    const redRgb = await page.evaluate((c) => {
      const d = document.createElement('span');
      d.style.color = c;
      document.body.append(d);
      const rgb = getComputedStyle(d).color;
      d.remove();
      return rgb;
    }, red);
    expect(await colour(todo.locator('.why'))).not.toBe(redRgb);
    expect(await colour(todo.locator('.mark'))).not.toBe(redRgb);
    const failed = page.locator('.step').first().locator('li.check:not(.passed)').first();
    await expect(failed).toHaveClass(/failed/);
    await expect(failed.locator('.why')).not.toHaveText(/^$|not done yet/);
    expect(await colour(failed.locator('.why'))).toBe(redRgb);
    // Screen readers hear the state once, before the reason.
    await expect(failed.locator('.state-text')).toHaveText('not passed:');
    await expect(todo.locator('.state-text')).toHaveText('');
  });

  test('without a state from the server, a check that has not passed shows as failed', async ({ page }) => {
    await rewriteGrades(page, (g) => (g['steps'] as Steps).forEach((st) => st.checks.forEach((c) => delete c.state)));
    await openLab(page);
    await expect(page.locator('li.check').first()).toHaveClass(/failed/);
  });
});

test.describe('reset', () => {
  test('Reset asks first, says what is lost, and does nothing on Cancel', async ({ page }) => {
    await openSandbox(page);
    await run(page, 'openstack network create keep-me -f value -c name', /\nkeep-me\n/);
    await page.locator('#reset').click();
    const dialog = page.getByRole('dialog', { name: 'Start over?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('cloud');
    await expect(dialog).toContainText('terminal');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => inTerminal(page)).toBe(true);
    await run(page, 'openstack network list -f value -c Name', /\nkeep-me\n[^\n]*\$/);
    // Escape closes it too, and resets nothing.
    await page.locator('#reset').click();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.locator('#reset').click();
    await dialog.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => screen(page)).toContain('back to its starting state');
    expect(await screen(page)).not.toContain('keep-me');
    await runDone(page, 'openstack network list -f value -c Name');
    expect(await screen(page)).not.toContain('keep-me');
  });

  test("a lab's Reset says the score is lost", async ({ page }) => {
    await openLab(page);
    await page.locator('#reset').click();
    await expect(page.getByRole('dialog')).toContainText('score');
  });
});

test.describe('scrollback', () => {
  test('a reload shows the recent commands and their output once, before the prompt', async ({ page }) => {
    await openSandbox(page);
    await run(page, 'echo first-output', /\nfirst-output\n/);
    await run(page, 'echo second-output', /\nsecond-output\n/);
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    await expect.poll(() => screen(page)).toMatch(/@laptop:~\$ echo first-output\nfirst-output\n.*\$ echo second-output\nsecond-output\n.*\$\s*$/s);
    expect(await count(page, '\nsecond-output')).toBe(1);
  });

  test('after a reconnect the screen is kept, not written again', async ({ page }) => {
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/ws/, (ws) => {
      sockets.push(ws);
      ws.connectToServer();
    });
    await openSandbox(page);
    await run(page, 'echo only-once', /\nonly-once\n/);
    await sockets[0]?.close();
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBe(2);
    await expect(page.locator('#status')).toHaveText('connected');
    await page.locator('.xterm').click();
    await run(page, 'echo after-reconnect', /\nafter-reconnect\n/);
    expect(await count(page, '\nonly-once')).toBe(1);
  });

  test('control characters sent straight to the socket come back visible, not as escape sequences', async ({ page }) => {
    await openSandbox(page);
    await run(page, 'echo before-hostile', /\nbefore-hostile\n/);
    await page.evaluate(async () => {
      const ws = new WebSocket(`ws://${location.host}/ws?workspace=sandbox:empty`);
      await new Promise((r) => (ws.onopen = r));
      const done = new Promise((r) => (ws.onmessage = (e) => String(e.data).includes('"result"') && r(null)));
      ws.send(JSON.stringify({ t: 'line', line: 'echo \x1b[2J\x1b[3Jx \x1b]0;title\x07 \x9b2J' }));
      await done;
      ws.close();
    });
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    const text = await screen(page);
    // Neither the screen nor its scrollback was cleared, and the escapes are in caret notation.
    expect(text).toContain('before-hostile');
    expect(text).toContain('^[[2J^[[3Jx');
    expect(text).toContain('M-^[2J');
  });
});

test.describe('completion and progress', () => {
  test('at 100 % the lab says it is complete, what was learned, and links the next lab', async ({ page }) => {
    await page.route('**/api/labs/direct-attach', async (route) => {
      const lab = (await (await route.fetch()).json()) as Record<string, unknown>;
      await route.fulfill({ json: { ...lab, outcomes: ['Plug a VM into a shared provider network', 'Why IPv6-only needs a config drive'] } });
    });
    let full = false;
    await rewriteGrades(page, (g) => {
      if (full) g['percent'] = 100;
    });
    await openLab(page);
    await expect(page.locator('#complete')).toBeHidden();
    full = true;
    await page.locator('.xterm').click();
    // The server sends a grade when it changed: this command passes the lab's first check.
    await run(page, 'openstack network list -f value -c Name', /\next-net1\n/);
    const panel = page.locator('#complete');
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('heading')).toHaveText('Lab complete');
    await expect(panel).toContainText('Why IPv6-only needs a config drive');
    const labs = (await (await page.request.get('/api/labs')).json()) as Array<{ id: string; title: string }>;
    const next = labs[labs.findIndex((l) => l.id === 'direct-attach') + 1];
    await expect(panel.locator('#next-lab')).toHaveAttribute('href', `/lab/${next?.id ?? ''}`);
    await expect(page.locator('#announce')).toContainText('Lab complete');
    await page.screenshot({ path: 'test-results/lab-complete-1400x900.png' });
  });

  test('without outcomes the panel shows the summary; the last lab links back to the labs', async ({ page }) => {
    const labs = (await (await page.request.get('/api/labs')).json()) as Array<{ id: string; summary: string }>;
    const last = labs.at(-1);
    if (!last) throw new Error('no labs');
    await page.route(`**/api/labs/${last.id}`, async (route) => {
      const lab = (await (await route.fetch()).json()) as Record<string, unknown>;
      delete lab['outcomes'];
      await route.fulfill({ json: lab });
    });
    await rewriteGrades(page, (g) => (g['percent'] = 100));
    await openLab(page, last.id);
    await expect(page.locator('#complete')).toContainText(last.summary);
    await expect(page.locator('#next-lab')).toHaveAttribute('href', '/');
  });

  test("the home page shows each lab's progress from the steps passed", async ({ page }) => {
    await page.goto('/');
    await page.waitForSelector('body[data-ready="1"]');
    await expect(page.locator('#card-direct-attach .progress-text')).toHaveText('Not started');
    const { loadLabs, labFor } = await import('../../server/labs/index.js');
    const lab = loadLabs().find((l) => l.id === 'direct-attach');
    if (!lab) throw new Error('no lab direct-attach');
    const me = (await (await page.request.get('/api/me')).json()) as { id: string };
    const first = labFor(lab, me.id).steps[0];
    await openLab(page);
    await page.locator('.xterm').click();
    for (const line of first?.solution ?? []) await runDone(page, line);
    await expect(page.locator('.step').first()).toHaveClass(/passed/);
    const progress = (await (await page.request.get('/api/me/progress')).json()) as Array<{ lab: string; passed: number; steps: number; percent: number }>;
    const mine = progress.find((p) => p.lab === 'direct-attach');
    expect(mine).toMatchObject({ passed: 1, steps: lab.steps.length });
    expect(mine?.percent).toBeGreaterThan(0);
    await page.goto('/');
    await page.waitForSelector('body[data-ready="1"]');
    await expect(page.locator('#card-direct-attach .progress-text')).toHaveText(`1 of ${lab.steps.length} steps done`);
    await expect(page.locator('#card-direct-attach progress')).toHaveAttribute('value', String(mine?.percent));
    await page.screenshot({ path: 'test-results/home-progress-1400x900.png', fullPage: true });
  });
});

test.describe('a line that runs until Ctrl-C', () => {
  test('its output is written as it comes; Ctrl-C sends an interrupt; typeahead waits for the result', async ({ page }) => {
    const sent: string[] = [];
    let toPage: WebSocketRoute | null = null;
    await page.routeWebSocket(/\/ws/, (ws) => {
      toPage = ws;
      const server = ws.connectToServer();
      ws.onMessage((raw) => {
        const m = String(raw);
        sent.push(m);
        // The long-running line is answered here, as a streaming server would.
        if (!m.includes('ping 192.0.2.1')) server.send(m);
      });
    });
    await openSandbox(page);
    await page.keyboard.type('ping 192.0.2.1');
    await page.keyboard.press('Enter');
    await expect.poll(() => sent.some((m) => m.includes('ping 192.0.2.1'))).toBe(true);
    const push = (m: object) => (toPage as WebSocketRoute | null)?.send(JSON.stringify(m));
    push({ t: 'output', stdout: 'PING 192.0.2.1 56(84) bytes of data.\n' });
    push({ t: 'output', stdout: 'reply 1\n' });
    await expect.poll(() => screen(page)).toMatch(/ping 192\.0\.2\.1\nPING 192\.0\.2\.1 56\(84\) bytes of data\.\nreply 1\n*$/);
    // Typed while the line runs: kept for later, not shown yet.
    await page.keyboard.type('echo next');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+c');
    await expect.poll(() => sent.filter((m) => JSON.parse(m).t === 'interrupt').length).toBe(1);
    expect(await screen(page)).not.toContain('echo next');
    push({ t: 'result', stdout: '^C\n--- 192.0.2.1 ping statistics ---\n', stderr: '', exitCode: 0, prompt: 'user@laptop:~$ ' });
    await expect.poll(() => screen(page)).toMatch(/reply 1\n\^C\n--- 192\.0\.2\.1 ping statistics ---\nuser@laptop:~\$ echo next\nnext\n/);
    // Ctrl-C at the prompt is the editor's own (no interrupt sent).
    await page.keyboard.press('Control+c');
    expect(sent.filter((m) => JSON.parse(m).t === 'interrupt').length).toBe(1);
  });
});

test('with the real server: a ping without a count runs until Ctrl-C, then its summary and the prompt', async ({ page }) => {
  await openSandbox(page);
  await page.keyboard.type('ping 10.99.0.1');
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page)).toMatch(/\nPING 10\.99\.0\.1 \(10\.99\.0\.1\) 56\(84\) bytes of data\.\n/);
  await page.keyboard.press('Control+c');
  await expect.poll(() => screen(page)).toMatch(/\n\^C\n--- 10\.99\.0\.1 ping statistics ---\n\d+ packets transmitted, 0 received, 100% packet loss/);
  await runDone(page, 'echo after-ping');
  expect(await screen(page)).toMatch(/\nafter-ping\n/);
});

test('the lab page at 1400×900', async ({ page }) => {
  await openLab(page);
  await page.locator('.xterm').click();
  await run(page, 'openstack network list -c Name -c Shared', /ext-net1/);
  await page.screenshot({ path: 'test-results/lab-page-1400x900.png' });
});
