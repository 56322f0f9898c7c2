/**
 * The terminal page: xterm.js with fit, the pure line editor, and a WebSocket to the learner's
 * session. The server owns the cloud and the prompt; the browser only edits and displays lines.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { applyCompletion, draw, feed, formatCandidates, leave, lineTooLong, MAX_LINE, newEditor, type EditorState } from './line-editor.js';

const GUIDES = import.meta.glob('./guides/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Markdown to safe HTML: rendered with marked, sanitised with DOMPurify. */
export function markdown(md: string): string {
  return DOMPurify.sanitize(marked.parse(md, { async: false }));
}

interface Fixture {
  name: string;
  description: string;
  startHost: string;
}

interface LabView {
  id: string;
  title: string;
  summary: string;
  minutes: number;
  intro: string;
  steps: Array<{ id: string; title: string; body: string; hints: string[]; checks: Array<{ id: string; type: string; title: string; points: number }> }>;
}

interface Grade {
  percent: number;
  earned: number;
  points: number;
  steps: Array<{ id: string; passed: boolean; earned: number; points: number; checks: Array<{ id: string; passed: boolean; why: string }> }>;
}

type ServerMessage =
  | { t: 'grade'; result: Grade; firstPassed: Record<string, number> }
  | { t: 'solution'; step: string; lines: string[] }
  | { t: 'hello'; prompt: string; history: string[]; workspace: string; fixture: string; learner: string }
  | { t: 'result'; stdout: string; stderr: string; exitCode: number; prompt: string }
  | { t: 'completion'; candidates: string[]; replacement?: string }
  | { t: 'error'; message: string };

const app = document.getElementById('app') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function catalogue(): Promise<void> {
  const fixtures = (await (await fetch('/api/fixtures')).json()) as Fixture[];
  const labs = (await (await fetch('/api/labs')).json()) as Array<{ id: string; title: string; summary: string; minutes: number }>;
  const me = (await (await fetch('/api/me')).json()) as { id: string; name: string };
  app.innerHTML = `<section class="catalogue">
    <form id="who" class="who"><label for="name">Your name</label>
    <input id="name" name="name" maxlength="40" value="${esc(me.name)}" autocomplete="nickname" />
    <button type="submit">Save</button> <span id="saved" role="status"></span></form>
    <h1>Labs</h1>
    <div class="cards">${labs
      .map((l) => `<a class="card" href="/lab/${esc(l.id)}"><h2>${esc(l.title)}</h2><p>${esc(l.summary)}</p><p class="minutes">about ${l.minutes} min</p></a>`)
      .join('')}</div>
    <h1>Sandboxes</h1>
    <p>Free play on a simulated OpenStack Zed cloud of your own. Type real <code>openstack</code> commands.</p>
    <div class="cards">${fixtures
      .map((f) => `<a class="card sandbox" href="/sandbox/${esc(f.name)}"><h2>${esc(f.name)}</h2><p>${esc(f.description)}</p></a>`)
      .join('')}</div></section>`;
  document.getElementById('who')?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = (document.getElementById('name') as HTMLInputElement).value;
    void fetch('/api/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) }).then(async (r) => {
      (document.getElementById('saved') as HTMLElement).textContent = r.ok ? 'saved' : ((await r.json()) as { error: string }).error;
    });
  });
  document.body.dataset['ready'] = '1';
}

/** Turns every line of every code block in the pane into a clickable, focusable command. */
function clickableCommands(pane: HTMLElement): void {
  for (const pre of Array.from(pane.querySelectorAll('pre'))) {
    const lines = (pre.textContent ?? '').split('\n').filter((l) => l.trim() !== '');
    pre.innerHTML = lines.map((l) => `<code class="cmd" tabindex="0" role="button" title="Type this command">${esc(l)}</code>`).join('\n');
  }
}

/** Sends an answer to a question check (set once the terminal's socket exists). */
let answer: ((check: string, value: string) => void) | null = null;
/** Asks for a step's solution (recorded by the server). */
let solution: ((step: string) => void) | null = null;

