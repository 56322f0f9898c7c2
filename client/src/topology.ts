/**
 * The topology view: the learner's cloud drawn as SVG (topology-layout.ts), redrawn when the
 * server sends a new topology; zoom inside its own scrolling box, a table view, full screen,
 * each element's details (what `openstack … show` prints, and that command), a packet path
 * highlighted with its hops, and "Trace…": pick two elements and `stacklab trace` is typed.
 */
import { announce, esc } from './util.js';
import { detailsKey, endpointOf, pathMarks, topologySvg, topologyTables, traceCommand } from './topology-layout.js';
import type { PacketPath, Topology } from './topology-types.js';

export interface TopologyViewOptions {
  /** Types a command into the terminal; absent (the instructor's view): no Trace, commands shown as text. */
  type?: (command: string) => void;
  /** Asks the server for an element's show rows when the topology came without them (the learner's page). */
  requestDetails?: (elementId: string) => void;
}

export interface TopologyView {
  update(t: Topology): void;
  showPath(p: PacketPath): void;
  /** The show rows the server sent for an element (null: it is not drawn any more). */
  details(elementId: string, rows: Array<[string, string]> | null): void;
  /** The view has just been shown: fit the picture to its box unless the learner zoomed. */
  shown(): void;
}

const ZOOM = { min: 0.25, max: 3, step: 1.25 };
/** "Fit" shrinks the picture to the pane's width, but not below this: the labels stay readable (the box scrolls). */
const READABLE = 0.7;
const VERDICT_WORD = { pass: 'passes', nat: 'rewritten', drop: 'dropped' } as const;

function viewHtml(trace: boolean): string {
  return `<div class="topo-bar" role="toolbar" aria-label="Topology tools">
    <button type="button" data-zoom="out" aria-label="Zoom out" title="Zoom out">−</button><button type="button" data-zoom="fit" title="Fit to the pane (as far as the labels stay readable)">Fit</button><button type="button" data-zoom="in" aria-label="Zoom in" title="Zoom in">+</button>
    <button type="button" class="topo-table-btn" aria-pressed="false">Table</button>
    ${trace ? '<button type="button" class="topo-trace-btn" aria-pressed="false" aria-controls="topo-trace">Trace…</button>' : ''}
    <button type="button" class="topo-full-btn" aria-pressed="false">Full screen</button></div>
    ${
      trace
        ? `<form class="topo-trace" id="topo-trace" hidden><p class="topo-hint" id="topo-hint">Pick the source, then the destination: click a server, the laptop, the Internet or an address (or type them).</p>
    <label>From <input name="from" list="topo-endpoints" autocomplete="off" spellcheck="false" /></label> <label>To <input name="to" list="topo-endpoints" autocomplete="off" spellcheck="false" /></label>
    <button type="submit">Type the command</button> <button type="button" class="topo-trace-cancel">Cancel</button><datalist id="topo-endpoints"></datalist></form>`
        : ''
    }
    <div class="topo-canvas" aria-label="Topology picture: each element is a button that shows its details"></div>
    <div class="topo-tables" hidden></div>
    <section class="topo-details" aria-label="Details" hidden></section>
    <section class="topo-path" aria-label="Packet path" hidden></section>`;
}

function detailsHtml(id: string, title: string, t: Topology, trace: boolean, fetched: Map<string, Array<[string, string]>>): string {
  const key = detailsKey(id);
  const d = t.details[key];
  const got = d?.rows ?? fetched.get(key);
  const rows = !d
    ? '<p>Nothing to show for it.</p>'
    : got
      ? `<table class="topo-show"><tbody>${got.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`
      : '<p class="topo-loading">Loading…</p>';
  const command = d ? `<p>${commandHtml(d.command, trace)}</p>` : '';
  return `<h3>${esc(title)}</h3>${command}${rows}<button type="button" class="topo-close">Close</button>`;
}

/** A command to type into the terminal (as text where there is no terminal). */
function commandHtml(command: string, trace: boolean): string {
  return trace ? `<button type="button" class="topo-cmd" data-command="${esc(command)}" title="Type this command"><code>${esc(command)}</code></button>` : `<code>${esc(command)}</code>`;
}

