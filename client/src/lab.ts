/**
 * A lab's page: its steps beside the terminal, checks shown as "not done yet", passed or failed
 * (changes announced to screen readers), hints and solutions, and a completion panel at 100 %.
 */
import { terminalPage, type TerminalLink } from './terminal.js';
import { announce, apiFetch, clickableCommands, esc, markdown } from './util.js';
import { stateOf, type CheckState, type Grade, type LabSummary, type LabView } from './types.js';
import type { TopologyOption } from './topology-types.js';

const RESET_WARNING =
  'Your cloud goes back to its starting state: everything you created in it is deleted. The terminal is cleared (its scrollback is not shown again), and your score in this lab goes back to 0 %.';

const MARKS: Record<CheckState, string> = { pass: '✓', fail: '✗', todo: '○' };
const SAID: Record<CheckState, string> = { pass: 'passed', fail: 'not passed', todo: 'not done yet' };

function stepsHtml(lab: LabView): string {
  return lab.steps
    .map(
      (st, i) => `<section class="step" id="step-${esc(st.id)}" aria-labelledby="step-title-${esc(st.id)}"><h2 id="step-title-${esc(st.id)}"><span class="mark" aria-hidden="true">○</span> ${i + 1}. ${esc(st.title)}</h2>
        ${markdown(st.body)}
        <ul class="checks" aria-label="Checks of step ${i + 1}">${st.checks
          .map(
            (c) => `<li id="check-${esc(c.id)}" class="check todo" data-type="${esc(c.type)}"><span class="mark" aria-hidden="true">○</span> <span class="title">${esc(c.title)}</span> <span class="pts">(${c.points} pt${c.points === 1 ? '' : 's'})</span> <span class="sr-only state-text"></span>${
              c.type === 'question'
                ? `<form class="answer" data-check="${esc(c.id)}"><input name="value" maxlength="200" aria-label="Your answer: ${esc(c.title)}" /><button type="submit">Answer</button></form>`
                : ''
            }<div class="why"></div></li>`,
          )
          .join('')}</ul>
        ${st.hints.length ? `<button type="button" class="hint-btn" data-step="${esc(st.id)}" aria-controls="hints-${esc(st.id)}">Show a hint</button><div class="hints" id="hints-${esc(st.id)}" aria-live="polite"></div>` : ''}
        <button type="button" class="solution-btn" data-step="${esc(st.id)}" title="Recorded for your instructor">Show the solution</button><pre class="solution" id="solution-${esc(st.id)}" hidden></pre>
        </section>`,
    )
    .join('');
}

/** The panel shown at 100 %: what was learned and where to go next. */
function completeHtml(lab: LabView, labs: LabSummary[]): string {
  const learned = lab.outcomes && lab.outcomes.length > 0 ? lab.outcomes : [lab.summary];
  const next = labs[labs.findIndex((l) => l.id === lab.id) + 1];
  return `<section class="complete" id="complete" tabindex="-1" aria-labelledby="complete-title" hidden>
    <h2 id="complete-title">Lab complete</h2><p>What you learned:</p><ul>${learned.map((o) => `<li>${esc(o)}</li>`).join('')}</ul>
    <p>${next ? `Next lab: <a href="/lab/${esc(next.id)}" id="next-lab">${esc(next.title)}</a>` : `That was the last lab. <a href="/" id="next-lab">Back to the labs</a>`}</p></section>`;
}