async function labPage(id: string): Promise<void> {
  const res = await fetch(`/api/labs/${encodeURIComponent(id)}`);
  if (!res.ok) {
    app.innerHTML = `<section class="catalogue"><h1>No such lab</h1><p><a href="/">Back to the labs</a></p></section>`;
    return;
  }
  const lab = (await res.json()) as LabView;
  const shown = new Map<string, number>();
  terminalPage(`lab:${lab.id}`, lab.title, (pane) => {
    pane.innerHTML = `<h1 class="lab-title">${esc(lab.title)}</h1><p class="score" id="score" role="status">Score: 0 %</p>${markdown(lab.intro)}${lab.steps
      .map(
        (st, i) => `<section class="step" id="step-${esc(st.id)}"><h2><span class="mark" aria-hidden="true">○</span> ${i + 1}. ${esc(st.title)}</h2>
        ${markdown(st.body)}
        <ul class="checks">${st.checks.map((c) => `<li id="check-${esc(c.id)}" class="check" data-type="${esc(c.type)}"><span class="mark">○</span> ${esc(c.title)} <span class="pts">(${c.points} pt${c.points === 1 ? '' : 's'})</span>${
          c.type === 'question'
            ? `<form class="answer" data-check="${esc(c.id)}"><input name="value" maxlength="200" aria-label="Your answer" /><button type="submit">Answer</button></form>`
            : ''
        }<div class="why"></div></li>`).join('')}</ul>
        ${st.hints.length ? `<button type="button" class="hint-btn" data-step="${esc(st.id)}">Show a hint</button><div class="hints" id="hints-${esc(st.id)}"></div>` : ''}
        <button type="button" class="solution-btn" data-step="${esc(st.id)}" title="Recorded for your instructor">Show the solution</button><pre class="solution" id="solution-${esc(st.id)}" hidden></pre>
        </section>`,
      )
      .join('')}`;
    clickableCommands(pane);
    pane.addEventListener('submit', (ev) => {
      const f = ev.target;
      if (!(f instanceof HTMLFormElement) || !f.classList.contains('answer')) return;
      ev.preventDefault();
      const value = (f.elements.namedItem('value') as HTMLInputElement).value;
      answer?.(f.dataset['check'] ?? '', value);
    });
    pane.addEventListener('click', (ev) => {
      const b = ev.target;
      if (b instanceof HTMLElement && b.classList.contains('solution-btn')) {
        solution?.(b.dataset['step'] ?? '');
        return;
      }
      if (!(b instanceof HTMLElement) || !b.classList.contains('hint-btn')) return;
      const stepId = b.dataset['step'] ?? '';
      const step = lab.steps.find((x) => x.id === stepId);
      const n = shown.get(stepId) ?? 0;
      if (!step || n >= step.hints.length) return;
      (document.getElementById(`hints-${stepId}`) as HTMLElement).insertAdjacentHTML('beforeend', `<div class="hint">${markdown(step.hints[n] as string)}</div>`);
      shown.set(stepId, n + 1);
      if (n + 1 >= step.hints.length) b.setAttribute('disabled', '');
    });
  }, (g) => {
    (document.getElementById('score') as HTMLElement).textContent = `Score: ${g.percent} % (${g.earned} of ${g.points} points)`;
    for (const st of g.steps) {
      const sec = document.getElementById(`step-${st.id}`);
      sec?.classList.toggle('passed', st.passed);
      const mark = sec?.querySelector('h2 .mark');
      if (mark) mark.textContent = st.passed ? '✓' : '○';
      for (const c of st.checks) {
        const li = document.getElementById(`check-${c.id}`);
        if (!li) continue;
        li.classList.toggle('passed', c.passed);
        (li.querySelector('.mark') as HTMLElement).textContent = c.passed ? '✓' : '○';
        (li.querySelector('.why') as HTMLElement).textContent = c.passed ? '' : c.why;
      }
    }
    document.body.dataset['score'] = String(g.percent);
  });
}