function pathHtml(p: PacketPath, trace: boolean): string {
  const steps = p.steps
    .map(
      (s) =>
        `<li class="step-${s.verdict}"><span class="where">${esc(s.where)}</span>: ${esc(s.what)} <span class="sr-only">(${VERDICT_WORD[s.verdict]})</span>${s.fix ? `<br>${commandHtml(s.fix, trace)}` : ''}</li>`,
    )
    .join('');
  const verdict = p.verdict === 'delivered' ? `Delivered${p.reason ? `: ${esc(p.reason)}` : ''}` : `Dropped: ${esc(p.reason)}`;
  // The verdict first: it is what the learner asked; the hops explain it.
  return `<h3>Path from ${esc(p.from)} to ${esc(p.to)} (${esc(p.proto)})</h3><p class="topo-verdict ${p.verdict}">${verdict}</p><ol>${steps}</ol><button type="button" class="topo-clear">Clear</button>`;
}

/** Mounts the view in `root` (emptied first). */
export function topologyView(root: HTMLElement, opts: TopologyViewOptions = {}): TopologyView {
  const trace = opts.type !== undefined;
  root.classList.add('topo');
  root.innerHTML = viewHtml(trace);
  const q = <T extends HTMLElement>(sel: string) => root.querySelector(sel) as T;
  const canvas = q<HTMLElement>('.topo-canvas');
  const tables = q<HTMLElement>('.topo-tables');
  const details = q<HTMLElement>('.topo-details');
  const pathBox = q<HTMLElement>('.topo-path');
  const form = trace ? q<HTMLFormElement>('.topo-trace') : null;
  let topo: Topology | null = null;
  /** Show rows the server sent for elements of the current topology (the learner's page gets them on demand). */
  const fetched = new Map<string, Array<[string, string]>>();
  let path: PacketPath | null = null;
  let scale = 1;
  let fitted = true;

  const svg = () => canvas.querySelector('svg');
  const applyScale = () => {
    const s = svg();
    if (!s) return;
    const [, , w, h] = (s.getAttribute('viewBox') ?? '0 0 0 0').split(' ').map(Number);
    s.setAttribute('width', String(Math.round((w ?? 0) * scale)));
    s.setAttribute('height', String(Math.round((h ?? 0) * scale)));
  };
  const fit = () => {
    const s = svg();
    const w = Number((s?.getAttribute('viewBox') ?? '0 0 0 0').split(' ')[2]);
    if (!s || canvas.clientWidth === 0 || w === 0) return;
    scale = Math.min(1, Math.max(READABLE, (canvas.clientWidth - 4) / w));
    applyScale();
  };
  const mark = () => {
    const on = path && topo ? pathMarks(topo, path.elements) : new Set<string>();
    const dropped = new Set(path?.steps.filter((s) => s.verdict === 'drop' && s.element !== null).map((s) => s.element as string));
    for (const e of Array.from(root.querySelectorAll<Element>('[data-id]'))) {
      const id = e.getAttribute('data-id') ?? '';
      e.classList.toggle('on-path', on.has(id));
      e.classList.toggle('drop-here', dropped.has(id));
    }
  };
  const draw = () => {
    if (!topo) return;
    canvas.innerHTML = topologySvg(topo);
    tables.innerHTML = topologyTables(topo);
    if (fitted) fit();
    else applyScale();
    mark();
    const list = root.querySelector('#topo-endpoints');
    if (list) {
      const names = ['laptop', 'internet', ...topo.servers.map((s) => endpointOf(topo as Topology, `server:${s.id}`) ?? s.id)];
      list.innerHTML = names.map((n) => `<option value="${esc(n)}"></option>`).join('');
    }
  };

  const pick = (id: string) => {
    if (!form || !topo) return;
    const end = endpointOf(topo, id);
    const hint = q<HTMLElement>('.topo-hint');
    if (end === null) {
      hint.textContent = 'That is not an end of a path: pick a server, the laptop, the Internet, a floating IP or a port.';
      return;
    }
    const from = form.elements.namedItem('from') as HTMLInputElement;
    const to = form.elements.namedItem('to') as HTMLInputElement;
    if (from.value === '') from.value = end;
    else to.value = end;
    hint.textContent = to.value === '' ? `From ${from.value}: now pick the destination.` : `From ${from.value} to ${to.value}: type the command, or pick again.`;
    announce(hint.textContent);
  };
  const open = (id: string) => {
    if (!topo) return;
    if (form && !form.hidden) return pick(id);
    showDetails(id, topo);
  };
  /** The details of an element; false when the element is no longer drawn (deleted). */
  const showDetails = (id: string, t: Topology): boolean => {
    const title = canvas.querySelector(`[data-id="${CSS.escape(id)}"] > title`)?.textContent;
    if (title === undefined) return false;
    details.innerHTML = detailsHtml(id, title, t, trace, fetched);
    const key = detailsKey(id);
    if (t.details[key] && !t.details[key].rows && !fetched.has(key)) opts.requestDetails?.(key);
    details.dataset['shown'] = id;
    details.hidden = false;
    return true;
  };
  const idOf = (target: EventTarget | null) => (target instanceof Element ? target.closest('[data-id]')?.getAttribute('data-id') ?? null : null);

  root.addEventListener('click', (ev) => {
    const t = ev.target instanceof Element ? ev.target : null;
    const button = t?.closest('button');
    const id = idOf(ev.target);
    if (id !== null) return open(id);
    if (!button) return;
    const zoom = button.getAttribute('data-zoom');
    if (zoom) return zoomBy(zoom);
    if (button.classList.contains('topo-table-btn')) return toggle(button, tables, canvas);
    if (button.classList.contains('topo-full-btn')) return fullScreen(button);
    if (button.classList.contains('topo-trace-btn') && form) return toggleTrace(button, form);
    if (button.classList.contains('topo-trace-cancel') && form) return toggleTrace(q('.topo-trace-btn'), form);
    if (button.classList.contains('topo-cmd')) return opts.type?.(button.getAttribute('data-command') ?? '');
    if (button.classList.contains('topo-close')) details.hidden = true;
    if (button.classList.contains('topo-clear')) {
      path = null;
      pathBox.hidden = true;
      mark();
    }
  });
  // The picture's elements are buttons: Enter and Space show them (the tables' are real buttons).
  canvas.addEventListener('keydown', (ev) => {
    const id = idOf(ev.target);
    if (id === null || (ev.key !== 'Enter' && ev.key !== ' ')) return;
    ev.preventDefault();
    open(id);
  });
  root.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || !root.classList.contains('topo-full')) return;
    fullScreen(q('.topo-full-btn'));
    q<HTMLElement>('.topo-full-btn').focus();
  });
  form?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = (form.elements.namedItem('from') as HTMLInputElement).value.trim();
    const to = (form.elements.namedItem('to') as HTMLInputElement).value.trim();
    if (from === '' || to === '') {
      q<HTMLElement>('.topo-hint').textContent = 'Pick (or type) both ends first.';
      return;
    }
    toggleTrace(q('.topo-trace-btn'), form);
    opts.type?.(traceCommand(from, to));
  });

  function zoomBy(how: string): void {
    if (how === 'fit') {
      fitted = true;
      fit();
      return;
    }
    fitted = false;
    scale = Math.min(ZOOM.max, Math.max(ZOOM.min, how === 'in' ? scale * ZOOM.step : scale / ZOOM.step));
    applyScale();
  }
  function toggle(button: HTMLElement, show: HTMLElement, hide: HTMLElement): void {
    const on = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(on));
    show.hidden = !on;
    hide.hidden = on;
    if (!on && fitted) fit();
  }
  function fullScreen(button: HTMLElement): void {
    const on = root.classList.toggle('topo-full');
    button.setAttribute('aria-pressed', String(on));
    if (fitted) fit();
  }
  function toggleTrace(button: HTMLElement, f: HTMLFormElement): void {
    const on = f.hidden;
    f.hidden = !on;
    button.setAttribute('aria-pressed', String(on));
    if (on) {
      f.reset();
      (f.elements.namedItem('from') as HTMLInputElement).focus();
    }
  }
  // The box changes size with the split, the window and full screen: a fitted picture follows.
  new ResizeObserver(() => {
    if (fitted) fit();
  }).observe(canvas);

  return {
    update(t) {
      // The cloud changed: rows fetched for the old one may be stale.
      if (t !== topo) fetched.clear();
      topo = t;
      draw();
      // The details shown follow the cloud; they go when their element is deleted.
      if (!details.hidden && !showDetails(details.dataset['shown'] ?? '', t)) details.hidden = true;
      document.body.dataset['topology'] = String((Number(document.body.dataset['topology']) || 0) + 1);
    },
    showPath(p) {
      path = p;
      pathBox.innerHTML = pathHtml(p, trace);
      pathBox.hidden = false;
      pathBox.scrollTop = 0;
      mark();
      announce(`Path from ${p.from} to ${p.to}: ${p.verdict}${p.reason ? `, ${p.reason}` : ''}.`);
    },
    shown() {
      if (fitted) fit();
    },
    details(elementId, rows) {
      if (rows === null || !topo) return;
      fetched.set(elementId, rows);
      const shown = details.dataset['shown'] ?? '';
      if (!details.hidden && detailsKey(shown) === elementId) showDetails(shown, topo);
    },
  };
}
