/** The home page (labs with the learner's progress, sandboxes, a display name) and the instructors' class page. */
import { apiFetch, esc } from './util.js';
import { applyTheme, loadSettings } from './settings.js';
import type { Grade, LabSummary, Progress } from './types.js';
import { topologyView, type TopologyView } from './topology.js';
import type { Topology } from './topology-types.js';

interface Fixture {
  name: string;
  description: string;
  startHost: string;
}

function progressHtml(lab: LabSummary, p: Progress | undefined): string {
  if (!p || p.passed === 0) return `<p class="progress-text">Not started</p>`;
  const text = p.passed === p.steps ? 'Complete' : `${p.passed} of ${p.steps} steps done`;
  return `<p class="progress-text">${text}</p><progress max="100" value="${p.percent}" aria-label="Progress in ${esc(lab.title)}">${p.percent} %</progress>`;
}

export async function catalogue(app: HTMLElement): Promise<void> {
  applyTheme(loadSettings().theme);
  const [fixtures, labs, me, progress] = await Promise.all([
    apiFetch('/api/fixtures').then((r) => r.json() as Promise<Fixture[]>),
    apiFetch('/api/labs').then((r) => r.json() as Promise<LabSummary[]>),
    apiFetch('/api/me').then((r) => r.json() as Promise<{ id: string; name: string }>),
    apiFetch('/api/me/progress').then((r) => r.json() as Promise<Progress[]>),
  ]);
  const mine = new Map(progress.map((p) => [p.lab, p]));
  app.innerHTML = `<section class="catalogue">
    <form id="who" class="who"><label for="name">Your name</label>
    <input id="name" name="name" maxlength="40" value="${esc(me.name)}" autocomplete="nickname" />
    <button type="submit">Save</button> <span id="saved" role="status"></span></form>
    <h1>Labs</h1>
    <div class="cards">${labs
      .map(
        (l) =>
          `<a class="card" href="/lab/${esc(l.id)}" id="card-${esc(l.id)}"><h2>${esc(l.title)}</h2><p>${esc(l.summary)}</p><p class="minutes">about ${l.minutes} min</p>${progressHtml(l, mine.get(l.id))}</a>`,
      )
      .join('')}</div>
    <h1>Sandboxes</h1>
    <p>Free play on a simulated OpenStack Zed cloud of your own. Type real <code>openstack</code> commands.</p>
    <div class="cards">${fixtures
      .map((f) => `<a class="card sandbox" href="/sandbox/${esc(f.name)}"><h2>${esc(f.name)}</h2><p>${esc(f.description)}</p></a>`)
      .join('')}</div></section>`;
  document.getElementById('who')?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = (document.getElementById('name') as HTMLInputElement).value;
    void apiFetch('/api/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) }).then(async (r) => {
      (document.getElementById('saved') as HTMLElement).textContent = r.ok ? 'saved' : ((await r.json()) as { error: string }).error;
    });
  });
  document.body.dataset['ready'] = '1';
}

interface GradeRow {
  learner: string;
  result: Grade | null;
}