export async function labPage(app: HTMLElement, id: string): Promise<void> {
  const res = await apiFetch(`/api/labs/${encodeURIComponent(id)}`);
  if (!res.ok) {
    app.innerHTML = `<section class="catalogue"><h1>No such lab</h1><p><a href="/">Back to the labs</a></p></section>`;
    document.body.dataset['ready'] = '1';
    return;
  }
  const lab = (await res.json()) as LabView & TopologyOption;
  const labs = (await (await apiFetch('/api/labs')).json()) as LabSummary[];
  const shown = new Map<string, number>();
  /** Each check's state at the last grade, to announce what changed (null before the first). */
  let before: Map<string, CheckState> | null = null;
  const link: TerminalLink = terminalPage(app, {
    workspace: `lab:${lab.id}`,
    label: lab.title,
    fitWidthByDefault: lab.fitWidth === true,
    resetWarning: RESET_WARNING,
    topology: lab.topology !== false,
    fillPane(pane) {
      pane.innerHTML = `<h1 class="lab-title">${esc(lab.title)}</h1><p class="score" id="score">Score: 0 %</p>${completeHtml(lab, labs)}${markdown(lab.intro)}${stepsHtml(lab)}`;
      clickableCommands(pane);
      pane.addEventListener('submit', (ev) => {
        const f = ev.target;
        if (!(f instanceof HTMLFormElement) || !f.classList.contains('answer')) return;
        ev.preventDefault();
        link.answer(f.dataset['check'] ?? '', (f.elements.namedItem('value') as HTMLInputElement).value);
      });
      pane.addEventListener('click', (ev) => {
        const b = ev.target;
        if (!(b instanceof HTMLElement)) return;
        if (b.classList.contains('solution-btn')) link.solution(b.dataset['step'] ?? '');
        else if (b.classList.contains('hint-btn')) showHint(lab, shown, b, link);
      });
    },
    onSolution(step, lines) {
      const pre = document.getElementById(`solution-${step}`);
      if (!pre) return;
      pre.textContent = lines.join('\n');
      pre.hidden = false;
      clickableCommands(pre.parentElement as HTMLElement);
    },
    onGrade(g) {
      const said = renderGrade(lab, g, before);
      before = new Map(g.steps.flatMap((st) => st.checks.map((c) => [c.id, stateOf(c)] as const)));
      const done = showComplete(g.percent === 100);
      if (done) said.push('Lab complete');
      if (said.length > 0) announce(`${said.join('. ')}. Score ${g.percent} %.`);
    },
  });
}

function showHint(lab: LabView, shown: Map<string, number>, b: HTMLElement, link: TerminalLink): void {
  const stepId = b.dataset['step'] ?? '';
  const step = lab.steps.find((x) => x.id === stepId);
  const n = shown.get(stepId) ?? 0;
  if (!step || n >= step.hints.length) return;
  (document.getElementById(`hints-${stepId}`) as HTMLElement).insertAdjacentHTML('beforeend', `<div class="hint">${markdown(step.hints[n] as string)}</div>`);
  shown.set(stepId, n + 1);
  link.hint(stepId, n + 1);
  if (n + 1 >= step.hints.length) b.setAttribute('disabled', '');
}

/** Shows each step and check as graded; returns what to announce (checks that changed since `before`). */
function renderGrade(lab: LabView, g: Grade, before: Map<string, CheckState> | null): string[] {
  (document.getElementById('score') as HTMLElement).textContent = `Score: ${g.percent} % (${g.earned} of ${g.points} points)`;
  const said: string[] = [];
  g.steps.forEach((st, i) => {
    const sec = document.getElementById(`step-${st.id}`);
    sec?.classList.toggle('passed', st.passed);
    const mark = sec?.querySelector('h2 .mark');
    if (mark) mark.textContent = st.passed ? '✓' : '○';
    for (const c of st.checks) {
      const li = document.getElementById(`check-${c.id}`);
      if (!li) continue;
      const state = stateOf(c);
      for (const s of ['pass', 'fail', 'todo'] as const) li.classList.toggle(s === 'pass' ? 'passed' : s === 'fail' ? 'failed' : 'todo', s === state);
      (li.querySelector('.mark') as HTMLElement).textContent = MARKS[state];
      // Said once: the reason (or "not done yet") is the visible text after it.
      (li.querySelector('.state-text') as HTMLElement).textContent = state === 'pass' ? SAID.pass : state === 'fail' ? `${SAID.fail}:` : '';
      (li.querySelector('.why') as HTMLElement).textContent = state === 'pass' ? '' : state === 'todo' ? 'not done yet' : c.why;
      if (before !== null && before.get(c.id) !== state && state !== 'todo') {
        const title = lab.steps[i]?.checks.find((x) => x.id === c.id)?.title ?? c.id;
        said.push(`Step ${i + 1}, check '${title}': ${state === 'pass' ? 'passed' : `${SAID.fail}, ${c.why}`}`);
      }
    }
  });
  document.body.dataset['score'] = String(g.percent);
  return said;
}

/** Shows or hides the completion panel; true when it has just appeared. */
function showComplete(complete: boolean): boolean {
  const panel = document.getElementById('complete');
  if (!panel || panel.hidden === !complete) return false;
  panel.hidden = !complete;
  return complete;
}
