/**
 * The instructors' class page: every learner × step of a lab (names, step titles), refreshed
 * every few seconds; CSV export; a learner's drill-down (history with outputs on demand, first
 * passes, time per step, hints and solutions, each check's why) and cloud; the labs and LTI
 * panels. Everything learners typed reaches the page as text: esc() or textContent, never markup.
 */
import { esc } from './util.js';
import { applyTheme, loadSettings } from './settings.js';
import { topologyView, type TopologyView } from './topology.js';
import type { Topology } from './topology-types.js';
import type { CheckState } from './types.js';
import { mountLabsAdmin } from './instructor-labs.js';
import { mountLtiAdmin } from './instructor-lti.js';
// The server's answer shapes, as types only (the client never imports server code).
import type { GradeRow } from '../../server/labs/cli.js';
import type { DrillEntry as Entry } from '../../server/http/instructor.js';

interface DrillDown {
  learner: { id: string; name: string };
  lab: { id: string; title: string };
  grade: GradeRow | null;
  history: Entry[];
}

const MARKS: Record<CheckState, string> = { pass: '✓', fail: '✗', todo: '○' };
const STATES: Record<CheckState, string> = { pass: 'passed', fail: 'not passed', todo: 'not started' };

/** A duration as people read it: `45 s`, `3 min 05 s`, `1 h 02 min`. */
function duration(s: number | null): string {
  if (s === null) return '—';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const when = (t: string | number | null): string => (t === null ? '—' : new Date(t).toLocaleString());

function pageHtml(labs: Array<{ id: string; title: string }>): string {
  return `<section class="catalogue instructor"><h1>Class progress</h1>
    <form id="auth" class="who"><label for="token">Instructor token</label><input id="token" type="password" autocomplete="off" />
    <label for="labsel">Lab</label><select id="labsel">${labs.map((l) => `<option value="${esc(l.id)}">${esc(l.title)}</option>`).join('')}</select>
    <button type="submit">Show</button> <button type="button" id="csv">Export CSV</button></form>
    <section id="token-help" class="token-help" role="alert" aria-labelledby="token-help-title" hidden><h2 id="token-help-title"></h2><p id="token-help-error"></p><p id="token-help-text"></p></section>
    <div id="grid" role="region" aria-label="Class progress" aria-live="polite"></div>
    <section id="learner-detail" class="learner-detail" aria-labelledby="learner-detail-title" tabindex="-1" hidden><h2 id="learner-detail-title"></h2><div id="learner-detail-body"></div></section>
    <section id="learner-topology" aria-labelledby="learner-topology-title" hidden><h2 id="learner-topology-title"></h2><div id="learner-topology-view"></div></section>
    <section id="labs-admin" class="admin" aria-labelledby="labs-admin-title"><h2 id="labs-admin-title">Labs folder</h2><div id="labs-admin-body"></div></section>
    <section id="lti-admin" class="admin" aria-labelledby="lti-admin-title"><h2 id="lti-admin-title">LMS platforms (LTI 1.3)</h2><div id="lti-admin-body"></div></section></section>`;
}

function gridHtml(caption: string, rows: readonly GradeRow[]): string {
  if (rows.length === 0) return '<p>No learner has started this lab yet.</p>';
  const steps = rows[0]?.progress.steps ?? [];
  const head = `<tr><th scope="col">Learner</th>${steps.map((st) => `<th scope="col" title="${esc(st.id)}">${esc(st.title)}</th>`).join('')}<th scope="col">Score</th><th scope="col">Cloud</th></tr>`;
  const body = rows
    .map((row) => {
      const cells = steps.map((s) => {
        const st = row.result?.steps.find((x) => x.id === s.id);
        return st ? `<td class="${st.passed ? 'ok' : st.earned > 0 ? 'part' : ''}">${st.earned}/${st.points}</td>` : '<td>—</td>';
      });
      return `<tr><th scope="row"><button type="button" class="learner-open linklike" data-learner="${esc(row.learner)}" title="${esc(row.learner)}" aria-label="Details of ${esc(row.name)}">${esc(row.name)}</button></th>${cells.join('')}<td>${row.result?.percent ?? 0} %</td><td><button type="button" class="learner-topo" data-learner="${esc(row.learner)}" aria-label="Topology of ${esc(row.name)}">Topology</button></td></tr>`;
    })
    .join('');
  return `<table class="class"><caption>${esc(caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** The steps of a learner: state, points, first pass, time, hints, solution; then each check with its why (and the grader's reason beside a lab's own fail text). */
function stepsHtml(row: GradeRow): string {
  const table = `<table class="class steps"><caption>Steps</caption><thead><tr><th scope="col">Step</th><th scope="col">State</th><th scope="col">Points</th><th scope="col">First passed</th><th scope="col">Time</th><th scope="col">Hints shown</th><th scope="col">Solution shown</th></tr></thead><tbody>${row.progress.steps
    .map((p) => {
      const st = row.result?.steps.find((x) => x.id === p.id);
      const state = st?.state ?? 'todo';
      return `<tr data-step="${esc(p.id)}"><th scope="row">${esc(p.title)}</th><td>${MARKS[state]} ${STATES[state]}</td><td>${st?.earned ?? 0}/${st?.points ?? 0}</td><td>${esc(when(p.firstPassed))}</td><td>${duration(p.seconds)}</td><td class="hints">${p.hints}</td><td class="solution">${p.solution ? 'yes' : 'no'}</td></tr>`;
    })
    .join('')}</tbody></table>`;
  const checks = (row.result?.steps ?? [])
    .map(
      (s) => `<h4>${esc(s.title)}</h4><ul class="checks">${s.checks
        .map(
          (c) =>
            `<li class="check ${c.state === 'pass' ? 'passed' : c.state === 'fail' ? 'failed' : 'todo'}" data-check="${esc(c.id)}"><span aria-hidden="true">${MARKS[c.state]}</span> ${esc(c.title)} (${c.earned}/${c.points}): ${STATES[c.state]}${
              c.state === 'todo' ? '' : ` — <span class="why">${esc(c.why)}</span>`
            }${c.reason !== undefined && c.state !== 'pass' ? ` <span class="reason">(grader: ${esc(c.reason)})</span>` : ''}</li>`,
        )
        .join('')}</ul>`,
    )
    .join('');
  return `${table}<h3>Checks</h3>${checks}`;
}

/** One history entry: what it was, when, and for a command its exit code and a button for its output. */
function entryHtml(e: Entry, titles: Map<string, string>): string {
  const step = esc(titles.get(e.step ?? '') ?? e.step ?? '');
  const time = `<time>${esc(new Date(e.at).toLocaleTimeString())}</time>`;
  let what: string;
  if (e.kind === 'command') what = `<code class="cmd"><span class="prompt">${esc(e.prompt ?? '$ ')}</span>${esc(e.line)}</code> <span class="exit">exit ${e.exitCode}</span>`;
  else if (e.kind === 'api')
    what = `<span class="kind">API call</span> <code class="cmd">${esc(e.api ? `${e.api.method} ${e.api.service} ${e.api.path}` : e.line)}</code> <span class="exit">${e.exitCode === 0 ? 'ok' : `status ${e.exitCode}`}</span>`;
  else if (e.kind === 'hint') what = `<span class="kind">Hint ${esc(e.value ?? '')} shown</span> for step ${step}`;
  else if (e.kind === 'solution') what = `<span class="kind">Solution shown</span> for step ${step}`;
  else if (e.kind === 'passed') what = `<span class="kind">Step passed:</span> ${step}`;
  else if (e.kind === 'answer') what = `<span class="kind">Answered</span> ${esc(e.check ?? '')}: <code>${esc(e.value ?? '')}</code>`;
  else what = `<span class="kind">Reset</span> (the cloud went back to its start)`;
  const output = e.output > 0 ? ` <button type="button" class="show-output" data-seq="${e.seq}" aria-expanded="false">Output</button><pre class="output" hidden></pre>` : '';
  return `<li class="entry entry-${e.kind}" data-seq="${e.seq}">${time} ${what}${output}</li>`;
}

function drillDownHtml(d: DrillDown): string {
  const row = d.grade;
  const titles = new Map((row?.progress.steps ?? []).map((s) => [s.id, s.title]));
  const score = row?.result ? `Score ${row.result.percent} % (${row.result.earned} of ${row.result.points} points).` : 'Has not started this lab.';
  const solutions = row && row.progress.solutions.length > 0 ? ` Solutions shown: ${row.progress.solutions.map((s) => esc(titles.get(s) ?? s)).join(', ')}.` : '';
  return `<p>Learner id <code>${esc(d.learner.id)}</code>. ${score} Current attempt started ${esc(when(row?.progress.started ?? null))}.${solutions}</p>
    <p><button type="button" id="detail-topo" class="learner-topo" data-learner="${esc(d.learner.id)}">Show their cloud</button> <button type="button" id="detail-close">Close</button></p>
    ${row ? stepsHtml(row) : ''}
    <h3>History</h3>${d.history.length === 0 ? '<p>Nothing yet.</p>' : `<ol class="history" reversed>${[...d.history].reverse().map((e) => entryHtml(e, titles)).join('')}</ol>`}`;
}

export async function instructorPage(app: HTMLElement): Promise<void> {
  applyTheme(loadSettings().theme);
  const labs = (await (await fetch('/api/labs')).json()) as Array<{ id: string; title: string }>;
  app.innerHTML = pageHtml(labs);
  const tokenInput = document.getElementById('token') as HTMLInputElement;
  tokenInput.value = sessionStorage.getItem('stacklab-instructor') ?? '';
  const labSel = document.getElementById('labsel') as HTMLSelectElement;
  const grid = document.getElementById('grid') as HTMLElement;
  const help = document.getElementById('token-help') as HTMLElement;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${tokenInput.value}` });
  const names = new Map<string, string>();
  const labTitle = () => labSel.selectedOptions[0]?.textContent ?? labSel.value;

  /** A refused token: say how to find the right one (the API's `help`), instead of an error code. */
  const refused = async (r: Response): Promise<boolean> => {
    if (r.status !== 401) return false;
    const body = (await r.json().catch(() => ({}))) as { error?: string; help?: string };
    (document.getElementById('token-help-title') as HTMLElement).textContent = tokenInput.value === '' ? 'The class page needs the instructor token' : 'That instructor token is not the right one';
    (document.getElementById('token-help-error') as HTMLElement).textContent = body.error ?? 'The server refused the token.';
    (document.getElementById('token-help-text') as HTMLElement).textContent = body.help ?? 'Ask whoever runs the server for the instructor token.';
    help.hidden = false;
    grid.innerHTML = '';
    sessionStorage.removeItem('stacklab-instructor');
    document.body.dataset['ready'] = '1';
    return true;
  };

  const refresh = async () => {
    const r = await fetch(`/api/instructor/labs/${encodeURIComponent(labSel.value)}/grades`, { headers: auth() });
    if (await refused(r)) return;
    if (!r.ok) {
      grid.textContent = ((await r.json()) as { error: string }).error;
      return;
    }
    help.hidden = true;
    sessionStorage.setItem('stacklab-instructor', tokenInput.value);
    const rows = (await r.json()) as GradeRow[];
    for (const row of rows) names.set(row.learner, row.name);
    grid.innerHTML = gridHtml(labTitle(), rows);
    document.body.dataset['ready'] = '1';
  };

  const detail = document.getElementById('learner-detail') as HTMLElement;
  const detailBody = document.getElementById('learner-detail-body') as HTMLElement;
  /** The drill-down of one learner in the selected lab. */
  const showLearner = async (learner: string) => {
    const lab = labSel.value;
    const r = await fetch(`/api/instructor/labs/${encodeURIComponent(lab)}/learners/${encodeURIComponent(learner)}`, { headers: auth() });
    if (await refused(r)) return;
    detail.hidden = false;
    const title = document.getElementById('learner-detail-title') as HTMLElement;
    if (!r.ok) {
      title.textContent = `${names.get(learner) ?? learner}: ${((await r.json()) as { error: string }).error}`;
      detailBody.innerHTML = '';
      return;
    }
    const d = (await r.json()) as DrillDown;
    title.textContent = `${d.learner.name} in ${d.lab.title}`;
    detailBody.innerHTML = drillDownHtml(d);
    detailBody.dataset['lab'] = lab;
    detailBody.dataset['learner'] = learner;
    // The drill-down has an address: reloading or sharing it opens it again (the token stays in this tab).
    history.replaceState(null, '', `/instructor?lab=${encodeURIComponent(lab)}&learner=${encodeURIComponent(learner)}`);
    detail.focus();
  };
  /** An entry's output, fetched the first time it is opened. */
  const toggleOutput = async (b: HTMLElement) => {
    const pre = b.nextElementSibling as HTMLElement;
    const open = b.getAttribute('aria-expanded') !== 'true';
    b.setAttribute('aria-expanded', String(open));
    pre.hidden = !open;
    if (!open || pre.dataset['loaded'] === '1') return;
    const url = `/api/instructor/labs/${encodeURIComponent(detailBody.dataset['lab'] ?? '')}/learners/${encodeURIComponent(detailBody.dataset['learner'] ?? '')}/output/${encodeURIComponent(b.dataset['seq'] ?? '')}`;
    const r = await fetch(url, { headers: auth() });
    if (await refused(r)) return;
    const o = (await r.json()) as { stdout?: string; stderr?: string; truncated?: boolean; error?: string };
    pre.textContent = r.ok ? `${o.stdout ?? ''}${o.stderr ?? ''}${o.truncated ? '\n[output cut when stored]' : ''}` : (o.error ?? 'could not read the output');
    pre.dataset['loaded'] = '1';
  };

  let view: TopologyView | null = null;
  /** A learner's cloud in this lab, as their topology view draws it (read-only: no trace, commands as text). */
  const showTopology = async (learner: string, name: string) => {
    const section = document.getElementById('learner-topology') as HTMLElement;
    const title = document.getElementById('learner-topology-title') as HTMLElement;
    const r = await fetch(`/api/instructor/learners/${encodeURIComponent(learner)}/topology?workspace=${encodeURIComponent(`lab:${labSel.value}`)}`, { headers: auth() });
    if (await refused(r)) return;
    section.hidden = false;
    if (!r.ok) {
      title.textContent = `${name}'s cloud in ${labTitle()}: ${((await r.json()) as { error: string }).error}`;
      return;
    }
    title.textContent = `${name}'s cloud in ${labTitle()}`;
    view ??= topologyView(document.getElementById('learner-topology-view') as HTMLElement);
    view.update((await r.json()) as Topology);
    view.shown();
    title.scrollIntoView();
  };

  app.addEventListener('click', (ev) => {
    const t = ev.target instanceof Element ? ev.target : null;
    const b = t?.closest<HTMLElement>('.learner-open, .learner-topo, .show-output, #detail-close') ?? null;
    if (!b) return;
    const learner = b.dataset['learner'] ?? '';
    if (b.classList.contains('learner-open')) void showLearner(learner);
    else if (b.classList.contains('learner-topo')) void showTopology(learner, names.get(learner) ?? learner);
    else if (b.classList.contains('show-output')) void toggleOutput(b);
    else {
      detail.hidden = true;
      history.replaceState(null, '', `/instructor?lab=${encodeURIComponent(labSel.value)}`);
    }
  });
  document.getElementById('auth')?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void refresh();
  });
  document.getElementById('csv')?.addEventListener('click', () => {
    void fetch(`/api/instructor/labs/${encodeURIComponent(labSel.value)}/grades?format=csv`, { headers: auth() }).then(async (r) => {
      if (await refused(r)) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(await r.blob());
      a.download = `${labSel.value}-grades.csv`;
      a.click();
    });
  });
  mountLabsAdmin(document.getElementById('labs-admin-body') as HTMLElement, auth);
  mountLtiAdmin(document.getElementById('lti-admin-body') as HTMLElement, auth);
  setInterval(() => {
    // A refused token stops the refreshing until the instructor submits another.
    if (tokenInput.value !== '' && help.hidden) void refresh();
  }, 3000);
  // `/instructor?lab=LAB&learner=ID` opens that lab, and that learner's drill-down once the token is accepted.
  const asked = new URLSearchParams(location.search);
  const askedLab = asked.get('lab');
  if (askedLab !== null && labs.some((l) => l.id === askedLab)) labSel.value = askedLab;
  const askedLearner = asked.get('learner');
  if (tokenInput.value !== '') void refresh().then(() => (askedLearner !== null && help.hidden ? showLearner(askedLearner) : undefined));
  else document.body.dataset['ready'] = '1';
}
