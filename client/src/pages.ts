/** The home page: labs with the learner's progress, sandboxes, a display name (the class page is instructor.ts). */
import { apiFetch, esc } from './util.js';
import { applyTheme, loadSettings } from './settings.js';
import type { LabSummary, Progress } from './types.js';

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