function terminalPage(workspace: string, label: string, fillPane?: (pane: HTMLElement) => void, onGrade?: (g: Grade) => void): void {
  const fixture = workspace.startsWith('sandbox:') ? workspace.slice(8) : '';
  app.innerHTML = `<div class="workspace"><aside class="lab-pane" id="lab"></aside>
    <section class="term-pane"><div class="toolbar"><span class="name">${esc(label)}</span>
    <button id="reset" type="button" title="Start this cloud over from its fixture">Reset</button></div>
    <div id="terminal"></div></section></div>`;
  // A little extra line height keeps underscores visible with common monospace fonts.
  const term = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 14, lineHeight: 1.2, scrollback: 5000, fontFamily: "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace" });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal') as HTMLElement);
  fit.fit();
  (window as unknown as { stacklabTerm: Terminal }).stacklabTerm = term;
  let editor: EditorState = newEditor('', [], term.cols);
  /** Draws the line being edited where it is on screen (wrapped over as many rows as it needs). */
  const redraw = () => {
    const d = draw(editor);
    editor = d.state;
    term.write(d.output);
  };
  const guide = GUIDES[`./guides/${fixture}.md`];
  const pane = document.getElementById('lab') as HTMLElement;
  if (fillPane) fillPane(pane);
  else if (guide) {
    pane.innerHTML = markdown(guide);
    // Each line of a code block is a command: clicking one types it at the prompt.
    clickableCommands(pane);
  }
  if (pane.innerHTML !== '') {
    pane.addEventListener('click', (ev) => typeCommand(ev.target));
    // Only a command of the pane takes Enter and Space: an answer box, a button or a link keeps its own.
    pane.addEventListener('keydown', (ev) => {
      if ((ev.key === 'Enter' || ev.key === ' ') && ev.target instanceof HTMLElement && ev.target.classList.contains('cmd')) {
        ev.preventDefault();
        typeCommand(ev.target);
      }
    });
  }
  function typeCommand(target: EventTarget | null): void {
    if (!(target instanceof HTMLElement) || !target.classList.contains('cmd')) return;
    // As keys (End, Ctrl-U, the text): the line is replaced in turn, after any line still running.
    typeahead += `\x05\x15${target.textContent ?? ''}`;
    drain();
    term.focus();
  }
  let ws: WebSocket | null = null;
  let ready = false;
  let waiting = 0;
  const queue: string[] = [];
  /**
   * Keys and pastes not read yet. Like a shell reading typeahead, the editor takes input only while
   * no line is waiting for its result, so each line of a paste is shown after its own prompt.
   */
  let typeahead = '';
  /** Whether the line being edited is on screen (no line submitted is waiting for its output). */
  const editing = () => waiting === 0 && queue.length === 0;
  let completing = '';
  let retry = 0;

  const write = (s: string) => term.write(s.replace(/\r?\n/g, '\r\n'));
  answer = (check, value) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'answer', check, value }));
  };
  solution = (step) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'solution', step }));
  };
  const sendResize = () => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'resize', cols: Math.max(20, term.cols) }));
  };
  const pump = () => {
    while (ready && waiting === 0 && queue.length > 0 && ws?.readyState === WebSocket.OPEN) {
      const line = queue.shift() as string;
      // The server refuses a line over its limit; say so here, in turn, instead of sending it.
      const tooLong = lineTooLong(line);
      if (tooLong !== null) {
        write(tooLong);
        if (queue.length === 0) redraw();
        continue;
      }
      ws.send(JSON.stringify({ t: 'line', line }));
      waiting += 1;
    }
  };

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}/ws?workspace=${encodeURIComponent(workspace)}`);
    ws.onopen = () => {
      retry = 0;
      status.textContent = 'connected';
      status.className = 'status connected';
      sendResize();
    };
    ws.onmessage = (ev) => {
      const m = JSON.parse(String(ev.data)) as ServerMessage;
      if (m.t === 'hello') {
        const first = !ready && editor.history.length === 0 && editor.prompt === '';
        editor = { ...newEditor(m.prompt, m.history, term.cols), buffer: editor.buffer, cursor: editor.cursor, row: editor.row };
        if (first) write(`Stacklab ${workspace.startsWith('lab:') ? 'lab' : 'sandbox'} "${label}": a simulated OpenStack Zed cloud of your own.\r\n`);
        // After a reconnect the prompt is already on screen: redraw it instead of adding another.
        redraw();
        ready = true;
        waiting = 0;
        pump();
        drain();
        document.body.dataset['ready'] = '1';
      } else if (m.t === 'result') {
        waiting = Math.max(0, waiting - 1);
        write(m.stdout);
        if (m.stderr) write(m.stderr);
        editor = { ...editor, prompt: m.prompt, row: 0 };
        if (queue.length === 0) redraw();
        pump();
        drain();
      } else if (m.t === 'grade') {
        onGrade?.(m.result);
      } else if (m.t === 'solution') {
        const pre = document.getElementById(`solution-${m.step}`);
        if (pre) {
          pre.textContent = m.lines.join('\n');
          pre.hidden = false;
          clickableCommands(pre.parentElement as HTMLElement);
        }
      } else if (m.t === 'completion') {
        if (m.candidates.length > 1 && (m.replacement === undefined || m.replacement.length <= completing.length)) {
          // Below the whole line, however many rows it wraps over.
          const left = leave(editor);
          term.write(left.output + formatCandidates(m.candidates, term.cols).replace(/^\r\n/, ''));
          editor = left.state;
        }
        editor = applyCompletion(editor, completing, m.replacement);
        redraw();
      } else {
        if (editing()) {
          const left = leave(editor);
          term.write(left.output);
          editor = left.state;
          write(`${m.message}\r\n`);
        } else write(`\r\n${m.message}\r\n`);
        redraw();
      }
    };
    ws.onclose = () => {
      ready = false;
      status.textContent = 'disconnected — reconnecting…';
      status.className = 'status disconnected';
      retry += 1;
      setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(retry, 5)));
    };
  };

  /** Feeds typeahead to the editor a line at a time, each line sent before the next is read. */
  function drain(): void {
    while (typeahead !== '' && editing()) {
      const r = feed(editor, typeahead, true);
      typeahead = r.rest;
      editor = r.state;
      if (r.output) term.write(r.output);
      for (const e of r.events) {
        if (e.kind === 'submit') {
          queue.push(e.line);
        } else if (e.kind === 'complete' && e.line.length <= MAX_LINE && ws?.readyState === WebSocket.OPEN) {
          completing = e.line;
          ws.send(JSON.stringify({ t: 'complete', line: e.line }));
        } else if (e.kind === 'clear') {
          term.clear();
          redraw();
        } else if (e.kind === 'interrupt' || e.kind === 'eof') {
          redraw();
        }
      }
      pump();
    }
  }
  term.onData((data) => {
    typeahead += data;
    drain();
  });
  // Copy: selected text goes to the clipboard with Ctrl/Cmd-C when there is a selection.
  term.attachCustomKeyEventHandler((ev) => {
    if (ev.type === 'keydown' && (ev.ctrlKey || ev.metaKey) && ev.key === 'c' && term.hasSelection()) {
      void navigator.clipboard?.writeText(term.getSelection());
      return false;
    }
    return true;
  });
  document.getElementById('reset')?.addEventListener('click', () => {
    if (ws?.readyState === WebSocket.OPEN) {
      if (editing()) {
        const left = leave(editor);
        term.write(left.output);
        editor = left.state;
      } else write('\r\n');
      ws.send(JSON.stringify({ t: 'reset' }));
      waiting += 1;
    }
    term.focus();
  });
  // Refit whenever the terminal's box changes (window resize, the lab pane filling in).
  new ResizeObserver(() => {
    fit.fit();
    sendResize();
    if (term.cols === editor.cols) return;
    editor = { ...editor, cols: term.cols };
    // The terminal has reflowed the line to the new width: once what was written is on screen,
    // the cursor's row in the line is read from the rows it marks as wrapped, and the line redrawn.
    term.write('', () => {
      if (!editing() || !ready) return;
      const b = term.buffer.active;
      let y = b.baseY + b.cursorY;
      let row = 0;
      while (y > 0 && b.getLine(y)?.isWrapped) {
        row += 1;
        y -= 1;
      }
      editor = { ...editor, cols: term.cols, row };
      redraw();
    });
  }).observe(document.getElementById('terminal') as HTMLElement);
  connect();
  term.focus();
}

interface GradeRow {
  learner: string;
  result: Grade | null;
}

/** The class page: every learner × step of a lab, refreshed every few seconds; CSV export. */
async function instructorPage(): Promise<void> {
  const labs = (await (await fetch('/api/labs')).json()) as Array<{ id: string; title: string }>;
  app.innerHTML = `<section class="catalogue instructor"><h1>Class progress</h1>
    <form id="auth" class="who"><label for="token">Instructor token</label><input id="token" type="password" autocomplete="off" />
    <label for="labsel">Lab</label><select id="labsel">${labs.map((l) => `<option value="${esc(l.id)}">${esc(l.title)}</option>`).join('')}</select>
    <button type="submit">Show</button> <button type="button" id="csv">Export CSV</button></form>
    <div id="grid" role="region" aria-live="polite"></div></section>`;
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
    grid.innerHTML = rows.length === 0
      ? '<p>No learner has started this lab yet.</p>'
      : `<table class="class"><thead><tr><th>Learner</th>${steps.map((st, i) => `<th title="${esc(st.id)}">${i + 1}</th>`).join('')}<th>Score</th></tr></thead><tbody>${rows
          .map(
            (row) => `<tr><td>${esc(names.get(row.learner) ?? row.learner)}</td>${(row.result?.steps ?? []).map((st) => `<td class="${st.passed ? 'ok' : st.earned > 0 ? 'part' : ''}">${st.earned}/${st.points}</td>`).join('')}<td>${row.result?.percent ?? 0} %</td></tr>`,
          )
          .join('')}</tbody></table>`;
    document.body.dataset['ready'] = '1';
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

const sandbox = /^\/sandbox\/([a-z0-9-]+)$/.exec(location.pathname);
const labRoute = /^\/lab\/([a-z0-9-]+)$/.exec(location.pathname);
if (sandbox) terminalPage(`sandbox:${sandbox[1] as string}`, `sandbox: ${sandbox[1] as string}`);
else if (labRoute) void labPage(labRoute[1] as string);
else if (location.pathname === '/instructor') void instructorPage();
else void catalogue();
