// The failed tests of a Vitest or Playwright JSON report, each as its name and the first lines of
// its error: `npm test` prints them again after the totals, where the tail of a CI log shows them.

/** The first n non-blank lines of a message, without colours, indented under the test's name. */
function firstLines(text, n = 3) {
  return String(text ?? '')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, n)
    .map((l) => `      ${l.slice(0, 240)}`);
}

/** Vitest's JSON reporter: each failed test, and each file that failed without a failed test (an import error, a hook). */
export function vitestFailures(report, cwd) {
  const out = [];
  for (const f of report.testResults ?? []) {
    const file = String(f.name ?? '').replace(`${cwd}/`, '');
    const failed = (f.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failed) out.push([`vitest ${file} › ${t.fullName ?? t.title}`, ...firstLines((t.failureMessages ?? []).join('\n'))]);
    if (failed.length === 0 && f.status === 'failed') out.push([`vitest ${file} (the file itself)`, ...firstLines(f.message)]);
  }
  return out;
}

/** Playwright's JSON reporter: each test whose outcome was unexpected, with its last attempt's error. */
export function playwrightFailures(report) {
  const out = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected') continue;
        const last = (t.results ?? []).at(-1);
        out.push([`e2e ${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}`, ...firstLines(last?.error?.message)]);
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return out;
}

/** The block printed after the totals ('' when nothing failed). */
export function failureBlock(failures) {
  return failures.length === 0 ? '' : `\nFailed tests:\n${failures.map((f) => `  ${f.join('\n')}`).join('\n')}\n`;
}