/** The class page: every learner × step of a lab, refreshed every few seconds; CSV export; a learner's topology on demand. */
export async function instructorPage(app: HTMLElement): Promise<void> {
  applyTheme(loadSettings().theme);
  const labs = (await (await fetch('/api/labs')).json()) as Array<{ id: string; title: string }>;
  app.innerHTML = `<section class="catalogue instructor"><h1>Class progress</h1>
    <form id="auth" class="who"><label for="token">Instructor token</label><input id="token" type="password" autocomplete="off" />
    <label for="labsel">Lab</label><select id="labsel">${labs.map((l) => `<option value="${esc(l.id)}">${esc(l.title)}</option>`).join('')}</select>
    <button type="submit">Show</button> <button type="button" id="csv">Export CSV</button></form>
    <div id="grid" role="region" aria-label="Class progress" aria-live="polite"></div>
    <section id="learner-topology" aria-labelledby="learner-topology-title" hidden><h2 id="learner-topology-title"></h2><div id="learner-topology-view"></div></section></section>`;
  const tokenInput = document.getElementById('token') as HTMLInputElement;
  tokenInput.value = sessionStorage.getItem('stacklab-instructor') ?? '';
  const labSel = document.getElementById('labsel') as HTMLSelectElement;
  const grid = document.getElementById('grid') as HTMLElement;
  const names = new Map<string, string>();
  const headers = () => ({ Authorization: `Bearer ${tokenInput.value}` });
  const refresh = async () => {
    const r = await fetch(`/api/instructor/labs/${encodeURIComponent(labSel.value)}/grades`, { headers: headers() });
    if (!r.ok) {
      grid.textContent = ((await r.json()) as { error: string }).error;
      return;
    }
    sessionStorage.setItem('stacklab-instructor', tokenInput.value);
    const rows = (await r.json()) as GradeRow[];
    for (const row of rows) {
      if (!names.has(row.learner)) {
        const l = await fetch(`/api/instructor/learners/${encodeURIComponent(row.learner)}`, { headers: headers() });
        names.set(row.learner, l.ok ? ((await l.json()) as { name: string }).name : row.learner);
      }
    }
    const steps = rows.find((x) => x.result)?.result?.steps ?? [];
    grid.innerHTML =
      rows.length === 0
        ? '<p>No learner has started this lab yet.</p>'
        : `<table class="class"><caption>${esc(labSel.selectedOptions[0]?.textContent ?? '')}</caption><thead><tr><th scope="col">Learner</th>${steps.map((st, i) => `<th scope="col" title="${esc(st.id)}">Step ${i + 1}</th>`).join('')}<th scope="col">Score</th><th scope="col">Cloud</th></tr></thead><tbody>${rows
            .map(
              (row) =>
                `<tr><th scope="row">${esc(names.get(row.learner) ?? row.learner)}</th>${(row.result?.steps ?? []).map((st) => `<td class="${st.passed ? 'ok' : st.earned > 0 ? 'part' : ''}">${st.earned}/${st.points}</td>`).join('')}<td>${row.result?.percent ?? 0} %</td><td><button type="button" class="learner-topo" data-learner="${esc(row.learner)}" aria-label="Topology of ${esc(names.get(row.learner) ?? row.learner)}">Topology</button></td></tr>`,
            )
            .join('')}</tbody></table>`;
    document.body.dataset['ready'] = '1';
  };
  let view: TopologyView | null = null;
  grid.addEventListener('click', (ev) => {
    const b = ev.target instanceof Element ? ev.target.closest<HTMLElement>('.learner-topo') : null;
    if (!b) return;
    const learner = b.dataset['learner'] ?? '';
    void showTopology(learner, names.get(learner) ?? learner);
  });
  /** A learner's cloud in this lab, as their topology view draws it (read-only: no trace, commands as text). */
  const showTopology = async (learner: string, name: string) => {
    const section = document.getElementById('learner-topology') as HTMLElement;
    const title = document.getElementById('learner-topology-title') as HTMLElement;
    const lab = labSel.selectedOptions[0]?.textContent ?? labSel.value;
    const r = await fetch(`/api/instructor/learners/${encodeURIComponent(learner)}/topology?workspace=${encodeURIComponent(`lab:${labSel.value}`)}`, { headers: headers() });
    section.hidden = false;
    if (!r.ok) {
      title.textContent = `${name}'s cloud in ${lab}: ${((await r.json()) as { error: string }).error}`;
      return;
    }
    title.textContent = `${name}'s cloud in ${lab}`;
    view ??= topologyView(document.getElementById('learner-topology-view') as HTMLElement);
    view.update((await r.json()) as Topology);
    view.shown();
    title.scrollIntoView();
  };
  document.getElementById('auth')?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void refresh();
  });
  document.getElementById('csv')?.addEventListener('click', () => {
    void fetch(`/api/instructor/labs/${encodeURIComponent(labSel.value)}/grades?format=csv`, { headers: headers() }).then(async (r) => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(await r.blob());
      a.download = `${labSel.value}-grades.csv`;
      a.click();
    });
  });
  setInterval(() => {
    if (tokenInput.value !== '') void refresh();
  }, 3000);
  if (tokenInput.value !== '') void refresh();
  else document.body.dataset['ready'] = '1';
}
